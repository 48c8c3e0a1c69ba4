"""The periodic recap for the ZI evaluation: counts and times only, never an identity."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Unit, WbsReport, utcnow
from ...models.wbs import CATEGORIES, STATUSES
from ..deadlines import local_date, working_days_between
from ..states import CLOSED
from .accounts import channel_of

EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)  # far from datetime's limits


class PeriodError(ValueError):
    """A recap period that runs backwards or lies outside EARLIEST..LATEST."""

    def __init__(self, message: str, out_of_range: bool) -> None:
        super().__init__(message)
        self.out_of_range = out_of_range


def check_period(start: date, end: date) -> None:
    """PeriodError unless EARLIEST <= start <= end <= LATEST."""
    if start < EARLIEST or end > LATEST:
        raise PeriodError(f"dates must lie between {EARLIEST} and {LATEST}", True)
    if start > end:
        raise PeriodError("--from must not be after --to", False)


@dataclass(frozen=True)
class Duration:
    """Working days from receipt to an event, over the cases where it happened."""

    n: int
    median: float | None
    mean: float | None
    max: int | None


@dataclass
class Recap:
    """A channel's figures for the reports received in a period."""

    unit: str
    unit_name: str
    period_from: date
    period_to: date
    generated_on: date
    total: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    to_acknowledge: Duration = Duration(0, None, None, None)
    to_close: Duration = Duration(0, None, None, None)
    late: dict[str, int] = field(default_factory=dict)  # missed each deadline, ever
    overdue_now: int = 0  # open cases past a deadline today

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures."""
        data = asdict(self)
        for key in ("period_from", "period_to", "generated_on"):
            data[key] = data[key].isoformat()
        return data


def _duration(values: list[int]) -> Duration:
    if not values:
        return Duration(0, None, None, None)
    return Duration(len(values), float(statistics.median(values)), statistics.fmean(values),
                    max(values))


def _bounds(tz: str, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tz)
    return (datetime.combine(start, time.min, zone),
            datetime.combine(end + timedelta(days=1), time.min, zone))


def build(session: Session, unit: Unit, start: date, end: date,
          cuti_bersama: bool = True) -> Recap:
    """Figures of the unit's channel for reports received from `start` to `end` (inclusive),
    working days counted as the deadlines are (cuti bersama skipped unless turned off)."""
    check_period(start, end)
    channel = channel_of(session, unit)
    today = local_date(utcnow(), unit.tz)
    recap = Recap(unit.code, unit.name, start, end, today,
                  by_category=dict.fromkeys(CATEGORIES, 0), by_status=dict.fromkeys(STATUSES, 0),
                  late={"acknowledge": 0, "verify": 0, "resolve": 0})
    if channel is None:
        return recap
    lo, hi = _bounds(unit.tz, start, end)
    reports = session.scalars(select(WbsReport).where(
        WbsReport.channel_id == channel.id, WbsReport.created_at >= lo, WbsReport.created_at < hi))
    ack, close = [], []
    for r in reports:
        received = local_date(r.created_at, unit.tz)
        recap.total += 1
        recap.by_category[r.category] += 1
        recap.by_status[r.status] += 1
        events = {"acknowledge": (r.acknowledged_at, r.ack_due),
                  "verify": (r.verified_at, r.verify_due), "resolve": (r.closed_at, r.resolve_due)}
        missed_now = False
        for name, (moment, due) in events.items():
            happened = local_date(moment, unit.tz) if moment else None
            if (happened or today) > due:
                recap.late[name] += 1
                missed_now = missed_now or happened is None
        recap.overdue_now += missed_now and r.status not in CLOSED
        if r.acknowledged_at:
            ack.append(working_days_between(
                received, local_date(r.acknowledged_at, unit.tz), cuti_bersama))
        if r.closed_at:
            close.append(working_days_between(
                received, local_date(r.closed_at, unit.tz), cuti_bersama))
    recap.to_acknowledge, recap.to_close = _duration(ack), _duration(close)
    return recap
