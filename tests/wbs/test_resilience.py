"""A reporter over the instance's limit, or meeting a database that does not answer, gets the
form back with the text kept and the files named to attach again; never a 500; a report once
stored always shows its receipt."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey_app.models import WbsMessage, WbsReport
from survey_app.wbs import reseal as reseal_module
from survey_app.wbs import retry
from survey_app.wbs.reporter import services
from survey_app.wbs.reporter import views as reporter_views
from tests.wbs.support import (
    configure_for_tests,
    csrf_token,
    jpeg_with_gps,
    make_officer,
    receipt_of,
    report_data,
    report_receipt,
    submit,
)

KEEP = "Kronologi pungli yang tidak boleh hilang"
FILES = [(b"catatan saksi", "catatan-saksi.txt"), (jpeg_with_gps(), "foto loket 3.jpg")]


def _down(*_args: object, **_kwargs: object) -> None:
    raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):  # type: ignore[no-untyped-def]
    """Retries without waiting (the pauses are what production waits; no clock is tested)."""
    monkeypatch.setattr(retry, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def _count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def _reattach(page: str) -> list[str]:
    block = re.search(r"<div class=\"reattach\" data-reattach>(.*?)</div>", page, re.S)
    assert block, "no list of files to attach again"
    return re.findall(r"<li>(.*?)</li>", block.group(1))


def test_over_the_limit_the_text_is_kept_and_the_files_named(app, client, session):
    configure_for_tests(app, app.extensions["wbs"].files_dir, submit_rate=(0, 60))
    make_officer(app, session)
    resp = submit(client, report_data(apa=KEEP), files=FILES)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 429
    assert KEEP in page and "Lampirkan lagi" in page
    assert _reattach(page) == ["catatan-saksi.txt", "foto loket 3.jpg"]
    assert _count(session, WbsReport) == 0


def test_a_refused_field_names_the_files_to_attach_again(app, client, session):
    make_officer(app, session)
    resp = submit(client, report_data(apa="", bagaimana=KEEP), files=FILES[:1])
    assert resp.status_code == 422
    assert _reattach(resp.get_data(as_text=True)) == ["catatan-saksi.txt"]


def test_without_files_nothing_is_asked_again(app, client, session):
    configure_for_tests(app, app.extensions["wbs"].files_dir, submit_rate=(0, 60))
    make_officer(app, session)
    page = submit(client, report_data(apa=KEEP)).get_data(as_text=True)
    assert KEEP in page and "data-reattach" not in page


def test_a_database_blip_is_retried_and_the_report_stored_once(app, client, session,
                                                               monkeypatch):
    make_officer(app, session)
    real, calls = services.store_report, []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) <= 2:
            _down()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "store_report", flaky)
    resp = submit(client, report_data(apa=KEEP), files=FILES)
    assert resp.status_code == 200 and receipt_of(resp.get_data(as_text=True))
    assert len(calls) == 3 and _count(session, WbsReport) == 1


def test_a_database_that_stays_down_keeps_the_form_and_never_500s(app, client, session,
                                                                   monkeypatch):
    make_officer(app, session)
    monkeypatch.setattr(services, "store_report", _down)
    monkeypatch.setattr(reporter_views, "reachable_units", _down)  # even the unit list
    form_page = client.get("/wbs").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', form_page).group(1)  # type: ignore[union-attr]
    resp = submit(client, report_data(apa=KEEP, form_token=token), files=FILES)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 503
    assert KEEP in page and "Tidak ada yang tersimpan" in page
    assert _reattach(page) == ["catatan-saksi.txt", "foto loket 3.jpg"]
    assert '<option value="U1" selected>' in page  # the chosen unit, to send again
    assert f'name="form_token" value="{token}"' in page  # the same form: a resend is safe
    assert _count(session, WbsReport) == 0

    monkeypatch.undo()
    monkeypatch.setattr(retry, "RETRY_DELAYS", (0.0, 0.0, 0.0))
    first = submit(client, report_data(apa=KEEP, form_token=token), files=FILES)
    again = submit(client, report_data(apa=KEEP, form_token=token), files=FILES)
    receipt = receipt_of(first.get_data(as_text=True))
    assert receipt == receipt_of(again.get_data(as_text=True))
    assert _count(session, WbsReport) == 1


def test_a_commit_lost_on_the_way_back_still_shows_the_receipt(app, client, session,
                                                               monkeypatch):
    """The report was stored but the answer to COMMIT never came: the retry finds it."""
    make_officer(app, session)
    real_store, real_commit, state = services.store_report, Session.commit, {"left": 1}

    def store(*args, **kwargs):  # type: ignore[no-untyped-def]
        state["armed"], state["left"] = state["left"] > 0, state["left"] - 1
        return real_store(*args, **kwargs)

    def commit(self):  # type: ignore[no-untyped-def]
        real_commit(self)
        if state.pop("armed", False):
            _down()

    monkeypatch.setattr(services, "store_report", store)
    monkeypatch.setattr(Session, "commit", commit)
    resp = submit(client, report_data(apa=KEEP))  # no form token: a script, or an old page
    assert resp.status_code == 200 and receipt_of(resp.get_data(as_text=True))
    assert _count(session, WbsReport) == 1


def test_an_answer_meeting_a_dead_database_is_kept(app, client, session, monkeypatch):
    make_officer(app, session)
    receipt = report_receipt(client)
    monkeypatch.setattr(services, "add_answer", _down)
    resp = client.post("/wbs/follow-up/answer", content_type="multipart/form-data", data={
        "receipt": receipt, "message": KEEP, "answer_token": "t-1",
        "csrf_token": csrf_token(client, "/wbs/follow-up"),
        "evidence": [(io.BytesIO(b"bukti"), "bukti-kedua.txt")]})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 503 and KEEP in page
    assert _reattach(page) == ["bukti-kedua.txt"]
    assert 'name="answer_token" value="t-1"' in page and receipt in page
    assert _count(session, WbsMessage) == 0


def test_a_failed_reseal_does_not_stop_the_page(app, client, session, monkeypatch):
    make_officer(app, session)
    app.extensions["wbs_reseal"].clear()
    monkeypatch.setattr(reseal_module, "reseal", _down)
    assert client.get("/wbs").status_code == 200
