"""Before any view: an unusable or untrusted Host is a 400 whose error page renders; a path
with NUL or another control character is a 404 (the database never sees it)."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app

from survey_app import create_app
from survey_app.gate import host_name
from tests.helpers import make_unit

BAD_HOSTS = ["a" * 64, "a" * 64 + ".example.go.id", "survei..go.id", ".", "xn--zz",
             "xn--zz.example", "ex ample", "é.test", "a\x00b", "[zz]", "x" * 300,
             "survei.go.id:99999999"]


def raw_get(app: Flask, path: str, host: str) -> tuple[int, str]:
    """A GET with this exact Host, without the test client's own URL handling."""
    environ = EnvironBuilder(path=path, base_url="http://survey.test").get_environ()
    environ["HTTP_HOST"] = host
    body, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    return int(status.split()[0]), b"".join(body).decode()


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/s/U1", "/admin/login", "/hasil/U1", "/nothing"])
def test_an_unusable_host_is_a_400_with_the_error_page(app, host, path):
    status, body = raw_get(app, path, host)
    assert status == 400
    assert "<html" in body.lower() and "400" in body


@pytest.mark.parametrize("host", ["survey.test", "SURVEY.test:8443", "127.0.0.1:8000", "[::1]:5000",
                                  "localhost", "192.168.1.20:5000", "survei.go.id."])
def test_usual_hosts_are_served(app, host):
    assert raw_get(app, "/admin/login", host)[0] == 200


def test_trusted_hosts_refuse_any_other_host(database_url, app):
    strict = create_app(TESTING=True, database_url=database_url, secret_key="k",
                        base_url="https://survei.example.go.id", redis_url=None,
                        trusted_hosts=("survei.example.go.id", "localhost"))
    try:
        assert raw_get(strict, "/admin/login", "survei.example.go.id")[0] == 200
        assert raw_get(strict, "/admin/login", "SURVEI.example.go.id:443")[0] == 200
        assert raw_get(strict, "/admin/login", "localhost:8000")[0] == 200
        assert raw_get(strict, "/admin/login", "evil.example")[0] == 400
    finally:
        strict.extensions["survey_db"].engine.dispose()


def test_production_trusts_base_urls_host_and_loopback(monkeypatch):
    from survey_app.config import _trusted_hosts

    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    assert _trusted_hosts("https://survei.example.go.id", True) == (
        "survei.example.go.id", "localhost", "127.0.0.1", "[::1]")
    assert _trusted_hosts("https://survei.example.go.id", False) == ()
    monkeypatch.setenv("TRUSTED_HOSTS", "a.go.id, B.go.id")
    assert _trusted_hosts("https://survei.example.go.id", True) == ("a.go.id", "b.go.id")
    monkeypatch.setenv("TRUSTED_HOSTS", "*")
    assert _trusted_hosts("https://survei.example.go.id", True) == ()


def test_host_name():
    assert host_name("Survei.Example.go.id:443") == "survei.example.go.id"
    assert host_name("[2001:db8::1]:443") == "[2001:db8::1]"
    assert host_name("a" * 63 + ".id") == "a" * 63 + ".id"
    assert host_name("a" * 64 + ".id") is None


@pytest.mark.parametrize("path", ["/s/UA%00/SVA", "/s/U1%00", "/s/U1/S1%00/L1", "/hasil/UA%00",
                                  "/hasil/U1%01", "/s/U1%7F", "/s/U1%C2%85",
                                  "/admin/units/U1%00/results/", "/admin/units/U%0A1/zi/"])
def test_a_path_with_control_characters_is_a_404(app, client, session, path):
    make_unit(session)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 404, (method, path)
        assert "<html" in response.get_data(as_text=True).lower()
