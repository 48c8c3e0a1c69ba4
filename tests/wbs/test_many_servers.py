"""Two app servers (separate processes, separate instance folders) on one PostgreSQL (and Redis
when TEST_REDIS_URL is set): a report with evidence taken by one is read, evidence included, by
an officer on the other, and neither server keeps a file; a survey answered on one shows on the
dashboard the other serves."""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyotp
import pytest
from PIL import Image

from survey_app.orgs import find_unit
from survey_app.wbs.config import WbsConfig
from survey_app.wbs.officer import accounts as officers
from tests.admin.support import PASSWORD as STAFF_PASSWORD
from tests.admin.support import make_user
from tests.helpers import form_tokens, full_answers, make_unit
from tests.wbs.support import PASSWORD, SECRET, jpeg_with_gps, report_data

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several app servers share one PostgreSQL (TEST_DATABASE_URL is not PostgreSQL)")

ROOT = Path(__file__).resolve().parents[2]
OFFICER = "petugas@u1.go.id"


@dataclass
class Server:
    """One running app server."""

    origin: str
    instance: Path
    process: subprocess.Popen[bytes]


def _spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(database_url: str, instance: Path) -> Server:
    port = _spare_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET,
           "BASE_URL": f"http://127.0.0.1:{port}", "PYTHONPATH": str(ROOT)}
    env.pop("WBS_FILES_DIR", None)
    if os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    instance.mkdir()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(ROOT / "tests" / "wbs" / "app_server.py"), str(instance), str(port)],
        env=env, cwd=instance, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Server(f"http://127.0.0.1:{port}", instance, process)
    deadline = time.monotonic() + 120  # bounds a broken start, not a measurement
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            with urllib.request.urlopen(server.origin + "/healthz", timeout=5) as resp:  # noqa: S310
                if resp.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError("the app server did not start")


