"""Officer login: a TOTP code opens one session even under concurrency; per-account limits an
attacker cannot turn against the officer (device cookies); logout leaves nothing valid."""

from __future__ import annotations

import threading

import pyotp
from sqlalchemy import func, select

from survey_app.models import WbsSession
from tests.wbs.support import PASSWORD, csrf_token, login_officer, make_officer

EMAIL = "petugas@u1.go.id"
WRONG = "a wrong officer password"
PARALLEL = 4


def _limit(app) -> int:
    return int(app.extensions["wbs"].login_rate[0])


def _attempt(client, password: str = WRONG, code: str = "000000", email: str = EMAIL):
    return client.post("/wbs/officer/login", data={
        "email": email, "password": password, "code": code,
        "csrf_token": csrf_token(client, "/wbs/officer/login")})


def _sessions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(WbsSession)) or 0


# Finding 8: one code, one session, also for parallel logins (threads, own connections).

def test_parallel_logins_with_one_code_open_one_session(app, session):
    _officer, secret = make_officer(app, session)
    clients = [app.test_client() for _ in range(PARALLEL)]
    tokens = [csrf_token(c, "/wbs/officer/login") for c in clients]
    code = pyotp.TOTP(secret).now()
    start = threading.Barrier(PARALLEL)
    codes: list[int] = []

    def log_in(client, token) -> None:
        start.wait()
        resp = client.post("/wbs/officer/login", data={
            "email": EMAIL, "password": PASSWORD, "code": code, "csrf_token": token})
        codes.append(resp.status_code)

    threads = [threading.Thread(target=log_in, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [302] + [401] * (PARALLEL - 1)
    assert _sessions(session) == 1


def test_a_code_works_once_one_after_the_other(app, session):
    _officer, secret = make_officer(app, session)
    code = pyotp.TOTP(secret).now()
    assert _attempt(app.test_client(), PASSWORD, code).status_code == 302
    assert _attempt(app.test_client(), PASSWORD, code).status_code == 401
    assert _sessions(session) == 1


# Finding 15: flooding an officer's e-mail does not lock out the officer's own browser.

def test_a_flood_on_the_account_does_not_lock_out_the_officers_browser(app, session):
    _officer, secret = make_officer(app, session)
    officer = app.test_client()
    assert login_officer(officer, session, EMAIL, secret).status_code == 302
    assert officer.get_cookie("wbs_device", path="/wbs/officer/login") is not None
    officer.post("/wbs/officer/logout",
                 data={"csrf_token": csrf_token(officer, "/wbs/officer/login")})
    for _ in range(3 * _limit(app)):
        _attempt(app.test_client())
    assert login_officer(app.test_client(), session, EMAIL, secret).status_code == 429
    assert login_officer(officer, session, EMAIL, secret).status_code == 302


def test_an_officers_device_cookie_has_its_own_budget_for_its_own_account(app, session):
    _officer, secret = make_officer(app, session)
    make_officer(app, session, email="kedua@u1.go.id", by=EMAIL, create_unit=False)
    browser = app.test_client()
    assert login_officer(browser, session, EMAIL, secret).status_code == 302
    codes = [_attempt(browser).status_code for _ in range(_limit(app) + 1)]
    assert codes[-1] == 429  # the device is limited on its own ...
    assert login_officer(app.test_client(), session, EMAIL, secret).status_code == 302  # ... only
    for _ in range(_limit(app)):
        _attempt(app.test_client(), email="kedua@u1.go.id")
    assert _attempt(browser, email="kedua@u1.go.id").status_code == 429  # other account: untrusted


def test_an_unknown_officer_email_is_limited_like_a_known_one(app, session):
    make_officer(app, session)
    codes = [_attempt(app.test_client(), email="bukan@u1.go.id").status_code
             for _ in range(_limit(app) + 1)]
    assert set(codes[:-1]) == {401} and codes[-1] == 429


def test_officer_limits_never_key_on_the_address(app, session):
    _officer, secret = make_officer(app, session)
    same_address = app.test_client()
    same_address.environ_base["REMOTE_ADDR"] = "10.3.0.1"
    for i in range(_limit(app) + 1):  # one address, many accounts
        _attempt(same_address, email=f"tebakan{i}@u1.go.id")
    assert login_officer(same_address, session, EMAIL, secret).status_code == 302


# Finding 14 (officers): logout leaves nothing valid.

def test_an_officers_copied_cookie_is_dead_after_logout(app, session):
    _officer, secret = make_officer(app, session)
    browser = app.test_client()
    assert login_officer(browser, session, EMAIL, secret).status_code == 302
    stolen = browser.get_cookie("session").value
    browser.post("/wbs/officer/logout", data={"csrf_token": csrf_token(browser, "/wbs/officer/")})
    assert _sessions(session) == 0
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    resp = replay.get("/wbs/officer/")
    assert resp.status_code == 302 and "/wbs/officer/login" in resp.headers["Location"]
