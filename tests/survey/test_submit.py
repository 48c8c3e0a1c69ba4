"""The submit pipeline and its failure modes: the database away, too many forms, a teardown
that fails; every answer is kept, nothing is stored twice, a stored answer is always thanked."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import instruments
from survey_app.models import Response, Service
from survey_app.ratelimit import MemoryStore
from survey_app.survey import services, submit, tokens
from tests.helpers import count_responses, form_tokens, full_answers, make_unit, open_form
from tests.outage import database_down, everything, rollback_fails
from tests.survey.test_form import Fields

URL = "/s/U1/S1/L1"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The pipeline's retries without their pauses."""
    monkeypatch.setattr(submit, "RETRY_DELAYS", (0.0, 0.0))


def engine_of(app):
    return app.extensions["survey_db"].engine


def assert_answers_kept(page: str, sent: dict[str, str]) -> None:
    fields = Fields(page)
    radios = {k: v for k, v in sent.items() if k in fields.radios}
    assert radios and {k: fields.checked.get(k) for k in radios} == radios
    assert fields.by_id["usia"]["value"] == sent["usia"]
    assert fields.selected == {"pendidikan": sent["pendidikan"], "pekerjaan": sent["pekerjaan"]}
    assert form_tokens(page)["form_token"] == sent["form_token"]  # the same one-time token


def test_database_down_at_submit_shows_the_form_again_with_every_answer(app, client, session):
    make_unit(session)
    sent = {**full_answers(2), **open_form(client, URL), "saran": "Ruang tunggu panas."}
    with database_down(engine_of(app)) as outage:
        resp = client.post(URL, data=sent)
    assert resp.status_code == 503
    page = resp.get_data(as_text=True)
    assert "data-notice" in page and "Kirim lagi" in page
    assert "coba lagi" not in page.lower()
    assert_answers_kept(page, sent)
    assert "Ruang tunggu panas." in page
    assert outage.refused >= 3  # tried three times
    assert count_responses(session) == 0
    # a minute later: the same page sent again stores it, once
    again = client.post(URL, data={**sent, "csrf_token": form_tokens(page)["csrf_token"]})
    assert again.status_code == 302 and "terima-kasih" in again.headers["Location"]
    assert count_responses(session) == 1


def test_the_notice_is_in_the_visitors_language(app, client, session):
    make_unit(session)
    sent = {**full_answers(), **open_form(client, URL + "?lang=en")}
    with database_down(engine_of(app)):
        page = client.post(URL, data=sent).get_data(as_text=True)
    assert '<html lang="en">' in page and "press Send again in a minute" in page


def test_a_short_outage_is_ridden_out_by_the_retries(app, client, session):
    make_unit(session)
    sent = {**full_answers(), **open_form(client, URL)}
    failures = itertools.count()
    with database_down(engine_of(app), lambda _sql: next(failures) < 2) as outage:
        resp = client.post(URL, data=sent)
    assert resp.status_code == 302 and "terima-kasih" in resp.headers["Location"]
    assert outage.refused == 2
    assert count_responses(session) == 1


def test_too_many_forms_keeps_the_answers_and_the_token(app, client, session):
    make_unit(session)
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], survey_rate_limit=(1, 600))
    assert client.post(URL, data={**full_answers(), **open_form(client, URL)}).status_code == 302
    sent = {**full_answers(1), **open_form(client, URL)}
    resp = client.post(URL, data=sent)
    assert resp.status_code == 429
    page = resp.get_data(as_text=True)
    assert "data-notice" in page and "beberapa menit" in page
    assert_answers_kept(page, sent)
    app.extensions["rate_store"] = MemoryStore()  # the window is over
    again = client.post(URL, data={**sent, "csrf_token": form_tokens(page)["csrf_token"]})
    assert again.status_code == 302
    assert count_responses(session) == 2


def test_a_later_survey_of_the_flow_keeps_its_answers_too(app, client, session):
    make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk"
    session.commit()
    ipk_url = URL + "?instrument=ipk"
    sent = {**{c: "2" for c in instruments.latest("ipk").codes}, **open_form(client, ipk_url)}
    with database_down(engine_of(app)):
        resp = client.post(ipk_url, data=sent)
    assert resp.status_code == 503
    checked = Fields(resp.get_data(as_text=True)).checked
    assert {c: checked.get(c) for c in instruments.latest("ipk").codes} == {
        c: "2" for c in instruments.latest("ipk").codes}
    assert client.post(ipk_url, data=sent).status_code == 302
    assert count_responses(session) == 1


def test_thanks_needs_no_database(app, client, session):
    make_unit(session)
    done = client.post(URL, data={**full_answers(), **open_form(client, URL)})
    with database_down(engine_of(app)):
        page = client.get(done.headers["Location"])
        assert page.status_code == 200 and "Terima kasih" in page.get_data(as_text=True)
        app.extensions["survey_cache"].clear()  # another worker, which never saw this unit
        other = client.get(done.headers["Location"])
    assert other.status_code == 200 and "Terima kasih" in other.get_data(as_text=True)


def test_a_failed_rollback_in_teardown_does_not_turn_a_page_into_an_error(app, client, session):
    make_unit(session)
    with rollback_fails(engine_of(app)) as failures:
        page = client.get(URL)
    assert failures, "the teardown's rollback was not reached"
    assert page.status_code == 200 and form_tokens(page.get_data(as_text=True))
    assert client.get(URL).status_code == 200  # and the next request works


def test_a_page_while_the_database_is_away_is_our_own_in_the_visitors_language(client, app,
                                                                             session):
    make_unit(session)
    with database_down(engine_of(app)):
        en = client.get("/s/U1?lang=en")
        idn = app.test_client().get("/s/U1")
    assert en.status_code == idn.status_code == 503
    assert '<html lang="en">' in en.get_data(as_text=True)
    assert "reload this page in a minute" in en.get_data(as_text=True)
    assert '<html lang="id">' in idn.get_data(as_text=True)


