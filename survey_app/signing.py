"""Signed values built from objects made once per key: the session cookie, CSRF tokens and the
survey's own tokens.

itsdangerous, as Flask and Flask-WTF call it, builds a serializer, a signer and the derived HMAC
key again for every value it signs or checks: about a quarter of a survey page's own work, which
signs three values per request. Here each is built once per secret key and kept (none holds
per-call state, so threads share them). The bytes are exactly those of the stock classes, so
cookies and tokens issued before still verify, and Flask-WTF's own check accepts ours.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Signer, TimestampSigner, URLSafeTimedSerializer

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's, so its validate_csrf checks what csrf_token() signs


class KeyedSigner(TimestampSigner):
    """A TimestampSigner that derives each HMAC key once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derived: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """The derived key, computed on first use."""
        key = self._derived.get(secret_key)
        if key is None:
            key = self._derived[secret_key] = super().derive_key(secret_key)
        return key


class Serializer(URLSafeTimedSerializer):
    """A URLSafeTimedSerializer that builds its signer once per salt."""

    default_signer = KeyedSigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[str | bytes | None, Signer] = {}

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        """The signer for `salt` (None: this serializer's own), built on first use."""
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with its serializer built once per set of keys."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[str | bytes, ...], Serializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """The serializer Flask would build (same keys, salt and derivation), kept."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = Serializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
        return serializer


_csrf_serializers: dict[str | bytes, Serializer] = {}


def _csrf_field() -> str:
    return str(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def _new_csrf_secret() -> str:
    return hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - Flask-WTF's own recipe


def renew_csrf() -> None:
    """Give the session a new CSRF secret, so tokens signed from the old one no longer pass;
    the new token is signed when a page asks for it (a redirect needs none)."""
    field = _csrf_field()
    session[field] = _new_csrf_secret()
    g.pop(field, None)


def csrf_token() -> str:
    """This request's signed CSRF token: flask_wtf.csrf.generate_csrf's token (same session key,
    same `g` entry, same signature), from a serializer kept per key."""
    field = _csrf_field()
    if field not in g:
        secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        if not secret:
            raise RuntimeError("A secret key is required to use CSRF.")
        serializer = _csrf_serializers.get(secret)
        if serializer is None:
            serializer = _csrf_serializers[secret] = Serializer(secret, salt=CSRF_SALT)
        raw = session.get(field)
        if not isinstance(raw, str) or not raw:
            raw = session[field] = _new_csrf_secret()
        setattr(g, field, serializer.dumps(raw))
    return str(g.get(field))
