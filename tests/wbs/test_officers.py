"""Officer accounts: renewing a forgotten password or a removed officer; the lone-officer risk."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.admin.services import create_user
from survey_app.models import User
from survey_app.orgs import find_unit
from tests.helpers import make_unit
from tests.wbs.support import (
    PASSWORD,
    csrf_token,
    login_officer,
    make_officer,
    only_report,
    report_receipt,
)

MARK = "LAPORAN-9f3e"
NEW_PASSWORD = "a brand new officer password"
FIRST, SECOND = "satu@u1.go.id", "dua@u1.go.id"
FEW = "only 1 active officer"


def _cli(runner, *args, stdin=""):
    return runner.invoke(args=["wbs", *args], input=stdin)


def _add(runner, email, *passwords, by=None):
    extra = ["--by", by] if by else []
    return _cli(runner, "officer", "add", email, "--unit", "U1", "--password-stdin", *extra,
                stdin="".join(f"{p}\n" for p in passwords))


def _totp(output: str) -> str:
    return output.split("TOTP secret (shown once): ")[1].split()[0]


def _channel_with_two(runner, session):
    make_unit(session)
    assert _cli(runner, "channel", "create", "U1").exit_code == 0
    first = _add(runner, FIRST, PASSWORD)
    assert first.exit_code == 0 and FEW in first.output  # one officer: warned
    second = _add(runner, SECOND, PASSWORD, PASSWORD, by=FIRST)
    assert second.exit_code == 0 and "warning" not in second.output
    return _totp(first.output), _totp(second.output)


def _reads_the_report(app, session, email, totp, password):
    browser = app.test_client()
    if login_officer(browser, session, email, totp, password=password).status_code != 302:
        return False
    return MARK in browser.get(f"/wbs/officer/cases/{only_report(session).id}").get_data(
        as_text=True)


def test_a_forgotten_password_is_renewed_by_a_colleague(app, runner, session):
    _totp1, old_totp = _channel_with_two(runner, session)
    report_receipt(app.test_client(), apa=f"Isi {MARK}")
    logged_in = app.test_client()
    assert login_officer(logged_in, session, SECOND, old_totp).status_code == 302
    result = _add(runner, SECOND, NEW_PASSWORD, PASSWORD, by=FIRST)
    assert result.exit_code == 0, result.output
    assert "renewed" in result.output and "warning" not in result.output
    new_totp = _totp(result.output)
    assert new_totp != old_totp
    assert _reads_the_report(app, session, SECOND, new_totp, NEW_PASSWORD)
    assert not _reads_the_report(app, session, SECOND, new_totp, PASSWORD)
    assert not _reads_the_report(app, session, SECOND, old_totp, NEW_PASSWORD)
    resp = logged_in.get("/wbs/officer/")  # the old session is over
    assert resp.status_code == 302 and "/wbs/officer/login" in resp.location


def test_a_removed_officer_comes_back_and_reads_again(app, runner, session):
    _totp1, totp2 = _channel_with_two(runner, session)
    report_receipt(app.test_client(), apa=f"Isi {MARK}")
    result = _cli(runner, "officer", "remove", SECOND)
    assert result.exit_code == 0 and FEW in result.output
    assert not _reads_the_report(app, session, SECOND, totp2, PASSWORD)
    result = _add(runner, SECOND, NEW_PASSWORD, PASSWORD, by=FIRST)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output  # two again
    session.expire_all()
    assert session.scalar(select(User.is_active).where(User.email == SECOND))
    assert _reads_the_report(app, session, SECOND, _totp(result.output), NEW_PASSWORD)


def test_renewal_is_refused_for_other_channels_and_other_accounts(app, runner, session):
    _channel_with_two(runner, session)
    make_officer(app, session, "U2", email="lain@u2.go.id")
    create_user(session, "analis@u1.go.id", PASSWORD, "analyst", find_unit(session, "U1"))
    session.commit()
    for email, reason in (("lain@u2.go.id", "another WBS channel"),
                          ("analis@u1.go.id", "not a WBS officer")):
        result = _add(runner, email, NEW_PASSWORD, PASSWORD, by=FIRST)
        assert result.exit_code == 1 and reason in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    refused = _cli(runner, "officer", "remove", "lain@u2.go.id")
    assert refused.exit_code == 1 and "last active officer" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    session.expire_all()
    assert session.scalar(select(User.is_active).where(User.email == "lain@u2.go.id"))
    removed = _cli(runner, "officer", "remove", "lain@u2.go.id", "--force")
    assert removed.exit_code == 0 and "no active officer" in removed.output
    result = _add(runner, "lain@u2.go.id", NEW_PASSWORD, PASSWORD, by=FIRST)
    assert result.exit_code == 1 and "another WBS channel" in result.output
    session.expire_all()
    assert not session.scalar(select(User.is_active).where(User.email == "lain@u2.go.id"))


def test_renewal_needs_a_colleague_and_a_long_password(app, runner, session):
    _channel_with_two(runner, session)
    for args, reason in (((NEW_PASSWORD,), "--by"), (("short", PASSWORD), "at least"),
                         ((NEW_PASSWORD, "not their password"), "wrong password")):
        result = _add(runner, SECOND, *args, by=FIRST if len(args) == 2 else None)
        assert result.exit_code == 1 and reason in result.output, result.output
    assert _cli(runner, "officer", "remove", FIRST).exit_code == 0
    result = _add(runner, FIRST, NEW_PASSWORD, PASSWORD, by=FIRST)  # removed: cannot sponsor
    assert result.exit_code == 1 and "not an active officer" in result.output


def test_queue_warns_a_lone_officer(app, runner, session):
    totp1, _totp2 = _channel_with_two(runner, session)
    browser = app.test_client()
    assert login_officer(browser, session, FIRST, totp1).status_code == 302
    assert 'id="few-officers"' not in browser.get("/wbs/officer/").get_data(as_text=True)
    assert _cli(runner, "officer", "remove", SECOND).exit_code == 0
    page = browser.get("/wbs/officer/").get_data(as_text=True)
    assert 'id="few-officers"' in page and "hilang untuk selamanya" in page


def test_officer_forms_still_need_the_csrf_token(app, session, client):
    _officer, totp = make_officer(app, session)
    report_receipt(app.test_client())
    rid = only_report(session).id
    resp = client.post("/wbs/officer/login", data={"email": "petugas@u1.go.id",
                                                   "password": PASSWORD, "code": "000000"})
    assert resp.status_code == 400
    assert login_officer(client, session, "petugas@u1.go.id", totp).status_code == 302
    csrf_token(client, "/wbs/officer/")
    for action, data in (("note", {"text": "tanpa token", "visibility": "internal"}),
                         ("status", {"status": "verification"})):
        assert client.post(f"/wbs/officer/cases/{rid}/{action}", data=data).status_code == 400
    assert only_report(session).status == "new"
