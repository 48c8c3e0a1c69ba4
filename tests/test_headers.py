"""HSTS follows the public origin (BASE_URL), not the scheme of the last hop."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from survey_app import create_app

HSTS = "Strict-Transport-Security"


@pytest.fixture
def public_https(app: Flask, database_url: str) -> Iterator[Flask]:
    """The README's production setup: TLS ends at nginx, PROXY_COUNT=0, BASE_URL https."""
    behind = create_app(TESTING=True, database_url=database_url, secret_key="k",
                        base_url="https://survei.example.go.id", redis_url=None, proxy_count=0)
    yield behind
    behind.extensions["survey_db"].engine.dispose()


@pytest.mark.parametrize("path", ["/admin/login", "/s/NOPE", "/static/app.css"])
def test_hsts_is_sent_when_the_public_origin_is_https(public_https, path):
    response = public_https.test_client().get(path, base_url="http://survei.example.go.id")
    assert response.headers[HSTS] == "max-age=31536000; includeSubDomains"


def test_no_hsts_for_a_plain_http_origin(client):
    assert HSTS not in client.get("/admin/login").headers  # BASE_URL http://survey.test
    assert HSTS in client.get("/admin/login", base_url="https://survey.test").headers
