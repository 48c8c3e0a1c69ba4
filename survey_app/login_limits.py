"""Login limits an attacker cannot turn against the account's owner (OWASP "device cookies").

A browser that completes a login to an account gets a signed device cookie naming that account
(a keyed digest of the e-mail, never the e-mail) with a random nonce. A later attempt that
carries a valid device cookie for the account typed is limited per nonce, on its own budget;
every other attempt is *untrusted* and shares the account's budget (and, for staff, the client
address's). Whoever floods an account with wrong passwords thus locks out only browsers that
never logged in to it, not the owner's. The same steps run whether or not the account exists.
A cookie holds up to MAX_ACCOUNTS accounts (a shared office computer) and is sent only to the
login page (cookie path), HttpOnly and SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from .ratelimit import CounterStore, allow

DEVICE_DAYS = 90  # a browser unused this long is untrusted again
MAX_ACCOUNTS = 3


@dataclass(frozen=True)
class LoginKind:
    """One login page: its device cookie and the prefix of its rate-limit keys."""

    cookie: str
    path: str
    scope: str


STAFF = LoginKind("staff_device", "/admin/login", "login")
OFFICER = LoginKind("wbs_device", "/wbs/officer/login", "wbs-login")


def account_digest(secret_key: str, kind: LoginKind, email: str) -> str:
    """A keyed digest of the e-mail typed: rate-limit stores and cookies never hold addresses."""
    message = f"{kind.scope}:{email.strip().lower()}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def _signer(secret_key: str, kind: LoginKind) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=f"{kind.scope}-device")


def _entries(secret_key: str, kind: LoginKind, cookie: str | None) -> list[tuple[str, str, int]]:
    """The (account, nonce, issued) entries of a validly signed, unexpired cookie."""
    if not cookie:
        return []
    try:
        data: Any = _signer(secret_key, kind).loads(cookie)
    except BadSignature:
        return []
    now = int(time.time())
    entries = []
    for entry in data if isinstance(data, list) else []:
        if (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str)
                and isinstance(entry[1], str) and isinstance(entry[2], int)
                and 0 <= now - entry[2] <= DEVICE_DAYS * 86400):
            entries.append((entry[0], entry[1], entry[2]))
    return entries[:MAX_ACCOUNTS]


def admit(store: CounterStore, secret_key: str, kind: LoginKind, email: str,
          cookie: str | None, limit: tuple[int, int], client: str | None = None) -> bool:
    """Count one attempt; False when its budget is used up (trusted device or untrusted)."""
    account = account_digest(secret_key, kind, email)
    nonce = next((n for a, n, _ in _entries(secret_key, kind, cookie)
                  if hmac.compare_digest(a, account)), None)
    if nonce is not None:
        return allow(store, f"{kind.scope}:device:{nonce}", limit)
    allowed = allow(store, f"{kind.scope}:account:{account}", limit)
    if client is not None:  # counted even when the account's budget is gone
        allowed = allow(store, f"{kind.scope}:client:{client}", limit) and allowed
    return allowed


def remember_device(response: Response, secret_key: str, kind: LoginKind, email: str,
                    cookie: str | None, secure: bool) -> None:
    """After a successful login: a fresh nonce for this account, other accounts kept."""
    account = account_digest(secret_key, kind, email)
    kept = [[a, n, t] for a, n, t in _entries(secret_key, kind, cookie) if a != account]
    entries = [[account, secrets.token_urlsafe(16), int(time.time())], *kept][:MAX_ACCOUNTS]
    response.set_cookie(kind.cookie, _signer(secret_key, kind).dumps(entries),
                        max_age=DEVICE_DAYS * 86400, path=kind.path, secure=secure,
                        httponly=True, samesite="Strict")


# The two login views use these: the app's counter store and key, this browser's device cookie.
def admit_request(kind: LoginKind, email: str, limit: tuple[int, int],
                  client: str | None = None) -> bool:
    """`admit` for the login form posted in this request."""
    return admit(current_app.extensions["rate_store"], current_app.config["SECRET_KEY"], kind,
                 email, request.cookies.get(kind.cookie), limit, client=client)


def remember_request_device(response: Response, kind: LoginKind, email: str) -> None:
    """`remember_device` for the login that succeeded in this request."""
    remember_device(response, current_app.config["SECRET_KEY"], kind, email,
                    request.cookies.get(kind.cookie), current_app.config["SESSION_COOKIE_SECURE"])
