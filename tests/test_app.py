"""App-wide behaviour: health, headers, error pages, no outside resources."""

from __future__ import annotations

import re

from tests.helpers import make_unit


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok"


def test_security_headers(client, session):
    make_unit(session)
    resp = client.get("/s/U1/S1/L1")
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Cache-Control"] == "no-store"
    assert "SameSite=Strict" in resp.headers["Set-Cookie"]
    assert "HttpOnly" in resp.headers["Set-Cookie"]


def test_pages_reference_no_other_origin(client, session):
    make_unit(session)
    for url in ("/s/U1/S1/L1", "/s/U1", "/admin/login", "/s/U1/terima-kasih"):
        page = client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', page), url


def test_unknown_path_gets_friendly_404(client):
    resp = client.get("/nothing-here")
    assert resp.status_code == 404
    assert "Traceback" not in resp.get_data(as_text=True)
