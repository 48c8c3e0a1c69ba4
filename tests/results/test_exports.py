"""Publication exports: the workbook recalculated by LibreOffice, CSV, PDF report, infographic."""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, date, datetime

import pytest
from PIL import Image
from xlsxwriter.utility import xl_rowcol_to_cell

import instruments
from analysis import round_half_up
from survey_app import orgs
from survey_app.models import FollowUpItem, ServicePopulation
from survey_app.results.exports import (
    fonts,
    write_csv,
    write_infographic_pdf,
    write_pdf_report,
    write_png,
    write_xlsx,
)
from survey_app.results.exports.common import suppress_small
from survey_app.results.exports.csv_export import csv_header
from survey_app.results.exports.xlsx import INDEX_CELLS
from survey_app.results.period import Period
from survey_app.results.report import build_report
from survey_app.survey.services import instrument_version, new_response, resolve_target
from survey_app.survey.validation import Submission
from tests.helpers import IKM_CODES, make_unit

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
HEADER = "submitted_at,service,jenis_kelamin,usia,pendidikan,pekerjaan," + ",".join(IKM_CODES) \
    + ",saran"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def need(tool: str) -> str:
    """The tool's path; skip without it, unless REQUIRE_E2E=1 makes that a failure."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"{tool} is required (REQUIRE_E2E=1) but not installed")
        pytest.skip(f"{tool} not installed")
    return path


def paper_rows(n=40, seed=1, skip=(), education=("SMA", "S1", "D1-D3")):
    """Deterministic varied questionnaires; codes in `skip` are left unanswered."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        values = ["" if c in skip else str(rng.choice((2, 3, 3, 4, 4))) for c in IKM_CODES]
        if i % 7 == 3 and not skip:
            values[rng.randrange(len(values))] = ""  # now and then one element left empty
        sex = "L" if i % 3 else "P"
        edu = "S3" if i == 0 else education[i % len(education)]  # S3: a group of one
        rows.append(f"2026-0{1 + i % 3}-{1 + i % 28:02d} {8 + i % 9:02d}:15,S1,{sex},"
                    f"{20 + i % 40},{edu},Swasta,{','.join(values)},")
    return rows


def load(runner, tmp_path, rows, unit="U1"):
    """Import paper rows through the CLI, as a unit would."""
    path = tmp_path / f"paper-{unit}.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import", unit, str(path)])
    assert result.exit_code == 0, result.output


def report(session, unit="U1", weights="exact", service=None):
    u = orgs.find_unit(session, unit)
    s = orgs.find_service(session, u, service) if service else None
    return build_report(session, u, "ikm", PERIOD, s, weights=weights)


# --- LibreOffice: recalculate the workbook and read the results back -------------------------


def soffice_convert(tmp_path, files, recalc: str):
    """Convert XLSX files to ODS with a fresh profile whose Calc load setting is `recalc`."""
    soffice = need("soffice")
    mode = {"always": 0, "never": 1}[recalc]
    profile = tmp_path / f"lo-profile-{recalc}"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    props = "".join(
        f'<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="{name}" '
        f'oor:op="fuse"><value>{mode}</value></prop></item>'
        for name in ("OOXMLRecalcMode", "ODFRecalcMode"))
    (profile / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items '
        'xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{props}</oor:items>')
    out = tmp_path / f"ods-{recalc}"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "ods", "--outdir", str(out),
                    *map(str, files)], check=True, capture_output=True, timeout=240)
    return [read_ods(out / (f.stem + ".ods")) for f in files]


def read_ods(path):
    """{sheet: {"B2": value}}: floats for numbers, text otherwise."""
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))
    sheets = {}
    for table in root.iter(f"{TABLE}table"):
        cells, r = {}, 0
        for row in table.iter(f"{TABLE}table-row"):
            c = 0
            for cell in row:
                repeat = int(cell.get(f"{TABLE}number-columns-repeated", 1))
                kind = cell.get(f"{OFFICE}value-type")
                if kind:
                    value = (float(cell.get(f"{OFFICE}value")) if kind == "float"
                             else "".join(cell.itertext()))
                    cells[xl_rowcol_to_cell(r, c)] = value
                c += repeat
            r += int(row.get(f"{TABLE}number-rows-repeated", 1))
        sheets[table.get(f"{TABLE}name")] = cells
    return sheets


