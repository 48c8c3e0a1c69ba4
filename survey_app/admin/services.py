"""Staff accounts and what each may see."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import STAFF_ROLES
from ..models import ROLES, Counter, Service, Unit, User, utcnow
from ..orgs import NotFound, find_counter, find_service
from ..security import check_password, hash_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A staff account that cannot be created as asked."""


def create_user(session: Session, email: str, password: str, role: str,
                unit: Unit | None, *, allow_officer: bool = False) -> User:
    """Add a staff account with an argon2 hash; the caller commits."""
    if role == "wbs_officer" and not allow_officer:
        raise AccountError("WBS officers need a channel key and TOTP: use `wbs officer add`")
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise AccountError(f"not an e-mail address: {email!r}")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if role != "admin" and unit is None:
        raise AccountError(f"role {role} needs --unit")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"user {email} already exists")
    user = User(email=email, password_hash=hash_password(password), role=role,
                unit_id=unit.id if unit else None)
    session.add(user)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (the caller commits)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if not check_password(user, password):
        return None
    assert user is not None  # noqa: S101 - check_password is False for None
    if user.role not in STAFF_ROLES:  # officers: password + TOTP on the WBS login only
        return None
    # The hour is enough; an exact time would be one more anchor to date WBS rows by (README).
    user.last_login_at = utcnow().replace(minute=0, second=0, microsecond=0)
    return user


def count_users(session: Session) -> int:
    """Number of accounts (the demo uses it to decide whether to create one)."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def qr_target(session: Session, unit: Unit, service_code: str | None,
              counter_code: str | None) -> tuple[Service | None, Counter | None]:
    """The service and counter a QR download names; NotFound for a code the unit does not have
    (never a silent fall back to the unit's or the service's code)."""
    if service_code is None:
        if counter_code is not None:
            raise NotFound(f"counter {counter_code[:40]!r} needs ?service=")
        return None, None
    service = find_service(session, unit, service_code)
    return service, find_counter(service, counter_code) if counter_code is not None else None
