"""Deadlines in working days: weekends, Indonesian public holidays and, unless turned off, the
government's collective leave days (cuti bersama, when civil servants do not work) are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .states import CLOSED, VERIFYING


@lru_cache(maxsize=64)
def _holidays(year: int, cuti_bersama: bool) -> frozenset[date]:
    categories = ("public", "government") if cuti_bersama else ("public",)
    return frozenset(holidays.country_holidays("ID", years=year, categories=categories))


def is_working_day(day: date, cuti_bersama: bool = True) -> bool:
    """Monday to Friday, not an Indonesian public holiday nor (unless turned off) cuti bersama."""
    return day.weekday() < 5 and day not in _holidays(day.year, cuti_bersama)


def add_working_days(start: date, days: int, cuti_bersama: bool = True) -> date:
    """The date `days` working days after `start` (the day of receipt does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    while days:
        current += timedelta(days=1)
        if is_working_day(current, cuti_bersama):
            days -= 1
    return current


def working_days_between(start: date, end: date, cuti_bersama: bool = True) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current, cuti_bersama)
    return count


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of an aware moment in a unit's time zone."""
    return moment.astimezone(ZoneInfo(tz)).date()


@dataclass(frozen=True)
class Due:
    """The three deadlines of a report."""

    acknowledge: date
    verify: date
    resolve: date


def due_dates(received: date, ack: int, verify: int, resolve: int,
              cuti_bersama: bool = True) -> Due:
    """Deadlines counted from the local date of receipt."""
    return Due(*(add_working_days(received, n, cuti_bersama) for n in (ack, verify, resolve)))


def next_due(status: str, acknowledged: bool, due: Due,
             today: date) -> tuple[str, date] | None:
    """The next deadline still to meet that has not passed yet (name and date), or None.

    Pending are: acknowledging until the case is acknowledged, verifying while it is in
    verification, resolving until it is closed. Passed ones are overdue() instead."""
    if status in CLOSED:
        return None
    pending = [("acknowledge", due.acknowledge)] if not acknowledged else []
    if status in VERIFYING:
        pending.append(("verify", due.verify))
    pending.append(("resolve", due.resolve))
    upcoming = [(name, day) for name, day in pending if day >= today]
    return min(upcoming, key=lambda item: item[1]) if upcoming else None


def overdue(status: str, acknowledged: bool, due: Due, today: date) -> list[str]:
    """Which deadlines a case has missed today: 'acknowledge', 'verify', 'resolve'."""
    if status in CLOSED:
        return []
    missed = []
    if not acknowledged and today > due.acknowledge:
        missed.append("acknowledge")
    if status in VERIFYING and today > due.verify:
        missed.append("verify")
    if today > due.resolve:
        missed.append("resolve")
    return missed
