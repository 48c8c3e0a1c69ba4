"""Reporting periods (month, quarter, semester, year or a range) in a unit's local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .. import inputs
from ..domain_errors import N_, DomainError

MAX_DAYS = 36525  # 100 years: four such periods back from 2000 are still far from year 1
_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-S([12])$", re.I), "semester"),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.I), "quarter"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
)


@dataclass(frozen=True)
class Period:
    """Both ends inclusive, as local dates of the unit."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise DomainError(N_("the period starts (%(start)s) after it ends (%(end)s)"),
                              start=self.start, end=self.end)

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days + 1

    def utc_bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC datetimes: local midnight to the midnight after `end`."""
        zone = ZoneInfo(tz)
        lo = datetime.combine(self.start, time(0), zone).astimezone(UTC)
        hi = datetime.combine(self.end + timedelta(days=1), time(0), zone).astimezone(UTC)
        return lo, hi

    def label(self) -> str:
        """dd-mm-yyyy s/d dd-mm-yyyy, as the infographic prints it."""
        return f"{self.start:%d-%m-%Y} s/d {self.end:%d-%m-%Y}"

    def previous(self) -> Period:
        """The period of the same length just before this one (calendar-aligned when it is)."""
        kind = self.kind()
        if kind in ("month", "quarter", "semester", "year"):
            months = {"month": 1, "quarter": 3, "semester": 6, "year": 12}[kind]
            return Period.months_back(self.start, months)
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @staticmethod
    def months_back(start: date, months: int) -> Period:
        """The `months`-long period ending the day before `start`."""
        y, m = divmod(start.year * 12 + start.month - 1 - months, 12)
        first = date(y, m + 1, 1)
        return Period(first, start - timedelta(days=1))

    def kind(self) -> str:
        """month, quarter, semester, year, or range."""
        if self.start.day != 1 or (self.end + timedelta(days=1)).day != 1:
            return "range"
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        aligned = (self.start.month - 1) % months == 0
        names = {1: "month", 3: "quarter", 6: "semester", 12: "year"}
        return names.get(months, "range") if aligned else "range"


def _bounded(period: Period) -> Period:
    if period.days > MAX_DAYS:  # the trend's earlier periods must stay far from year 1
        raise DomainError(N_("the period %(start)s..%(end)s is longer than 100 years"),
                          start=period.start, end=period.end)
    return period


def _month_span(year: int, first_month: int, months: int) -> Period:
    y, m = divmod(year * 12 + first_month - 1 + months, 12)
    return Period(date(year, first_month, 1), date(y, m + 1, 1) - timedelta(days=1))


def parse_period(text: str) -> Period:
    """`2026`, `2026-S1`, `2026-Q3`, `2026-03`, or `2026-01-01..2026-03-31`."""
    text = text.strip()
    if ".." in text:
        lo, _, hi = text.partition("..")
        return _bounded(Period(parse_date(lo), parse_date(hi)))
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match:
            year = inputs.check_year(int(match.group(1)))
            part = int(match.group(2)) if kind != "year" else 1
            if kind == "month" and not 1 <= part <= 12:
                break
            months = {"year": 12, "semester": 6, "quarter": 3, "month": 1}[kind]
            first = part if kind == "month" else (part - 1) * months + 1
            return _month_span(year, first, months)
    raise DomainError(N_("unknown period %(text)s: use 2026, 2026-S1, 2026-Q1, 2026-03 or a range"),
                      text=repr(text))


def parse_date(text: str) -> date:
    """A YYYY-MM-DD date in the years inputs.FIRST_YEAR..LAST_YEAR, with a clear error."""
    return inputs.parse_report_date(text)


def period_from_dates(start: str, end: str) -> Period:
    """Period from two YYYY-MM-DD strings (CLI --from/--to)."""
    lo, hi = parse_date(start), parse_date(end)
    if lo > hi:
        raise DomainError(N_("--from %(start)s is after --to %(end)s"), start=lo, end=hi)
    return _bounded(Period(lo, hi))
