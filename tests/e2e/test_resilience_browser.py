"""A respondent's answers survive a failed submit: the database away, or too many forms from the
same network at the counter. On a 360x740 phone, in Chromium."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from survey_app.ratelimit import MemoryStore
from survey_app.survey import submit
from tests.e2e.test_survey_browser import (
    CHOSEN,
    PATH,
    answer_by_label,
    fill_profile,
    phone_context,
    radio,
    submit_and_wait_for_thanks,
)
from tests.helpers import count_responses, make_unit
from tests.outage import database_down

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The submit's retries without their pauses."""
    monkeypatch.setattr(submit, "RETRY_DELAYS", (0.0, 0.0))


def send(page: Page) -> None:
    page.locator('form button[type="submit"]').click()
    page.wait_for_load_state()


def expect_everything_kept(page: Page) -> None:
    """Every answer, the profile and the suggestion are still on the form."""
    for code, value in CHOSEN.items():
        expect(radio(page, code, value)).to_be_checked()
    expect(page.locator('input[name="jenis_kelamin"][value="L"]')).to_be_checked()
    expect(page.locator("#usia")).to_have_value("41")
    expect(page.locator("#pendidikan")).to_have_value("SMA")
    expect(page.locator("#saran")).to_have_value("Ruang tunggu perlu kipas angin.")


def test_answers_stay_on_the_form_when_the_database_is_down(
    app: Flask, browser: Browser, live_server: str, session: Session, screenshot_dir: Path
) -> None:
    make_unit(session)
    context = phone_context(browser)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True)
    fill_profile(page)
    with database_down(app.extensions["survey_db"].engine) as outage:
        send(page)
        notice = page.locator("[data-notice]")
        expect(notice).to_contain_text("Kirim lagi")
        expect_everything_kept(page)
        page.screenshot(path=str(screenshot_dir / "survey_database_down_phone.png"),
                        full_page=True)
    assert outage.refused > 0
    assert count_responses(session) == 0
    submit_and_wait_for_thanks(page)  # a minute later: Send again, the same form
    assert count_responses(session) == 1
    context.close()


def test_answers_stay_on_the_form_after_too_many_forms(
    app: Flask, browser: Browser, live_server: str, session: Session, screenshot_dir: Path
) -> None:
    make_unit(session)
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], survey_rate_limit=(1, 600))
    context = phone_context(browser)
    page = context.new_page()
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True)
    submit_and_wait_for_thanks(page)  # the counter's one allowed form
    page.goto(live_server + PATH)
    answer_by_label(page, tap=True)
    fill_profile(page)
    send(page)
    expect(page.locator("[data-notice]")).to_contain_text("beberapa menit")
    expect_everything_kept(page)
    page.screenshot(path=str(screenshot_dir / "survey_rate_limited_phone.png"), full_page=True)
    app.extensions["rate_store"] = MemoryStore()  # the window is over
    submit_and_wait_for_thanks(page)
    assert count_responses(session) == 2
    context.close()
