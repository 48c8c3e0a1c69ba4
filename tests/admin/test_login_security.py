"""Staff login: per-account limits an attacker cannot turn against the owner (device cookies),
strict `next` targets, sessions that end at logout and after 8 hours."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey_app.models import StaffSession, utcnow
from tests.admin.support import PASSWORD, login, make_user
from tests.helpers import make_unit

EMAIL = "staf@u1.go.id"
WRONG = "a wrong password"


def _from(app, address: str):
    """A fresh browser at a client address of its own."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _limit(app) -> int:
    return int(app.config["SURVEY"].login_rate_limit[0])


def _post_login(client, url: str, email: str = EMAIL, password: str = PASSWORD):
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    return client.post(url, data={"email": email, "password": password,
                                  "csrf_token": token.group(1)})


# Finding 7: rotating addresses meet a per-account limit.

def test_rotating_addresses_meet_the_per_account_limit(app, session):
    make_user(session, role="admin")
    codes = [login(_from(app, f"10.0.{i // 250}.{i % 250 + 1}"), EMAIL, WRONG).status_code
             for i in range(_limit(app) + 1)]
    assert codes[:-1] == [401] * _limit(app)
    assert codes[-1] == 429
    # A new address with the right password is still refused: the account is locked for
    # browsers that never logged in to it.
    assert login(_from(app, "10.9.9.9"), EMAIL).status_code == 429


def test_an_unknown_account_is_limited_the_same_way(app, session):
    make_user(session, role="admin")  # the limiter must not tell which accounts exist
    codes = [login(_from(app, f"10.1.0.{i + 1}"), "nobody@u1.go.id", WRONG).status_code
             for i in range(_limit(app) + 1)]
    assert codes[-1] == 429 and set(codes[:-1]) == {401}


# Finding 15: the per-account limit cannot lock out a browser that logged in before.

def test_a_flood_on_the_account_does_not_lock_out_the_owners_browser(app, session):
    make_user(session, role="admin")
    owner = _from(app, "192.0.2.10")
    assert login(owner, EMAIL).status_code == 302
    assert owner.get_cookie("staff_device", path="/admin/login") is not None
    owner.post("/admin/logout", data={"csrf_token": _csrf(owner)})
    for i in range(3 * _limit(app)):
        login(_from(app, f"203.0.113.{i + 1}"), EMAIL, WRONG)
    assert login(_from(app, "203.0.113.250"), EMAIL).status_code == 429
    assert login(owner, EMAIL).status_code == 302  # the owner's browser is not affected


def test_the_owner_behind_the_attackers_address_is_not_locked_out(app, session):
    make_user(session, role="admin")  # e.g. both behind one proxy: they share an address
    owner = _from(app, "198.51.100.7")
    assert login(owner, EMAIL).status_code == 302
    owner.post("/admin/logout", data={"csrf_token": _csrf(owner)})
    for _ in range(2 * _limit(app)):
        login(_from(app, "198.51.100.7"), EMAIL, WRONG)
    assert login(owner, EMAIL).status_code == 302


def test_a_device_cookie_is_limited_on_its_own_and_only_for_its_account(app, session):
    unit = make_unit(session)
    make_user(session, role="admin")
    make_user(session, "other@u1.go.id", unit=unit)
    browser = _from(app, "192.0.2.20")
    assert login(browser, EMAIL).status_code == 302
    browser.post("/admin/logout", data={"csrf_token": _csrf(browser)})
    # The cookie names one account: for another account the browser is untrusted.
    for i in range(_limit(app)):
        login(_from(app, f"192.0.2.{30 + i}"), "other@u1.go.id", WRONG)
    assert login(browser, "other@u1.go.id").status_code == 429
    # Wrong guesses from the trusted browser use up that browser's own budget ...
    codes = [login(browser, EMAIL, WRONG).status_code for _ in range(_limit(app) + 1)]
    assert codes[-1] == 429
    # ... not the account's: a new browser still gets in.
    assert login(_from(app, "192.0.2.21"), EMAIL).status_code == 302


def test_a_forged_device_cookie_is_ignored(app, session):
    make_user(session, role="admin")
    for i in range(_limit(app)):
        login(_from(app, f"10.2.0.{i + 1}"), EMAIL, WRONG)
    attacker = _from(app, "10.2.1.1")
    attacker.set_cookie("staff_device", "W1siYWJjIiwiZGVmIiwxXV0.forged", path="/admin/login")
    assert login(attacker, EMAIL).status_code == 429


# Finding 12: `next` is a same-site path or nothing.

@pytest.mark.parametrize("query", [
    "next=/%09/evil.example", "next=/%0d%0aSet-Cookie:%20x=1", "next=%2F%2Fevil.example",
    "next=/%5Cevil.example", "next=%5C%5Cevil.example", "next=https://evil.example/",
    "next=%20//evil.example", "next=/%0a/evil.example", "next=javascript:alert(1)",
    "next=/%E2%80%A8/evil.example", "next=", "next=admin/",
])
def test_next_outside_the_site_goes_to_the_default_page(app, session, query):
    make_user(session, role="admin")
    resp = _post_login(app.test_client(), f"/admin/login?{query}")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/"


def test_next_inside_the_site_is_kept(app, session):
    make_user(session, role="admin")
    resp = _post_login(app.test_client(), "/admin/login?next=/admin/units/U1%3Fa%3D1")
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/units/U1?a=1"


def test_the_login_page_sends_back_to_the_page_asked_for(app, session):
    make_unit(session)
    make_user(session, role="admin")
    browser = app.test_client()
    target = browser.get("/admin/units/U1").headers["Location"]
    assert _post_login(browser, target).headers["Location"] == "/admin/units/U1"


# Finding 14: logout ends the session on the server; sessions last 8 hours.

def _csrf(client) -> str:
    page = client.get("/admin/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    return found.group(1) if found else ""


def test_a_copied_session_cookie_is_dead_after_logout(app, session):
    make_user(session, role="admin")
    browser = app.test_client()
    assert login(browser, EMAIL).status_code == 302
    stolen = browser.get_cookie("session").value
    assert browser.post("/admin/logout", data={"csrf_token": _csrf(browser)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    resp = replay.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_logout_in_one_browser_keeps_the_other_logged_in(app, session):
    make_user(session, role="admin")
    first, second = app.test_client(), app.test_client()
    login(first, EMAIL)
    login(second, EMAIL)
    first.post("/admin/logout", data={"csrf_token": _csrf(first)})
    assert second.get("/admin/").status_code == 200


def test_a_session_ends_eight_hours_after_login(app, session):
    make_user(session, role="admin")
    browser = app.test_client()
    login(browser, EMAIL)
    row = session.scalars(select(StaffSession)).one()
    assert row.expires_at - row.created_at == timedelta(hours=8)
    session.execute(update(StaffSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    resp = browser.get("/admin/")
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]


def test_a_deactivated_account_loses_its_session(app, session):
    user = make_user(session, role="admin")
    browser = app.test_client()
    login(browser, EMAIL)
    user.is_active = False
    session.commit()
    assert browser.get("/admin/").status_code == 302
