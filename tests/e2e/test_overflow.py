"""No page scrolls sideways: staff pages at 1366 and 1024 px, public pages at 360 and 320 px.

Every page comes from `tests/site.py` (which walks `app.url_map`), opened in Chromium by the
visitor who may see it (the staff and officer sessions are the test client's signed cookies).
axe-core must still find nothing. Screenshots in Bahasa Indonesia at 360 and 1366 px go to
benchmarks/out/pages/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page as Tab
from sqlalchemy.orm import Session

from tests import site as S
from tests.e2e.test_kiosk_browser import axe_violations

pytestmark = pytest.mark.e2e

STAFF_WIDTHS = (1366, 1024)
PUBLIC_WIDTHS = (360, 320)
# The widest elements, to say what overflows when something does.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '')
    + ' right=' + Math.round(e.getBoundingClientRect().right))"""

# A table wider than its card does not move the page but spills out of its box: caught too.
SPILLED = """() => [...document.querySelectorAll('main, main section, main .card, main form')]
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.scrollWidth + '>'
    + e.clientWidth)"""


def is_staff(page: S.Page) -> bool:
    """Staff pages are the admin and officer areas (their login pages included)."""
    return page.url.startswith(("/admin", "/wbs/officer"))


@pytest.fixture
def built(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    from tests.wbs.support import purge_audit

    yield S.build(app, session)
    purge_audit(app)


def _contexts(browser: Browser, app: Flask, session: Session, site: S.Site,
              origin: str) -> dict[str, list[dict[str, str]]]:
    """Cookies of each visitor, taken from logged-in test clients."""
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    cookies: dict[str, list[dict[str, str]]] = {"public": []}
    for who in (*S.STAFF, "officer"):
        client = app.test_client()
        if who == "officer":
            S.login_officer(client, session, site)
        else:
            S.login_staff(client, who)
        cookie = client.get_cookie(name)
        assert cookie is not None
        cookies[who] = [{"name": name, "value": cookie.value, "url": origin}]
    return cookies


def _measure(tab: Tab) -> tuple[int, int]:
    """scrollWidth and innerWidth once the page stays put (the kiosk enrolment page moves on to
    the kiosk by itself)."""
    for _attempt in range(5):
        try:
            tab.wait_for_load_state("load")
            scroll, inner = tab.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
            return int(scroll), int(inner)
        except PlaywrightError:
            tab.wait_for_timeout(300)
    raise AssertionError(f"{tab.url} kept navigating")


def _open(browser: Browser, cookies: list[dict[str, str]], width: int) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID",
                                  service_workers="block")
    if cookies:
        context.add_cookies(cookies)  # type: ignore[arg-type]
    return context


def test_no_page_scrolls_sideways(browser: Browser, app: Flask, session: Session,
                                  built: S.Site, live_server: str,
                                  screenshot_dir: Path) -> None:
    cookies = _contexts(browser, app, session, built, live_server)
    pages = [p for p in S.pages(app, built) if p.kind == "html"]
    shots = screenshot_dir / "pages"
    shots.mkdir(parents=True, exist_ok=True)
    overflow: list[str] = []
    violations: dict[str, list[str]] = {}
    for who in cookies:
        mine = [p for p in pages if p.who == who]
        if not mine:
            continue
        widths = sorted({w for p in mine for w in (STAFF_WIDTHS if is_staff(p)
                                                   else PUBLIC_WIDTHS)}, reverse=True)
        for width in widths:
            context = _open(browser, cookies[who], width)
            tab = context.new_page()
            for page in mine:
                if width not in (STAFF_WIDTHS if is_staff(page) else PUBLIC_WIDTHS):
                    continue
                tab.goto(live_server + page.url)
                if "/kiosk/enrol/" in page.url:  # enrols, then moves on to the kiosk itself
                    tab.wait_for_timeout(2000)
                scroll, inner = _measure(tab)
                if scroll > inner:
                    overflow.append(f"{page.url} as {who} at {width}px: {scroll} > {inner}; "
                                    f"{tab.evaluate(WIDEST)}")
                spilled = tab.evaluate(SPILLED)
                if spilled:
                    overflow.append(f"{page.url} as {who} at {width}px: spills {spilled}")
                if width in (1366, 360):
                    stable = re.sub(r"/\d{6,}|/[A-Za-z0-9_-]{20,}", "/x", page.url)
                    slug = re.sub(r"[^A-Za-z0-9]+", "-", stable).strip("-") or "root"
                    tab.screenshot(path=str(shots / f"{width}-{who}-{slug}.png"), full_page=True)
                    found = axe_violations(tab)
                    if found:
                        violations[f"{page.url} as {who}"] = found
            context.close()
    assert overflow == [], "pages wider than the screen:\n" + "\n".join(overflow)
    assert violations == {}
