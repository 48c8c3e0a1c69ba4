"""A new demo password ends the demo account's open logins (staff_sessions.end_all); the demo
helpers leave the commit to their caller."""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.db import db
from survey_app.demo import DEMO_ADMIN, ensure_demo, ensure_demo_officer
from survey_app.models import Unit, User, WbsOfficer
from tests.admin.support import login


def test_a_new_demo_password_logs_out_every_open_login(app, client, session):
    _, first = ensure_demo(session, seed_responses=0)
    session.commit()
    assert login(client, DEMO_ADMIN, first).status_code == 302
    assert client.get("/admin/").status_code == 200

    _, second = ensure_demo(session, seed_responses=0)
    session.commit()
    assert second != first
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    assert login(client, DEMO_ADMIN, second).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_demo_helpers_do_not_commit(app, session):
    with app.app_context():
        unit, _password = ensure_demo(db.session, seed_responses=3)
        assert ensure_demo_officer(db.session, unit) is not None
        db.session.rollback()
    for model in (Unit, User, WbsOfficer):
        assert session.scalar(select(func.count()).select_from(model)) == 0
