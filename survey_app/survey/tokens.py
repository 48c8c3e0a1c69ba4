"""One-time form tokens (signed on GET, spent on POST by a unique column) and the thank-you
page's marker."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from itsdangerous import BadData, BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..signing import Serializer

MAX_AGE = 6 * 3600  # a respondent may leave the page open for a while


class TokenError(ValueError):
    """A missing, forged or expired form token."""


class TokenExpired(TokenError):
    """A genuine token past MAX_AGE; `digest` tells whether its form was stored after all."""

    def __init__(self, digest: str | None) -> None:
        super().__init__("expired")
        self.digest = digest


@cache
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Built once per key, with its signer and derived key (stateless, safe to share between
    threads)."""
    return Serializer(secret_key, salt="survey-form-token")


def issue(secret_key: str, scope: str) -> str:
    """A fresh token bound to one survey page (scope)."""
    return _serializer(secret_key).dumps({"n": secrets.token_urlsafe(18), "s": scope})


def spend(secret_key: str, token: str, scope: str) -> str:
    """Check a token and return the digest to store; raises TokenError."""
    return spend_with_time(secret_key, token, scope)[0]


def spend_with_time(secret_key: str, token: str, scope: str) -> tuple[str, datetime]:
    """Check a token; the digest to store and when the form was shown (the signature's time,
    to the second, UTC); raises TokenError."""
    try:
        data, issued = _serializer(secret_key).loads(token, max_age=MAX_AGE,
                                                     return_timestamp=True)
    except SignatureExpired as exc:
        raise TokenExpired(_expired_digest(secret_key, token, scope)) from exc
    except BadSignature as exc:
        raise TokenError("invalid") from exc
    if not isinstance(data, dict) or data.get("s") != scope or not isinstance(data.get("n"), str):
        raise TokenError("invalid")
    return hashlib.sha256(data["n"].encode()).hexdigest(), issued


def _expired_digest(secret_key: str, token: str, scope: str) -> str | None:
    """The digest of a token whose signature is genuine but too old, else None."""
    genuine, data = _serializer(secret_key).loads_unsafe(token)
    if not genuine or not isinstance(data, dict) or data.get("s") != scope or \
            not isinstance(data.get("n"), str):
        return None
    return hashlib.sha256(data["n"].encode()).hexdigest()


# -- the thank-you page's marker ----------------------------------------------------------------

THANKS_MAX_AGE = 3600  # a thank-you page reloaded within the hour keeps its "new survey" link


@dataclass(frozen=True)
class Thanks:
    """What a thank-you page may know: where the form was, and whether it was a repeat."""

    service: str
    counter: str | None
    repeated: bool


@cache
def _thanks_serializer(secret_key: str) -> URLSafeTimedSerializer:
    """Built once per key, with its own salt: a form token is no marker, nor the reverse."""
    return Serializer(secret_key, salt="survey-thanks")


def thanks_marker(secret_key: str, unit: str, service: str, counter: str | None,
                  *, repeated: bool = False) -> str:
    """A signed, short-lived marker for the thank-you URL; it holds none of the answers."""
    return _thanks_serializer(secret_key).dumps(
        {"u": unit, "s": service, "c": counter, "r": repeated})


def read_thanks(secret_key: str, marker: str, unit: str) -> Thanks | None:
    """The marker's content when it is genuine, recent and of `unit`; otherwise None."""
    try:
        data = _thanks_serializer(secret_key).loads(marker, max_age=THANKS_MAX_AGE)
    except BadData:  # forged, expired or garbled: a plain thank-you page
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), str) or \
            data["u"].upper() != unit.upper() or not isinstance(data.get("s"), str) or \
            not isinstance(data.get("c"), (str, type(None))):
        return None
    return Thanks(data["s"], data["c"], data.get("r") is True)
