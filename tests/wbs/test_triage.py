"""Officers: TOTP login, queue and filters, the status machine, notes, assignment, files, audit."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pyotp
import pytest
from PIL import Image
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from survey_app.models import WbsAudit, WbsFile, WbsMessage, WbsReport
from tests.wbs.support import (
    PASSWORD,
    csrf_token,
    follow,
    jpeg_with_gps,
    login_officer,
    make_officer,
    only_report,
    report_data,
    report_receipt,
    submit,
)

EMAIL = "petugas@u1.go.id"
CAT = '<td data-label="Kategori">'  # a queue cell of the category column


@pytest.fixture
def officer(app, session, client):
    """A logged-in officer of U1; returns its TOTP secret."""
    _officer, totp = make_officer(app, session)
    assert login_officer(client, session, EMAIL, totp).status_code == 302
    return totp


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/wbs/officer/")})


def test_login_needs_password_and_a_fresh_totp_code(app, session, client):
    _officer, totp = make_officer(app, session)
    assert login_officer(client, session, EMAIL, totp, password="wrong password!").status_code \
        == 401
    token = csrf_token(client, "/wbs/officer/login")
    for code in ("", "123456"):
        resp = client.post("/wbs/officer/login", data={"email": EMAIL, "password": PASSWORD,
                                                       "code": code, "csrf_token": token})
        assert resp.status_code == 401
    code = pyotp.TOTP(totp).now()
    resp = client.post("/wbs/officer/login", data={"email": EMAIL, "password": PASSWORD,
                                                   "code": code, "csrf_token": token})
    assert resp.status_code == 302 and client.get("/wbs/officer/").status_code == 200
    again = app.test_client()
    resp = again.post("/wbs/officer/login", data={
        "email": EMAIL, "password": PASSWORD, "code": code,
        "csrf_token": csrf_token(again, "/wbs/officer/login")})
    assert resp.status_code == 401  # a code works once


def test_status_machine_and_clocks(app, session, client, officer):
    report_receipt(app.test_client())
    rid = only_report(session).id
    url = f"/wbs/officer/cases/{rid}/status"
    _post(client, url, status="closed_proven")  # not from "new"
    assert only_report(session).status == "new"
    for step in ("verification", "investigation", "closed_proven"):
        assert _post(client, url, status=step).status_code == 302
        assert only_report(session).status == step
    report = only_report(session)
    assert report.acknowledged_at and report.verified_at and report.closed_at
    _post(client, url, status="verification")  # closed is final
    assert only_report(session).status == "closed_proven"
    page = client.get(f"/wbs/officer/cases/{rid}").get_data(as_text=True)
    assert "Kasus ini sudah ditutup" in page


def test_question_and_answer_between_officer_and_reporter(app, session, client, officer):
    reporter = app.test_client()
    receipt = report_receipt(reporter)
    rid = only_report(session).id
    _post(client, f"/wbs/officer/cases/{rid}/note", text="Catatan internal tim",
          visibility="internal")
    _post(client, f"/wbs/officer/cases/{rid}/note", text="Kapan tepatnya kejadian itu?",
          visibility="public")
    _post(client, f"/wbs/officer/cases/{rid}/status", status="need_info")
    page = follow(reporter, receipt).get_data(as_text=True)
    assert "Kapan tepatnya kejadian itu?" in page and "Perlu informasi tambahan" in page
    assert "Catatan internal tim" not in page
    resp = reporter.post("/wbs/follow-up/answer", data={
        "receipt": receipt, "message": "Tanggal 3 Maret, pukul 10",
        "csrf_token": csrf_token(reporter, "/wbs/follow-up")})
    assert resp.status_code == 200 and "telah dikirim" in resp.get_data(as_text=True)
    page = client.get(f"/wbs/officer/cases/{rid}").get_data(as_text=True)
    assert "Tanggal 3 Maret, pukul 10" in page and "Catatan internal tim" in page
    internal = session.scalar(select(WbsMessage).where(WbsMessage.is_internal.is_(True)))
    assert b"Catatan" not in internal.body
    assert only_report(session).acknowledged_at is not None


def test_assignment_within_the_channel_only(app, session, client, officer):
    colleague, _ = make_officer(app, session, email="rekan@u1.go.id", by=EMAIL,
                                create_unit=False)
    stranger, _ = make_officer(app, session, "U2")
    report_receipt(app.test_client())
    rid = only_report(session).id
    assert _post(client, f"/wbs/officer/cases/{rid}/assign",
                 officer=str(colleague.id)).status_code == 302
    assert only_report(session).assignee_id == colleague.id
    resp = _post(client, f"/wbs/officer/cases/{rid}/assign", officer=str(stranger.id))
    assert resp.status_code == 302 and "Tidak ada yang diubah" in client.get(
        resp.location).get_data(as_text=True)
    assert only_report(session).assignee_id == colleague.id
    assert "rekan@u1.go.id" in client.get("/wbs/officer/").get_data(as_text=True)


def test_queue_filters_and_overdue_flag(app, session, client, officer):
    reporter = app.test_client()
    report_receipt(reporter, category="suap")
    report_receipt(reporter, category="gratifikasi")
    session.execute(update(WbsReport).where(WbsReport.category == "suap").values(
        created_at=datetime(2026, 1, 5, 3, tzinfo=UTC), ack_due=date(2026, 1, 8),
        verify_due=date(2026, 1, 23), resolve_due=date(2026, 4, 1)))
    session.commit()
    page = client.get("/wbs/officer/?overdue=1").get_data(as_text=True)
    assert page.count('class="late"') == 1 and f"{CAT}Suap</td>" in page
    assert f"{CAT}Gratifikasi</td>" not in page and "tanggapan, verifikasi" in page
    page = client.get("/wbs/officer/?category=gratifikasi").get_data(as_text=True)
    assert f"{CAT}Gratifikasi</td>" in page and f"{CAT}Suap</td>" not in page
    assert "No reports match" in client.get("/wbs/officer/?status=closed&lang=en").get_data(
        as_text=True)
    assert client.get("/wbs/officer/?mine=1&lang=en").get_data(as_text=True).count("<tr") == 0


def test_queue_shows_the_next_deadline_that_falls_due(app, session, client, officer):
    reporter = app.test_client()
    for category in ("suap", "gratifikasi", "pungli"):
        report_receipt(reporter, category=category)
    future = date.today() + timedelta(days=400)  # every deadline still ahead
    session.execute(update(WbsReport).values(
        ack_due=future, verify_due=future + timedelta(days=10),
        resolve_due=future + timedelta(days=60)))
    session.execute(update(WbsReport).where(WbsReport.category == "gratifikasi").values(
        status="verification", acknowledged_at=datetime.now(UTC)))
    session.execute(update(WbsReport).where(WbsReport.category == "pungli").values(
        status="investigation", acknowledged_at=datetime.now(UTC),
        verified_at=datetime.now(UTC)))
    session.commit()
    page = client.get("/wbs/officer/").get_data(as_text=True)
    rows = {cat: row for row in page.split("<tr")[1:]
            for cat in ("Suap", "Gratifikasi", "Pungli") if f"{CAT}{cat}" in row}
    assert 'data-next-due="acknowledge">ditanggapi paling lambat' in rows["Suap"]
    assert 'data-next-due="verify">diverifikasi paling lambat' in rows["Gratifikasi"]
    assert 'data-next-due="resolve">diselesaikan paling lambat' in rows["Pungli"]


def test_downloads_working_copy_clean_original_sealed(app, session, client, officer):
    resp = submit(app.test_client(), report_data(), files=[(jpeg_with_gps("Budi"), "a.jpg")])
    assert resp.status_code == 200
    rid, fid = only_report(session).id, session.scalar(select(WbsFile.id))
    base = f"/wbs/officer/cases/{rid}/files/{fid}"
    working = client.get(f"{base}/working")
    assert working.status_code == 200 and working.mimetype == "image/jpeg"
    assert "attachment" in working.headers["Content-Disposition"]
    assert dict(Image.open(io.BytesIO(working.data)).getexif()) == {}
    assert b"Budi" not in working.data and b"SERIAL" not in working.data
    assert client.get(f"{base}/original").status_code == 405  # only after the warning, by POST
    original = _post(client, f"{base}/original")
    assert original.status_code == 200 and 0x8825 in Image.open(io.BytesIO(original.data)).getexif()
    actions = session.scalars(select(WbsAudit.action).where(WbsAudit.report_id == rid)).all()
    assert {"download_working", "download_original"} <= set(actions)


def test_every_view_and_change_is_audited(app, session, client, officer):
    report_receipt(app.test_client())
    rid = only_report(session).id
    token = csrf_token(client, "/wbs/officer/")  # one queue view
    client.get(f"/wbs/officer/cases/{rid}")
    for action, data in (("status", {"status": "verification"}), ("assign", {"officer": ""}),
                         ("note", {"text": "cek", "visibility": "internal"})):
        client.post(f"/wbs/officer/cases/{rid}/{action}", data={**data, "csrf_token": token})
    client.get("/wbs/officer/recap")
    rows = session.scalars(select(WbsAudit).order_by(WbsAudit.id)).all()
    assert [r.action for r in rows] == ["queue", "view", "status", "assign", "note", "recap"]
    assert rows[2].detail == "new -> verification" and all(r.officer_id for r in rows)
    assert "cek" not in " ".join(r.detail for r in rows)


def test_audit_log_is_append_only_in_the_database(app, session):
    session.add(WbsAudit(at=datetime.now(UTC), action="view", detail=""))
    session.commit()
    for statement in (update(WbsAudit).values(action="edited"), delete(WbsAudit)):
        with pytest.raises(DBAPIError):
            session.execute(statement)
            session.commit()
        session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        with pytest.raises(DBAPIError):
            session.execute(text("TRUNCATE wbs_audit"))
        session.rollback()
    assert session.scalar(select(func.count()).select_from(WbsAudit)) == 1


def test_session_expires(app, session, client, officer):
    from survey_app.models import WbsSession

    session.execute(update(WbsSession).values(expires_at=datetime.now(UTC) - timedelta(1)))
    session.commit()
    resp = client.get("/wbs/officer/")
    assert resp.status_code == 302 and "/wbs/officer/login" in resp.location
