"""A respondent in a real browser: phone taps, no JavaScript, a missed answer, keyboard only."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    ViewportSize,
    expect,
)
from playwright.sync_api import Response as PwResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import instruments
from survey_app.models import Answer, Counter, Response
from tests.helpers import make_unit

pytestmark = pytest.mark.e2e

PATH = "/s/U1/S1/L1"
THANKS = re.compile(r"Terima kasih|Thank you", re.IGNORECASE)
THANKS_URL = re.compile(r"/s/U1/terima-kasih(\?|$)")  # with or without its marker
INSTRUMENT = instruments.latest("ikm")
# A different answer per element, so a mixed-up element shows in the stored row.
SPAN = INSTRUMENT.scale_max - INSTRUMENT.scale_min + 1
CHOSEN = {item.code: INSTRUMENT.scale_max - i % SPAN for i, item in enumerate(INSTRUMENT.items)}
PHONE: ViewportSize = {"width": 360, "height": 740}


def phone_context(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    """A small Android-like phone: 360x740 CSS pixels, touch, mobile viewport."""
    return browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        java_script_enabled=javascript,
    )


def origin(url: str) -> str:
    """scheme://host:port of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def label_text(code: str, value: int) -> str:
    """The Bahasa Indonesia label a respondent sees for one answer."""
    item = next(i for i in INSTRUMENT.items if i.code == code)
    return item.labels[value - INSTRUMENT.scale_min].get("id")


def radio(page: Page, code: str, value: int) -> Locator:
    """The radio button of one answer."""
    return page.locator(f'input[type="radio"][name="{code}"][value="{value}"]')


def answer_by_label(page: Page, *, tap: bool, skip: str | None = None) -> None:
    """Answer every element (but `skip`) by touching (or clicking) the visible label text."""
    for code, value in CHOSEN.items():
        if code == skip:
            continue
        text = page.locator(f"#q-{code}").get_by_text(label_text(code, value), exact=True)
        if tap:
            text.tap()
        else:
            text.click()
        expect(radio(page, code, value)).to_be_checked()


def fill_profile(page: Page) -> None:
    """Sex, age, education and a suggestion."""
    page.locator('label.opt:has(input[name="jenis_kelamin"][value="L"])').click()
    page.locator("#usia").fill("41")
    page.locator("#pendidikan").select_option("SMA")
    page.locator("#saran").fill("Ruang tunggu perlu kipas angin.")


def submit_and_wait_for_thanks(page: Page) -> None:
    """Press the send button and wait for the thank-you page."""
    page.locator('form button[type="submit"]').click()
    page.wait_for_url(THANKS_URL)
    expect(page.locator("h1")).to_have_text(THANKS)


def bad(response: PwResponse) -> bool:
    """An error status, except the favicon the app does not ship (browsers always ask)."""
    return response.status >= 400 and urlsplit(response.url).path != "/favicon.ico"


def console_error(message: ConsoleMessage) -> bool:
    """A console error (CSP violation, script error); load failures are checked as responses."""
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def stored_response(session: Session) -> Response:
    """The one response in the database."""
    session.expire_all()
    return session.scalars(select(Response)).one()


def stored_answers(session: Session, response: Response) -> dict[str, int]:
    """Its answers by element code."""
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id))
    return {a.item_code: a.value for a in rows}


def test_phone_respondent_taps_labels_and_submits(
    browser: Browser, live_server: str, session: Session, screenshot_dir: Path
) -> None:
    make_unit(session)
    counter_id = session.scalar(select(Counter.id).where(Counter.code == "L1"))
    context = phone_context(browser)
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if bad(r) else None)
    page.on("console", lambda m: problems.append(m.text) if console_error(m) else None)

    page.goto(live_server + PATH)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.screenshot(path=str(screenshot_dir / "survey_form_phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    answer_by_label(page, tap=True)
    fill_profile(page)
    page.screenshot(path=str(screenshot_dir / "survey_form_phone_filled.png"), full_page=True)
    submit_and_wait_for_thanks(page)
    page.screenshot(path=str(screenshot_dir / "survey_thanks_phone.png"))
    context.close()

    response = stored_response(session)
    assert stored_answers(session, response) == CHOSEN
    assert (response.source, response.counter_id) == ("web", counter_id)
    assert (response.jenis_kelamin, response.usia, response.pendidikan) == ("L", 41, "SMA")
    assert response.pekerjaan is None
    assert response.saran == "Ruang tunggu perlu kipas angin."
    assert requests and {origin(url) for url in requests} == {live_server}
    assert problems == []


def test_form_submits_with_javascript_disabled(
    browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context = phone_context(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=False)
    fill_profile(page)
    submit_and_wait_for_thanks(page)
    context.close()

    response = stored_response(session)
    assert stored_answers(session, response) == CHOSEN
    assert response.usia == 41


def test_missing_answer_is_shown_and_the_rest_kept(
    browser: Browser, live_server: str, session: Session, screenshot_dir: Path
) -> None:
    make_unit(session)
    last = INSTRUMENT.items[-1].code
    context = phone_context(browser)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True, skip=last)
    page.locator('form button[type="submit"]').click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator(f"#e-{last}")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "survey_form_phone_error.png"), full_page=True)
    for code, value in CHOSEN.items():
        if code != last:
            expect(radio(page, code, value)).to_be_checked()
    assert session.scalar(select(func.count()).select_from(Response)) == 0
    page.locator(f"#q-{last}").get_by_text(label_text(last, CHOSEN[last]), exact=True).tap()
    submit_and_wait_for_thanks(page)
    context.close()

    assert stored_answers(session, stored_response(session)) == CHOSEN


