"""IPK and SPAK through the commands, checked against values computed by hand: import, index
JSON, the hasil component fed by SPAK, and the IPK publication exports (XLSX recalculated by
LibreOffice, PDF report, PNG infographic)."""

from __future__ import annotations

import json
import subprocess
import zipfile
from datetime import date

import pytest
from PIL import Image

import instruments
from survey_app import orgs
from survey_app.results.exports import write_xlsx
from survey_app.results.exports.xlsx import INDEX_CELLS
from survey_app.results.period import Period
from survey_app.results.report import build_report
from tests.helpers import IKM_CODES, make_unit
from tests.results.test_exports import need, soffice_convert
from tests.zi.test_hasil import IPK_CODES, load

SPAK_CODES = ("pelayanan_khusus", "diskriminasi_sara", "tidak_sesuai_aturan", "imbalan_uang",
              "imbalan_barang", "imbalan_fasilitas", "pungli", "calo")
# IPK, four respondents in Q1 2026 and one in April (outside the period asked for):
#   diskriminasi 4,3,4,4 -> 15/4 = 3.75    kecurangan 4,4,2,4 -> 14/4 = 3.50
#   imbalan      3,3,4,3 -> 13/4 = 3.25    pungli     2,3,3,4 -> 12/4 = 3.00
#   calo         4,4,1,4 -> 13/4 = 3.25
# index = (3.75 + 3.5 + 3.25 + 3.0 + 3.25) / 5 = 16.75 / 5 = 3.35; converted 3.35 x 25 = 83.75
# -> B "Baik" (76.61 <= 83.75 < 88.31)
IPK_ROWS = ["2026-01-05,S1,4,4,3,2,4", "2026-02-10,S1,3,4,3,3,4", "2026-03-15,S1,4,2,4,3,1",
            "2026-03-31,S1,4,4,3,4,4", "2026-04-01,S1,1,1,1,1,1"]
IPK_NRR = {"diskriminasi": 3.75, "kecurangan": 3.5, "imbalan": 3.25, "pungli": 3.0, "calo": 3.25}
Q1 = ["--from", "2026-01-01", "--to", "2026-03-31"]


