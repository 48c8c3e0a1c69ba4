"""In a real phone-sized browser: a WBS report refused because the instance is over its limit
(429) comes back with every typed text on the form and the files named to attach again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.wbs.support import configure_for_tests, jpeg_with_gps, make_officer, purge_audit

pytestmark = pytest.mark.e2e

WHAT = "Petugas loket 2 meminta Rp150.000 agar berkas diproses hari itu juga."
HOW = "Diminta langsung di loket, disaksikan dua pemohon lain."


@pytest.fixture
def app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """Fast key derivation and no report admitted: every send meets the instance's limit."""
    configure_for_tests(app, tmp_path / "wbs_files", submit_rate=(0, 60))
    yield app
    purge_audit(app)


def test_the_text_is_still_on_the_form_after_a_429(app, session, live_server, browser: Browser,
                                                     tmp_path: Path):
    make_officer(app, session)
    photo = tmp_path / "foto loket.jpg"
    photo.write_bytes(jpeg_with_gps())
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/wbs")
    page.get_by_label("Unit mana yang dilaporkan?").select_option("U1")
    page.get_by_label("Jenis pelanggaran apa?").select_option("pungli")
    page.get_by_label("Apa yang terjadi?").fill(WHAT)
    page.get_by_label("Bagaimana kejadiannya?").fill(HOW)
    page.locator("#evidence").set_input_files(str(photo))
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Kirim laporan").click()
    assert sent.value.status == 429
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label("Apa yang terjadi?")).to_have_value(WHAT)
    expect(page.get_by_label("Bagaimana kejadiannya?")).to_have_value(HOW)
    expect(page.get_by_label("Unit mana yang dilaporkan?")).to_have_value("U1")
    expect(page.get_by_label("Jenis pelanggaran apa?")).to_have_value("pungli")
    expect(page.locator("[data-reattach] li")).to_have_text(["foto loket.jpg"])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
