"""A whistle-blower in a real browser: report with a photo, keep the receipt, come back with it,
read the officer's question and answer it; the officer works in a browser too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.models import WbsFile, WbsMessage
from survey_app.wbs.reporter import services as followup
from tests.wbs.support import (
    PASSWORD,
    configure_for_tests,
    jpeg_with_gps,
    make_officer,
    purge_audit,
)

pytestmark = pytest.mark.e2e

QUESTION = "Apakah Anda tahu nomor loket dan jam kejadiannya?"
ANSWER = "Loket 2, sekitar pukul 10 pagi."


@pytest.fixture
def app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Fast key derivation for the browser run; the audit log emptied afterwards."""
    configure_for_tests(app, tmp_path / "wbs_files")
    yield app
    purge_audit(app)


def watch(page: Page, live_server: str) -> list[str]:
    """Collect outside requests, failed loads and console errors (CSP violations)."""
    problems: list[str] = []
    origin = urlsplit(live_server).netloc
    page.on("request", lambda r: problems.append(f"outside {r.url}")
            if urlsplit(r.url).netloc not in (origin, "") and not r.url.startswith("data:")
            else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    return problems


def report_with_photo(page: Page, live_server: str, photo: Path, shots: Path) -> str:
    page.goto(live_server + "/wbs")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_label("Unit mana yang dilaporkan?").select_option("U1")
    page.get_by_label("Jenis pelanggaran apa?").select_option("pungli")
    page.get_by_label("Apa yang terjadi?").fill("Petugas meminta uang Rp200.000 di luar tarif.")
    page.get_by_label("Siapa yang terlibat?").fill("Petugas loket")
    page.get_by_label("Bagaimana kejadiannya?").fill("Diminta secara langsung saat antre.")
    page.locator("#evidence").set_input_files(str(photo))
    page.screenshot(path=str(shots / "wbs_form_phone.png"), full_page=True)
    page.get_by_role("button", name="Kirim laporan").click()
    receipt = page.locator("[data-receipt]")
    expect(receipt).to_be_visible()
    expect(page.locator("svg.qr")).to_be_visible()
    page.screenshot(path=str(shots / "wbs_receipt_phone.png"), full_page=True)
    code = receipt.get_attribute("data-receipt") or ""
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    assert receipt.inner_text().strip() == code
    page.get_by_label(re.compile("ketik ulang kode")).fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Periksa salinan saya").click()
    expect(page.get_by_text("Benar: Anda telah menyalin")).to_be_visible()
    return code


def officer_asks(page: Page, live_server: str, totp: str, shots: Path) -> None:
    page.goto(live_server + "/wbs/officer/login")
    page.get_by_label("E-mail").fill("petugas@u1.go.id")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_label("Kode dari aplikasi autentikator Anda").fill(pyotp.TOTP(totp).now())
    page.get_by_role("button", name="Masuk").click()
    page.locator("table.queue a").first.click()
    expect(page.get_by_text("Petugas meminta uang Rp200.000")).to_be_visible()
    page.get_by_label("Catatan atau pertanyaan baru").fill(QUESTION)
    page.get_by_label("Terlihat oleh pelapor (pertanyaan atau jawaban)").check()
    page.get_by_role("button", name="Tambahkan").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.screenshot(path=str(shots / "wbs_officer_case.png"), full_page=True)


def reporter_answers(page: Page, live_server: str, receipt: str, shots: Path) -> None:
    page.goto(live_server + "/wbs/follow-up")
    page.get_by_label("Kode tanda terima").fill(receipt)
    page.get_by_role("button", name="Buka laporan saya").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    page.get_by_label("Jawaban Anda").fill(ANSWER)
    page.get_by_role("button", name="Kirim", exact=True).click()
    expect(page.get_by_text("Jawaban Anda telah dikirim")).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    page.screenshot(path=str(shots / "wbs_case_phone.png"), full_page=True)


def test_report_receipt_question_answer(browser: Browser, live_server: str, app: Flask,
                                        session: Session, tmp_path: Path,
                                        screenshot_dir: Path) -> None:
    _officer, totp = make_officer(app, session)
    photo = tmp_path / "IMG_20260301.jpg"
    photo.write_bytes(jpeg_with_gps("Kamera pelapor"))
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}

    context = browser.new_context(**phone)
    page = context.new_page()
    problems = watch(page, live_server)
    receipt = report_with_photo(page, live_server, photo, screenshot_dir)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()

    officer = browser.new_context()
    officer_asks(officer.new_page(), live_server, totp, screenshot_dir)
    officer.close()

    context = browser.new_context(**phone, java_script_enabled=False)
    page = context.new_page()
    problems += watch(page, live_server)
    reporter_answers(page, live_server, receipt, screenshot_dir)
    context.close()

    session.expire_all()
    opened = followup.unlock(session, app.extensions["wbs"], receipt)
    assert opened is not None
    notes = followup.public_notes(session, opened)
    assert [(n.author, n.text) for n in notes] == [("officer", QUESTION), ("reporter", ANSWER)]
    assert session.scalar(select(WbsFile.working_name)) is not None
    assert all(ANSWER.encode() not in m.body for m in session.scalars(select(WbsMessage)))
    assert problems == []
