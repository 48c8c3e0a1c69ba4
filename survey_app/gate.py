"""What a request must look like before any view runs: a sane Host, a path without control
characters.

A Host that IDNA cannot encode or decode (a label over 63 characters, an empty label, a broken
`xn--` label) makes Werkzeug fail while binding the URL map, before any view, and then every
`url_for` fails too, the error page's included. The app never builds a URL from the request's
host (links, QR codes and e-mails use BASE_URL), so such a request is answered 400 on a
request whose Host was replaced by BASE_URL's: routing and the error page work as usual.
TRUSTED_HOSTS, when set, also turns any other host into that 400.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, request

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?P<name>{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]{{2,45}}\])"
                   r"(?::[0-9]{1,5})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
BAD_HOST = "survey_app.bad_host"


@lru_cache(maxsize=256)  # a server sees a few names; the bound keeps junk from piling up
def host_name(host: str) -> str | None:
    """The lower-case name of a well-formed Host value (port dropped), else None."""
    match = _HOST.fullmatch(host) if len(host) <= 260 else None
    if match is None:
        return None
    name = match.group("name").lower()
    try:
        name.encode("ascii").decode("idna")  # a broken "xn--" label fails here
    except UnicodeError:
        return None
    return name.rstrip(".")


class HostGate:
    """WSGI middleware: an unusable or untrusted Host becomes BASE_URL's host, marked bad."""

    def __init__(self, app: Callable[..., Iterable[bytes]], base_url: str,
                 trusted: tuple[str, ...]) -> None:
        self.app, self.trusted = app, {h.lower().rstrip(".") for h in trusted}
        self.fallback = urlsplit(base_url).netloc or "localhost"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is not None:
            name = host_name(host)
            if name is None or (self.trusted and name not in self.trusted):
                environ["HTTP_HOST"] = self.fallback
                environ[BAD_HOST] = True
        return self.app(environ, start_response)


def _refuse() -> None:
    if request.environ.get(BAD_HOST):
        abort(400)
    if _CONTROL.search(request.path):  # "/s/UA%00/SVA": no code holds one, and PostgreSQL
        abort(404)                      # refuses NUL in a query parameter


def init_app(app: Flask) -> None:
    """Install the Host middleware and the first before-request check."""
    config = app.config["SURVEY"]
    app.wsgi_app = HostGate(app.wsgi_app, config.base_url,  # type: ignore[method-assign]
                            config.trusted_hosts)
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse)