def assert_matches_json(sheets, rep):
    expected, index = rep.to_json(), sheets["Index"]
    assert index[INDEX_CELLS["index"]] == pytest.approx(expected["index"], abs=1e-9)
    assert index[INDEX_CELLS["converted"]] == pytest.approx(expected["converted"], abs=1e-9)
    assert index[INDEX_CELLS["mutu"]] == expected["mutu"]
    assert index[INDEX_CELLS["kinerja"]] == expected["kinerja"]
    assert index[INDEX_CELLS["n"]] == expected["n"]
    for row, element in enumerate(expected["elements"], start=2):
        assert sheets["NRR"][f"A{row}"] == element["code"]
        assert sheets["NRR"][f"C{row}"] == element["n"]
        if element["nrr"] is None:
            assert sheets["NRR"].get(f"E{row}", "") == ""
            assert sheets["NRR"][f"F{row}"] == 0
        else:
            assert sheets["NRR"][f"E{row}"] == pytest.approx(element["nrr"], abs=1e-9)


@pytest.mark.parametrize("weights", ["exact", "compat-0.111"])
def test_xlsx_recalculated_by_libreoffice_equals_json(runner, session, tmp_path, weights):
    make_unit(session)
    load(runner, tmp_path, [r for r in paper_rows() if ",," not in r])  # compat: all answered
    rep = report(session, weights=weights)
    path = tmp_path / "ikm.xlsx"
    write_xlsx(session, rep, path, cache_results=False)  # every stored result is 0
    (sheets,) = soffice_convert(tmp_path, [path], "always")
    assert_matches_json(sheets, rep)
    weight = sheets["NRR"]["F2"]
    assert weight == pytest.approx(1 / 9 if weights == "exact" else 0.111, abs=1e-12)


def test_xlsx_element_nobody_answered_spreads_its_weight(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(skip=("biaya",)))
    rep = report(session)
    assert rep.to_json()["omitted"] == ["biaya"]
    path = tmp_path / "ikm.xlsx"
    write_xlsx(session, rep, path, cache_results=False)
    (sheets,) = soffice_convert(tmp_path, [path], "always")
    assert_matches_json(sheets, rep)
    assert sheets["NRR"]["F2"] == pytest.approx(1 / 8, abs=1e-12)
    assert "dibagi" in sheets["Info"]["B7"]


def spkp_report(session):
    """SPKP: 24 items on 1..6, converted x 100/6, no profile; its first item never answered."""
    make_unit(session)
    spkp = instruments.latest("spkp")
    target = resolve_target(session, "U1", "S1", None)
    version = instrument_version(session, spkp)
    rng = random.Random(5)
    for i in range(30):
        answers = {c: rng.randint(3, 6) for c in spkp.codes[1:] if rng.random() > 0.1}
        session.add(new_response(target, version, Submission(answers=answers), source="web",
                                 submitted_at=datetime(2026, 2, 1, 3, i, tzinfo=UTC)))
    session.commit()
    return build_report(session, orgs.find_unit(session, "U1"), "spkp", PERIOD)


def test_xlsx_works_for_another_scale_and_length(session, tmp_path):
    rep = spkp_report(session)
    spkp = rep.instrument
    assert rep.instrument.scale_max == 6 and rep.to_json()["omitted"] == [spkp.codes[0]]
    path = tmp_path / "spkp.xlsx"
    write_xlsx(session, rep, path, cache_results=False)
    (sheets,) = soffice_convert(tmp_path, [path], "always")
    assert_matches_json(sheets, rep)
    assert sheets["NRR"]["F3"] == pytest.approx(1 / 23, abs=1e-12)


def test_harness_sees_cached_values_only_without_recalculation(runner, session, tmp_path):
    """Control: with recalculation off LibreOffice shows what is stored, so reading the right
    numbers from a file that stores 0 (the tests above) proves LibreOffice recomputed them."""
    make_unit(session)
    load(runner, tmp_path, paper_rows())
    rep = report(session)
    cached, bare = tmp_path / "cached.xlsx", tmp_path / "bare.xlsx"
    write_xlsx(session, rep, cached)
    write_xlsx(session, rep, bare, cache_results=False)
    shown, zeros = soffice_convert(tmp_path, [cached, bare], "never")
    assert_matches_json(shown, rep)  # viewers that never recalculate still see the numbers
    assert zeros["Index"][INDEX_CELLS["converted"]] == 0
    assert zeros["NRR"]["E2"] == 0


def test_xlsx_data_sheet_holds_raw_answers_and_text_stays_text(runner, session, tmp_path):
    make_unit(session)
    rows = paper_rows(n=3)
    rows[1] += '"=HYPERLINK(""x"")"'
    load(runner, tmp_path, rows)
    rep = report(session)
    path = tmp_path / "ikm.xlsx"
    write_xlsx(session, rep, path)
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        data = book.read("xl/worksheets/sheet1.xml").decode()
    assert "xl/sharedStrings.xml" in names or "inlineStr" in data
    assert "<f>HYPERLINK" not in data and "HYPERLINK" in data


