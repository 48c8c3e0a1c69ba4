"""Taps, seconds and bytes for one kiosk respondent, against the phone form in the same run.

    .venv/bin/python benchmarks/kiosk_taps.py [--respondents 5]

Serves the app (werkzeug, loopback, a temporary SQLite file) to headless Chromium, enrols a
kiosk through `survey-app kiosk enroll`, and times scripted respondents answering the nine IKM
elements with a profile of sex and education: on the kiosk (tablet viewport, touch taps) and on
the phone form (360x740, tapping the label texts, then the submit button). Prints medians and the
kiosk/phone ratios, and what each transfers: the kiosk's first load (page, script, styles,
service worker, screens) and its per-respondent sends, and the phone form's page loads and posts.
The seconds are the app's and browser's share of a respondent's time (a script taps at once);
the taps are what a person does. Exit 1 if a kiosk respondent needs more taps than a phone one
or a response is missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from sqlalchemy import func, select
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import instruments  # noqa: E402
from survey_app import create_app, orgs  # noqa: E402
from survey_app.db import db, make_engine  # noqa: E402
from survey_app.migrations import upgrade  # noqa: E402
from survey_app.models import Response  # noqa: E402

IKM = instruments.latest("ikm")
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Sent:
    """WSGI middleware: bytes the server sent (status line and headers roughly, bodies exactly),
    counted at the server because a page a service worker controls hides some of its requests
    from the browser's network events."""

    def __init__(self, app: Any) -> None:
        self.app, self.bytes, self._lock = app, 0, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def counting_start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            self._add(len(status) + sum(len(k) + len(v) + 4 for k, v in headers) + 13)
            return start_response(status, headers, *exc)

        for chunk in self.app(environ, counting_start):
            self._add(len(chunk))
            yield chunk

    def _add(self, n: int) -> None:
        with self._lock:
            self.bytes += n


class Meter:
    """Taps of one respondent."""

    def __init__(self) -> None:
        self.taps = 0

    def tap(self, page: Page, selector: str) -> None:
        self.taps += 1
        page.locator(selector).first.tap()


def kiosk_respondent(page: Page, meter: Meter) -> None:
    meter.tap(page, "#start")
    for item in IKM.items:
        meter.tap(page, f'[data-item="{item.code}"][data-value="4"]')
    meter.tap(page, '[data-profile="jenis_kelamin"][data-code="P"]')
    meter.tap(page, '[data-profile="pendidikan"][data-code="SMA"]')
    meter.tap(page, "#profile-finish")
    page.locator("[data-kiosk-thanks]").wait_for()
    page.locator("#kiosk[data-queued='0']").wait_for()


def phone_respondent(page: Page, meter: Meter, url: str) -> None:
    page.goto(url)
    for item in IKM.items:
        label = item.labels[-1].get("id")
        meter.taps += 1
        page.locator(f"#q-{item.code}").get_by_text(label, exact=True).tap()
    meter.taps += 1
    page.locator('input[name="jenis_kelamin"][value="P"]').tap()
    meter.taps += 2  # open the education list, pick one
    page.locator("#pendidikan").select_option("SMA")
    meter.tap(page, 'button[type="submit"]')
    page.wait_for_url("**/terima-kasih**")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    os.environ.pop("REDIS_URL", None)
    app = create_app(database_url=url, secret_key="bench", base_url="http://bench.invalid",
                     redis_url=None)
    with app.app_context():
        unit = orgs.add_unit(db.session, "BENCH", "Bench unit")
        orgs.add_counter(db.session, orgs.add_service(db.session, unit, "S1", "Layanan"), "L1",
                         None)
        db.session.commit()
    sent = Sent(app.wsgi_app)
    app.wsgi_app = sent  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    link = app.test_cli_runner().invoke(args=["kiosk", "enroll", "BENCH", "S1", "L1"]) \
        .output.strip().splitlines()[-1].replace("http://bench.invalid", origin)
    kiosk_s, phone_s, kiosk_taps, phone_taps, kiosk_sent, phone_sent = [], [], [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tablet = browser.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
        kmeter = Meter()
        kpage = tablet.new_page()
        kpage.goto(link)
        kpage.locator("#kiosk[data-offline-ready]").wait_for()
        kpage.wait_for_timeout(1000)  # the worker's own copies of the files
        first_load = sent.bytes
        phone = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True,
                                    is_mobile=True)
        ppage = phone.new_page()
        for _ in range(args.respondents):  # alternate, so machine load hits both alike
            before, taps, start = sent.bytes, kmeter.taps, time.perf_counter()
            kiosk_respondent(kpage, kmeter)
            kiosk_s.append(time.perf_counter() - start)
            kiosk_taps.append(kmeter.taps - taps)
            kiosk_sent.append(sent.bytes - before)
            kpage.locator("#start").wait_for(state="visible", timeout=15_000)
            pmeter, before = Meter(), sent.bytes
            start = time.perf_counter()
            phone_respondent(ppage, pmeter, f"{origin}/s/BENCH/S1/L1")
            phone_s.append(time.perf_counter() - start)
            phone_taps.append(pmeter.taps)
            phone_sent.append(sent.bytes - before)
        browser.close()
    server.shutdown()
    with app.app_context():
        channels = dict(db.session.execute(
            select(Response.source, func.count()).group_by(Response.source)).all())
    med = statistics.median
    print(f"respondents per side: {args.respondents} (IKM, 9 elements, sex + education)")
    print(f"taps       kiosk {med(kiosk_taps):.0f}   phone {med(phone_taps):.0f}   "
          f"ratio {med(kiosk_taps) / med(phone_taps):.2f}")
    print(f"seconds    kiosk {med(kiosk_s):.2f}   phone {med(phone_s):.2f}   "
          f"ratio {med(kiosk_s) / med(phone_s):.2f}")
    print(f"bytes sent kiosk first load {first_load:,} (enrolment, page, script, styles, worker,"
          " screens)")
    print(f"bytes sent per respondent: kiosk {med(kiosk_sent):,.0f}   phone {med(phone_sent):,.0f}"
          f"   ratio {med(kiosk_sent) / med(phone_sent):.2f}")
    print(f"stored     {channels}")
    ok = med(kiosk_taps) <= med(phone_taps) and channels.get("kiosk") == args.respondents \
        and channels.get("web") == args.respondents
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
