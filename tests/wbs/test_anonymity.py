"""Nothing readable at rest, and no IP address or user agent anywhere (database, files, logs)."""

from __future__ import annotations

import http.client
import logging
import re
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask
from sqlalchemy import Engine, MetaData, select
from werkzeug.serving import make_server

from survey_app.models import WbsBlob
from tests.wbs.support import (
    csrf_token,
    follow,
    jpeg_with_gps,
    make_officer,
    only_report,
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
    # text, photo original + working copy, answer: in the database (scanned above), not on disk
    assert len(session.scalars(select(WbsBlob.name)).all()) == 4
    assert scan_database(engine, ["%PDF", "Exif", "catatan"]) == []
    assert not app.extensions["wbs"].files_dir.exists()
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
    # The stylesheet every WBS page loads: its line, in the same second, would place the visit.
    conn.request("GET", "/static/app.css", headers={"User-Agent": marks["ua"]})
    assert conn.getresponse().read()
    body, boundary = _multipart(
        {**{k: str(v) for k, v in report_data(apa=f"Lewat server {marks['text']}").items()},
         "csrf_token": token},
        {"evidence": ("foto.jpg", jpeg_with_gps(marks["text"]))})
    conn.request("POST", "/wbs", body=body, headers={
        "User-Agent": marks["ua"], "Cookie": cookie, "Referer": "http://127.0.0.1/wbs",
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    answer = conn.getresponse()
    assert answer.status == 200 and "data-receipt" in answer.read().decode()
    for path in ("/wbs/follow-up?lang=en", "/static/app.css", "/s/NOPE", "/admin/login"):
        conn.request("GET", path, headers={"User-Agent": marks["ua"]})
        conn.getresponse().read()
    conn.close()

    lines = [re.sub(r"\x1b\[\d+m", "", r.getMessage())  # werkzeug colours some lines
             for r in caplog.records if r.name == "werkzeug"]
    # Anonymous paths get no access line at all: its second, status and size would place the
    # report (or a survey response) far inside the hour the database keeps.
    for path in ("/wbs", "/static/app.css", "/wbs/follow-up", "/s/NOPE"):
        assert not [line for line in lines if f" {path}" in line], lines
    logged = [line for line in lines if '"GET /admin/login HTTP/1.1" 200' in line]
    assert logged, "the staff access line must still be written"
    assert all(line.startswith("- - - [") for line in logged), logged
    assert [n for n in ("127.0.0.1", marks["ua"], "UAMARK", marks["text"])
            if n in caplog.text] == []


GUNICORN_FORMAT = ('%(h)s %({X-Forwarded-For}i)s %({X-Real-IP}i)s "%(a)s" "%(f)s" '
                   '%({remote_addr}e)s "%(r)s" %(s)s %(b)s')


@pytest.mark.parametrize(("path", "logged"), [
    ("/wbs/follow-up", False), ("/static/app.css", False), ("/s/U1", False),
    ("/admin/login", True), ("/wbs/officer/", True)])
def test_gunicorn_access_lines_only_for_staff_and_without_the_client(tmp_path, path, logged):
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from survey_app.wbs import logfilter

    logfilter.install()
    log_file = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(log_file))
    cfg.set("access_log_format", GUNICORN_FORMAT)
    logger = Logger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": CLIENT_IP,
               "HTTP_USER_AGENT": "UAMARK phone", "HTTP_X_FORWARDED_FOR": CLIENT_IP,
               "HTTP_REFERER": f"http://{CLIENT_IP}/x"}
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", CLIENT_IP),
                                       ("USER-AGENT", "UAMARK phone")])  # no X-Real-IP sent
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")], sent=42)
    try:
        logger.access(response, request, environ, timedelta(milliseconds=5))
    finally:
        for handler in list(logger.access_log.handlers):
            logger.access_log.removeHandler(handler)
            handler.close()
    line = log_file.read_text()
    expected = f'- - - "-" "-" - "GET {path} HTTP/1.1" 200 42\n'  # missing atoms stay "-"
    assert line == (expected if logged else "")
    assert CLIENT_IP not in line and "UAMARK" not in line


def test_evidence_leaves_no_file_and_no_time_stamp_on_the_server(app, client, session,
                                                                  tmp_path):
    make_officer(app, session)
    before = {p for p in tmp_path.rglob("*")}
    resp = submit(client, report_data(), files=[(b"catatan", "c.txt"), (jpeg_with_gps(), "f.jpg")])
    assert resp.status_code == 200
    report = only_report(session)
    assert {p for p in tmp_path.rglob("*")} == before  # not a file, not a folder
    blobs = session.scalars(select(WbsBlob)).all()
    assert len(blobs) == 3  # text, photo original, photo working copy
    assert {b.created_at for b in blobs} == {report.created_at}  # the hour, as every row
    assert report.created_at.timestamp() % 3600 == 0
