"""Password hashing, login state, role checks and response headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, abort, current_app, g, redirect, request, session, url_for

from . import staff_sessions
from .db import db
from .models import User

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not a real password")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Verify a password in constant work whether or not the user exists."""
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY_HASH, password) and bool(
            user and user.is_active
        )
    except (VerificationError, InvalidHashError):
        return False


def current_user() -> User | None:
    """The logged-in staff member of this request, if any: a live server-side login."""
    if "user" not in g:
        g.user = staff_sessions.resume(db.session, session.get("staff"))
    return g.user  # type: ignore[no-any-return]


def login_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a logged-in user, with one of `roles` when given."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.path))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


_ALWAYS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def set_security_headers(response: Response) -> Response:
    """Strict headers on every response; a view's own value of a header wins."""
    headers = response.headers
    present = {key.lower() for key, _ in headers.items()}  # one pass, not a scan per header
    wanted = list(_ALWAYS)
    # BASE_URL is the public origin: with TLS ended at nginx the hop to us is plain HTTP, yet
    # browsers reached us over HTTPS, which is what HSTS is about.
    if request.scheme == "https" or current_app.config["SURVEY"].base_url.startswith("https://"):
        wanted.append(_HSTS)
    if request.endpoint and not request.endpoint.startswith("static"):
        wanted.append(("Cache-Control", "no-store"))
    headers.extend([(k, v) for k, v in wanted if k.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    """Install the header hook."""
    app.after_request(set_security_headers)
