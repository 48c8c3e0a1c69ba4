"""A reporter's form sent again (Reload, Forward, a double tap) stores nothing a second time and
never loses the receipt; the forms are ones browsers do not refill (issue 12, WBS part)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_app.models import WbsMessage, WbsReport
from survey_app.wbs.reporter import formtoken
from tests.wbs.support import (
    csrf_token,
    follow,
    make_officer,
    receipt_of,
    report_data,
    report_receipt,
)

AGAIN = "tidak disimpan untuk kedua kalinya"


def _count(session, model) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)))


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} on the page"
    return found.group(1)


def _filled_form(client, **fields: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    page = client.get("/wbs").get_data(as_text=True)
    return {**report_data(**fields), "csrf_token": _hidden(page, "csrf_token"),
            "form_token": _hidden(page, "form_token")}


def test_the_same_report_form_sent_twice_stores_one_report_and_shows_its_receipt(
        app, client, session):
    make_officer(app, session)
    form = _filled_form(client, contact="budi@example.com")
    first = client.post("/wbs", data=form)
    again = client.post("/wbs", data=form)  # what Reload of the receipt page sends
    assert first.status_code == again.status_code == 200
    receipt = receipt_of(first.get_data(as_text=True))
    assert receipt_of(again.get_data(as_text=True)) == receipt
    assert AGAIN not in first.get_data(as_text=True) and AGAIN in again.get_data(as_text=True)
    assert _count(session, WbsReport) == 1
    assert follow(client, receipt).status_code == 200
    other = client.post("/wbs", data=_filled_form(client))  # a new form is a new report
    assert receipt_of(other.get_data(as_text=True)) != receipt
    assert _count(session, WbsReport) == 2


def test_an_old_form_replayed_later_is_told_without_the_receipt(app, client, session,
                                                                monkeypatch):
    make_officer(app, session)
    form = _filled_form(client)
    receipt = receipt_of(client.post("/wbs", data=form).get_data(as_text=True))
    later = formtoken.time.time() + formtoken.SHOW_AGAIN_SECONDS + 60
    monkeypatch.setattr(formtoken.time, "time", lambda: later)
    resp = client.post("/wbs", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "sudah diterima" in page
    assert receipt not in page and "data-receipt" not in page
    assert "Petugas loket" not in page  # nothing the reporter typed
    assert _count(session, WbsReport) == 1


@pytest.mark.parametrize("token", ["forged", "A" * 40, "\u00e9t\u00e9"])
def test_a_form_token_the_app_did_not_issue_keeps_the_text_and_stores_nothing(
        app, client, session, token):
    make_officer(app, session)
    form = {**_filled_form(client, apa="Teks yang tidak boleh hilang"), "form_token": token}
    resp = client.post("/wbs", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Teks yang tidak boleh hilang" in page
    assert _hidden(page, "form_token") not in ("", token)  # a fresh one to send again with
    assert _count(session, WbsReport) == 0


def test_an_answer_sent_twice_is_stored_once(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    case = follow(client, receipt).get_data(as_text=True)
    answer = {"receipt": receipt, "message": "Loket 2, pukul 10.",
              "csrf_token": csrf_token(client, "/wbs"),
              "answer_token": _hidden(case, "answer_token")}
    first = client.post("/wbs/follow-up/answer", data=answer)
    again = client.post("/wbs/follow-up/answer", data=answer)
    assert first.status_code == again.status_code == 200
    assert "sudah terkirim sebelumnya" in again.get_data(as_text=True)
    assert _count(session, WbsMessage) == 1
    fresh = _hidden(first.get_data(as_text=True), "answer_token")
    assert client.post("/wbs/follow-up/answer",
                       data={**answer, "answer_token": fresh}).status_code == 200
    assert _count(session, WbsMessage) == 2


def test_reporter_forms_are_not_refilled_by_the_browser(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    pages = {"form": client.get("/wbs").get_data(as_text=True),
             "follow-up": client.get("/wbs/follow-up").get_data(as_text=True),
             "case": follow(client, receipt).get_data(as_text=True)}
    for name, page in pages.items():
        forms = re.findall(r"<form [^>]*>", page)
        assert forms and all('autocomplete="off"' in f for f in forms), name
