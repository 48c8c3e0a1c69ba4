"""Raw exports are safe to open and do not help re-identify: no formulas from user text (OWASP
CSV injection), the date without the time, the age band without the exact age."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest

import instruments
from survey_app import orgs
from survey_app.results.exports import write_csv, write_xlsx
from survey_app.results.exports.common import age_band, spreadsheet_text
from survey_app.results.period import Period
from survey_app.results.report import build_report
from survey_app.survey.services import instrument_version, new_response, resolve_target
from survey_app.survey.validation import Submission
from tests.helpers import IKM_CODES, make_unit

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
FORMULAS = ["=1+1", "+62 812", "-5 menit", "@SUM(A1)", "\tx", "\r=1", "=HYPERLINK(\"http://x\")"]


def add(session, saran: str, usia: int | None = 34,
        when: datetime = datetime(2026, 2, 10, 1, 37, 21, tzinfo=UTC)) -> None:
    target = resolve_target(session, "U1", "S1", "L1")
    version = instrument_version(session, instruments.latest("ikm"))
    sub = Submission(answers={c: 4 for c in IKM_CODES}, jenis_kelamin="P", usia=usia,
                     pendidikan="S1", pekerjaan="PNS", saran=saran)
    session.add(new_response(target, version, sub, source="web", submitted_at=when))
    session.commit()


def report(session):
    return build_report(session, orgs.find_unit(session, "U1"), "ikm", PERIOD)


def csv_rows(session) -> list[dict[str, str]]:
    buffer = io.BytesIO()
    write_csv(session, report(session), buffer)
    return list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"), newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_spreadsheet_text_neutralises_formula_starts(text):
    assert spreadsheet_text(text) == "'" + text
    assert spreadsheet_text("Antrian =1") == "Antrian =1"
    assert spreadsheet_text("") == ""


def test_csv_saran_cannot_become_a_formula(session, app):
    make_unit(session, tz="Asia/Makassar")
    for text in FORMULAS:
        add(session, text)
    add(session, "Pelayanan cepat, terima kasih")
    got = [row["saran"] for row in csv_rows(session)]
    assert got == ["'" + t for t in FORMULAS] + ["Pelayanan cepat, terima kasih"]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in csv_rows(session) for cell in row.values())


def test_csv_gives_the_date_and_the_age_band_only(session, app):
    make_unit(session, tz="Asia/Makassar")
    add(session, "", usia=34)  # 09:37:21 in Makassar
    add(session, "", usia=19, when=datetime(2026, 2, 10, 23, 5, tzinfo=UTC))  # 07:05 next day
    add(session, "", usia=None)
    rows = csv_rows(session)
    assert [(r["submitted_at"], r["usia"]) for r in rows] == [
        ("2026-02-10", "30-39"), ("2026-02-10", ""), ("2026-02-11", "<20")]


def test_cli_csv_export_is_as_coarse_and_as_safe(session, runner, tmp_path):
    make_unit(session, tz="Asia/Makassar")
    add(session, "=cmd|' /C calc'!A0", usia=61)
    out = tmp_path / "raw.csv"
    result = runner.invoke(args=["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    (row,) = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert (row["submitted_at"], row["usia"]) == ("2026-02-10", "60+")
    assert row["saran"] == "'=cmd|' /C calc'!A0"


def test_xlsx_data_sheet_has_dates_bands_and_no_formula_from_text(session, app, tmp_path):
    make_unit(session, tz="Asia/Makassar")
    for text in FORMULAS:
        add(session, text)
    path = tmp_path / "ikm.xlsx"
    write_xlsx(session, report(session), path)
    with zipfile.ZipFile(path) as book:
        data = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() \
            if "xl/sharedStrings.xml" in book.namelist() else data
    assert "<f>" not in data  # the Data sheet holds values only
    dates = re.findall(r'<c r="A\d+"[^>]*><v>([^<]+)</v>', data)
    assert dates and all(float(v).is_integer() for v in dates)  # a day, no time of day
    assert "30-39" in strings and "<v>34</v>" not in data


def test_csv_quotes_a_carriage_return_inside_a_saran(session, app):
    make_unit(session, tz="Asia/Makassar")
    add(session, "baik\r=1+1")
    add(session, "dua\nbaris")
    buffer = io.BytesIO()
    write_csv(session, report(session), buffer)
    lines = buffer.getvalue().decode("utf-8").split("\r\n")
    assert '"baik\r=1+1"' in lines[1] and '"dua\nbaris"' in lines[2]
    assert len(lines) == 4 and lines[-1] == ""  # header, two rows, the final line end


@pytest.mark.parametrize(("age", "band"), [(0, "<20"), (19, "<20"), (20, "20-29"), (59, "50-59"),
                                           (60, "60+"), (120, "60+"), (None, None)])
def test_age_band(age, band):
    assert age_band(age) == band


def test_wbs_recap_workbook_keeps_a_unit_name_as_text():
    from survey_app.wbs.officer.recap import Recap
    from survey_app.wbs.officer.recap_export import to_xlsx

    recap = Recap(unit="U1", unit_name='=HYPERLINK("http://x.example","klik")',
                  period_from=date(2026, 1, 1), period_to=date(2026, 3, 31),
                  generated_on=date(2026, 4, 1))
    with zipfile.ZipFile(io.BytesIO(to_xlsx(recap))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "HYPERLINK" not in sheet.split("<sheetData>")[0]
