"""SQL aggregates behind every result: memory stays flat however many responses there are."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Double, Select, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from ..models import Answer, InstrumentVersion, Quarantine, Response
from ..profile import EDUCATION, OCCUPATION, SEX


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
    counts: dict[str, dict[int, int]] = {}
    for code, value, n in session.execute(element_counts_query(sel)):
        counts.setdefault(code, {})[int(value)] = int(n)
    return counts


def element_counts_by(session: Session, sel: Selection, by: str
                      ) -> dict[int | None, dict[str, dict[int, int]]]:
    """Answer counts per group ("service_id" or "counter_id"), element code and value: one pass
    for a whole comparison table instead of one query per service or counter."""
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
    """One pass over the selection's responses: count, and the respondent-score moments.

    The score is computed in float8 (`CAST(... AS DOUBLE PRECISION)`): a literal 1.0 would make
    PostgreSQL go through NUMERIC for every row, about three times slower."""
    return _respondents(session.execute(select(*_respondent_columns()).where(*sel.where())).one())


def _respondent_columns() -> list[Any]:
    answered = Response.answer_count > 0
    score = cast(Response.answer_sum, Double) / cast(Response.answer_count, Double)
    return [func.count(), func.sum(case((answered, 1), else_=0)),
            func.sum(case((answered, score))), func.sum(case((answered, score * score)))]


def _respondents(row: Sequence[Any]) -> Respondents:
    return Respondents(int(row[0]), int(row[1] or 0), float(row[2] or 0.0), float(row[3] or 0.0))


def respondents_by(session: Session, sel: Selection, by: str) -> dict[int | None, Respondents]:
    """`respondents` per group ("service_id" or "counter_id"), in one pass."""
    group = getattr(Response, by)
    rows = session.execute(select(group, *_respondent_columns()).where(*sel.where())
                           .group_by(group))
    return {row[0]: _respondents(row[1:]) for row in rows}


def item_moments(
    session: Session, sel: Selection, codes: Sequence[str]
) -> tuple[int, list[float], list[list[float]]]:
    """Complete cases: n, per-item sums and the matrix of sums of x_i * x_j (for alpha)."""
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
    pairs = [(i, j) for i in range(len(codes)) for j in range(i, len(codes))]
    row = session.execute(
        select(func.count(), *[func.sum(c) for c in cols],
               *[func.sum(cols[i] * cols[j]) for i, j in pairs])
    ).one()
    k = len(codes)
    n = int(row[0])
    sums = [float(x or 0) for x in row[1:1 + k]]
    cross = [[0.0] * k for _ in range(k)]
    for (i, j), value in zip(pairs, row[1 + k:], strict=True):
        cross[i][j] = cross[j][i] = float(value or 0)
    return n, sums, cross


AGE_BANDS = (("<20", 20), ("20-29", 30), ("30-39", 40), ("40-49", 50), ("50-59", 60),
             ("60+", None))
PROFILE_CODES = {"jenis_kelamin": tuple(SEX), "pendidikan": tuple(EDUCATION),
                 "pekerjaan": tuple(OCCUPATION)}


def profile_counts(session: Session, sel: Selection) -> dict[str, dict[str, int]]:
    """Respondents by sex, education, occupation and age band (missing as '-'), in one pass of
    conditional counts over the selection instead of one GROUP BY per field."""
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
