"""The records integrity checks read, the flags they return, and the unit's opening hours."""

from __future__ import annotations

import bisect
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "CHANNELS",
    "DEFAULT_WEEK",
    "DURATION_BUCKETS",
    "KINDS",
    "Flag",
    "OpeningHours",
    "Response",
    "duration_bucket",
]

CHANNELS = ("web", "kiosk", "paper")

# Lower bounds, in seconds, of the completion-time buckets the app stores instead of the exact
# time (form shown -> form sent): coarse enough to say nothing about a person, fine enough below
# 30 s, where the implausibly fast answers are. The single source for the app and the checks.
DURATION_BUCKETS: tuple[int, ...] = (0, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600)

KINDS = (
    "burst",
    "outside_hours",
    "near_duplicates",
    "straight_lining",
    "fast_completion",
    "bulk_import",
    "rate_above_transactions",
    "nrr_jump",
)


def duration_bucket(seconds: float) -> int:
    """Lower bound of the :data:`DURATION_BUCKETS` bucket holding ``seconds`` (>= 0)."""
    if not seconds >= 0:  # also rejects nan
        raise ValueError(f"a completion time must be >= 0 seconds, got {seconds!r}")
    return DURATION_BUCKETS[bisect.bisect_right(DURATION_BUCKETS, seconds) - 1]


@dataclass(frozen=True)
class Response:
    """One survey response as the checks see it: nothing that identifies the respondent.

    ``answers`` follow the instrument's element order (None = unanswered); ``profile`` holds the
    profile values in a fixed order (sex, age, education, occupation; None = not given) and is
    only compared for equality. ``submitted_at`` is timezone-aware (minute resolution is enough);
    a paper row carries its form's date at 00:00 when the sheet had no time. ``duration`` is a
    :data:`DURATION_BUCKETS` lower bound or None (paper, or not measured); ``batch`` the paper
    import's id.
    """

    id: Hashable
    service: str
    counter: str | None
    submitted_at: datetime
    channel: str
    answers: tuple[int | None, ...]
    profile: tuple[Hashable, ...] = ()
    duration: int | None = None
    batch: Hashable | None = None


@dataclass(frozen=True)
class Flag:
    """A group of responses one signal finds suspicious.

    ``detail`` is machine-readable (the app words it): always ``observed``, ``expected``,
    ``p_value`` and ``threshold`` where they apply (None otherwise), plus the signal's own
    parameters. ``start`` and ``end`` are the first and last covered response times, in the
    unit's time zone; ``ids`` are the covered responses, ``count == len(ids)``.
    """

    kind: str
    service: str | None
    counter: str | None
    start: datetime
    end: datetime
    ids: tuple[Hashable, ...]
    count: int
    detail: Mapping[str, object] = field(default_factory=dict)


# Perpres 21/2023 sets 37.5 working hours a week for government offices over five days; regional
# rules spell that as Mon-Thu 07:30-16:00 and Fri 07:30-16:30 (breaks included), Sat and Sun
# closed. Units that serve on Saturday or around the clock (MPP, Samsat, hospitals) set their own.
_MON_THU = ((7 * 60 + 30, 16 * 60),)
_FRI = ((7 * 60 + 30, 16 * 60 + 30),)
DEFAULT_WEEK: tuple[tuple[tuple[int, int], ...], ...] = (
    _MON_THU, _MON_THU, _MON_THU, _MON_THU, _FRI, (), (),
)


@dataclass(frozen=True)
class OpeningHours:
    """A unit's service hours: per weekday (Monday first) a tuple of (open, close) minutes
    after local midnight, the IANA time zone, and extra closed dates (holidays).

    Raises
    ------
    ValueError
        Not 7 weekdays, an interval outside 0..1440 or with open >= close, or an unknown zone.
    """

    tz: str = "Asia/Jakarta"
    week: tuple[tuple[tuple[int, int], ...], ...] = DEFAULT_WEEK
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError(f"opening hours need 7 weekdays, got {len(self.week)}")
        for day in self.week:
            for interval in day:
                if len(interval) != 2 or not 0 <= interval[0] < interval[1] <= 1440:
                    raise ValueError(f"bad opening interval {interval!r}: need 0 <= open < close")
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.tz!r}") from exc

    @property
    def zone(self) -> ZoneInfo:
        """The unit's time zone."""
        return ZoneInfo(self.tz)

    def open_minutes(self, day: date) -> int:
        """Minutes the unit serves on ``day``."""
        if day in self.closed_dates:
            return 0
        return sum(close - open_ for open_, close in self.week[day.weekday()])
