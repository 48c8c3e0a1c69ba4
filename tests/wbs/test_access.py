"""Only officers of the channel a report went to can read it: not unit admins, not the
instance administrator, not officers of another unit."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey_app.admin.services import create_user
from survey_app.models import WbsFile, WbsSession
from survey_app.orgs import find_unit
from survey_app.wbs.officer import auth
from tests.wbs.support import (
    PASSWORD,
    csrf_token,
    jpeg_with_gps,
    login_officer,
    make_officer,
    only_report,
    report_data,
    submit,
)

MARK = "RAHASIA-7f3a9c"


def _report_with_file(client, **fields):
    resp = submit(client, report_data(apa=f"Isi {MARK}", contact=f"kontak {MARK}", **fields),
                  files=[(jpeg_with_gps(MARK), "bukti.jpg")])
    assert resp.status_code == 200


def _admin_login(client, email):
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/admin/login").get_data(as_text=True)).group(1)
    resp = client.post("/admin/login", data={"email": email, "password": PASSWORD,
                                             "csrf_token": token})
    assert resp.status_code == 302


def _officer_urls(report_id, file_id):
    return ["/wbs/officer/", f"/wbs/officer/cases/{report_id}",
            f"/wbs/officer/cases/{report_id}/files/{file_id}/working", "/wbs/officer/recap"]


def test_channel_officer_reads_the_report(app, client, session):
    _officer, totp = make_officer(app, session)
    _report_with_file(app.test_client())
    assert login_officer(client, session, "petugas@u1.go.id", totp).status_code == 302
    report = only_report(session)
    page = client.get(f"/wbs/officer/cases/{report.id}").get_data(as_text=True)
    assert f"Isi {MARK}" in page and f"kontak {MARK}" in page


def test_unit_admin_and_instance_admin_get_no_report_content(app, client, session):
    make_officer(app, session)
    _report_with_file(app.test_client())
    report = only_report(session)
    file_id = session.scalar(select(WbsFile.id))
    create_user(session, "admin@unit.go.id", PASSWORD, "unit_admin", find_unit(session, "U1"))
    create_user(session, "root@instansi.go.id", PASSWORD, "admin", None)
    session.commit()
    for email in ("admin@unit.go.id", "root@instansi.go.id"):
        browser = app.test_client()
        _admin_login(browser, email)
        for url in ["/admin/", "/admin/units/U1", *_officer_urls(report.id, file_id)]:
            resp = browser.get(url)
            assert MARK not in resp.get_data(as_text=True), url
            if url.startswith("/wbs/officer"):
                assert resp.status_code == 302 and "/wbs/officer/login" in resp.location
        token = csrf_token(browser, "/wbs/officer/login")
        resp = browser.post(f"/wbs/officer/cases/{report.id}/files/{file_id}/original",
                            data={"csrf_token": token})
        assert resp.status_code == 302 and MARK.encode() not in resp.data
        resp = browser.post("/wbs/officer/login", data={
            "email": email, "password": PASSWORD, "code": "000000", "csrf_token": token})
        assert resp.status_code == 401  # staff accounts are not officers
        resp = browser.post(f"/wbs/officer/cases/{report.id}/status",
                            data={"status": "closed_proven", "csrf_token": token})
        assert resp.status_code == 302
    assert only_report(session).status == "new"


def test_officer_of_another_unit_gets_nothing(app, client, session):
    make_officer(app, session, "U1")
    _other, totp = make_officer(app, session, "U2")
    _report_with_file(app.test_client(), unit="U1")
    report = only_report(session)
    file_id = session.scalar(select(WbsFile.id))
    assert login_officer(client, session, "petugas@u2.go.id", totp).status_code == 302
    queue = client.get("/wbs/officer/").get_data(as_text=True)
    assert f'report_id={report.id}' not in queue and f"/cases/{report.id}" not in queue
    for url in _officer_urls(report.id, file_id)[1:3]:
        resp = client.get(url)
        assert resp.status_code == 404 and MARK not in resp.get_data(as_text=True)
    token = csrf_token(client, "/wbs/officer/")
    for action, data in (("status", {"status": "verification"}), ("note", {"text": "x"}),
                         ("assign", {"officer": ""}), (f"files/{file_id}/original", {})):
        resp = client.post(f"/wbs/officer/cases/{report.id}/{action}",
                           data={**data, "csrf_token": token})
        assert resp.status_code == 404 and MARK.encode() not in resp.data
    assert only_report(session).status == "new"


def test_head_involved_report_is_hidden_from_the_unit(app, client, session):
    _insp, insp_totp = make_officer(app, session, "INSP")
    _unit, unit_totp = make_officer(app, session, "U1", parent="INSP")
    _report_with_file(app.test_client(), head_involved="yes")
    report = only_report(session)
    login_officer(client, session, "petugas@u1.go.id", unit_totp)
    assert client.get(f"/wbs/officer/cases/{report.id}").status_code == 404
    inspector = app.test_client()
    login_officer(inspector, session, "petugas@insp.go.id", insp_totp)
    page = inspector.get(f"/wbs/officer/cases/{report.id}").get_data(as_text=True)
    assert f"Isi {MARK}" in page and "pimpinan unit terlibat" in page


def test_cookie_alone_or_session_row_alone_opens_nothing(app, client, session):
    _officer, totp = make_officer(app, session)
    login_officer(client, session, "petugas@u1.go.id", totp)
    with client.session_transaction() as cookie:
        ticket = dict(cookie["wbs"])
    assert auth.resume(session, ticket) is not None
    assert auth.resume(session, {**ticket, "key": "A" * 44}) is None  # row without its key
    client.post("/wbs/officer/logout", data={"csrf_token": csrf_token(client, "/wbs/officer/")})
    session.expire_all()
    assert session.scalar(select(WbsSession)) is None
    assert auth.resume(session, ticket) is None  # the cookie after logout