def press_until_focused(page: Page, selector: str, limit: int = 30) -> None:
    """Press Tab until `selector` has the focus (at most `limit` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus after {limit} Tab presses")


def test_keyboard_only_respondent(browser: Browser, live_server: str, session: Session) -> None:
    make_unit(session)
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + PATH)
    first = INSTRUMENT.items[0].code
    press_until_focused(page, f'input[name="{first}"]')
    assert page.evaluate("document.activeElement.value") == str(INSTRUMENT.scale_min)
    page.keyboard.press("Space")
    expect(radio(page, first, INSTRUMENT.scale_min)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radio(page, first, INSTRUMENT.scale_min + 1)).to_be_checked()
    expect(radio(page, first, INSTRUMENT.scale_min)).not_to_be_checked()
    for item in INSTRUMENT.items[1:]:
        press_until_focused(page, f'input[name="{item.code}"]', limit=1)
        page.keyboard.press("Space")
        for _ in range(CHOSEN[item.code] - INSTRUMENT.scale_min):
            page.keyboard.press("ArrowRight")
        expect(radio(page, item.code, CHOSEN[item.code])).to_be_checked()
    press_until_focused(page, 'form button[type="submit"]', limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url(THANKS_URL)
    expect(page.locator("h1")).to_have_text(THANKS)
    context.close()

    expected = {**CHOSEN, first: INSTRUMENT.scale_min + 1}
    assert stored_answers(session, stored_response(session)) == expected


def rgb(css: str) -> tuple[int, int, int]:
    """An `rgb(r, g, b)` / `rgba(...)` computed colour."""
    found = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert found is not None, css
    r, g, b = (int(v) for v in found.groups())
    return r, g, b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""

    def luminance(c: tuple[int, int, int]) -> float:
        lin = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
               for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def focus_ring(page: Page) -> tuple[tuple[int, int, int], float, str]:
    """Colour, width (px) and style of the focused element's outline."""
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineColor, s.outlineWidth, s.outlineStyle]; }""")
    return rgb(style[0]), float(style[1].removesuffix("px")), style[2]


def background(page: Page, selector: str) -> tuple[int, int, int]:
    """The computed background colour of the first element matching `selector`."""
    return rgb(page.eval_on_selector(selector, "e => getComputedStyle(e).backgroundColor"))


def test_focus_ring_contrasts_with_what_is_around_it(
    browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server + PATH)
    header = background(page, "header.top")
    press_until_focused(page, "a.skip", limit=3)  # the skip link opens over the dark header
    colour, width, style = focus_ring(page)
    assert style == "solid" and width >= 2
    assert contrast(colour, header) >= 3
    press_until_focused(page, "header.top a", limit=5)  # the EN language link
    colour, width, _ = focus_ring(page)
    assert width >= 2 and contrast(colour, header) >= 3
    press_until_focused(page, "main input", limit=10)  # the first answer, on a white card
    colour, width, _ = focus_ring(page)
    assert width >= 2
    for around in (background(page, "label.opt"), background(page, "fieldset.q"),
                   background(page, "body")):
        assert contrast(colour, around) >= 3, around
    context.close()


def test_sex_choice_can_be_taken_back_without_javascript(
    browser: Browser, live_server: str, session: Session
) -> None:
    make_unit(session)
    context = phone_context(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=False)
    page.locator('label.opt:has(input[name="jenis_kelamin"][value="P"])').click()
    expect(page.locator('input[name="jenis_kelamin"][value="P"]')).to_be_checked()
    page.locator('label.opt:has(input[name="jenis_kelamin"][value=""])').click()
    expect(page.locator('input[name="jenis_kelamin"][value=""]')).to_be_checked()
    submit_and_wait_for_thanks(page)
    context.close()
    assert stored_response(session).jenis_kelamin is None