def test_completion_time_is_stored_as_its_bucket(app, client, session):
    make_unit(session)
    assert client.post(URL, data={**full_answers(), **open_form(client, URL)}).status_code == 302
    assert session.scalars(select(Response)).one().duration_bucket == 0


# -- the pipeline itself -------------------------------------------------------------------


@pytest.fixture
def pipeline(app, session):
    """What a submit needs, without HTTP."""
    make_unit(session)
    target = services.resolve_target(session, "U1", "S1", "L1")
    instrument = instruments.latest("ikm")
    rules = submit.Rules("test-secret-key", 1000, MemoryStore(), (100, 600))

    def run(data: dict[str, str], token: str, **kwargs):  # type: ignore[no-untyped-def]
        return submit.submit(session, target, instrument, data, token, "k", rules,
                             lambda: services.recorded_version_id(session, instrument), **kwargs)

    run.token = lambda: tokens.issue("test-secret-key", target.scope("ikm"))  # type: ignore
    return run


def test_each_way_a_submit_fails_has_its_own_error(pipeline, session):
    token = pipeline.token()
    with pytest.raises(submit.InvalidToken):
        pipeline(full_answers(), "forged")
    bad = {**full_answers(), "waktu": "9"}
    with pytest.raises(submit.InvalidAnswers) as invalid:
        pipeline(bad, token)
    assert set(invalid.value.errors) == {"waktu"}
    shown = datetime.now(UTC)
    pipeline(full_answers(), token, now=lambda: shown + timedelta(seconds=47))
    assert session.scalars(select(Response)).one().duration_bucket == 45  # never the 47 s
    with pytest.raises(submit.AlreadyStored):
        pipeline(full_answers(), token)  # a double tap
    with pytest.raises(submit.AlreadyStored):
        pipeline(bad, token)  # Back to the earlier invalid post, on a shared device
    assert count_responses(session) == 1


def test_a_client_over_its_limit_is_refused_before_the_token_is_read(app, session):
    make_unit(session)
    target = services.resolve_target(session, "U1", "S1", "L1")
    rules = submit.Rules("test-secret-key", 1000, MemoryStore(), (0, 600))
    with pytest.raises(submit.RateLimited):
        submit.submit(session, target, instruments.latest("ikm"), full_answers(), "forged", "k",
                      rules, lambda: 0)


def test_store_unavailable_after_the_retries(pipeline, app, session):
    pauses: list[float] = []
    with database_down(engine_of(app), everything), pytest.raises(submit.StoreUnavailable):
        pipeline(full_answers(), pipeline.token(), sleep=pauses.append)
    assert pauses == list(submit.RETRY_DELAYS)
    assert count_responses(session) == 0


def test_retries_stop_within_their_time_budget(monkeypatch):
    monkeypatch.setattr(submit, "RETRY_DELAYS", (0.2, 0.5, 1.0))
    now = [0.0]
    attempts: list[float] = []

    def locked() -> None:  # a SQLite writer's lock: each attempt waits its busy timeout
        attempts.append(now[0])
        now[0] += 5.0
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with pytest.raises(submit.StoreUnavailable):
        submit.with_retries(locked, sleep, clock=lambda: now[0])
    assert attempts == [0.0, 5.2]  # a third attempt would start past the 8 s budget


def test_an_expired_form_that_was_stored_is_thanked_not_sent_back(pipeline, session,
                                                                   monkeypatch):
    stored, unstored = pipeline.token(), pipeline.token()
    pipeline(full_answers(), stored)
    monkeypatch.setattr(tokens, "MAX_AGE", -1)  # both forms are now past their 6 hours
    with pytest.raises(submit.AlreadyStored):
        pipeline(full_answers(), stored)
    with pytest.raises(submit.InvalidToken):
        pipeline(full_answers(), unstored)
    assert count_responses(session) == 1


def test_a_locked_sqlite_database_keeps_the_answers(database_url, monkeypatch, session):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's writer lock")
    from survey_app import create_app, db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT", 1)  # seconds; 10 in production
    app = create_app(TESTING=True, database_url=database_url, secret_key="test-secret-key",
                     base_url="http://survey.test", redis_url=None)
    make_unit(session)
    client = app.test_client()
    sent = {**full_answers(), **open_form(client, URL)}
    writer = db.make_engine(database_url).connect()
    try:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # a long import holding the write lock
        locked = client.post(URL, data=sent)
    finally:
        writer.rollback()
        writer.close()
    assert locked.status_code == 503
    assert_answers_kept(locked.get_data(as_text=True), sent)
    assert client.post(URL, data=sent).status_code == 302
    assert count_responses(session) == 1
    app.extensions["survey_db"].engine.dispose()


def test_a_crash_after_sending_never_asks_to_send_again(app, client, session, monkeypatch):
    make_unit(session)
    sent = {**full_answers(), **open_form(client, URL)}

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug after the row may have been stored")

    monkeypatch.setattr(submit, "submit", crash)
    page = client.post(URL, data=sent)
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert '<html lang="id">' in text and "mungkin sudah tersimpan" in text
    assert "coba lagi" not in text.lower()


def test_the_unit_page_a_worker_has_shown_survives_the_database_going_away(app, client,
                                                                            session):
    make_unit(session, services={"S1": [], "S2": []})
    assert client.get("/s/U1").status_code == 200
    with database_down(engine_of(app)):
        page = client.get("/s/U1")
    assert page.status_code == 200
    assert "/s/U1/S1" in page.get_data(as_text=True) and "/s/U1/S2" in page.get_data(as_text=True)
