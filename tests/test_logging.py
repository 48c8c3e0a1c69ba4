"""The servers' own logs: no line for an anonymous visit, no client address anywhere.

gunicorn's real Logger writes to a file with the README's access format; its real worker code
reports invalid requests. The werkzeug server is covered in tests/wbs/test_anonymity.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from survey_app.wbs import logfilter

README_ACCESS_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(L)s'
CLIENT_IP = "203.0.113.77"
ANONYMOUS = ["/wbs", "/wbs/follow-up", "/wbs/follow-up/answer", "/wbs/receipt", "/s/U1/svc",
             "/s/U1/svc/loket-1", "/s/U1/terima-kasih", "/static/app.css", "/hasil/U1",
             "/%77bs", "/wbs/officer-not", "/administrasi", "//admin/../wbs", "/admin/../wbs",
             "/nope", ""]
STAFF = ["/admin/login", "/admin/units/U1/results/", "/wbs/officer/", "/wbs/officer/login",
         "/admin"]


@pytest.fixture
def gunicorn_logger(tmp_path: Path) -> Iterator[tuple[object, Path, Path]]:
    """gunicorn's Logger writing access and error lines to files, with the app's filters."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    logfilter.install()
    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("errorlog", str(tmp_path / "error.log"))
    cfg.set("access_log_format", README_ACCESS_FORMAT)
    logger = Logger(cfg)
    yield logger, tmp_path / "access.log", tmp_path / "error.log"
    for log in (logger.access_log, logger.error_log):
        for handler in list(log.handlers):
            log.removeHandler(handler)
            handler.close()


def _access(logger: object, method: str, path: str) -> None:
    environ = {"REQUEST_METHOD": method, "RAW_URI": path, "PATH_INFO": path,
               "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": CLIENT_IP,
               "HTTP_USER_AGENT": "UAMARK phone"}
    request = SimpleNamespace(headers=[("USER-AGENT", "UAMARK phone")])
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")],
                               sent=5120)
    logger.access(response, request, environ, timedelta(milliseconds=250))  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ANONYMOUS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_gunicorn_writes_no_access_line_for_anonymous_paths(gunicorn_logger, method, path):
    logger, access_log, _errors = gunicorn_logger
    _access(logger, method, path)
    assert access_log.read_text() == ""


@pytest.mark.parametrize("path", STAFF)
def test_gunicorn_keeps_staff_access_lines(gunicorn_logger, path):
    logger, access_log, _errors = gunicorn_logger
    _access(logger, "GET", path)
    line = access_log.read_text()
    assert line.endswith(f'"GET {path} HTTP/1.1" 200 5120 0.250000\n'), line


@pytest.mark.parametrize("path", ANONYMOUS[:8])
def test_staff_test_is_not_fooled_by_an_absolute_request_target(path):
    assert not logfilter.is_staff_path(f"http://example.test{path}")
    assert logfilter.is_staff_path("http://example.test/admin/login")


@pytest.mark.parametrize(("exc_name", "arg"), [
    ("InvalidRequestLine", "GARBAGE"),
    ("InvalidHTTPVersion", "HTTP/9"),
    ("ForbiddenProxyRequest", CLIENT_IP),
    ("InvalidProxyLine", f"PROXY TCP4 {CLIENT_IP} 198.51.100.9 5000 80"),
    ("InvalidProxyLine", "PROXY TCP6 2001:db8::77 2001:db8::1 5000 80"),
])
@pytest.mark.parametrize("addr", [(CLIENT_IP, 50123), ("2001:db8::77", 50123)])
def test_gunicorn_error_log_does_not_name_the_client(gunicorn_logger, exc_name, arg, addr):
    from gunicorn.http import errors
    from gunicorn.workers.base import Worker

    logger, _access_log, error_log = gunicorn_logger
    worker = SimpleNamespace(log=logger, cfg=logger.cfg)  # type: ignore[attr-defined]
    client = SimpleNamespace(sendall=lambda _data: None)
    Worker.handle_error(worker, None, client, addr, getattr(errors, exc_name)(arg))  # type: ignore[arg-type]
    text = error_log.read_text()
    assert "Invalid request from ip=-" in text, text
    assert CLIENT_IP not in text and "2001:db8" not in text and "198.51.100.9" not in text


def test_address_scrubbing_keeps_the_rest_of_the_message():
    assert logfilter.scrub_addresses("Invalid request from ip=::1: Invalid HTTP Version "
                                     "'HTTP/9'") == "Invalid request from ip=-: Invalid HTTP " \
                                                    "Version 'HTTP/9'"
    assert logfilter.scrub_addresses("Proxy request from 'fe80::1%eth0' not allowed") == \
        "Proxy request from '-' not allowed"
    assert logfilter.scrub_addresses("Booting worker with pid: 4242") == \
        "Booting worker with pid: 4242"


def test_install_is_idempotent():
    logfilter.install()
    logfilter.install()
    for name, kind in (("werkzeug", logfilter.ScrubClients),
                       ("gunicorn.access", logfilter.ScrubClients),
                       ("gunicorn.error", logfilter.ScrubAddresses)):
        assert sum(isinstance(f, kind) for f in logging.getLogger(name).filters) == 1
