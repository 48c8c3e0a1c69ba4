"""Nothing readable at rest, and no IP address or user agent anywhere (database, files, logs)."""

from __future__ import annotations

import http.client
import logging
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, MetaData, select
from werkzeug.serving import make_server

from tests.wbs.support import (
    csrf_token,
    follow,
    jpeg_with_gps,
    make_officer,
    receipt_of,
    report_data,
    submit,
)

CLIENT_IP = "203.0.113.77"


def scan_database(engine: Engine, needles: list[str]) -> list[str]:
    """Where any needle occurs in any column of any row of any table (reflected, not models)."""
    meta = MetaData()
    meta.reflect(engine)
    hits = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if value is None:
                        continue
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else \
                        str(value).encode()
                    hits += [f"{table.name}.{column.name}: {n}" for n in needles
                             if n.lower().encode() in raw.lower()]
    return hits


def scan_folder(folder: Path, needles: list[str]) -> list[str]:
    """Files under `folder` containing a needle."""
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            hits += [f"{path.name}: {n}" for n in needles if n.lower().encode() in data]
    return hits


@pytest.fixture
def marks() -> dict[str, str]:
    """A unique marker and a unique user agent."""
    tag = uuid.uuid4().hex[:12]
    return {"text": f"ZEBRA{tag}", "ua": f"Mozilla/5.0 (Linux; Android 14) UAMARK{tag}"}


def test_marker_ip_and_user_agent_are_nowhere_at_rest(app, client, session, marks, caplog):
    caplog.set_level(logging.DEBUG)
    make_officer(app, session)
    mark = marks["text"]
    client.environ_base.update({"REMOTE_ADDR": CLIENT_IP, "HTTP_USER_AGENT": marks["ua"],
                                "HTTP_X_FORWARDED_FOR": CLIENT_IP})
    resp = submit(client, report_data(apa=f"Pungli di loket {mark}", contact=f"wa {mark}"),
                  files=[(f"catatan {mark}".encode(), "catatan.txt"),
                         (jpeg_with_gps(mark), "foto.jpg")])
    assert resp.status_code == 200
    receipt = receipt_of(resp.get_data(as_text=True))
    assert mark in follow(client, receipt).get_data(as_text=True)  # it is all there...
    resp = client.post("/wbs/follow-up/answer", content_type="multipart/form-data", data={
        "receipt": receipt, "message": f"Tambahan {mark}",
        "csrf_token": csrf_token(client, "/wbs/follow-up"),
        "evidence": [(__import__("io").BytesIO(f"lagi {mark}".encode()), "lagi.txt")]})
    assert resp.status_code == 200 and f"Tambahan {mark}" in resp.get_data(as_text=True)

    engine = app.extensions["survey_db"].engine
    assert scan_database(engine, ["Unit U1"]), "the scanner must see stored rows"
    needles = [mark, CLIENT_IP, marks["ua"], "UAMARK"]
    assert scan_database(engine, needles) == []  # ...but nothing of it is readable at rest
    files_dir = app.extensions["wbs"].files_dir
    assert len(list(files_dir.iterdir())) == 4  # text, photo original + working copy, answer
    assert scan_folder(files_dir, needles + ["%PDF", "Exif", "catatan"]) == []
    assert [n for n in needles if n in caplog.text] == []
    cookie = client.get_cookie("session")
    session_data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert not [n for n in needles if n in str(session_data)]


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
                     + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), boundary


@pytest.fixture
def served(app: Flask) -> Iterator[int]:
    """The app behind werkzeug's real server (whose access log prints client addresses)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def test_werkzeug_and_app_logs_hold_no_address_or_agent(app, session, served, marks, caplog):
    caplog.set_level(logging.DEBUG)
    make_officer(app, session)
    conn = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
    conn.request("GET", "/wbs", headers={"User-Agent": marks["ua"]})
    page = conn.getresponse()
    html, cookie = page.read().decode(), page.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body, boundary = _multipart(
        {**{k: str(v) for k, v in report_data(apa=f"Lewat server {marks['text']}").items()},
         "csrf_token": token},
        {"evidence": ("foto.jpg", jpeg_with_gps(marks["text"]))})
    conn.request("POST", "/wbs", body=body, headers={
        "User-Agent": marks["ua"], "Cookie": cookie, "Referer": "http://127.0.0.1/wbs",
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    answer = conn.getresponse()
    assert answer.status == 200 and "data-receipt" in answer.read().decode()
    conn.request("GET", "/wbs/follow-up?lang=en", headers={"User-Agent": marks["ua"]})
    conn.getresponse().read()
    conn.close()

    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"POST /wbs HTTP/1.1" 200' in line for line in lines), "access log not captured"
    assert [n for n in ("127.0.0.1", marks["ua"], "UAMARK", marks["text"])
            if n in caplog.text] == []


def test_gunicorn_access_lines_for_wbs_lose_the_client():
    from survey_app.wbs.logfilter import ScrubWbsRequests

    atoms = {"h": CLIENT_IP, "U": "/wbs/follow-up", "a": "UA", "{user-agent}i": "UA",
             "{x-forwarded-for}i": CLIENT_IP, "r": "POST /wbs/follow-up HTTP/1.1", "s": "200"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, "", 0,
                               '%(h)s "%(r)s" %(s)s "%(a)s"', (atoms,), None)
    assert ScrubWbsRequests().filter(record)
    assert record.getMessage() == '- "POST /wbs/follow-up HTTP/1.1" 200 "-"'
    other = logging.LogRecord("gunicorn.access", logging.INFO, "", 0, "%(h)s %(U)s",
                              ({**atoms, "U": "/s/U1"},), None)
    ScrubWbsRequests().filter(other)
    assert other.getMessage() == f"{CLIENT_IP} /s/U1"  # other paths are the operator's choice
