"""What the checks need from a unit admin: opening hours and services delivered per day.

Services flush, never commit (the view or command owns the transaction); each change writes its
audit row in the same transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.integrity import DEFAULT_WEEK, OpeningHours

from ..domain_errors import N_, DomainError
from ..inputs import parse_date
from ..models import OpeningInterval, Service, ServiceTransactions, Unit
from . import audit

Week = tuple[tuple[tuple[int, int], ...], ...]
MAX_DELIVERED = 1_000_000  # per service and day: far above any counter's capacity
MAX_CSV_BYTES = 2_000_000  # a year of days for dozens of services
RECENT_DAYS = 31


class SettingsError(DomainError):
    """Input a unit admin must correct (a msgid with parameters)."""


def week_of(session: Session, unit: Unit) -> tuple[Week, bool]:
    """The unit's week (Monday first) and whether it is the unit's own (False: the default)."""
    rows = session.scalars(select(OpeningInterval).where(OpeningInterval.unit_id == unit.id)
                           .order_by(OpeningInterval.weekday, OpeningInterval.opens)).all()
    if not rows:
        return DEFAULT_WEEK, False
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for row in rows:
        days[row.weekday].append((row.opens, row.closes))
    return tuple(tuple(d) for d in days), True


def opening_hours(session: Session, unit: Unit) -> OpeningHours:
    """The unit's opening hours in its own time zone."""
    week, _own = week_of(session, unit)
    return OpeningHours(tz=unit.tz, week=week)


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of "HH:MM" (24:00 allowed as the end of a day)."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise SettingsError(N_("“%(value)s” is not a time (HH:MM)"), value=text[:10])
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 1440:
        raise SettingsError(N_("“%(value)s” is not a time (HH:MM)"), value=text[:10])
    return value


def set_week(session: Session, unit: Unit, week: Sequence[Sequence[tuple[int, int]]],
             actor: str) -> None:
    """Replace the unit's opening hours (7 weekdays of (open, close) minute pairs)."""
    if len(week) != 7:
        raise SettingsError(N_("Opening hours need the seven weekdays"))
    for day in week:
        for opens, closes in day:
            if not 0 <= opens < closes <= 1440:
                raise SettingsError(N_("An opening time must be before its closing time"))
    session.execute(delete(OpeningInterval).where(OpeningInterval.unit_id == unit.id))
    for weekday, day in enumerate(week):
        for opens, closes in day:
            session.add(OpeningInterval(unit_id=unit.id, weekday=weekday, opens=opens,
                                        closes=closes))
    audit.record(session, unit_id=unit.id, actor=actor, action="hours",
                 detail={"week": [[list(i) for i in d] for d in week]})
    session.flush()


def transactions_for(session: Session, unit: Unit, start: date, end: date,
                     service: Service | None = None) -> dict[tuple[str, date], int]:
    """Services delivered per (service code, day) with start <= day < end."""
    codes = {s.id: s.code for s in unit.services}
    if service is not None:
        codes = {service.id: service.code}
    rows = session.execute(select(ServiceTransactions.service_id, ServiceTransactions.day,
                                  ServiceTransactions.delivered)
                           .where(ServiceTransactions.service_id.in_(list(codes)),
                                  ServiceTransactions.day >= start, ServiceTransactions.day < end))
    return {(codes[sid], day): delivered for sid, day, delivered in rows}


def set_transactions(session: Session, unit: Unit, entries: Iterable[tuple[str, date, int]],
                     actor: str, source: str = "form") -> int:
    """Record services delivered per (service code, day, number); replaces earlier entries."""
    services = {s.code.upper(): s for s in unit.services}
    stored = 0
    for code, day, delivered in entries:
        service = services.get(code.upper())
        if service is None:
            raise SettingsError(N_("Unknown service “%(code)s”"), code=code[:32])
        if not 0 <= delivered <= MAX_DELIVERED:
            raise SettingsError(N_("“%(value)s” is not a number of services (0 or more)"),
                                value=delivered)
        row = session.scalar(select(ServiceTransactions).where(
            ServiceTransactions.service_id == service.id, ServiceTransactions.day == day))
        if row is None:
            session.add(ServiceTransactions(service_id=service.id, day=day, delivered=delivered))
        else:
            row.delivered = delivered
        stored += 1
    audit.record(session, unit_id=unit.id, actor=actor, action="transactions",
                 detail={"rows": stored, "source": source})
    session.flush()
    return stored


def parse_transactions_csv(data: bytes) -> list[tuple[str, date, int]]:
    """Rows of a CSV with header `service,date,delivered`; SettingsError naming the line."""
    if len(data) > MAX_CSV_BYTES:
        raise SettingsError(N_("The file is too large (at most 2 MB)"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(N_("The file is not UTF-8 text")) from None
    reader = csv.DictReader(io.StringIO(text))
    if set(reader.fieldnames or ()) != {"service", "date", "delivered"}:
        raise SettingsError(N_("The file needs the columns service, date, delivered"))
    out = []
    for line, row in enumerate(reader, start=2):
        try:
            day = parse_date((row.get("date") or "").strip())
            delivered = int((row.get("delivered") or "").strip())
        except ValueError:
            raise SettingsError(N_("Line %(line)s: a date (YYYY-MM-DD) and a whole number "
                                   "are needed"), line=line) from None
        out.append(((row.get("service") or "").strip(), day, delivered))
    return out


def transaction_from_form(form: Mapping[str, str]) -> tuple[str, date, int]:
    """One (service code, day, delivered) from the page's single-row form."""
    try:
        day = parse_date(form.get("date", "").strip())
        delivered = int(form.get("delivered", "").strip())
    except ValueError:
        raise SettingsError(N_("Give a date (YYYY-MM-DD) and a whole number of services")) \
            from None
    return form.get("service", "").strip(), day, delivered


def recent_transactions(session: Session, unit: Unit) -> list[tuple[str, date, int]]:
    """The latest entered days (service code, day, delivered), newest first."""
    codes = {s.id: s.code for s in unit.services}
    rows = session.execute(select(ServiceTransactions.service_id, ServiceTransactions.day,
                                  ServiceTransactions.delivered)
                           .where(ServiceTransactions.service_id.in_(list(codes)))
                           .order_by(ServiceTransactions.day.desc(),
                                     ServiceTransactions.service_id).limit(RECENT_DAYS * 4))
    return [(codes[sid], day, n) for sid, day, n in rows]
