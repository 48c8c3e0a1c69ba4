"""Password hashing and response headers (login state and roles: see access.py)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, request

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
