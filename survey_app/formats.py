"""Numbers, dates and times for people, in the page's language, through Babel.

Bahasa Indonesia writes 80,57 / 1.250 / 3 Desember 2026 / 14.05 WIB; English 80.57 / 1,250 /
December 3, 2026 / 2:05 PM WIB. Every function takes an optional ``locale`` ("id" or "en"); without
it the request's language is used (Bahasa Indonesia outside a request), so the PDF, DOCX and XLSX
writers can call the same helpers. Machine outputs (JSON, CSV, CLI ``--json``) must not use this
module: they keep dot decimals and ISO dates.

Decimals are rounded half up on the printed decimal (``analysis.round_half_up``), as the IKM
categories are, before Babel formats them (Babel itself would round half to even).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton, get_datetime_format
from babel.dates import format_time as _babel_time
from babel.numbers import format_decimal as _babel_decimal
from jinja2 import pass_context

from analysis import round_half_up

DASH = "–"


def _locale(locale: str | None) -> str:
    if locale:
        return locale
    from flask import has_request_context

    from .i18n import current_lang

    return current_lang() if has_request_context() else "id"


def number(value: float | int | Decimal | None, places: int = 2, *, locale: str | None = None,
           signed: bool = False) -> str:
    """A decimal with exactly ``places`` decimals, rounded half up: 80,57 (id) / 80.57 (en).

    ``None`` and NaN (a statistic that cannot be computed) print as a dash.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    rounded = Decimal(repr(round_half_up(float(value), places)))
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return _babel_decimal(rounded, pattern, locale=_locale(locale), decimal_quantization=True)


def signed(value: float | None, places: int = 2, *, locale: str | None = None) -> str:
    """A change with its sign: +1,25 / -0,40."""
    return number(value, places, locale=locale, signed=True)


def plain(value: float | int | None, *, locale: str | None = None) -> str:
    """A value with only the decimals it needs (at most 4), as ``%g`` would: 4,5 / 20 / 0,125."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return DASH
    exact = Decimal(repr(round_half_up(float(value), 4)))
    return _babel_decimal(exact, "#,##0.####", locale=_locale(locale))


def integer(value: int | None, *, locale: str | None = None) -> str:
    """A count with thousands separators: 1.250 (id) / 1,250 (en)."""
    if value is None:
        return DASH
    return _babel_decimal(int(value), "#,##0", locale=_locale(locale))


def day(value: date | datetime | None, *, locale: str | None = None,
        tz: str | tzinfo | None = None) -> str:
    """A calendar day in words: 3 Desember 2026 / December 3, 2026.

    An aware datetime is first moved to ``tz`` (the unit's zone), so a report received at 23:30 WIB
    is dated that day, not the UTC one.
    """
    if value is None:
        return DASH
    if isinstance(value, datetime):
        value = _in_zone(value, tz).date()
    return _babel_date(value, "long", locale=_locale(locale))


def zone_abbr(moment: datetime, tz: str | tzinfo) -> str:
    """WIB, WITA or WIT for Indonesia's zones (in both languages); otherwise Babel's short name."""
    zone = _zone(tz)
    short = _babel_time(moment, "z", tzinfo=zone, locale="id")
    return short if short.isalpha() else _babel_time(moment, "z", tzinfo=zone, locale="en")


def time(moment: datetime, tz: str | tzinfo, *, locale: str | None = None) -> str:
    """The time of day in the unit's zone with its abbreviation: 14.05 WIB / 2:05 PM WIB."""
    local = _in_zone(moment, tz)
    # CLDR puts a narrow no-break space before "PM"; PDF core fonts lack it, so use U+00A0.
    clock = _babel_time(local, "short", locale=_locale(locale)).replace("\u202f", "\u00a0")
    return f"{clock} {zone_abbr(local, tz)}"


def moment(value: datetime | None, tz: str | tzinfo, *, locale: str | None = None) -> str:
    """Day and time in the unit's zone: 3 Desember 2026 14.05 WIB / December 3, 2026, 2:05 PM WIB.

    A naive datetime is taken as UTC (the models store UTC).
    """
    if value is None:
        return DASH
    loc = _locale(locale)
    local = _in_zone(value, tz)
    joined = get_datetime_format("medium", locale=loc)
    return str(joined).replace("{1}", day(local, locale=loc)).replace(
        "{0}", time(local, tz, locale=loc))


def period(start: date, end: date, *, locale: str | None = None) -> str:
    """A period, both ends inclusive: 1 Oktober – 31 Desember 2026 / October 1 – December 31, 2026.
    """
    loc = _locale(locale)
    if start == end:
        return day(start, locale=loc)
    if start.year == end.year:
        first = format_skeleton("MMMMd", start, locale=loc)
    else:
        first = day(start, locale=loc)
    return f"{first} {DASH} {day(end, locale=loc)}"


def _zone(tz: str | tzinfo | None) -> tzinfo:
    if tz is None:
        return UTC
    return ZoneInfo(tz) if isinstance(tz, str) else tz


def _in_zone(value: datetime, tz: str | tzinfo | None) -> datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(_zone(tz)) if tz is not None else aware


def _period_filter(value: Any, locale: str | None = None) -> str:
    """A Period, or the JSON form {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"} of frozen figures."""
    if isinstance(value, dict):
        return period(date.fromisoformat(value["from"]), date.fromisoformat(value["to"]),
                      locale=locale)
    return period(value.start, value.end, locale=locale)


FILTERS: dict[str, Callable[..., str]] = {
    "number": number,
    "signed": signed,
    "integer": integer,
    "plain": plain,
    "day": day,
    "time": time,
    "moment": moment,
    "period": _period_filter,
}


def _per_render(func: Callable[..., str]) -> Callable[..., str]:
    """The filter, evaluated at each render: Jinja folds a filter of constant arguments
    (``{{ 75|number }}``) when it compiles a template, which would keep the language of the
    first page rendered for every later one; a filter that takes the context is never folded."""

    @pass_context
    def filter_(_context: Any, value: Any, *args: Any, **kwargs: Any) -> str:
        return func(value, *args, **kwargs)

    return filter_


def register(env: Any) -> None:
    """Add the filters to a Jinja environment: ``{{ x|number(2) }}``, ``{{ d|day }}``,
    ``{{ at|moment(unit.tz) }}``, ``{{ n|integer }}``, ``{{ f.period|period }}``."""
    env.filters.update({name: _per_render(func) for name, func in FILTERS.items()})
