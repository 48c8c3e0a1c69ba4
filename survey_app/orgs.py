"""Creating units, services and counters, with the checks the CLI and pages share."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .domain_errors import N_, DomainError
from .models import Counter, Service, Unit
from .models.org import CODE_PATTERN
from .rollups import maintain

RESERVED = {"terima-kasih"}
INDONESIAN_TZ = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


class OrgError(DomainError):
    """A unit, service or counter that cannot be created as asked (CLI wording: English)."""


class NotFound(OrgError):
    """No such unit, service or counter."""


def check_code(code: str, what: str) -> str:
    """A code usable in URLs and file names."""
    if not re.match(CODE_PATTERN, code) or code.lower() in RESERVED:
        raise OrgError(f"{what} code {code!r} must be 1-32 letters, digits, '-' or '_'")
    return code


def find_unit(session: Session, code: str) -> Unit:
    """A unit by code (case-insensitive)."""
    unit = session.scalar(select(Unit).where(func.upper(Unit.code) == code.upper()))
    if unit is None:
        raise NotFound(N_("unknown unit %(code)s"), code=repr(code[:40]))
    return unit


def find_service(session: Session, unit: Unit, code: str) -> Service:
    """A service of a unit by code."""
    for service in unit.services:
        if service.code.upper() == code.upper():
            return service
    raise NotFound(N_("unknown service %(code)s in unit %(unit)s"), code=repr(code[:40]),
                   unit=unit.code)


def find_counter(service: Service, code: str) -> Counter:
    """A counter of a service by code."""
    for counter in service.counters:
        if counter.code.upper() == code.upper():
            return counter
    raise NotFound(N_("unknown counter %(code)s in service %(service)s"), code=repr(code[:40]),
                   service=service.code)


def add_unit(session: Session, code: str, name: str, parent: str | None = None,
             tz: str = "Asia/Jakarta") -> Unit:
    """Create a unit; the caller commits."""
    check_code(code, "unit")
    if session.scalar(select(Unit.id).where(func.upper(Unit.code) == code.upper())):
        raise OrgError(f"unit {code!r} already exists")
    check_tz(tz)
    if not name.strip():
        raise OrgError("name must not be empty")
    parent_unit = find_unit(session, parent) if parent else None
    unit = Unit(code=code, name=name.strip(), tz=tz, parent=parent_unit)
    session.add(unit)
    return unit


def check_tz(tz: str) -> str:
    """An IANA time zone name this machine knows."""
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise OrgError(f"unknown time zone {tz!r} (Indonesia: {', '.join(INDONESIAN_TZ)})") \
            from None
    if tz not in available_timezones():
        raise OrgError(f"unknown time zone {tz!r}")
    return tz


def set_unit_tz(session: Session, unit: Unit, tz: str) -> bool:
    """Move a unit to another time zone; the caller commits. Its responses' local days change,
    so its roll-ups are rebuilt in the same transaction (the unit row's update makes a
    concurrent submit wait, see rollups.single). True when something changed."""
    check_tz(tz)
    if tz == unit.tz:
        return False
    unit.tz = tz
    session.flush()
    maintain.rebuild(session, [unit.id])
    return True


def add_service(session: Session, unit: Unit, code: str, name: str) -> Service:
    """Create a service of a unit; the caller commits."""
    check_code(code, "service")
    if any(s.code.upper() == code.upper() for s in unit.services):
        raise OrgError(f"service {code!r} already exists in unit {unit.code}")
    if not name.strip():
        raise OrgError("name must not be empty")
    service = Service(code=code, name=name.strip(), instrument_slugs="ikm")
    unit.services.append(service)
    return service


def add_counter(session: Session, service: Service, code: str, name: str | None) -> Counter:
    """Create a counter of a service; the caller commits."""
    check_code(code, "counter")
    if any(c.code.upper() == code.upper() for c in service.counters):
        raise OrgError(f"counter {code!r} already exists in service {service.code}")
    counter = Counter(code=code, name=(name or f"Loket {code}").strip())
    service.counters.append(counter)
    return counter
