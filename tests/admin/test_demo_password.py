"""A new demo password ends the demo account's open logins (staff_sessions.end_all)."""

from __future__ import annotations

from survey_app.demo import DEMO_ADMIN, ensure_demo
from tests.admin.support import login


def test_a_new_demo_password_logs_out_every_open_login(app, client, session):
    _, first = ensure_demo(session, seed_responses=0)
    assert login(client, DEMO_ADMIN, first).status_code == 302
    assert client.get("/admin/").status_code == 200

    _, second = ensure_demo(session, seed_responses=0)
    assert second != first
    resp = client.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    assert login(client, DEMO_ADMIN, second).status_code == 302
    assert client.get("/admin/").status_code == 200
