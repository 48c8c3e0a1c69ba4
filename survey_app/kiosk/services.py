"""Kiosk domain: enrolment, the credential check, revocation and listing; no HTTP here.

A kiosk is enrolled with a one-time token (24 hours, kept as a SHA-256 digest): the browser that
spends it gets a random 256-bit credential, also kept only as a digest. Both are random and long,
so a plain digest is enough: there is nothing to guess that a slow hash would protect.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Counter, Kiosk, Service, Unit, utcnow
from ..models.kiosk import IDLE_DEFAULT, IDLE_MAX, IDLE_MIN
from ..orgs import NotFound
from ..survey.services import Target

ENROL_VALID = timedelta(hours=24)
MAX_SECRET = 128  # longer than any token we hand out: refused before hashing
MAX_QUEUED = 100_000


class KioskError(ValueError):
    """A kiosk request that cannot be done as asked."""


class EnrolmentUnusable(KioskError):
    """An enrolment link that is unknown, already used, expired or revoked."""


class UnknownKiosk(KioskError):
    """No kiosk holds this credential."""


class KioskRevoked(KioskError):
    """Staff switched this kiosk off."""


def digest(secret: str) -> str:
    """What the database keeps of a token or credential."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def enrol(session: Session, counter: Counter, name: str | None = None,
          idle_seconds: int = IDLE_DEFAULT) -> tuple[Kiosk, str]:
    """A new kiosk for a counter and its one-time enrolment token; the caller commits."""
    if not IDLE_MIN <= idle_seconds <= IDLE_MAX:
        raise KioskError(f"idle time must be {IDLE_MIN} to {IDLE_MAX} seconds")
    label = (name or "").strip() or f"Kiosk {counter.name}"
    if len(label) > 100:
        raise KioskError("name must have at most 100 characters")
    token = secrets.token_urlsafe(32)
    kiosk = Kiosk(counter=counter, name=label, enrol_hash=digest(token), queued=0,
                  enrol_expires_at=utcnow() + ENROL_VALID, idle_seconds=idle_seconds)
    session.add(kiosk)
    session.flush()
    return kiosk, token


def enrol_url(base_url: str, token: str) -> str:
    """The link that makes a browser the kiosk."""
    return f"{base_url.rstrip('/')}/kiosk/enrol/{token}"


def activate(session: Session, token: str) -> tuple[Kiosk, str]:
    """Spend an enrolment token: the kiosk and its new credential; the caller commits.

    One UPDATE that matches only an unspent, unexpired, unrevoked token, so two browsers opening
    the same link at once cannot both get a credential."""
    if not token or len(token) > MAX_SECRET:
        raise EnrolmentUnusable(token)
    key, now = secrets.token_urlsafe(32), utcnow()
    kiosk_id = session.execute(
        update(Kiosk)
        .where(Kiosk.enrol_hash == digest(token), Kiosk.revoked_at.is_(None),
               Kiosk.enrol_expires_at > now)
        .values(enrol_hash=None, enrol_expires_at=None, key_hash=digest(key), enrolled_at=now,
                last_seen_at=_minute(now))
        .returning(Kiosk.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if kiosk_id is None:
        raise EnrolmentUnusable(token)
    kiosk = session.get(Kiosk, kiosk_id, populate_existing=True)
    assert kiosk is not None  # noqa: S101 - just updated in this transaction
    return kiosk, key


def authenticate(session: Session, key: str | None) -> Kiosk:
    """The kiosk holding this credential; UnknownKiosk or KioskRevoked."""
    if not key or len(key) > MAX_SECRET:
        raise UnknownKiosk
    kiosk = session.scalar(select(Kiosk).where(Kiosk.key_hash == digest(key)))
    if kiosk is None:
        raise UnknownKiosk
    if kiosk.is_revoked:
        raise KioskRevoked
    return kiosk


def touch(kiosk: Kiosk, queued: object) -> None:
    """Record a contact (to the minute) and the answers the device says are waiting."""
    kiosk.last_seen_at = _minute(utcnow())
    if isinstance(queued, int) and not isinstance(queued, bool):
        kiosk.queued = max(0, min(queued, MAX_QUEUED))


def target_of(kiosk: Kiosk) -> Target:
    """Where this kiosk's answers go: its counter, service and unit."""
    counter = kiosk.counter
    return Target.of(counter.service.unit, counter.service, counter)


def kiosks_of(session: Session, unit: Unit) -> list[Kiosk]:
    """Every kiosk of a unit's counters, oldest first."""
    return list(session.scalars(
        select(Kiosk).join(Counter, Kiosk.counter_id == Counter.id)
        .join(Service, Counter.service_id == Service.id)
        .where(Service.unit_id == unit.id).order_by(Kiosk.id)))


def find_kiosk(session: Session, unit: Unit, kiosk_id: int) -> Kiosk:
    """One kiosk of a unit; NotFound for another unit's or an unknown id."""
    for kiosk in kiosks_of(session, unit):
        if kiosk.id == kiosk_id:
            return kiosk
    raise NotFound(f"unknown kiosk {kiosk_id} in unit {unit.code}")


def revoke(kiosk: Kiosk) -> None:
    """Switch a kiosk off: its credential and any unused enrolment link stop working."""
    if kiosk.revoked_at is None:
        kiosk.revoked_at = utcnow()
    kiosk.enrol_hash = None
    kiosk.enrol_expires_at = None


def status(kiosk: Kiosk, now: datetime | None = None) -> str:
    """`revoked`, `active`, `waiting` (link not used yet) or `expired` (link unused, too old)."""
    if kiosk.is_revoked:
        return "revoked"
    if kiosk.is_enrolled:
        return "active"
    expires = kiosk.enrol_expires_at
    return "waiting" if expires is not None and expires > (now or utcnow()) else "expired"


def local_minute(moment: datetime, tz: str) -> str:
    """A UTC time as the unit's local `YYYY-MM-DD HH:MM` (the staff page and the CLI)."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
