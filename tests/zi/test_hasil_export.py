"""The hasil XLSX recalculated by LibreOffice: the 0..4 basis, scores, pengungkit areas, totals
and target verdicts are live formulas that give the hand-computed values."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from survey_app import orgs
from survey_app.results.period import Period
from survey_app.zi import services
from survey_app.zi.export import hasil_xlsx
from tests.helpers import IKM_CODES, make_unit
from tests.results.test_exports import soffice_convert
from tests.zi.test_hasil import IPK_CODES, SPKP_CODES, load

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def unit(runner, session, tmp_path):
    make_unit(session)
    # IKM 3,3,4,4 per element -> 3.5; IPK all 4, all 3, all 4, all 4 -> 3.75;
    # SPKP all 5 and all 6 -> 5.5 on 1..6
    load(runner, tmp_path, "ikm", IKM_CODES, ["2026-02-01,S1," + ",".join([v] * 9)
                                              for v in ("3", "3", "4", "4")])
    load(runner, tmp_path, "ipk", IPK_CODES, [f"2026-03-0{i},S1," + ",".join([v] * 5)
                                              for i, v in enumerate("4344", start=1)])
    load(runner, tmp_path, "spkp", SPKP_CODES, ["2026-04-01,S1," + ",".join([v] * 24)
                                                for v in ("5", "6")])
    return orgs.find_unit(session, "U1")


def write(data, path, cache=True):
    with path.open("wb") as out:
        hasil_xlsx(data, out, cache_results=cache)
    return path


def test_basis_is_a_formula_from_the_index_cell_and_the_conversion_is_marked(session, unit):
    data = services.compute(session, unit, 2026, sources={"ipkp": "spkp"}).to_json()
    buf = io.BytesIO()
    hasil_xlsx(data, buf)
    with zipfile.ZipFile(buf) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "<f>C5</f>" in sheet  # IPK on 1..4 enters as is
    assert "<f>C7/6*4</f>" in sheet  # SPKP on 1..6: mean / 6 x 4
    assert "turunan: indeks 1..6 / 6 x 4 (tidak ada aturan resmi)" in strings
    assert "langsung: indeks 1..4 masuk apa adanya" in strings


def test_libreoffice_recalculates_the_hand_computed_values(session, unit, tmp_path):
    # A: IPKP from SPKP, kinerja 5, areas 7 + 6 + 9 + 9 + 14 + 3 = 48
    services.save_input(session, unit, 2026, services.HasilInputs(
        "permenpanrb-90-2021", "ipk", "spkp", YEAR, 5.0,
        {"manajemen_perubahan": 7, "tatalaksana": 6, "sdm": 9, "akuntabilitas": 9,
         "pengawasan": 14, "pelayanan_publik": 3}))
    a = write(services.compute(session, unit, 2026).to_json(), tmp_path / "a.xlsx", cache=False)
    # B: IPKP from IKM (3.5), kinerja 5, pengungkit total 50, no areas
    b = write(services.compute(session, unit, 2026, sources={"ipkp": "ikm"}, pengungkit=50
                               ).to_json(), tmp_path / "b.xlsx", cache=False)
    sheet_a, sheet_b = (s["Hasil"] for s in soffice_convert(tmp_path, [a, b], "always"))
    # A: IPAK basis 3.75 (as is), score 3.75 / 4 x 17.5 = 16.40625; kinerja 5;
    #    IPKP basis 5.5 / 6 x 4 = 3.666667, score 3.666667 / 4 x 17.5 = 16.041667
    #    hasil 37.447917; pengungkit 48; total 85.447917 -> 85.45
    #    WBK (>= 75) tercapai; WBBM (>= 85, bases 3.75 and 3.67 >= 3.60) tercapai
    assert sheet_a["D5"] == pytest.approx(3.75) and sheet_a["F5"] == pytest.approx(16.40625)
    assert sheet_a["F6"] == 5
    assert sheet_a["D7"] == pytest.approx(5.5 / 6 * 4) and sheet_a["F7"] == pytest.approx(
        16.0416666667)
    assert sheet_a["F8"] == pytest.approx(37.4479166667)
    assert [sheet_a[f"A{r}"] for r in range(11, 17)] == [
        "Manajemen Perubahan", "Penataan Tatalaksana", "Penataan Sistem Manajemen SDM",
        "Penguatan Akuntabilitas", "Penguatan Pengawasan",
        "Peningkatan Kualitas Pelayanan Publik"]
    assert [sheet_a[f"E{r}"] for r in range(11, 17)] == [8, 7, 10, 10, 15, 10]  # maxima
    assert sheet_a["F17"] == pytest.approx(48) and sheet_a["F18"] == pytest.approx(85.4479166667)
    assert (sheet_a["B21"], sheet_a["B22"]) == ("tercapai", "tercapai")
    # B: IPKP basis 3.5 (as is), score 15.3125; hasil 16.40625 + 5 + 15.3125 = 36.71875;
    #    total 86.71875: WBK tercapai; WBBM total met but IPKP 3.50 < 3.60: belum tercapai
    assert sheet_b["D7"] == pytest.approx(3.5) and sheet_b["F7"] == pytest.approx(15.3125)
    assert sheet_b["F8"] == pytest.approx(36.71875)
    assert sheet_b["F11"] == 50 and sheet_b["F12"] == pytest.approx(86.71875)
    assert (sheet_b["B15"], sheet_b["B16"]) == ("tercapai", "belum tercapai")


def test_target_verdict_in_the_sheet_uses_the_rounded_total(session, unit, tmp_path):
    # hasil 16.40625 + 15.3125 (IKM) = 31.71875 without kinerja; + 43.27625 = 74.995 -> 75.00
    data = services.compute(session, unit, 2026, pengungkit=43.27625).to_json()
    data_below = services.compute(session, unit, 2026, pengungkit=43.27624).to_json()
    met, below = (s["Hasil"] for s in soffice_convert(
        tmp_path, [write(data, tmp_path / "m.xlsx", False),
                   write(data_below, tmp_path / "n.xlsx", False)], "always"))
    assert met["F12"] == pytest.approx(74.995) and met["B15"] == "tercapai"
    assert below["F12"] == pytest.approx(74.99499) and below["B15"] == "belum tercapai"


def test_without_pengungkit_the_targets_ask_for_it(session, unit):
    data = services.compute(session, unit, 2026).to_json()
    buf = io.BytesIO()
    hasil_xlsx(data, buf)
    with zipfile.ZipFile(buf) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "isi pengungkit" in strings and "belum diisi" in strings
    assert "<f>IF(" not in sheet  # no verdict without a total
