"""SQL aggregates behind every result: memory stays flat however many responses there are.

A selection that carries its local days (`Selection.days`, set by every results surface) is read
from the roll-ups (survey_app/rollups/); without them, or for what cannot be rolled up (saran,
raw exports), from the responses and answers. `raw(sel)` is the same selection read from the
answers: what the property tests and `rollups check` compare the roll-ups with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

import analysis
from analysis import Reliability

from ..models import Answer, InstrumentVersion, Quarantine, Response
from ..profile import AGE_BANDS, EDUCATION, OCCUPATION, SEX


@dataclass(frozen=True)
class Selection:
    """Which responses a result covers."""

    unit_id: int
    instrument_slug: str
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    service_id: int | None = None
    counter_id: int | None = None
    # Quarantined responses (survey_app/integrity/quarantine.py) are left out unless asked for:
    # the index with and without them is this one switch, the rest of the computation the same.
    include_quarantined: bool = False
    # Several units (a parent's subtree, a unit group): (unit ids, start, end) per time zone,
    # each unit's period in its own local dates; replaces unit_id, start and end when set.
    scopes: tuple[tuple[tuple[int, ...], datetime, datetime], ...] = ()
    # The period's first and last local day (each unit's own calendar): read from roll-ups.
    days: tuple[date, date] | None = None

    def _place(self) -> list[Any]:
        if not self.scopes:
            return [Response.unit_id == self.unit_id, Response.submitted_at >= self.start,
                    Response.submitted_at < self.end]
        return [or_(*(and_(Response.unit_id.in_(ids), Response.submitted_at >= lo,
                           Response.submitted_at < hi) for ids, lo, hi in self.scopes))]

    def where(self) -> list[Any]:
        """Conditions on Response (and its instrument version)."""
        conditions = [
            *self._place(),
            Response.instrument_version_id.in_(
                select(InstrumentVersion.id).where(InstrumentVersion.slug == self.instrument_slug)
            ),
        ]
        if self.service_id is not None:
            conditions.append(Response.service_id == self.service_id)
        if self.counter_id is not None:
            conditions.append(Response.counter_id == self.counter_id)
        if not self.include_quarantined:
            conditions.append(~exists().where(Quarantine.response_id == Response.id))
        return conditions


# False reads every figure from the answers (an escape hatch; tests compare both paths).
ROLLUPS = True


def _from_rollups(sel: Selection) -> bool:
    return ROLLUPS and sel.days is not None


def raw(sel: Selection) -> Selection:
    """The same selection, read from the answers instead of the roll-ups."""
    return replace(sel, days=None)


def _rollups() -> Any:
    from ..rollups import read  # imports this module's types

    return read


def element_counts_query(sel: Selection) -> Select[Any]:
    """SELECT item_code, value, COUNT(*): the aggregate the index is computed from."""
    return (
        select(Answer.item_code, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(*sel.where())
        .group_by(Answer.item_code, Answer.value)
    )


def element_counts(session: Session, sel: Selection) -> dict[str, dict[int, int]]:
    """Answer counts per element code and value."""
    if _from_rollups(sel):
        return _rollups().element_counts_by(session, sel, None).get(None, {})
    counts: dict[str, dict[int, int]] = {}
    for code, value, n in session.execute(element_counts_query(sel)):
        counts.setdefault(code, {})[int(value)] = int(n)
    return counts


def element_counts_by(session: Session, sel: Selection, by: str
                      ) -> dict[int | None, dict[str, dict[int, int]]]:
    """Answer counts per group ("service_id" or "counter_id"), element code and value: one pass
    for a whole comparison table instead of one query per service or counter."""
    if _from_rollups(sel):
        return _rollups().element_counts_by(session, sel, by)  # type: ignore[no-any-return]
    group = getattr(Response, by)
    counts: dict[int | None, dict[str, dict[int, int]]] = {}
    rows = session.execute(
        select(group, Answer.item_code, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(*sel.where())
        .group_by(group, Answer.item_code, Answer.value)
    )
    for key, code, value, n in rows:
        counts.setdefault(key, {}).setdefault(code, {})[int(value)] = int(n)
    return counts


@dataclass(frozen=True)
class Grouped:
    """A selection's answer counts and respondents per service or counter: one pass each for a
    comparison table, whose sums are the selection's own figures (so its report needs no
    second pass over the answers)."""

    by: str
    counts: dict[int | None, dict[str, dict[int, int]]]
    people: dict[int | None, Respondents]

    def total_counts(self) -> dict[str, dict[int, int]]:
        """Answer counts per element and value over every group."""
        out: dict[str, dict[int, int]] = {}
        for group in self.counts.values():
            for code, values in group.items():
                mine = out.setdefault(code, {})
                for value, n in values.items():
                    mine[value] = mine.get(value, 0) + n
        return out

    def total_people(self) -> Respondents:
        """Respondents over every group."""
        groups = list(self.people.values())
        return Respondents(sum(g.responses for g in groups), sum(g.answered for g in groups),
                           math.fsum(g.total for g in groups),
                           math.fsum(g.total_sq for g in groups))


def grouped(session: Session, sel: Selection, by: str) -> Grouped:
    """Answer counts and respondents of `sel` per `by` ("service_id" or "counter_id")."""
    return Grouped(by, element_counts_by(session, sel, by), respondents_by(session, sel, by))


@dataclass(frozen=True)
class Respondents:
    """Questionnaires in a selection, and the moments of the respondent scores (each
    respondent's mean answer, 1..scale max) over those that answered anything."""

    responses: int
    answered: int
    total: float
    total_sq: float

    @property
    def moments(self) -> tuple[int, float, float]:
        """(n, sum, sum of squares) of the respondent scores."""
        return self.answered, self.total, self.total_sq


def respondents(session: Session, sel: Selection) -> Respondents:
    """One pass over the selection's responses: count, and the respondent-score moments."""
    return respondents_by(session, sel, None).get(None, Respondents(0, 0, 0.0, 0.0))


def moments_of(rows: Sequence[tuple[int, int, int, int]]) -> Respondents:
    """Respondents from (answer_count, responses, sum of answer_sum, sum of its squares) rows.

    A respondent's score is answer_sum / answer_count, so the sums of scores and of their
    squares are exact rationals of these integers: computed as fractions and rounded once, the
    same figure whichever rows (cells or responses) they were summed from."""
    responses = sum(n for _, n, _, _ in rows)
    scored = [row for row in rows if row[0] > 0]
    answered = sum(n for _, n, _, _ in scored)
    # Over the common denominator of the answer counts: one rational each, not one per row.
    common = math.lcm(*(count for count, _, _, _ in scored)) if scored else 1
    total = Fraction(sum(s * (common // count) for count, _, s, _ in scored), common)
    squares = Fraction(sum(q * (common // count) ** 2 for count, _, _, q in scored),
                       common * common)
    return Respondents(responses, answered, float(total), float(squares))


def respondents_by(session: Session, sel: Selection, by: str | None
                   ) -> dict[int | None, Respondents]:
    """`respondents` per group ("service_id", "counter_id", "source"; None: the whole
    selection under the key None), in one pass."""
    if _from_rollups(sel):
        found = _rollups().respondent_rows(session, sel, by)
    else:
        group = [getattr(Response, by)] if by else []
        found = [(row[0] if by else None, *row[-4:]) for row in session.execute(
            select(*group, Response.answer_count, func.count(), func.sum(Response.answer_sum),
                   func.sum(Response.answer_sum * Response.answer_sum))
            .where(*sel.where()).group_by(*group, Response.answer_count))]
    rows: dict[Any, list[tuple[int, int, int, int]]] = {}
    for key, count, n, total, squares in found:
        rows.setdefault(key, []).append((int(count), int(n), int(total or 0), int(squares or 0)))
    return {key: moments_of(part) for key, part in rows.items()}


@dataclass(frozen=True)
class ItemMoments:
    """Over the complete cases of a selection (every element answered): their number, and per
    element (in the order asked) the sum of its answers, of their squares and of the answer
    times the respondent's total; plus the sum of the totals squared. Exact integers: what
    `analysis.reliability_from_item_totals` takes."""

    n: int
    sums: tuple[int, ...]
    squares: tuple[int, ...]
    item_total: tuple[int, ...]
    total_squares: int

    def reliability(self, codes: Sequence[str]) -> Reliability:
        """Alpha and the item statistics (raises analysis.AlphaUndefined)."""
        return analysis.reliability_from_item_totals(codes, self.n, self.sums, self.squares,
                                                     self.item_total, self.total_squares)


def item_moments(session: Session, sel: Selection, codes: Sequence[str]) -> ItemMoments:
    """The complete cases' item moments (for alpha)."""
    if _from_rollups(sel):
        found = _rollups().item_moments(session, sel, codes)
        if found is not None:
            return found  # type: ignore[no-any-return]
    pivot = (
        select(
            Answer.response_id,
            *[func.max(case((Answer.item_code == c, Answer.value))).label(f"v{i}")
              for i, c in enumerate(codes)],
        )
        .join(Response, Response.id == Answer.response_id)
        .where(*sel.where(), Answer.item_code.in_(codes))
        .group_by(Answer.response_id)
        .having(func.count() == len(codes))
        .subquery()
    )
    cols = [pivot.c[f"v{i}"] for i in range(len(codes))]
    total: Any = sum(cols[1:], cols[0]) if cols else literal(0)
    row = session.execute(
        select(func.count(), *[func.sum(c) for c in cols], *[func.sum(c * c) for c in cols],
               *[func.sum(c * total) for c in cols], func.sum(total * total))
    ).one()
    k = len(codes)
    values = [int(x or 0) for x in row]
    return ItemMoments(values[0], tuple(values[1:1 + k]), tuple(values[1 + k:1 + 2 * k]),
                       tuple(values[1 + 2 * k:1 + 3 * k]), values[-1])


PROFILE_CODES = {"jenis_kelamin": tuple(SEX), "pendidikan": tuple(EDUCATION),
                 "pekerjaan": tuple(OCCUPATION)}


def profile_counts(session: Session, sel: Selection) -> dict[str, dict[str, int]]:
    """Respondents by sex, education, occupation and age band (missing as '-'), in one pass of
    conditional counts over the selection instead of one GROUP BY per field."""
    if _from_rollups(sel):
        return _rollups().profile_counts(  # type: ignore[no-any-return]
            session, sel, (*PROFILE_CODES, "usia"))
    columns: list[tuple[str, str, Any]] = []
    for name, codes in PROFILE_CODES.items():
        column = getattr(Response, name)
        columns += [(name, code, column == code) for code in codes]
        columns.append((name, "-", column.is_(None)))
    lower = None
    for label, upper in AGE_BANDS:
        condition = Response.usia >= lower if lower is not None else None
        if upper is not None:
            below = Response.usia < upper
            condition = below if condition is None else condition & below
        columns.append(("usia", label, condition))
        lower = upper
    columns.append(("usia", "-", Response.usia.is_(None)))
    row = session.execute(
        select(func.count(), *[func.sum(case((cond, 1), else_=0)) for _, _, cond in columns])
        .where(*sel.where())
    ).one()
    out: dict[str, dict[str, int]] = {name: {} for name in (*PROFILE_CODES, "usia")}
    for (name, code, _), n in zip(columns, row[1:], strict=True):
        if n:
            out[name][code] = int(n)
    for name, groups in out.items():
        if sum(groups.values()) != row[0]:  # a stored code outside today's list: count it too
            column = getattr(Response, name)
            rows = session.execute(select(column, func.count()).where(*sel.where())
                                   .group_by(column))
            out[name] = {(value if value is not None else "-"): int(n) for value, n in rows}
    return out


def suggestions(session: Session, sel: Selection, search: str | None = None,
                limit: int = 50, offset: int = 0) -> tuple[int, list[tuple[datetime, str]]]:
    """Saran texts, newest first, optionally containing `search` (case-insensitive)."""
    conditions = [*sel.where(), Response.saran.is_not(None), Response.saran != ""]
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.lower(Response.saran).like(f"%{escaped.lower()}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(Response).where(*conditions)) or 0
    rows = session.execute(
        select(Response.submitted_at, Response.saran).where(*conditions)
        .order_by(Response.submitted_at.desc(), Response.id.desc()).limit(limit).offset(offset)
    )
    return int(total), [(when, text) for when, text in rows]


def raw_answers(session: Session, sel: Selection, codes: Sequence[str]) -> Any:
    """Stream one row per response: id, time, service, counter, source, profile, saran, then
    one column per element code (None: unanswered). One grouped pass over the answers."""
    pivot = [func.max(case((Answer.item_code == c, Answer.value))).label(f"v{i}")
             for i, c in enumerate(codes)]
    stmt = (
        select(Response.id, Response.submitted_at, Response.service_id, Response.counter_id,
               Response.source, Response.jenis_kelamin, Response.usia, Response.pendidikan,
               Response.pekerjaan, Response.saran, *pivot)
        .join(Answer, Answer.response_id == Response.id, isouter=True)
        .where(*sel.where())
        .group_by(Response.id)
        .order_by(Response.submitted_at, Response.id)
    )
    return session.execute(stmt.execution_options(yield_per=2000))
