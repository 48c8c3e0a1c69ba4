"""Browser fixtures: the real app on a loopback port, and the system's headless Chromium."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
# Never download a browser: use the distribution's Chromium, with nothing that calls home.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "out"


def _require_chromium() -> None:
    """Skip without a browser, unless REQUIRE_E2E=1 makes its absence a failure."""
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        pytest.fail(f"{CHROMIUM} is missing and REQUIRE_E2E=1")
    pytest.skip(f"{CHROMIUM} is missing (set REQUIRE_E2E=1 to fail instead)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    _require_chromium()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served by werkzeug on a free loopback port; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def screenshot_dir() -> Path:
    """Where screenshots go (benchmarks/out/, ignored by git)."""
    OUT.mkdir(parents=True, exist_ok=True)
    return OUT
