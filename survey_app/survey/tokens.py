"""One-time form tokens: signed on GET, spent on POST by a unique column."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE = 6 * 3600  # a respondent may leave the page open for a while


class TokenError(ValueError):
    """A missing, forged or expired form token."""


@cache
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Built once per key (stateless, safe to share between threads)."""
    return URLSafeTimedSerializer(secret_key, salt="survey-form-token")


def issue(secret_key: str, scope: str) -> str:
    """A fresh token bound to one survey page (scope)."""
    return _serializer(secret_key).dumps({"n": secrets.token_urlsafe(18), "s": scope})


def spend(secret_key: str, token: str, scope: str) -> str:
    """Check a token and return the digest to store; raises TokenError."""
    try:
        data = _serializer(secret_key).loads(token, max_age=MAX_AGE)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(data, dict) or data.get("s") != scope or not isinstance(data.get("n"), str):
        raise TokenError("invalid")
    return hashlib.sha256(data["n"].encode()).hexdigest()
