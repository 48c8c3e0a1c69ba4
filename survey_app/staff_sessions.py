"""Staff logins kept on the server: a row per login, checked on every request.

The signed session cookie holds only a random token; the row (keyed by a hash of the token, so
a copy of the table opens no session) says whose login it is and when it ends. Logout deletes
the row, so a copied cookie is dead from then on; a login ends STAFF_SESSION_HOURS after it
began, however active the user is.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import StaffSession, User, utcnow

STAFF_SESSION_HOURS = 8  # absolute: one working day, then log in again


def _row_id(token: str) -> str:
    return hashlib.blake2b(token.encode(), digest_size=32).hexdigest()


def start(session: Session, user: User) -> str:
    """A new login of `user`; returns the token for the cookie (the caller commits)."""
    now = utcnow()
    session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(id=_row_id(token), user_id=user.id, created_at=now,
                             expires_at=now + timedelta(hours=STAFF_SESSION_HOURS)))
    session.flush()
    return token


def resume(session: Session, token: object) -> User | None:
    """The active user of a live login, in one query; None for anything else."""
    if not isinstance(token, str) or not token:
        return None
    return session.scalar(
        select(User).join(StaffSession, StaffSession.user_id == User.id).where(
            StaffSession.id == _row_id(token), StaffSession.expires_at > utcnow(),
            User.is_active.is_(True)))


def end(session: Session, token: object) -> None:
    """Forget one login (logout); the caller commits."""
    if isinstance(token, str) and token:
        session.execute(delete(StaffSession).where(StaffSession.id == _row_id(token)))


def end_all(session: Session, user: User) -> None:
    """Forget every login of a user: call it when the password changes (the caller commits)."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
