"""What every request and command accepts from a user: cleaned fields, strict numbers and dates.

Browsers and scripts can send anything. These helpers keep the oddities (NUL characters that
PostgreSQL cannot store, nameless multipart parts, Unicode digits such as '²' that `str.isdigit`
accepts and `int` refuses, 4,000-digit numbers, ISO week dates) from ever reaching the database
as a crash: each becomes "not a valid value", which callers turn into a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from .domain_errors import N_, DomainError

INT32_MAX = 2**31 - 1  # the widest integer key any table has
# Dates a user may name: far enough from datetime's year 1 and 9999 that a day's UTC bounds, the
# previous periods of a trend and a following midnight never overflow (as the WBS recap has).
FIRST_YEAR, LAST_YEAR = 2000, 2999
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_int(raw: object, lo: int = 0, hi: int = INT32_MAX) -> int | None:
    """A whole number written in ASCII digits within [lo, hi], else None (lo >= 0)."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > len(str(hi)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def check_year(year: int) -> int:
    """`year` if within FIRST_YEAR..LAST_YEAR; a DomainError (a ValueError) saying so otherwise."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(N_("year %(year)d is out of range: use a year from %(first)d to "
                             "%(last)d"), year=year, first=FIRST_YEAR, last=LAST_YEAR)
    return year


def parse_date(raw: str) -> date:
    """A calendar date written exactly YYYY-MM-DD; a DomainError naming the text otherwise."""
    text = raw.strip()
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise DomainError(N_("%(text)s is not a date (YYYY-MM-DD)"), text=repr(raw[:40]))


def parse_report_date(raw: str) -> date:
    """parse_date within FIRST_YEAR..LAST_YEAR: the end of a reporting period, whose UTC
    bounds and earlier periods are computed (year 1 or 9999 overflowed there)."""
    value = parse_date(raw)
    check_year(value.year)
    return value


def clean_text(value: str) -> str:
    """Text without NUL characters (meaningless in text, refused by PostgreSQL)."""
    return value.replace("\x00", "") if "\x00" in value else value


def _pairs(mapping: Any) -> Iterable[tuple[Any, Any]]:
    if isinstance(mapping, MultiDict):
        return list(mapping.items(multi=True))
    if isinstance(mapping, Mapping):
        return [(k, v) for k, values in mapping.items()
                for v in (values if isinstance(values, list | tuple) else [values])]
    return list(mapping)


class CleanMultiDict(ImmutableMultiDict[str, Any]):
    """Request fields, query arguments and files with nameless entries dropped and NUL
    characters removed from names and text values."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        super().__init__([
            (clean_text(k), clean_text(v) if isinstance(v, str) else v)
            for k, v in _pairs(mapping) if isinstance(k, str) and clean_text(k)
        ])


class CleanRequest(Request):
    """The app's request class: every parsed field goes through CleanMultiDict."""

    parameter_storage_class = CleanMultiDict


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` URL parts no larger than a database integer: a longer number is a 404, not a
    database overflow."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = INT32_MAX, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
