"""One page of the table of member units' own indices beside a combined figure (the dashboard's
sub-unit card and a group's page).

A ministry's parent has thousands of units: the page shows PAGE_SIZE of them at a time, in code
order or lowest index first (the units to look at first), with links to the other pages. The
combined figure, the downloads and the publication always cover every unit. A combined
publication's public page pages its frozen table of units the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from .combined import UnitFigure

PAGE_SIZE = 100
ORDERS = ("code", "index")  # "index": lowest index first, units without answers last


T = TypeVar("T")


@dataclass(frozen=True)
class TablePage(Generic[T]):
    """The rows shown, which page of how many, and the order."""

    rows: list[T]
    number: int
    pages: int
    total: int
    order: str

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when there is none)."""
        return (self.number - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """1-based position of the last row shown."""
        return self.first + len(self.rows) - 1 if self.rows else 0


def _figure_code(u: UnitFigure) -> str:
    return u.unit.code


def _figure_value(u: UnitFigure) -> float | None:
    return u.result.converted if u.result else None


def table_page(figures: Iterable[T], args: Mapping[str, str],
               keep: Callable[[T], bool] | None = None, *,
               code: Callable[[T], str] = _figure_code,  # type: ignore[assignment]
               value: Callable[[T], float | None] = _figure_value,  # type: ignore[assignment]
               ) -> TablePage[T]:
    """The page `args` asks for (`units_page`, `units_order`; anything else: the first page in
    code order; a page past the end: the last page). Rows are UnitFigures, or anything else
    with `code` and `value` (the converted index, None without answers) functions. Code order
    is the order given: a combined figure lists the unit that owns it first, then by code."""
    order = args.get("units_order", "code")
    order = order if order in ORDERS else "code"

    def key(row: T) -> tuple[object, ...]:
        found = value(row)
        return (found is None, found or 0.0, code(row))

    rows = [u for u in figures if keep is None or keep(u)]
    if order == "index":
        rows.sort(key=key)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    raw = args.get("units_page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1
    number = min(max(number, 1), pages)
    start = (number - 1) * PAGE_SIZE
    return TablePage(rows[start:start + PAGE_SIZE], number, pages, len(rows), order)
