"""Enrolment: a one-time link from the CLI or the staff page, a credential kept as a digest,
listing and revocation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from survey_app.models import Kiosk, utcnow
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit
from tests.kiosk.support import enrol, enrol_link, send


def test_cli_link_enrols_once_and_keeps_only_digests(client, runner, session):
    make_unit(session)
    link = enrol_link(runner, "L1", "--name", "Tablet depan")
    assert link.startswith("http://survey.test/kiosk/enrol/")
    token = link.rsplit("/", 1)[1]
    page = client.get(f"/kiosk/enrol/{token}")
    assert page.status_code == 200 and b"kiosk/enrol.js" in page.data  # the page spends nothing
    first = client.post("/kiosk/api/enrol", json={"token": token})
    assert first.status_code == 200
    key = first.json["key"]
    assert first.json["config"]["counter"] == "Loket L1"
    assert client.post("/kiosk/api/enrol", json={"token": token}).status_code == 410
    kiosk = session.scalars(select(Kiosk)).one()
    assert kiosk.name == "Tablet depan" and kiosk.enrol_hash is None
    assert kiosk.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = " ".join(str(v) for v in vars(kiosk).values())
    assert key not in stored and token not in stored


def test_expired_or_unknown_links_and_bad_bodies_are_refused(client, runner, session):
    make_unit(session)
    token = enrol_link(runner).rsplit("/", 1)[1]
    kiosk = session.scalars(select(Kiosk)).one()
    kiosk.enrol_expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    assert client.post("/kiosk/api/enrol", json={"token": token}).status_code == 410
    assert client.post("/kiosk/api/enrol", json={"token": "x" * 5000}).status_code == 410
    assert client.post("/kiosk/api/enrol", json=[1, 2]).status_code == 410
    assert client.post("/kiosk/api/enrol", data="token=x").status_code == 410


def test_cli_errors_are_one_line(runner, session):
    make_unit(session)
    result = runner.invoke(args=["kiosk", "enroll", "U1", "S1", "L9"])
    assert result.exit_code == 1 and "unknown counter" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(args=["kiosk", "enroll", "U1", "S1", "L1", "--idle", "2"]).exit_code == 2
    assert runner.invoke(args=["kiosk", "revoke", "U1", "77"]).exit_code == 1
    assert runner.invoke(args=["kiosk", "list", "NOPE"]).exit_code == 1


def test_list_shows_counter_last_seen_and_queued(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    client.post("/kiosk/api/hello", json={"queued": 3}, headers={"Authorization": f"Kiosk {key}"})
    enrol_link(runner)  # a second one, not used yet
    lines = runner.invoke(args=["kiosk", "list", "U1"]).output.strip().splitlines()
    assert lines[0].split("\t") == ["id", "counter", "last_seen", "queued", "status"]
    first, second = (line.split("\t") for line in lines[1:])
    assert first[1] == "S1/L1" and first[2] != "-" and first[3] == "3" and first[4] == "active"
    assert second[2] == "-" and second[4] == "waiting"


def test_revoked_kiosk_is_refused_and_told_so(client, runner, session):
    make_unit(session)
    key = enrol(client, runner)
    assert send(client, key).status_code == 201
    kiosk_id = session.scalars(select(Kiosk.id)).one()
    assert runner.invoke(args=["kiosk", "revoke", "U1", str(kiosk_id)]).exit_code == 0
    refused = send(client, key, sid="b" * 32)
    assert refused.status_code == 403 and refused.json == {"error": "revoked"}
    hello = client.post("/kiosk/api/hello", json={}, headers={"Authorization": f"Kiosk {key}"})
    assert hello.status_code == 403
    assert send(client, "not-a-key").status_code == 401
    assert client.post("/kiosk/api/hello", json={}).status_code == 401


def test_staff_page_enrols_with_link_and_qr_and_revokes(client, session):
    unit = make_unit(session)
    make_user(session, unit=unit)
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1/kiosks")
    assert page.status_code == 200
    made = client.post("/admin/units/U1/kiosks/enrol", data={
        "csrf_token": csrf_of(page.get_data(as_text=True)), "counter": "S1/L1", "name": "Tab"})
    html = made.get_data(as_text=True)
    assert made.status_code == 200 and 'src="data:image/png;base64,' in html
    link = html.split("data-enrol-link>")[1].split("<")[0]
    token = link.rsplit("/", 1)[1]
    assert client.post("/kiosk/api/enrol", json={"token": token}).status_code == 200
    kiosk = session.scalars(select(Kiosk)).one()
    revoked = client.post(f"/admin/units/U1/kiosks/{kiosk.id}/revoke",
                          data={"csrf_token": csrf_of(html)})
    assert revoked.status_code == 302
    session.expire_all()
    assert session.get(Kiosk, kiosk.id).is_revoked
    assert b"Kiosks" in client.get("/admin/units/U1?lang=en").data


def test_staff_page_roles_and_units_are_checked_on_the_server(client, runner, session):
    unit = make_unit(session)
    make_unit(session, "U2")
    enrol_link(runner)
    kiosk_id = session.scalars(select(Kiosk.id)).one()
    make_user(session, "analis@u1.go.id", role="analyst", unit=unit)
    login(client, "analis@u1.go.id")
    html = client.get("/admin/units/U1/kiosks").get_data(as_text=True)
    assert "Revoke" not in html and "Cabut" not in html
    token = csrf_of(client.get("/admin/units/U1").get_data(as_text=True))
    assert client.post(f"/admin/units/U1/kiosks/{kiosk_id}/revoke",
                       data={"csrf_token": token}).status_code == 403
    assert client.post("/admin/units/U1/kiosks/enrol",
                       data={"csrf_token": token, "counter": "S1/L1"}).status_code == 403
    assert client.get("/admin/units/U2/kiosks").status_code == 404
    session.expire_all()
    assert not session.get(Kiosk, kiosk_id).is_revoked


def test_staff_page_refuses_another_units_kiosk_and_unknown_counters(client, runner, session):
    make_unit(session)
    u2 = make_unit(session, "U2")
    runner.invoke(args=["kiosk", "enroll", "U2", "S1", "L1"])
    other = session.scalars(select(Kiosk.id)).one()
    make_user(session, "staf@u2.go.id", unit=u2)
    make_user(session, "admin@x.go.id", role="admin")
    login(client, "admin@x.go.id")
    token = csrf_of(client.get("/admin/units/U1/kiosks").get_data(as_text=True))
    assert client.post(f"/admin/units/U1/kiosks/{other}/revoke",
                       data={"csrf_token": token}).status_code == 404
    assert client.post("/admin/units/U1/kiosks/enrol",
                       data={"csrf_token": token, "counter": "S1/L9"}).status_code == 404
    assert client.post("/admin/units/U1/kiosks/enrol",
                       data={"csrf_token": token, "counter": "S1/L1",
                             "name": "x" * 101}).status_code == 302
