"""The aggregates of a results selection, summed from roll-up cells instead of the answers.

A period [first, last] of local dates is read as its whole months from the month cells and the
days before and after them from the day cells, so a year is 12 rows per cell key, and a range
that starts or ends mid-month still gets exactly its own days. Every figure, alpha included,
comes from the cells of any range.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import InstrumentVersion
from ..models.rollup import DAY, MONTH, NO_COUNTER, VALUES, RollupCell, RollupItem, RollupProfile

if TYPE_CHECKING:
    from ..results.queries import ItemMoments, Selection

GROUPS = {"unit_id": RollupCell.unit_id, "service_id": RollupCell.service_id,
          "counter_id": RollupCell.counter_id, "source": RollupCell.source}


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def segments(first: date, last: date) -> list[tuple[int, date, date]]:
    """(grain, from, to exclusive) covering [first, last]: whole months, then loose days."""
    end = last + timedelta(days=1)
    lo = first if first.day == 1 else _next_month(first)
    hi = end.replace(day=1)
    if lo >= hi:
        return [(DAY, first, end)]
    out = [(MONTH, lo, hi)]
    if first < lo:
        out.append((DAY, first, lo))
    if hi < end:
        out.append((DAY, hi, end))
    return out


@dataclass(frozen=True)
class _Versions:
    """The instrument's versions: their ids, as literal values (with a sub-select PostgreSQL
    guessed a handful of cells where a parent has thousands, and sorted them on disk), every
    answer value their scales allow (the only count columns worth summing), and each version's
    element codes with its stored number of elements."""

    ids: list[int]
    values: tuple[int, ...]
    elements: list[tuple[tuple[str, ...], int]]


def _versions(session: Session, slug: str) -> _Versions:
    found = session.execute(select(InstrumentVersion.id, InstrumentVersion.items,
                                   InstrumentVersion.definition)
                            .where(InstrumentVersion.slug == slug)).all()
    parsed = [(_parse(definition), int(items)) for _, items, definition in found]
    values = sorted({v for (scale, _), _ in parsed for v in scale})
    return _Versions([int(i) for i, _, _ in found] or [-1], tuple(values) or tuple(VALUES),
                     [(codes, items) for (_, codes), items in parsed])


@lru_cache(maxsize=64)
def _parse(definition: str) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """A version's allowed values (every value 0..9 when it declares no scale) and its element
    codes, read from its TOML once."""
    data = tomllib.loads(definition) if definition else {}
    scale = data.get("scale", {})
    codes = tuple(item["code"] for item in data.get("items", []))
    lo, hi = scale.get("min"), scale.get("max")
    if isinstance(lo, int) and isinstance(hi, int) and VALUES[0] <= lo <= hi <= VALUES[-1]:
        return tuple(range(lo, hi + 1)), codes
    return tuple(VALUES), codes


def where(session: Session, sel: Selection, versions: _Versions | None = None) -> list[Any]:
    """Conditions on RollupCell for the selection (which must carry its local days)."""
    versions = versions or _versions(session, sel.instrument_slug)
    assert sel.days is not None  # noqa: S101 - callers check
    units = sorted({i for ids, _, _ in sel.scopes for i in ids}) if sel.scopes else [sel.unit_id]
    place = (RollupCell.unit_id == units[0] if len(units) == 1
             else RollupCell.unit_id.in_(units))
    span = [and_(RollupCell.grain == grain, RollupCell.day >= lo, RollupCell.day < hi)
            for grain, lo, hi in segments(*sel.days)]
    conditions = [place, or_(*span) if len(span) > 1 else span[0],
                  RollupCell.version_id.in_(versions.ids)]
    if sel.service_id is not None:
        conditions.append(RollupCell.service_id == sel.service_id)
    if sel.counter_id is not None:
        conditions.append(RollupCell.counter_id == sel.counter_id)
    if not sel.include_quarantined:
        conditions.append(RollupCell.quarantined.is_(False))
    return conditions


def _group_key(by: str, value: Any) -> Any:
    if by == "counter_id":
        return None if value == NO_COUNTER else int(value)
    return value


def _counts(values: Sequence[int]) -> list[Any]:
    return [func.sum(getattr(RollupItem, f"n{v}")) for v in values]


def element_counts_by(session: Session, sel: Selection, by: str | None
                      ) -> dict[Any, dict[str, dict[int, int]]]:
    """Answer counts per group (or under the key None when `by` is None), code and value."""
    group = [GROUPS[by]] if by else []
    versions = _versions(session, sel.instrument_slug)
    width = len(versions.values)
    rows = session.execute(
        select(*group, RollupItem.item_code, *_counts(versions.values))
        .join(RollupCell, RollupCell.id == RollupItem.cell_id)
        .where(*where(session, sel, versions)).group_by(*group, RollupItem.item_code))
    out: dict[Any, dict[str, dict[int, int]]] = {}
    for row in rows:
        key = _group_key(by, row[0]) if by else None
        code, counts = row[-width - 1], row[-width:]
        found = {value: int(n) for value, n in zip(versions.values, counts, strict=True) if n}
        if found:
            out.setdefault(key, {})[code] = found
    return out


def respondent_rows(session: Session, sel: Selection, by: str | None
                    ) -> list[tuple[Any, int, int, int, int]]:
    """(group or None, answer_count, responses, sum of answer_sum, sum of its squares)."""
    group = [GROUPS[by]] if by else []
    rows = session.execute(
        select(*group, RollupCell.answer_count, func.sum(RollupCell.responses),
               func.sum(RollupCell.score_sum), func.sum(RollupCell.score_sq))
        .where(*where(session, sel)).group_by(*group, RollupCell.answer_count))
    out = []
    for row in rows:
        key = _group_key(by, row[0]) if by else None
        count, n, total, squares = row[-4:]
        if int(n or 0):
            out.append((key, int(count), int(n), int(total or 0), int(squares or 0)))
    return out


def item_moments(session: Session, sel: Selection, codes: Sequence[str]
                 ) -> ItemMoments | None:
    """The complete cases' item moments, or None when the cells cannot say: a version of the
    instrument whose elements are not exactly `codes` (its complete cells' totals would not be
    the totals over `codes`)."""
    from ..results.queries import ItemMoments

    known = _versions(session, sel.instrument_slug)
    for own, items in known.elements:
        if sorted(own) != sorted(codes) or items != len(codes):
            return None
    complete = [*where(session, sel, known), RollupCell.complete.is_(True)]
    n, total_squares = session.execute(
        select(func.sum(RollupCell.responses), func.sum(RollupCell.score_sq))
        .where(*complete)).one()
    found = {row[0]: row[1:] for row in session.execute(
        select(RollupItem.item_code, *_counts(known.values), func.sum(RollupItem.xt))
        .join(RollupCell, RollupCell.id == RollupItem.cell_id).where(*complete)
        .group_by(RollupItem.item_code))}
    values = known.values
    sums, squares, item_total = [], [], []
    for code in codes:
        *counts, xt = found.get(code, (0,) * (len(values) + 1))
        sums.append(sum(v * int(c or 0) for v, c in zip(values, counts, strict=True)))
        squares.append(sum(v * v * int(c or 0) for v, c in zip(values, counts, strict=True)))
        item_total.append(int(xt or 0))
    return ItemMoments(int(n or 0), tuple(sums), tuple(squares), tuple(item_total),
                       int(total_squares or 0))


def profile_counts(session: Session, sel: Selection, fields: Sequence[str]
                   ) -> dict[str, dict[str, int]]:
    """Respondents per profile field and code (age as its band)."""
    out: dict[str, dict[str, int]] = {name: {} for name in fields}
    rows = session.execute(
        select(RollupProfile.field, RollupProfile.code, func.sum(RollupProfile.n))
        .join(RollupCell, RollupCell.id == RollupProfile.cell_id).where(*where(session, sel))
        .group_by(RollupProfile.field, RollupProfile.code))
    for name, code, n in rows:
        if int(n or 0) > 0 and name in out:
            out[name][code] = int(n)
    return out
