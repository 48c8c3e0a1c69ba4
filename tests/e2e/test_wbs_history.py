"""After a WBS report, Back, Forward and Reload (issue 12): no text of the previous person, one
report stored, the receipt never lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import WbsMessage, WbsReport
from tests.wbs.support import configure_for_tests, make_officer, purge_audit

pytestmark = pytest.mark.e2e

WHAT = "Petugas meminta uang Rp200.000 di luar tarif."
CONTACT = "budi.rahasia@example.com"
ANSWER = "Loket 2, sekitar pukul 10 pagi."
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    configure_for_tests(app, tmp_path / "wbs_files")
    yield app
    purge_audit(app)


def _report(page: Page, live_server: str) -> str:
    page.goto(live_server + "/wbs")
    page.get_by_label("Unit mana yang dilaporkan?").select_option("U1")
    page.get_by_label("Jenis pelanggaran apa?").select_option("pungli")
    page.get_by_label("Apa yang terjadi?").fill(WHAT)
    page.get_by_label("Kontak atau identitas Anda").fill(CONTACT)
    page.get_by_role("button", name="Kirim laporan").click()
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_be_visible()
    return receipt.get_attribute("data-receipt") or ""


def _reports(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(WbsReport)))


def test_back_after_the_receipt_shows_nothing_typed(browser: Browser, live_server: str,
                                                    app: Flask, session: Session) -> None:
    make_officer(app, session)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    _report(page, live_server)
    page.go_back()
    expect(page.get_by_role("button", name="Kirim laporan")).to_be_visible()
    assert WHAT not in page.content() and CONTACT not in page.content()
    assert page.locator("#apa").input_value() == ""
    assert page.locator("#contact").input_value() == ""
    # Forward to the receipt, a POST answered no-store: Chromium asks before sending it again
    # (its "Confirm Form Resubmission" page) and shows nothing of the report meanwhile.
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_forward()
    page.wait_for_load_state()
    expect(page.locator("body")).not_to_contain_text(WHAT)
    expect(page.locator("body")).not_to_contain_text(CONTACT)
    assert _reports(session) == 1
    context.close()


def test_reload_of_the_receipt_stores_one_report_and_keeps_the_receipt(
        browser: Browser, live_server: str, app: Flask, session: Session) -> None:
    make_officer(app, session)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    code = _report(page, live_server)
    page.reload()
    expect(page.locator("[data-receipt]")).to_have_attribute("data-receipt", code)
    expect(page.get_by_text("tidak disimpan untuk kedua kalinya")).to_be_visible()
    assert CONTACT not in page.content()
    assert _reports(session) == 1
    context.close()


def test_answer_reload_stores_one_answer_and_back_shows_no_receipt(
        browser: Browser, live_server: str, app: Flask, session: Session) -> None:
    make_officer(app, session)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    code = _report(page, live_server)
    page.goto(live_server + "/wbs/follow-up")
    page.get_by_label("Kode tanda terima").fill(code)
    page.get_by_role("button", name="Buka laporan saya").click()
    page.get_by_label("Jawaban Anda").fill(ANSWER)
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.get_by_text("Jawaban Anda telah dikirim")).to_be_visible()
    page.reload()
    expect(page.get_by_text("sudah terkirim sebelumnya")).to_be_visible()
    assert page.locator("#message").input_value() == ""
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(WbsMessage)) == 1
    with pytest.raises(PlaywrightError, match="ERR_CACHE_MISS"):
        page.go_back()  # the case page was a POST too: nothing shown without asking
    page.wait_for_load_state()
    expect(page.locator("body")).not_to_contain_text(ANSWER)
    page.go_back()
    expect(page.get_by_label("Kode tanda terima")).to_be_visible()
    assert page.locator("#receipt").input_value() == ""
    assert code not in page.content()
    context.close()