# --- CSV ----------------------------------------------------------------------------------


def web_response(session, values, counter="L1", when=datetime(2026, 2, 10, 1, 0, tzinfo=UTC)):
    target = resolve_target(session, "U1", "S1", counter)
    version = instrument_version(session, instruments.latest("ikm"))
    sub = Submission(answers=values, jenis_kelamin="P", usia=34, pendidikan="S1",
                     pekerjaan="PNS", saran="Antrian, \"nomor\"\nbaris dua é")
    session.add(new_response(target, version, sub, source="web", submitted_at=when))
    session.commit()


def test_csv_round_trips_the_answers(runner, session, tmp_path):
    make_unit(session, tz="Asia/Makassar")
    make_unit(session, "U2", tz="Asia/Makassar")
    rows = sorted(paper_rows(n=12))  # the export is in time order
    load(runner, tmp_path, rows)
    web_response(session, {c: 3 for c in IKM_CODES[:-1]})
    rep = report(session)
    buffer = io.BytesIO()
    assert write_csv(session, rep, buffer) == 13
    text = buffer.getvalue().decode("utf-8")
    got = list(csv.DictReader(io.StringIO(text)))
    assert list(got[0]) == csv_header(rep)
    paper = [g for g in got if g["source"] == "paper"]
    for line, row in zip(rows, paper, strict=True):
        fields = line.split(",")
        assert row["submitted_at"] == fields[0][:10]  # the local date only, never the minute
        assert [row[k] for k in ("service", "jenis_kelamin", "pendidikan")] == \
            [fields[1], fields[2], fields[4]]
        age = int(fields[3])
        assert row["usia"] == f"{age // 10 * 10}-{age // 10 * 10 + 9}"  # the band, not the age
        assert [row[c] for c in IKM_CODES] == fields[6:15]
    web = next(g for g in got if g["source"] == "web")
    assert (web["counter"], web["sarana"], web["persyaratan"]) == ("L1", "", "3")
    assert web["saran"] == "Antrian, \"nomor\"\nbaris dua é"
    assert (web["submitted_at"], web["usia"]) == ("2026-02-10", "30-39")  # 09:00 local, age 34
    # Without counter, source and the age bands it is the import format: importing it gives
    # the same index.
    for row in got:
        row["usia"] = ""
    back = tmp_path / "back.csv"
    with back.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, [k for k in got[0] if k not in ("counter", "source")],
                                extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(got)
    assert runner.invoke(args=["responses", "import", "U2", str(back)]).exit_code == 0
    again = report(session, "U2").to_json()
    assert {k: v for k, v in again.items() if k != "unit"} == \
        {k: v for k, v in rep.to_json().items() if k != "unit"}


# --- PDF report and infographic -----------------------------------------------------------


def pdf_text(path):
    pdftotext = need("pdftotext")
    done = subprocess.run([pdftotext, str(path), "-"], capture_output=True,
                          check=True, text=True)
    return " ".join(done.stdout.split())


def test_pdf_report_shows_index_mutu_groups_and_follow_up(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows())
    unit = orgs.find_unit(session, "U1")
    session.add(ServicePopulation(unit_id=unit.id, service_id=None, period_from=PERIOD.start,
                                  period_to=PERIOD.end, population=1000))
    session.commit()
    rep = report(session)
    path = tmp_path / "report.pdf"
    write_pdf_report(session, rep, path)
    text = pdf_text(path)
    result = rep.to_json()
    assert ("(populasi) 1.000 orang, sampel minimal menurut tabel Krejcie dan Morgan adalah "
            "278 responden") in text and "belum mencukupi" in text
    shown = f"{round_half_up(result['converted'], 2):.2f}".replace(".", ",")
    assert f"adalah {shown} dengan mutu pelayanan {result['mutu']}" in text
    assert "S3 <5" in text  # a group of one is hidden
    assert "Cronbach's alpha =" in text and "PermenPAN-RB 14/2017" in text
    lowest = sorted(result["elements"], key=lambda e: e["nrr"])[:2]
    for element in lowest:  # no stored plan: the two lowest are suggested
        assert element["name"] in text.split("B. Rencana Tindak Lanjut")[1]
    session.add(FollowUpItem(unit_id=rep.unit.id, instrument_slug="ikm", service_id=None,
                             period_from=PERIOD.start, period_to=PERIOD.end, priority=1,
                             element_code="waktu", program="Tambah loket antrean",
                             waktu="Triwulan II", penanggung_jawab="Kepala Seksi"))
    session.commit()
    write_pdf_report(session, rep, path)
    plan = pdf_text(path).split("B. Rencana Tindak Lanjut")[1]
    assert "Waktu Penyelesaian" in plan and "Tambah loket antrean" in plan
    assert "Kepala Seksi" in plan


