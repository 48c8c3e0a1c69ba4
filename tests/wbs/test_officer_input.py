"""Whatever an officer's browser sends gets a clear answer, never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.models import WbsMessage
from survey_app.wbs import audit
from survey_app.wbs.reporter import services as followup
from tests.wbs.support import (
    PASSWORD,
    csrf_token,
    login_officer,
    make_officer,
    only_report,
    report_receipt,
)

EMAIL = "petugas@u1.go.id"


@pytest.fixture
def officer(app, session, client):
    """A logged-in officer of U1 and one report; returns the report id."""
    _officer, totp = make_officer(app, session)
    assert login_officer(client, session, EMAIL, totp).status_code == 302
    report_receipt(app.test_client())
    return only_report(session).id


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, "/wbs/officer/")},
                       follow_redirects=True)


@pytest.mark.parametrize("raw", ["²", "١", "9" * 30, "-1", "0", "999999", "1.5", "abc"])
def test_assigning_a_number_that_is_no_officer(app, session, client, officer, raw):
    colleague, _ = make_officer(app, session, email="rekan@u1.go.id", by=EMAIL,
                                create_unit=False)
    assert _post(client, f"/wbs/officer/cases/{officer}/assign",
                 officer=str(colleague.id)).status_code == 200
    resp = _post(client, f"/wbs/officer/cases/{officer}/assign", officer=raw)
    assert resp.status_code == 200 and "Tidak ada yang diubah" in resp.get_data(as_text=True)
    assert only_report(session).assignee_id == colleague.id  # not silently unassigned


def test_assigning_an_officer_of_another_channel(app, session, client, officer):
    stranger, _ = make_officer(app, session, "U2")
    resp = _post(client, f"/wbs/officer/cases/{officer}/assign", officer=str(stranger.id))
    assert "Pilih petugas kanal ini" in resp.get_data(as_text=True)
    assert only_report(session).assignee_id is None


def test_a_fault_while_assigning_is_not_read_as_a_wrong_choice(app, session, client, officer,
                                                               monkeypatch):
    colleague, _ = make_officer(app, session, email="rekan@u1.go.id", by=EMAIL,
                                create_unit=False)

    def broken(*args, **kwargs):
        raise ValueError("a bug in the audit log")

    token = csrf_token(client, "/wbs/officer/")
    monkeypatch.setattr(audit, "record", broken)
    resp = client.post(f"/wbs/officer/cases/{officer}/assign",
                       data={"officer": str(colleague.id), "csrf_token": token})
    assert resp.status_code == 500  # the error page, not "choose an officer of this channel"
    assert "Pilih petugas" not in resp.get_data(as_text=True)
    assert only_report(session).assignee_id is None


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-01-01&to=9999-12-31", "Pilih tanggal antara 2000-01-01 dan 2999-12-31"),
    ("from=0001-01-01&to=2026-12-31", "Pilih tanggal antara 2000-01-01 dan 2999-12-31"),
    ("from=2026-W10-1&to=2026-12-31", "Periksa tanggal"),
    ("from=2026-3-1&to=2026-12-31", "Periksa tanggal"),
    ("from=2026-02-30", "Periksa tanggal"),
    ("to=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "Periksa tanggal"),  # Arabic-Indic digits
])
def test_recap_dates_out_of_range_or_malformed(app, session, client, officer, query, message):
    for fmt in ("", "&format=xlsx"):
        resp = client.get(f"/wbs/officer/recap?{query}{fmt}")
        assert resp.status_code == 200
    page = client.get(f"/wbs/officer/recap?{query}").get_data(as_text=True)
    assert message in page and 'data-total="1"' in page  # this year so far instead


def test_recap_command_refuses_a_period_out_of_range(app, session, runner, officer):
    result = runner.invoke(args=["wbs", "recap", "U1", "--from", "2026-01-01",
                                 "--to", "9999-12-31"])
    assert result.exit_code == 1 and "between 2000-01-01 and 2999-12-31" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("query", ["status=bogus", "category=bogus", "status=" + "x" * 300,
                                   "status=new&category=%00"])
def test_unknown_queue_filters_are_ignored_with_a_message(app, session, client, officer, query):
    resp = client.get(f"/wbs/officer/?{query}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    if "%00" in query:  # an empty category after cleaning: a plain filter by status
        assert "tidak dikenal" not in page
    else:
        assert "tidak dikenal dan diabaikan" in page
    assert f'href="/wbs/officer/cases/{officer}"' in page  # the filter is ignored, not applied


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "²³⁴⁵⁶⁷", "１２３４５６"])
def test_totp_code_in_other_digits_is_a_wrong_code(app, session, client, code):
    make_officer(app, session)
    resp = client.post("/wbs/officer/login", data={
        "email": EMAIL, "password": PASSWORD, "code": code,
        "csrf_token": csrf_token(client, "/wbs/officer/login")})
    assert resp.status_code == 401 and "kode autentikator" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("char", "count"), [("é", 12_000), ("😀", 20_000), ("𝄞", 20_000)])
def test_long_notes_in_many_byte_characters_are_stored(app, session, client, officer, char,
                                                       count):
    text = char * count
    for visibility in ("public", "internal"):
        resp = _post(client, f"/wbs/officer/cases/{officer}/note", text=text,
                     visibility=visibility)
        assert resp.status_code == 200
    session.expire_all()
    public, internal = session.scalars(select(WbsMessage).order_by(WbsMessage.seq)).all()
    assert public.author == "officer" and not public.is_internal and internal.is_internal
    page = client.get(f"/wbs/officer/cases/{officer}").get_data(as_text=True)
    assert page.count(text) == 2  # both decrypt to the full text


def test_note_over_the_limit_is_refused_and_a_huge_body_gets_a_clear_page(app, session, client,
                                                                          officer):
    resp = _post(client, f"/wbs/officer/cases/{officer}/note", text="é" * 20_001,
                 visibility="internal")
    assert resp.status_code == 200 and "paling banyak 20000" in resp.get_data(as_text=True)
    resp = client.post(f"/wbs/officer/cases/{officer}/note", data={
        "text": "x" * 400_000, "visibility": "internal",
        "csrf_token": csrf_token(client, "/wbs/officer/")})
    assert resp.status_code == 413 and "terlalu besar" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(WbsMessage)).all() == []


def test_other_officer_forms_keep_the_small_body_limit(app, session, client, officer):
    resp = client.post(f"/wbs/officer/cases/{officer}/status", data={
        "status": "verification", "padding": "x" * 100_000,
        "csrf_token": csrf_token(client, "/wbs/officer/")})
    assert resp.status_code == 413 and "terlalu besar" in resp.get_data(as_text=True)
    assert only_report(session).status == "new"


def test_public_note_reaches_the_reporter_whole(app, session, client):
    _officer, totp = make_officer(app, session)
    assert login_officer(client, session, EMAIL, totp).status_code == 302
    receipt = report_receipt(app.test_client())
    rid = only_report(session).id
    text = "😀" * 20_000
    _post(client, f"/wbs/officer/cases/{rid}/note", text=text, visibility="public")
    opened = followup.unlock(session, app.extensions["wbs"], receipt)
    assert opened is not None
    assert [n.text for n in followup.public_notes(session, opened)] == [text]
