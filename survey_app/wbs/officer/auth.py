"""Officer login (password + TOTP) and server-side sessions holding the unwrapped channel key.

The channel key is kept encrypted under a random session key: the database row alone and the
officer's cookie (which holds only the session id and session key) alone reveal nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import pyotp
from sqlalchemy import CursorResult, delete, update
from sqlalchemy.orm import Session

from ...models import User, WbsOfficer, WbsSession, utcnow
from ...security import check_password
from .. import crypto
from ..config import WbsConfig
from .accounts import TOTP_PURPOSE, find_officer, unwrap_channel_key


@dataclass(frozen=True)
class Ticket:
    """What the officer's cookie holds."""

    sid: str
    key: str  # base64 session key


@dataclass(frozen=True)
class Unlocked:
    """A resumed officer session: who, and the channel private key."""

    officer: WbsOfficer
    channel_key: bytes


def _row_id(sid: str) -> str:
    return hashlib.blake2b(sid.encode(), digest_size=32).hexdigest()


def _matching_step(officer: WbsOfficer, secret_key: str, code: str) -> int | None:
    """The time step whose code this is (one step of clock drift allowed), if any."""
    secret = crypto.decrypt(crypto.app_key(secret_key, TOTP_PURPOSE), officer.totp_secret)
    totp = pyotp.TOTP(secret.decode())
    # ASCII digits only: str.isdigit() also accepts '١' or '²', which compare_digest refuses.
    code = "".join(c for c in code if c in string.digits)
    now_step = int(time.time()) // totp.interval
    found = None
    for step in (now_step - 1, now_step, now_step + 1):  # all three compared: constant work
        if hmac.compare_digest(totp.generate_otp(step), code):
            found = step
    return found


def check_totp(session: Session, officer: WbsOfficer, secret_key: str, code: str) -> bool:
    """A current code not used before, claimed in one conditional UPDATE.

    Of parallel logins with the same code exactly one UPDATE finds `totp_last_step` below the
    step: PostgreSQL makes the others wait for the row and re-check the condition, SQLite runs
    one writer at a time. The caller commits the claim, whether the login then succeeds or not.
    """
    step = _matching_step(officer, secret_key, code)
    if step is None:
        return False
    claimed = session.execute(
        update(WbsOfficer).where(WbsOfficer.id == officer.id, WbsOfficer.totp_last_step < step)
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return cast(CursorResult[Any], claimed).rowcount == 1


def login(session: Session, cfg: WbsConfig, secret_key: str, email: str, password: str,
          code: str) -> Ticket | None:
    """Check password and TOTP, unwrap the channel key into a new session; None on failure.
    The caller commits in either case: a TOTP code, once claimed, stays spent."""
    officer = find_officer(session, email)
    user: User | None = officer.user if officer is not None else None
    if not check_password(user, password) or officer is None:
        return None
    if not check_totp(session, officer, secret_key, code):
        return None
    try:
        channel_key = unwrap_channel_key(cfg, officer, password)
    except crypto.CryptoError:
        return None
    session.execute(delete(WbsSession).where(WbsSession.expires_at < utcnow()))
    sid, key = secrets.token_urlsafe(32), crypto.random_bytes()
    session.add(WbsSession(
        id=_row_id(sid), officer_id=officer.id, sealed_key=crypto.encrypt(key, channel_key),
        expires_at=utcnow() + timedelta(hours=cfg.officer_session_hours),
    ))
    # The hour is enough; an exact time would be one more anchor to date WBS rows by (README).
    user.last_login_at = utcnow().replace(minute=0, second=0,  # type: ignore[union-attr]
                                          microsecond=0)
    session.flush()
    return Ticket(sid, base64.b64encode(key).decode())


def resume(session: Session, ticket: object) -> Unlocked | None:
    """The officer and channel key of a live session, from the cookie's ticket."""
    if not isinstance(ticket, dict) or not all(isinstance(ticket.get(k), str)
                                               for k in ("sid", "key")):
        return None
    row = session.get(WbsSession, _row_id(ticket["sid"]))
    if row is None or row.expires_at < utcnow() or not row.officer.user.is_active:
        return None
    try:
        channel_key = crypto.decrypt(base64.b64decode(ticket["key"]), row.sealed_key)
    except (crypto.CryptoError, ValueError):
        return None
    return Unlocked(row.officer, channel_key)


def logout(session: Session, ticket: object) -> None:
    """Forget the server side of a session (the caller commits)."""
    if isinstance(ticket, dict) and isinstance(ticket.get("sid"), str):
        session.execute(delete(WbsSession).where(WbsSession.id == _row_id(ticket["sid"])))