def test_pdf_report_without_dejavu_and_with_one_respondent(runner, session, tmp_path,
                                                           monkeypatch):
    monkeypatch.setattr(fonts, "DEJAVU", tmp_path / "no-fonts")
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=1))
    path = tmp_path / "report.pdf"
    write_pdf_report(session, report(session), path)
    text = pdf_text(path)
    assert "Cronbach's alpha tidak dapat dihitung" in text
    assert "Interval kepercayaan 95% tidak dapat dihitung" in text
    assert "Helvetica" in path.read_bytes().decode("latin-1")


def test_infographic_png_and_pdf(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(skip=("biaya",)))
    rep = report(session)
    png, pdf = tmp_path / "ikm.png", tmp_path / "ikm.pdf"
    write_png(session, rep, png)
    write_infographic_pdf(session, rep, pdf)
    with Image.open(png) as image:
        assert image.size == (1080, 1350) and image.format == "PNG"
    assert pdf.read_bytes().startswith(b"%PDF") and b"/Count 1" in pdf.read_bytes()


def test_report_and_infographic_of_an_instrument_without_profile(session, tmp_path):
    rep = spkp_report(session)
    path, png = tmp_path / "spkp.pdf", tmp_path / "spkp.png"
    write_pdf_report(session, rep, path)
    write_png(session, rep, png)
    text = pdf_text(path)
    assert "LAPORAN HASIL SURVEI PERSEPSI KUALITAS PELAYANAN" in text
    assert "tidak menanyakan profil" in text and "Tidak diisi" not in text
    shown = f"{round_half_up(rep.result.converted, 2):.2f}".replace(".", ",")
    assert f"Nilai IPKP Unit U1 adalah {shown}" in text
    with Image.open(png) as image:
        assert image.size == (1080, 1350)


def test_small_groups_cannot_be_recovered_from_the_total():
    assert suppress_small({"L": 20, "P": 3}) == {"L": "≥5", "P": "<5"}
    assert suppress_small({"SD": 1, "SMA": 1, "S1": 30, "S2": 40}) == \
        {"SD": "<5", "SMA": "<5", "S1": "≥5", "S2": "40"}
    assert suppress_small({"SD": 2, "SMA": 3, "S1": 30}) == {"SD": "<5", "SMA": "<5", "S1": "30"}
    assert suppress_small({"L": 9, "P": 7}) == {"L": "9", "P": "7"}


# --- Command line -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf", "png", "infographic-pdf", "docx"])
def test_export_command_writes_each_format(runner, session, tmp_path, fmt):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=8))
    out = tmp_path / f"ikm.{fmt}"
    result = runner.invoke(args=["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", fmt, "--out", str(out), "--service", "S1"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("args", "message"), [
    (["NOPE"], "unknown unit 'NOPE'"),
    (["U1", "--from", "2026-02-30"], "'2026-02-30' is not a date"),
    (["U1", "--from", "2026-04-01"], "is after --to"),
    (["U1", "--from", "2025-01-01", "--to", "2025-12-31"], "no ikm answers for U1"),
    (["U1", "--service", "XX"], "unknown service 'XX'"),
    (["U1", "--instrument", "nope"], "unknown instrument 'nope'"),
    (["U1", "--out", "/nonexistent-dir/ikm.xlsx"], "No such file or directory"),
])
def test_export_errors_are_one_line(runner, session, tmp_path, args, message):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=8))
    base = {"--from": "2026-01-01", "--to": "2026-03-31", "--format": "xlsx",
            "--out": str(tmp_path / "ikm.xlsx")}
    for i in range(1, len(args), 2):
        base[args[i]] = args[i + 1]
    flat = [x for pair in base.items() for x in pair]
    result = runner.invoke(args=["export", args[0], *flat])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_failed_export_leaves_no_half_file(runner, session, tmp_path, monkeypatch):
    from survey_app.cli import export

    def broken(session, report, out):
        with open(out, "wb") as handle:
            handle.write(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setitem(export.FORMATS, "csv", broken)
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=8))
    out = tmp_path / "ikm.csv"
    out.write_text("previous export")
    result = runner.invoke(args=["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "csv", "--out", str(out)])
    assert result.exit_code == 1 and "disk full" in result.output
    assert out.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
