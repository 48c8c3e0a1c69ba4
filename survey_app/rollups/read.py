"""The aggregates of a results selection, summed from roll-up cells instead of the answers.

A period [first, last] of local dates is read as its whole months from the month cells and the
days before and after them from the day cells, so a year is 12 rows per cell key, and a range
that starts or ends mid-month still gets exactly its own days.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ..models import InstrumentVersion
from ..models.rollup import (
    DAY,
    MONTH,
    NO_COUNTER,
    RollupAnswer,
    RollupCell,
    RollupCross,
    RollupProfile,
)

if TYPE_CHECKING:
    from ..results.queries import Selection

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


def where(sel: Selection) -> list[Any]:
    """Conditions on RollupCell for the selection (which must carry its local days)."""
    assert sel.days is not None  # noqa: S101 - callers check
    units = sorted({i for ids, _, _ in sel.scopes for i in ids}) if sel.scopes else [sel.unit_id]
    place = (RollupCell.unit_id == units[0] if len(units) == 1
             else RollupCell.unit_id.in_(units))
    span = [and_(RollupCell.grain == grain, RollupCell.day >= lo, RollupCell.day < hi)
            for grain, lo, hi in segments(*sel.days)]
    conditions = [place, or_(*span) if len(span) > 1 else span[0],
                  RollupCell.version_id.in_(select(InstrumentVersion.id)
                                            .where(InstrumentVersion.slug == sel.instrument_slug))]
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


def element_counts_by(session: Session, sel: Selection, by: str | None
                      ) -> dict[Any, dict[str, dict[int, int]]]:
    """Answer counts per group (or under the key None when `by` is None), code and value."""
    group = [GROUPS[by]] if by else []
    rows = session.execute(
        select(*group, RollupAnswer.item_code, RollupAnswer.value, func.sum(RollupAnswer.n))
        .join(RollupCell, RollupCell.id == RollupAnswer.cell_id).where(*where(sel))
        .group_by(*group, RollupAnswer.item_code, RollupAnswer.value))
    out: dict[Any, dict[str, dict[int, int]]] = {}
    for row in rows:
        key = _group_key(by, row[0]) if by else None
        code, value, n = row[-3:]
        if int(n or 0) > 0:
            out.setdefault(key, {}).setdefault(code, {})[int(value)] = int(n)
    return out


def respondent_rows(session: Session, sel: Selection, by: str | None
                    ) -> list[tuple[Any, int, int, int, int]]:
    """(group or None, answer_count, responses, sum of answer_sum, sum of its squares)."""
    group = [GROUPS[by]] if by else []
    rows = session.execute(
        select(*group, RollupCell.answer_count, func.sum(RollupCell.responses),
               func.sum(RollupCell.score_sum), func.sum(RollupCell.score_sq))
        .where(*where(sel)).group_by(*group, RollupCell.answer_count))
    out = []
    for row in rows:
        key = _group_key(by, row[0]) if by else None
        count, n, total, squares = row[-4:]
        if int(n or 0):
            out.append((key, int(count), int(n), int(total or 0), int(squares or 0)))
    return out


def item_moments(session: Session, sel: Selection, codes: Sequence[str]
                 ) -> tuple[int, list[float], list[list[float]]] | None:
    """Complete cases' n, item sums and cross-products, or None when the cells cannot say: a
    period with loose days (cross-products are kept per month), or a version of the
    instrument whose elements are not exactly `codes`."""
    assert sel.days is not None  # noqa: S101 - callers check
    if any(grain != MONTH for grain, _, _ in segments(*sel.days)):
        return None
    versions = session.execute(select(InstrumentVersion.items, InstrumentVersion.definition)
                               .where(InstrumentVersion.slug == sel.instrument_slug)).all()
    for items, definition in versions:
        own = [item["code"] for item in tomllib.loads(definition).get("items", [])]
        if sorted(own) != sorted(codes) or items != len(codes):
            return None
    complete = [*where(sel), RollupCell.complete.is_(True)]
    n = int(session.scalar(select(func.sum(RollupCell.responses)).where(*complete)) or 0)
    index = {c: i for i, c in enumerate(codes)}
    k = len(codes)
    sums = [0.0] * k
    cross = [[0.0] * k for _ in range(k)]
    rows = session.execute(
        select(RollupCross.item_a, RollupCross.item_b, func.sum(RollupCross.sum_a),
               func.sum(RollupCross.sum_ab))
        .join(RollupCell, RollupCell.id == RollupCross.cell_id).where(*complete)
        .group_by(RollupCross.item_a, RollupCross.item_b))
    for a, b, sum_a, sum_ab in rows:
        i, j = index[a], index[b]
        if i == j:
            sums[i] += float(sum_a or 0)
            cross[i][i] += float(sum_ab or 0)
        else:
            cross[i][j] += float(sum_ab or 0)
            cross[j][i] = cross[i][j]
    return n, sums, cross


def profile_counts(session: Session, sel: Selection, fields: Sequence[str]
                   ) -> dict[str, dict[str, int]]:
    """Respondents per profile field and code (age as its band)."""
    out: dict[str, dict[str, int]] = {name: {} for name in fields}
    rows = session.execute(
        select(RollupProfile.field, RollupProfile.code, func.sum(RollupProfile.n))
        .join(RollupCell, RollupCell.id == RollupProfile.cell_id).where(*where(sel))
        .group_by(RollupProfile.field, RollupProfile.code))
    for name, code, n in rows:
        if int(n or 0) > 0 and name in out:
            out[name][code] = int(n)
    return out
