"""The counter kiosk in real Chromium: enrolled from the CLI link, respondents in a row, an
idle reset, revocation, and answers taken offline that arrive exactly once."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments
from survey_app.models import Kiosk, Response
from tests.helpers import make_unit

pytestmark = pytest.mark.e2e

IKM = instruments.latest("ikm")
IPK = instruments.latest("ipk")
TABLET = {"width": 1280, "height": 800}


@pytest.fixture
def kiosk_context(browser: Browser) -> Iterator[BrowserContext]:
    """A touch tablet; service workers allowed (Playwright's default)."""
    context = browser.new_context(viewport=TABLET, has_touch=True, service_workers="allow")
    yield context
    context.close()


def watch(page: Page) -> list[str]:
    """Script errors and CSP violations of a page. Refused or failed requests also log an error
    ("Failed to load resource"): those are expected here (offline, revoked) and checked by
    what the page shows and what is stored."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


class InFlight:
    """Kiosk API calls a page has sent and not yet had answered (its timers send on their own).

    Counted through a route: a page its service worker controls reports the requests it sends
    but not always their end."""

    def __init__(self, page: Page) -> None:
        self.sent = self.done = 0
        page.on("request", lambda r: self._sent(r.url))
        page.route("**/kiosk/api/**", self._pass)

    def _sent(self, url: str) -> None:
        if "/kiosk/api/" in url:
            self.sent += 1

    def _pass(self, route: Route) -> None:
        try:
            route.fulfill(response=route.fetch())
        finally:
            self.done += 1

    def settle(self, page: Page) -> None:
        """Wait until every kiosk API call sent so far has been answered."""
        for _ in range(200):
            if self.done >= self.sent:
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{self.sent - self.done} kiosk API calls still open")


def enrol(app: Flask, page: Page, live_server: str, *extra: str) -> None:
    """Open the link `survey-app kiosk enroll` prints: the page becomes the kiosk."""
    result = app.test_cli_runner().invoke(args=["kiosk", "enroll", "U1", "S1", "L1", *extra])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1].replace("http://survey.test", live_server)
    page.goto(link)
    expect(page.locator("[data-kiosk-start]")).to_be_visible()
    expect(page.locator("#kiosk[data-ready]")).to_have_count(1)


def answer_survey(page: Page, instrument: instruments.Instrument, value: int) -> None:
    """Tap one face per element, checking the progress on the way."""
    for number, item in enumerate(instrument.items, start=1):
        choice = page.locator(f'[data-item="{item.code}"][data-value="{value}"]')
        expect(choice).to_be_visible()
        if instrument.slug == "ikm":
            expect(page.locator("#progress-text")).to_contain_text(f"{number} ")
        choice.tap()


def respondent(page: Page, value: int, *, profile: bool = True, ipk: bool = True) -> None:
    """One person: start, IKM, the short profile (or skip it), IPK if offered, thanks."""
    page.locator("#start").tap()
    answer_survey(page, IKM, value)
    if profile:
        page.locator('[data-profile="jenis_kelamin"][data-code="L"]').tap()
        page.locator("#profile-finish").tap()
    else:
        page.locator("#profile-skip").tap()
    if ipk:
        answer_survey(page, IPK, value)
    expect(page.locator("[data-kiosk-thanks]")).to_be_visible()


def stored(session: Session) -> list[tuple[str, str, int]]:
    """(instrument slug via answers count, source, answer_sum) of every stored response."""
    session.expire_all()
    rows = session.execute(select(Response.source, Response.answer_count, Response.answer_sum)
                           .order_by(Response.id)).all()
    return [(source, str(count), total) for source, count, total in rows]


def count(session: Session) -> int:
    """Stored responses."""
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def test_kiosk_three_respondents_idle_reset_and_revocation(
    app: Flask, kiosk_context: BrowserContext, live_server: str, session: Session
) -> None:
    unit = make_unit(session)
    unit.services[0].instrument_slugs = "ikm,ipk"
    session.commit()
    page = kiosk_context.new_page()
    problems = watch(page)
    in_flight = InFlight(page)
    page.clock.install()
    enrol(app, page, live_server)
    expect(page.locator("#start-place")).to_contain_text("Loket L1")

    for value in (4, 3, 2):
        respondent(page, value, profile=value != 3)
        page.clock.run_for(7000)  # the thank-you screen returns to the start by itself
        expect(page.locator("[data-kiosk-start]")).to_be_visible()
    expect(page.locator("#kiosk[data-queued='0']")).to_have_count(1)
    n_ikm, n_ipk = len(IKM.items), len(IPK.items)
    assert stored(session) == [
        ("kiosk", str(n_ikm), 4 * n_ikm), ("kiosk", str(n_ipk), 4 * n_ipk),
        ("kiosk", str(n_ikm), 3 * n_ikm), ("kiosk", str(n_ipk), 3 * n_ipk),
        ("kiosk", str(n_ikm), 2 * n_ikm), ("kiosk", str(n_ipk), 2 * n_ipk),
    ]
    sexes = session.scalars(select(Response.jenis_kelamin).where(
        Response.answer_count == n_ikm).order_by(Response.id)).all()
    assert sexes == ["L", None, "L"]

    # A person walks away in the middle: after a minute without a touch nothing is kept.
    page.locator("#start").tap()
    for item in IKM.items[:4]:
        page.locator(f'[data-item="{item.code}"][data-value="1"]').tap()
    page.clock.run_for(61_000)
    expect(page.locator("[data-kiosk-start]")).to_be_visible()
    page.locator("#start").tap()
    expect(page.locator("#progress-text")).to_contain_text("1 ")
    expect(page.locator('[data-item][aria-pressed="true"]')).to_have_count(0)
    expect(page.locator("#back")).to_be_hidden()  # no way back to anyone's earlier answers
    page.clock.run_for(61_000)
    expect(page.locator("[data-kiosk-start]")).to_be_visible()
    assert count(session) == 6

    # The minutes run above fired the kiosk's periodic contact: stop the clock (no more of it)
    # and let it finish before revoking, so that the refusal met is the next submission's.
    page.clock.pause_at(page.evaluate("Date.now()") + 10)
    in_flight.settle(page)
    kiosk_id = session.scalars(select(Kiosk.id)).one()
    result = app.test_cli_runner().invoke(args=["kiosk", "revoke", "U1", str(kiosk_id)])
    assert result.exit_code == 0
    # The kiosk learns of it at its next contact: normally the next submission, but a contact its
    # own timer began just before the clock stopped may answer first. Either way the screen says
    # so and nothing more is stored.
    revoked = page.locator("[data-kiosk-revoked]")
    try:
        page.locator("#start").tap()
        answer_survey(page, IKM, 4)
        page.locator("#profile-skip").tap()
    except (PlaywrightTimeoutError, AssertionError):  # a tap or an expect met the revoked screen
        if not revoked.is_visible():
            raise
    expect(revoked).to_be_visible()
    expect(page.locator("[data-kiosk-revoked] h1")).to_contain_text("dinonaktifkan")
    assert count(session) == 6
    page.reload()
    expect(page.locator("[data-kiosk-revoked]")).to_be_visible()
    assert problems == []


def test_offline_answers_survive_a_closed_page_and_arrive_exactly_once(
    app: Flask, kiosk_context: BrowserContext, live_server: str, session: Session
) -> None:
    make_unit(session)
    page = kiosk_context.new_page()
    problems = watch(page)
    enrol(app, page, live_server)
    expect(page.locator("#kiosk[data-offline-ready]")).to_have_count(1)
    page.reload()  # now served through the service worker, which keeps a copy
    expect(page.locator("[data-kiosk-start]")).to_be_visible()

    kiosk_context.set_offline(True)
    for value in (4, 3, 2):
        respondent(page, value, ipk=False)  # this counter offers IKM only
        page.locator("#kiosk[data-screen='start']").wait_for()
    expect(page.locator("#kiosk[data-queued='3']")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("3")
    page.close()
    assert count(session) == 0

    again = kiosk_context.new_page()
    problems += watch(again)
    again.goto(f"{live_server}/kiosk/")  # still offline: the copy the service worker kept
    expect(again.locator("[data-kiosk-start]")).to_be_visible()
    expect(again.locator("#kiosk[data-queued='3']")).to_have_count(1)

    # The first send's reply is lost after the server stored it: the same id goes again.
    dropped: list[str] = []

    def drop_first_reply(route) -> None:  # type: ignore[no-untyped-def]
        if not dropped:
            route.fetch()
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    again.route("**/kiosk/api/responses", drop_first_reply)
    again.clock.install()
    kiosk_context.set_offline(False)
    again.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(5):
        again.clock.run_for(6000)  # the retry after a failed send
        if again.locator("#kiosk[data-queued='0']").count():
            break
    expect(again.locator("#kiosk[data-queued='0']")).to_have_count(1)
    assert dropped, "no reply was dropped"
    assert [r[0] for r in stored(session)] == ["kiosk"] * 3
    assert sorted(r[2] for r in stored(session)) == [2 * 9, 3 * 9, 4 * 9]
    assert problems == []


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations on the page as it is now (id, impact, first target)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail("axe-playwright-python is missing and REQUIRE_E2E=1")
        pytest.skip("axe-playwright-python is missing")
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in found]


def test_kiosk_screens_have_no_axe_violations(
    app: Flask, kiosk_context: BrowserContext, live_server: str, session: Session
) -> None:
    make_unit(session)
    page = kiosk_context.new_page()
    page.clock.install()
    page.goto(f"{live_server}/kiosk/enrol/not-a-token")
    expect(page.locator("main[data-failed]")).to_have_count(1)
    seen = {"enrol failed": axe_violations(page)}
    page.goto(f"{live_server}/kiosk/")
    expect(page.locator("[data-kiosk-unenrolled]")).to_be_visible()
    seen["not enrolled"] = axe_violations(page)
    enrol(app, page, live_server)
    seen["start"] = axe_violations(page)
    page.locator("#switch-lang").tap()
    seen["start (English)"] = axe_violations(page)
    page.locator("#start").tap()
    seen["question"] = axe_violations(page)
    for item in IKM.items:
        page.locator(f'[data-item="{item.code}"][data-value="3"]').tap()
    page.locator('[data-profile="pendidikan"][data-code="SMA"]').tap()
    seen["profile"] = axe_violations(page)
    page.locator("#profile-finish").tap()
    expect(page.locator("[data-kiosk-thanks]")).to_be_visible()
    seen["thanks"] = axe_violations(page)
    page.clock.run_for(7000)
    page.locator("#start").tap()
    page.locator(f'[data-item="{IKM.items[0].code}"][data-value="2"]').tap()
    expect(page.locator("#back")).to_be_visible()
    seen["question 2"] = axe_violations(page)
    kiosk_id = session.scalars(select(Kiosk.id)).one()
    app.test_cli_runner().invoke(args=["kiosk", "revoke", "U1", str(kiosk_id)])
    page.reload()
    expect(page.locator("[data-kiosk-revoked]")).to_be_visible()
    seen["revoked"] = axe_violations(page)
    assert {name: found for name, found in seen.items() if found} == {}
