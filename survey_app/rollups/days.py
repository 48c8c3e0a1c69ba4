"""A response's local day in its unit's time zone: in Python, and as SQL on both databases.

PostgreSQL converts with its own time-zone database (`AT TIME ZONE`); SQLite has none, so the
app registers `zi_local_day` (this module's `local_day_text`) on every SQLite connection.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_day(when: datetime, tz: str) -> date:
    """The local date of an aware (or naive UTC) datetime in zone `tz`."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(_zone(tz)).date()


def month_of(day: date) -> date:
    """The first day of the day's month."""
    return day.replace(day=1)


def local_day_text(stamp: str | None, tz: str | None) -> str | None:
    """SQLite function zi_local_day(submitted_at, tz): 'YYYY-MM-DD' of a stored naive-UTC
    timestamp text in zone `tz`."""
    if stamp is None or tz is None:
        return None
    return local_day(datetime.fromisoformat(stamp), tz).isoformat()


def register_sqlite(dbapi_conn: Any) -> None:
    """Make zi_local_day available on a SQLite connection."""
    dbapi_conn.create_function("zi_local_day", 2, local_day_text, deterministic=True)


def day_sql(dialect: str, stamp: str, tz: str) -> str:
    """SQL for the local day of column `stamp` (naive UTC) in the zone named by column `tz`."""
    if dialect == "postgresql":
        return f"CAST((({stamp} AT TIME ZONE 'UTC') AT TIME ZONE {tz}) AS DATE)"
    return f"zi_local_day({stamp}, {tz})"


def month_sql(dialect: str, day: str) -> str:
    """SQL for the first day of the month of a day expression."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('month', {day}) AS DATE)"
    return f"(substr({day}, 1, 8) || '01')"