def index_json(runner, slug, *period):
    result = runner.invoke(args=["index", "U1", "--instrument", slug, *period, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_instrument_codes_are_the_ones_the_rows_are_written_for():
    assert tuple(IPK_CODES) == ("diskriminasi", "kecurangan", "imbalan", "pungli", "calo")
    assert tuple(instruments.latest("spak").codes) == SPAK_CODES


def test_ipk_index_command_with_a_period(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, "ipk", IPK_CODES, IPK_ROWS)
    out = index_json(runner, "ipk", *Q1)
    assert out["instrument"] == "ipk" and out["n"] == 4  # April left out
    assert out["period"] == {"from": "2026-01-01", "to": "2026-03-31"}
    assert {e["code"]: e["nrr"] for e in out["elements"]} == pytest.approx(IPK_NRR)
    assert all(e["n"] == 4 for e in out["elements"])
    assert out["weights"] == "exact"  # 1/5 each
    assert [e["nrr_weighted"] for e in out["elements"]] == pytest.approx(
        [0.75, 0.7, 0.65, 0.6, 0.65])  # NRR x 1/5
    assert out["index"] == pytest.approx(3.35) and out["converted"] == pytest.approx(83.75)
    assert out["scale"]["min"] == 1 and out["scale"]["max"] == 4
    assert out["scale"]["conversion_derived"] is False
    assert (out["mutu"], out["kinerja"]) == ("B", "Baik")
    # the whole year: the April respondent (all 1) joins; diskriminasi (15 + 1) / 5 = 3.2,
    # index (16 + 15 + 14 + 13 + 14) / 5 / 5 = 72 / 25 = 2.88, converted 72.00 -> C
    year = index_json(runner, "ipk", "--from", "2026-01-01", "--to", "2026-12-31")
    assert year["n"] == 5 and year["index"] == pytest.approx(2.88)
    assert year["converted"] == pytest.approx(72.0) and year["mutu"] == "C"


# SPAK, three respondents, 6-point scale:
#   first four items 6,5,6 -> 17/3;  last four items 6,5,4 -> 15/3 = 5
#   index = (4 x 17/3 + 4 x 5) / 8 = (68/3 + 60/3) / 8 = 128/24 = 16/3 = 5.3333
#   converted = 16/3 x 100/6 = 1600/18 = 88.888..., 88.89 -> A (>= 88.31)
#   ZI basis (derived) = 16/3 / 6 x 4 = 64/18 = 3.5556; IPAK score 3.5556 / 4 x 17.5 = 15.5556
SPAK_ROWS = ["2026-02-01,S1," + ",".join(["6"] * 8), "2026-02-02,S1," + ",".join(["5"] * 8),
             "2026-02-03,S1," + ",".join(["6"] * 4 + ["4"] * 4)]


@pytest.fixture
def spak(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, "spak", SPAK_CODES, SPAK_ROWS)
    return tmp_path


def test_spak_import_and_index_with_the_six_point_conversion(runner, spak):
    out = index_json(runner, "spak", "--from", "2026-01-01", "--to", "2026-12-31")
    assert out["instrument"] == "spak" and out["n"] == 3
    nrr = {e["code"]: e["nrr"] for e in out["elements"]}
    assert nrr == pytest.approx({c: 17 / 3 for c in SPAK_CODES[:4]}
                                | {c: 5.0 for c in SPAK_CODES[4:]})
    assert out["scale"]["min"] == 1 and out["scale"]["max"] == 6
    assert out["scale"]["conversion_derived"] is True
    assert out["index"] == pytest.approx(16 / 3)
    assert out["converted"] == pytest.approx(1600 / 18)  # mean x 100/6, not x 25
    assert out["mutu"] == "A"


def test_hasil_with_spak_as_the_ipak_source(runner, spak):
    # IKM: every element 4 -> index 4.0, basis 4, IPKP score 17.5
    load(runner, spak, "ikm", IKM_CODES, ["2026-02-01,S1," + ",".join(["4"] * 9)])
    result = runner.invoke(args=["hasil", "U1", "--year", "2026", "--ipak-source", "spak",
                                 "--kinerja", "5", "--pengungkit", "50", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    ipak = {c["code"]: c for c in out["components"]}["ipak"]
    assert ipak["source"] == "spak" and ipak["scale"] == [1, 6]
    assert ipak["basis_derived"] is True and ipak["index"] == pytest.approx(16 / 3)
    assert ipak["basis"] == pytest.approx(64 / 18)
    assert ipak["score"] == pytest.approx(64 / 18 / 4 * 17.5)  # 15.5556
    # hasil 15.5556 + 5 + 17.5 = 38.0556; total 88.0556: WBK met; WBBM needs IPAK >= 3.60,
    # basis 3.5556 -> 3.56: not met
    assert out["hasil"] == pytest.approx(64 / 18 / 4 * 17.5 + 22.5)
    assert {t["name"]: t["met"] for t in out["targets"]} == {"WBK": True, "WBBM": False}
    text = runner.invoke(args=["hasil", "U1", "--year", "2026", "--ipak-source", "spak"])
    assert "3.5556 / 4 x 17.5" in text.output


# --- IPK publication exports ---------------------------------------------------------------


@pytest.fixture
def ipk(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, "ipk", IPK_CODES, IPK_ROWS)
    return tmp_path


@pytest.mark.parametrize("fmt", ["xlsx", "pdf", "png"])
def test_ipk_export_command_writes_each_format(runner, ipk, fmt):
    out = ipk / f"ipk.{fmt}"
    result = runner.invoke(args=["export", "U1", *Q1, "--instrument", "ipk", "--format", fmt,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "xlsx":
        with zipfile.ZipFile(out) as book:
            assert any(n.startswith("xl/worksheets/") for n in book.namelist())
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
        text = subprocess.run([need("pdftotext"), str(out), "-"], capture_output=True,
                              check=True, text=True).stdout
        text = " ".join(text.split())
        assert "LAPORAN HASIL SURVEI PERSEPSI KORUPSI" in text
        assert "Nilai IPK Unit U1 adalah 83,75" in text
    else:
        with Image.open(out) as image:
            assert image.format == "PNG" and image.size == (1080, 1350)


def test_ipk_xlsx_recalculated_by_libreoffice_gives_the_hand_computed_index(session, ipk):
    unit = orgs.find_unit(session, "U1")
    rep = build_report(session, unit, "ipk", Period(date(2026, 1, 1), date(2026, 3, 31)))
    path = ipk / "ipk.xlsx"
    write_xlsx(session, rep, path, cache_results=False)  # every stored formula result is 0
    (sheets,) = soffice_convert(ipk, [path], "always")
    index = sheets["Index"]
    assert index[INDEX_CELLS["index"]] == pytest.approx(3.35, abs=1e-9)
    assert index[INDEX_CELLS["converted"]] == pytest.approx(83.75, abs=1e-9)
    assert index[INDEX_CELLS["mutu"]] == "B" and index[INDEX_CELLS["kinerja"]] == "Baik"
    assert index[INDEX_CELLS["n"]] == 4
    for row, code in enumerate(IPK_CODES, start=2):
        assert sheets["NRR"][f"A{row}"] == code
        assert sheets["NRR"][f"E{row}"] == pytest.approx(IPK_NRR[code], abs=1e-9)
        assert sheets["NRR"][f"F{row}"] == pytest.approx(0.2, abs=1e-12)
