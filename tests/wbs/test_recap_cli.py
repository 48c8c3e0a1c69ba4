"""The `survey-app wbs` commands and the recap (page, JSON, XLSX, PDF): figures, no identities."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

from sqlalchemy import update

from survey_app.models import WbsReport
from survey_app.orgs import find_unit
from survey_app.wbs.officer.recap import build
from tests.helpers import make_unit
from tests.wbs.support import (
    PASSWORD,
    login_officer,
    make_officer,
    only_report,
    report_receipt,
)

MARK = "IDENTITAS-ab12"


def _cli(runner, *args, stdin=""):
    return runner.invoke(args=["wbs", *args], input=stdin)


def test_channel_and_officers_from_the_command_line(app, runner, session, client):
    make_unit(session)
    assert _cli(runner, "channel", "create", "U1").exit_code == 0
    result = _cli(runner, "channel", "create", "U1")
    assert result.exit_code == 1 and "already has" in result.output
    result = _cli(runner, "officer", "add", "satu@u1.go.id", "--unit", "U1", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/" in result.output and "fingerprint" in result.output
    totp = result.output.split("TOTP secret (shown once): ")[1].split()[0]
    second = ["officer", "add", "dua@u1.go.id", "--unit", "U1", "--password-stdin"]
    result = _cli(runner, *second, stdin=PASSWORD + "\n")
    assert result.exit_code == 1 and "--by" in result.output
    result = _cli(runner, *second, "--by", "satu@u1.go.id", stdin=f"{PASSWORD}\nwrong one!!\n")
    assert result.exit_code == 1 and "wrong password" in result.output
    result = _cli(runner, *second, "--by", "satu@u1.go.id", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    totp2 = result.output.split("TOTP secret (shown once): ")[1].split()[0]
    report_receipt(app.test_client(), apa=f"Laporan {MARK}")
    rid = only_report(session).id
    for email, secret in (("satu@u1.go.id", totp), ("dua@u1.go.id", totp2)):
        browser = app.test_client()
        assert login_officer(browser, session, email, secret).status_code == 302
        assert MARK in browser.get(f"/wbs/officer/cases/{rid}").get_data(as_text=True)
    assert _cli(runner, "officer", "remove", "dua@u1.go.id").exit_code == 0
    assert login_officer(app.test_client(), session, "dua@u1.go.id", totp2).status_code == 401


def test_cli_errors_are_one_line(runner, session):
    make_unit(session)
    for args, stdin in ((["channel", "create", "NOPE"], ""),
                        (["officer", "add", "x@u1.go.id", "--unit", "U1", "--password-stdin"],
                         PASSWORD + "\n"),
                        (["officer", "add", "x@u1.go.id", "--unit", "U1"], ""),
                        (["recap", "U1", "--from", "2026-13-01", "--to", "2026-12-31"], ""),
                        (["recap", "U1", "--from", "2026-01-01", "--to", "2026-12-31",
                          "--format", "pdf"], "")):
        result = _cli(runner, *args, stdin=stdin)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def _seed(app, session):
    _officer, totp = make_officer(app, session)
    reporter = app.test_client()
    for category in ("suap", "suap", "pungli"):
        report_receipt(reporter, category=category, contact=f"kontak {MARK}",
                       apa=f"Isi {MARK}")
    session.execute(update(WbsReport).values(
        created_at=datetime(2026, 3, 2, 2, tzinfo=UTC), ack_due=date(2026, 3, 5),
        verify_due=date(2026, 3, 20), resolve_due=date(2026, 6, 1)))
    session.execute(update(WbsReport).where(WbsReport.category == "pungli").values(
        status="closed_proven", acknowledged_at=datetime(2026, 3, 3, 2, tzinfo=UTC),
        verified_at=datetime(2026, 3, 9, 2, tzinfo=UTC),
        closed_at=datetime(2026, 3, 16, 2, tzinfo=UTC)))
    session.commit()
    return totp


def test_recap_counts_times_and_overdue(app, session):
    _seed(app, session)
    recap = build(session, find_unit(session, "U1"), date(2026, 3, 1), date(2026, 3, 31))
    assert recap.total == 3
    assert (recap.by_category["suap"], recap.by_category["pungli"]) == (2, 1)
    assert (recap.by_status["new"], recap.by_status["closed_proven"]) == (2, 1)
    assert recap.to_acknowledge.n == 1 and recap.to_acknowledge.median == 1.0
    assert recap.to_close.n == 1 and recap.to_close.median == 10.0  # 2 to 16 March
    assert recap.overdue_now == 2 and recap.late == {"acknowledge": 2, "verify": 2,
                                                     "resolve": 2}
    empty = build(session, find_unit(session, "U1"), date(2026, 4, 1), date(2026, 4, 30))
    assert empty.total == 0 and empty.to_close.median is None


def test_recap_files_hold_figures_and_no_identity(app, session, runner, tmp_path):
    _seed(app, session)
    base = ["recap", "U1", "--from", "2026-03-01", "--to", "2026-03-31"]
    result = _cli(runner, *base)
    assert result.exit_code == 0 and json.loads(result.output)["by_category"]["suap"] == 2
    for fmt in ("xlsx", "pdf"):
        out = tmp_path / f"rekap.{fmt}"
        assert _cli(runner, *base, "--format", fmt, "--out", str(out)).exit_code == 0
        data = out.read_bytes()
        if fmt == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = b"".join(book.read(n) for n in book.namelist())
            assert b"Suap" in data
        else:
            assert data.startswith(b"%PDF")
        assert MARK.encode() not in data and b"kontak" not in data


def test_officer_recap_page_and_downloads(app, session, client):
    totp = _seed(app, session)
    assert login_officer(client, session, "petugas@u1.go.id", totp).status_code == 302
    page = client.get("/wbs/officer/recap?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    assert 'data-total="3"' in page and MARK not in page
    xlsx = client.get("/wbs/officer/recap?from=2026-03-01&to=2026-03-31&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    pdf = client.get("/wbs/officer/recap?from=2026-03-01&to=2026-03-31&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    bad = client.get("/wbs/officer/recap?from=2026-03-31&to=2026-03-01")
    assert bad.status_code == 200 and "Periksa tanggal" in bad.get_data(as_text=True)


def test_recap_counts_working_days_like_the_deadlines(app, session):
    make_officer(app, session)
    report_receipt(app.test_client())
    session.execute(update(WbsReport).values(  # received Tue 17 March, answered Fri 27 March
        created_at=datetime(2026, 3, 17, 3, tzinfo=UTC), ack_due=date(2026, 3, 27),
        verify_due=date(2026, 4, 14), resolve_due=date(2026, 6, 30),
        acknowledged_at=datetime(2026, 3, 27, 3, tzinfo=UTC)))
    session.commit()
    unit = find_unit(session, "U1")
    period = (date(2026, 3, 1), date(2026, 3, 31))
    assert build(session, unit, *period).to_acknowledge.max == 3  # cuti bersama skipped
    assert build(session, unit, *period, cuti_bersama=False).to_acknowledge.max == 7
    assert build(session, unit, *period).late["acknowledge"] == 0