@pytest.fixture
def servers(app, database_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:  # type: ignore[no-untyped-def]
    """Two servers, each with its own instance folder, on the test database."""
    started = []
    try:
        for name in ("a", "b"):
            started.append(_start(database_url, tmp_path / f"instance_{name}"))
        yield started[0], started[1]
    finally:
        for server in started:
            server.process.terminate()
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


class Browser:
    """Cookies and forms over plain HTTP, like a browser without JavaScript."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[int, bytes]:
        return self._send(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str],
             files: list[tuple[str, str, bytes]] | None = None) -> tuple[int, bytes]:
        boundary = secrets.token_hex(16)
        body = io.BytesIO()
        for name, value in fields.items():
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       f"{value}\r\n".encode())
        for name, filename, data in files or []:
            body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                       f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                       .encode() + data + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(url, data=body.getvalue(), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=60) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


def _hidden(page: bytes, name: str) -> str:
    found = re.search(rf'name="{name}" (?:type="hidden" )?value="([^"]*)"', page.decode())
    assert found, f"no {name} on the page"
    return found.group(1)


def _officer(session) -> str:  # type: ignore[no-untyped-def]
    """U1's channel and officer, with the servers' (production) key-derivation cost."""
    unit = make_unit(session, "U1")
    officers.create_channel(session, unit)
    _officer, totp = officers.add_officer(session, WbsConfig(files_dir=Path("unused")), SECRET,
                                          OFFICER, PASSWORD, find_unit(session, "U1"))
    session.commit()
    return totp


def test_a_report_taken_by_one_server_is_read_with_its_evidence_on_another(app, session,
                                                                           servers):
    a, b = servers
    totp = _officer(session)
    photo = jpeg_with_gps("MARK-OF-THE-CAMERA")

    reporter = Browser()
    _status, form = reporter.get(a.origin + "/wbs")
    fields = {k: str(v) for k, v in report_data().items()}
    fields.update(csrf_token=_hidden(form, "csrf_token"), form_token=_hidden(form, "form_token"))
    status, page = reporter.post(a.origin + "/wbs", fields, [("evidence", "foto.jpg", photo)])
    assert status == 200, page.decode()[:2000]
    receipt = re.search(rb'data-receipt="([0-9A-Z-]+)"', page)
    assert receipt is not None

    officer = Browser()
    _status, login = officer.get(b.origin + "/wbs/officer/login")
    status, queue = officer.post(b.origin + "/wbs/officer/login", {
        "email": OFFICER, "password": PASSWORD, "code": pyotp.TOTP(totp).now(),
        "csrf_token": _hidden(login, "csrf_token")})
    assert status == 200 and b"/wbs/officer/cases/" in queue, queue.decode()[:2000]
    case_url = re.search(rb'href="(/wbs/officer/cases/\d+)"', queue).group(1).decode()  # type: ignore[union-attr]
    status, case = officer.get(b.origin + case_url)
    assert status == 200 and b"Petugas loket meminta uang tambahan." in case
    working = re.search(rb'href="(/wbs/officer/cases/\d+/files/\d+/working)"', case)
    assert working is not None
    status, cleaned = officer.get(b.origin + working.group(1).decode())
    assert status == 200 and cleaned.startswith(b"\xff\xd8")
    assert b"MARK-OF-THE-CAMERA" not in cleaned and b"SERIAL-12345" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (64, 48)
    status, original = officer.post(b.origin + working.group(1).decode().replace(
        "/working", "/original"), {"csrf_token": _hidden(case, "csrf_token")})
    assert status == 200 and original == photo  # the sealed original, byte for byte

    # The reporter answers with a file on B; the officer's session, opened on B, reads it on A.
    _status, start = reporter.get(b.origin + "/wbs/follow-up")
    status, mine = reporter.post(b.origin + "/wbs/follow-up", {
        "receipt": receipt.group(1).decode(), "csrf_token": _hidden(start, "csrf_token")})
    assert status == 200 and b"Petugas loket" in mine
    answer = {"receipt": receipt.group(1).decode(), "message": "Tambahan dari server B",
              "answer_token": _hidden(mine, "answer_token"),
              "csrf_token": _hidden(mine, "csrf_token")}
    status, _page = reporter.post(b.origin + "/wbs/follow-up/answer", answer,
                                  [("evidence", "catatan.txt", b"catatan kedua")])
    assert status == 200
    status, again = reporter.post(a.origin + "/wbs/follow-up/answer", answer,
                                  [("evidence", "catatan.txt", b"catatan kedua")])
    assert status == 200  # the same form resent to the other server stores nothing twice
    status, case = officer.get(a.origin + case_url)
    assert status == 200 and case.count(b"Tambahan dari server B") == 1
    files = re.findall(rb'/wbs/officer/cases/\d+/files/\d+/original', case)
    assert len(files) == 2
    status, second = officer.post(a.origin + files[1].decode(),
                                  {"csrf_token": _hidden(case, "csrf_token")})
    assert status == 200 and second == b"catatan kedua"

    for server in servers:  # nothing kept on either server's disk
        assert [p.name for p in server.instance.rglob("*")] == []


def test_a_survey_answered_on_one_server_shows_on_the_dashboard_of_the_other(app, session,
                                                                            servers):
    a, b = servers
    unit = make_unit(session, "U1")
    make_user(session, "staf@u1.go.id", "unit_admin", unit)
    citizen = Browser()
    status, page = citizen.get(a.origin + "/s/U1/S1")
    assert status == 200
    fields = {**form_tokens(page.decode()), **full_answers(4)}
    status, thanks = citizen.post(a.origin + "/s/U1/S1", fields)
    assert status == 200, thanks.decode()[:2000]

    staff = Browser()
    _status, login = staff.get(b.origin + "/admin/login")
    status, _page = staff.post(b.origin + "/admin/login", {
        "email": "staf@u1.go.id", "password": STAFF_PASSWORD,
        "csrf_token": _hidden(login, "csrf_token")})
    assert status == 200
    year = datetime.now(UTC).astimezone(ZoneInfo(unit.tz)).year
    status, dash = staff.get(b.origin + f"/admin/units/U1/results/?period={year}")
    assert status == 200
    big = re.search(rb'<p class="big">([0-9.,]+)', dash)
    assert big is not None and big.group(1) == b"100,00", dash.decode()[:3000]
