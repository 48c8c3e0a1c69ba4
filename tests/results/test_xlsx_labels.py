"""The workbook with declared weights and with a derived 6-point conversion, recalculated."""

from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest

import instruments
from survey_app.results.exports import write_xlsx
from survey_app.results.exports.xlsx import INDEX_CELLS
from tests.helpers import IKM_CODES, make_unit
from tests.results.test_exports import (
    assert_matches_json,
    load,
    paper_rows,
    report,
    soffice_convert,
    spkp_report,
)

# Unequal, summing to 1; biaya (0.05) is left unanswered, so the rest are renormalised by 0.95.
WEIGHTS = dict(zip(IKM_CODES, (0.2, 0.15, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1), strict=True))


@pytest.fixture
def declared_ikm(monkeypatch):
    """IKM as an instrument file declaring its own element weights (in memory only)."""
    ikm = instruments.latest("ikm")
    weighted = dataclasses.replace(ikm, items=tuple(
        dataclasses.replace(item, weight=WEIGHTS[item.code]) for item in ikm.items))
    real = instruments.latest
    monkeypatch.setattr(instruments, "latest",
                        lambda slug: weighted if slug == "ikm" else real(slug))
    return weighted


def formulas(path, sheet_no):
    """{cell: formula} of one worksheet of an XLSX file."""
    xml = zipfile.ZipFile(path).read(f"xl/worksheets/sheet{sheet_no}.xml").decode()
    return dict(re.findall(r'<c r="([A-Z]+\d+)"[^>]*><f>([^<]*)</f>', xml))


def test_xlsx_declared_weights_recalculated_by_libreoffice_equal_json(runner, session,
                                                                     tmp_path, declared_ikm):
    make_unit(session)
    load(runner, tmp_path, paper_rows(skip=("biaya",)))
    rep = report(session)
    assert rep.result.weights == "declared" and rep.to_json()["omitted"] == ["biaya"]
    path = tmp_path / "declared.xlsx"
    write_xlsx(session, rep, path, cache_results=False)
    (sheets,) = soffice_convert(tmp_path, [path], "always")
    assert_matches_json(sheets, rep)
    for row, element in enumerate(rep.result.elements, start=2):
        expected = WEIGHTS[element.code] / 0.95 if element.n else 0.0
        assert sheets["NRR"][f"F{row}"] == pytest.approx(expected, abs=1e-12), element.code
        assert sheets["NRR"][f"F{row}"] == pytest.approx(element.weight, abs=1e-12)
    assert sheets["NRR"]["F2"] != pytest.approx(sheets["NRR"]["F3"])  # not one weight for all
    assert "dinormalkan ulang" in sheets["Info"]["B6"]


def test_xlsx_conversion_formulas_and_derived_labels(runner, session, tmp_path):
    rep = spkp_report(session)
    path = tmp_path / "spkp.xlsx"
    write_xlsx(session, rep, path, cache_results=False)
    assert formulas(path, 3)[INDEX_CELLS["converted"]] == "B2/6*100"
    (sheets,) = soffice_convert(tmp_path, [path], "always")
    assert_matches_json(sheets, rep)  # still recalculates to the JSON
    index = sheets["Index"]
    assert "turunan" in index["A3"] and "turunan" in index["A5"] and "turunan" in index["A6"]
    notes = " ".join(v for k, v in index.items() if k.startswith("A") and isinstance(v, str))
    assert "analogi" in notes and "tidak ada tabel resmi" in notes
    assert "turunan" in sheets["Info"]["B5"].lower()


def test_xlsx_four_point_conversion_stays_times_25(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=5))
    path = tmp_path / "ikm.xlsx"
    write_xlsx(session, report(session), path, cache_results=False)
    assert formulas(path, 3)[INDEX_CELLS["converted"]] == "B2*25"
    with zipfile.ZipFile(path) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert "Nilai konversi (x 25)" in text
    assert "turunan" not in text and "analogi" not in text
