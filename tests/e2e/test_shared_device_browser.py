"""One tablet, several people: Back, Forward and Reload after someone else's survey.

Playwright starts Chromium with its back-forward cache off; these tests turn it back on, as on a
real phone, so a page the cache would restore is restored here too. Playwright also re-posts a
form without asking when Back reaches a page that was the answer to a post (a person would press
"Continue"), which is the harsher case.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments
from survey_app.models import Response, Service
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_survey_browser import (
    INSTRUMENT,
    PATH,
    PHONE,
    THANKS,
    THANKS_URL,
    answer_by_label,
    fill_profile,
)
from tests.helpers import make_unit

pytestmark = pytest.mark.e2e

IPK = instruments.latest("ipk")
SECRET = "Nomor HP saya 0812 RAHASIA"
ANSWERED = 'input[type="radio"]:checked:not([value=""])'  # "Prefer not to say" is the default


@pytest.fixture(scope="module")
def phone_browser(browser: Browser) -> Iterator[Browser]:
    """Headless Chromium with its back-forward cache on, as a phone's browser has it."""
    chromium = browser.browser_type.launch(  # the session's Playwright: one per process
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"])
    yield chromium
    chromium.close()


def tablet(browser: Browser, javascript: bool) -> tuple[BrowserContext, Page]:
    """A 360x740 touch screen shared by everyone at the counter."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=javascript)
    return context, context.new_page()


def responses(session: Session) -> int:
    """Rows in the responses table."""
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Response)) or 0)


def token(page: Page) -> str:
    """The one-time form token of the page shown."""
    return page.locator('input[name="form_token"]').input_value()


def expect_fresh_form(page: Page, spent: str) -> None:
    """A new form (another token) with nothing chosen or typed in it."""
    expect(page.locator('input[name="form_token"]')).not_to_have_value(spent)
    expect(page.locator("form[data-fresh-form]")).to_be_visible()
    expect(page.locator(ANSWERED)).to_have_count(0)
    for field in page.locator("form input[type=number], form select, form textarea").all():
        expect(field).to_have_value("")
    assert SECRET not in page.content()


def send(page: Page) -> None:
    page.locator('form button[type="submit"]').click()


def fill_ikm(page: Page) -> str:
    """A whole IKM form with a profile and a suggestion; returns its token."""
    answer_by_label(page, tap=True)
    fill_profile(page)
    page.locator("#saran").fill(SECRET)
    return token(page)


def fill_ipk(page: Page, items: int | None = None) -> str:
    """The best answer to the first `items` IPK questions (all by default); returns the token."""
    for item in IPK.items[:items]:
        page.locator(f"#q-{item.code}").get_by_text(item.labels[3].id, exact=True).tap()
    return token(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_back_after_thanks_shows_an_empty_form_and_sending_it_stores_nothing(
    phone_browser: Browser, live_server: str, session: Session, javascript: bool
) -> None:
    make_unit(session)
    context, page = tablet(phone_browser, javascript)
    page.goto(live_server + PATH)
    spent = fill_ikm(page)
    send(page)
    page.wait_for_url(THANKS_URL)
    assert responses(session) == 1

    page.go_back(wait_until="commit")  # the next person
    expect_fresh_form(page, spent)
    page.go_forward(wait_until="commit")
    expect(page.locator("h1")).to_have_text(THANKS)
    page.go_back(wait_until="commit")
    expect_fresh_form(page, spent)
    send(page)  # nothing chosen: the form asks for the answers and stores nothing
    expect(page.locator("#error-summary")).to_be_visible()
    assert SECRET not in page.content()
    assert responses(session) == 1
    context.close()


def test_reload_of_thanks_stores_nothing_and_a_new_survey_starts_empty(
    phone_browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context, page = tablet(phone_browser, True)
    page.goto(live_server + PATH)
    spent = fill_ikm(page)
    send(page)
    page.wait_for_url(THANKS_URL)
    for _ in range(2):
        page.reload()
        expect(page.locator("h1")).to_have_text(THANKS)
    assert responses(session) == 1
    page.get_by_role("link", name="Isi survei baru").tap()
    page.wait_for_url(live_server + PATH)
    expect_fresh_form(page, spent)
    context.close()
    assert responses(session) == 1


def test_back_to_a_corrected_form_after_thanks_shows_nothing_typed(
    phone_browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context, page = tablet(phone_browser, True)
    page.goto(live_server + PATH)
    last = INSTRUMENT.items[-1].code
    answer_by_label(page, tap=True, skip=last)
    page.locator("#saran").fill(SECRET)
    send(page)
    expect(page.locator(f"#e-{last}")).to_be_visible()
    expect(page.locator("#saran")).to_have_value(SECRET)  # the same person: answers kept
    spent = token(page)
    page.locator(f'#q-{last} input[value="{INSTRUMENT.scale_max}"]').check()
    send(page)
    page.wait_for_url(THANKS_URL)

    try:  # the page that asked for the correction answered a post: Chromium asks to post again
        page.go_back(wait_until="commit")
    except PlaywrightError as exc:
        assert "ERR_CACHE_MISS" in exc.message
    expect(page.locator("html")).not_to_contain_text(SECRET)
    page.reload()  # "Continue": the browser sends that first, incomplete post once more
    expect(page.locator("h1")).not_to_have_text(INSTRUMENT.title.id)
    expect(page.locator("html")).not_to_contain_text(SECRET)
    expect(page.locator(ANSWERED)).to_have_count(0)
    assert responses(session) == 1
    page.go_back(wait_until="commit")  # the form as first shown
    expect_fresh_form(page, spent)
    context.close()
    assert responses(session) == 1


def test_a_filled_form_the_cache_restores_is_replaced_by_a_fresh_one(
    phone_browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context, page = tablet(phone_browser, True)
    page.goto(live_server + PATH)
    typed = fill_ikm(page)  # and the person walks away without sending
    page.goto(live_server + "/s/U1")  # the next person opens the unit's page ...
    page.go_back(wait_until="commit")  # ... and goes back
    expect_fresh_form(page, typed)
    context.close()
    assert responses(session) == 0


def with_ipk(session: Session) -> None:
    make_unit(session)
    session.scalars(select(Service)).one().instrument_slugs = "ikm,ipk"
    session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_back_and_forward_through_ikm_then_ipk_show_no_answers(
    phone_browser: Browser, live_server: str, session: Session, javascript: bool
) -> None:
    with_ipk(session)
    context, page = tablet(phone_browser, javascript)
    page.goto(live_server + PATH)
    ikm_token = fill_ikm(page)
    send(page)
    page.wait_for_url("**instrument=ipk")
    ipk_token = fill_ipk(page)
    send(page)
    page.wait_for_url(THANKS_URL)
    assert responses(session) == 2

    page.go_back(wait_until="commit")
    expect_fresh_form(page, ipk_token)
    page.go_back(wait_until="commit")
    expect_fresh_form(page, ikm_token)
    page.go_forward(wait_until="commit")  # the empty second survey the next person just saw
    expect_fresh_form(page, ipk_token)
    send(page)
    expect(page.locator("#error-summary")).to_be_visible()
    context.close()
    assert responses(session) == 2


def test_back_and_forward_after_a_half_filled_ipk_was_left_show_no_answers(
    phone_browser: Browser, live_server: str, session: Session
) -> None:
    with_ipk(session)
    context, page = tablet(phone_browser, True)
    page.goto(live_server + PATH)
    ikm_token = fill_ikm(page)
    send(page)
    page.wait_for_url("**instrument=ipk")
    half = fill_ipk(page, items=3)
    page.go_back(wait_until="commit")  # the first person looks back at the first survey ...
    expect_fresh_form(page, ikm_token)
    page.go_forward(wait_until="commit")  # ... the cache holds the half-filled second one
    expect_fresh_form(page, half)
    fill_ipk(page, items=2)
    page.get_by_role("link", name="Lewati survei ini").tap()
    page.wait_for_url(THANKS_URL)
    page.go_back(wait_until="commit")  # the next person
    expect_fresh_form(page, half)
    context.close()
    assert responses(session) == 1
