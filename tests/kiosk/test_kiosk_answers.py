"""A kiosk's answers: stored once as channel `kiosk` at its counter, to the minute, with no
address or user agent; limits per kiosk and counter, not per address."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey_app.models import Kiosk, Response, utcnow
from tests.helpers import count_answers, count_responses, full_answers, make_unit, open_form
from tests.kiosk.support import enrol, ikm_answers, send

IPK = {"diskriminasi": 4, "kecurangan": 3, "imbalan": 4, "pungli": 4, "calo": 2}


def test_answers_are_stored_once_as_kiosk_channel(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    client.environ_base.update({"REMOTE_ADDR": "198.51.100.7", "HTTP_USER_AGENT": "Tablet/UA-9"})
    first = send(client, key, profile={"jenis_kelamin": "P", "pendidikan": "S1"}, queued=1)
    assert first.status_code == 201 and first.json["stored"] is True
    again = send(client, key)  # the reply was lost and the tablet sends the same id again
    assert again.status_code == 200 and again.json["stored"] is False
    assert count_responses(session) == 1 and count_answers(session) == len(ikm_answers())
    row = session.scalars(select(Response)).one()
    assert row.source == "kiosk" and row.counter_id is not None
    assert (row.jenis_kelamin, row.pendidikan, row.usia) == ("P", "S1", None)
    assert row.submitted_at.second == 0 and row.submitted_at.microsecond == 0
    values = json.dumps({c.name: str(getattr(row, c.name)) for c in Response.__table__.columns})
    assert "198.51.100" not in values and "UA-9" not in values and "a" * 32 not in values


def test_same_id_from_another_kiosk_is_another_response(client, runner, session):
    make_unit(session, services={"S1": ["L1", "L2"]})
    one, two = enrol(client, runner, "L1"), enrol(client, runner, "L2")
    assert send(client, one).status_code == 201
    assert send(client, two).status_code == 201
    assert count_responses(session) == 2


def test_a_half_filled_or_foreign_survey_is_refused_and_nothing_stored(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    partial = dict(list(ikm_answers().items())[:4])
    cases = [
        {"answers": partial},
        {"answers": {**ikm_answers(), "nonsense": 2}},
        {"answers": ikm_answers(5)},
        {"profile": {"usia": "34"}},
        {"profile": {"jenis_kelamin": "X"}},
        {"instrument": "nope"},
        {"answers": "4444"},
        {"id": "short"},
        {"id": "a" * 31 + "/"},
    ]
    for body in cases:
        response = send(client, key, **body)
        assert response.status_code == 422, body
        assert response.json["error"] == "invalid"
    assert client.post("/kiosk/api/responses", data="not json",
                       headers={"Authorization": f"Kiosk {key}"}).status_code == 422
    assert count_responses(session) == 0


def test_ipk_answers_of_the_flow_are_stored_with_their_label_style(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    assert send(client, key, instrument="ipk", answers=IPK).status_code == 201
    row = session.scalars(select(Response)).one()
    assert row.label_style == "kejadian" and row.answer_count == 5


def test_offline_answers_keep_their_minute_and_a_wrong_clock_is_ignored(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    two_hours_ago = utcnow() - timedelta(hours=2, seconds=17)
    millis = int(two_hours_ago.timestamp() * 1000)
    assert send(client, key, sid="a" * 32, answered_at=millis).status_code == 201
    assert send(client, key, sid="b" * 32, answered_at=int(
        datetime(2001, 1, 1, tzinfo=UTC).timestamp() * 1000)).status_code == 201
    assert send(client, key, sid="c" * 32, answered_at=10**16).status_code == 201
    rows = session.scalars(select(Response).order_by(Response.id)).all()
    assert rows[0].submitted_at == two_hours_ago.replace(second=0, microsecond=0)
    for row in rows[1:]:
        assert abs(row.submitted_at - utcnow()) < timedelta(minutes=2)


def test_rate_limit_keys_on_the_kiosk_and_counter_not_the_address(app, client, runner, session):
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], kiosk_rate_limit=(3, 600))
    make_unit(session, services={"S1": ["L1", "L2"]})
    busy, other = enrol(client, runner, "L1"), enrol(client, runner, "L2")
    for i in range(3):
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{i}"  # a new address does not help
        assert send(client, busy, sid=f"{i}" * 32).status_code == 201
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert send(client, busy, sid="9" * 32).status_code == 429
    assert send(client, other, sid="8" * 32).status_code == 201  # same address, other kiosk
    assert count_responses(session) == 4


def test_survey_rate_limit_of_the_address_does_not_stop_the_kiosk(app, client, runner, session):
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], survey_rate_limit=(1, 600))
    make_unit(session)
    key = enrol(client, runner)
    for i in range(3):
        assert send(client, key, sid=f"{i}" * 32).status_code == 201


def test_hello_records_contact_and_queue_and_gives_the_flow(client, runner, session):
    unit = make_unit(session)
    unit.services[0].instrument_slugs = "ikm,ipk"
    session.commit()
    key = enrol(client, runner)
    hello = client.post("/kiosk/api/hello", json={"queued": 7},
                        headers={"Authorization": f"Kiosk {key}"})
    config = hello.json["config"]
    assert [s["slug"] for s in config["surveys"]] == ["ikm", "ipk"]
    first = config["surveys"][0]["items"][0]
    assert [label["value"] for label in first["labels"]] == [1, 2, 3, 4]
    assert first["labels"][3]["id"] and first["labels"][3]["en"]
    kiosk = session.scalars(select(Kiosk)).one()
    session.refresh(kiosk)
    assert kiosk.queued == 7 and kiosk.last_seen_at is not None
    for bad in (-5, "7", True, None):
        client.post("/kiosk/api/hello", json={"queued": bad},
                    headers={"Authorization": f"Kiosk {key}"})
    session.refresh(kiosk)
    assert kiosk.queued == 0


def test_the_index_counts_every_channel(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    assert send(client, key, answers=ikm_answers(2)).status_code == 201
    tokens = open_form(client, "/s/U1/S1/L1")
    assert client.post("/s/U1/S1/L1", data={**full_answers(4), **tokens}).status_code == 302
    day = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()  # the unit's own date
    result = runner.invoke(args=["ikm", "U1", "--from", day, "--to", day, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["n"] == 2 and data["index"] == 3.0
    assert sorted(session.scalars(select(Response.source))) == ["kiosk", "web"]
