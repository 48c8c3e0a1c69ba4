"""SQL aggregates behind every result: memory stays flat however many responses there are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import Session

from ..models import Answer, InstrumentVersion, Response


@dataclass(frozen=True)
class Selection:
    """Which responses a result covers."""

    unit_id: int
    instrument_slug: str
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    service_id: int | None = None
    counter_id: int | None = None

    def where(self) -> list[Any]:
        """Conditions on Response (and its instrument version)."""
        conditions = [
            Response.unit_id == self.unit_id,
            Response.submitted_at >= self.start,
            Response.submitted_at < self.end,
            Response.instrument_version_id.in_(
                select(InstrumentVersion.id).where(InstrumentVersion.slug == self.instrument_slug)
            ),
        ]
        if self.service_id is not None:
            conditions.append(Response.service_id == self.service_id)
        if self.counter_id is not None:
            conditions.append(Response.counter_id == self.counter_id)
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


def response_counts_by(session: Session, sel: Selection, by: str) -> dict[int | None, int]:
    """Questionnaires per group ("service_id" or "counter_id")."""
    group = getattr(Response, by)
    rows = session.execute(select(group, func.count()).where(*sel.where()).group_by(group))
    return {key: int(n) for key, n in rows}


def respondent_moments(session: Session, sel: Selection) -> tuple[int, float, float]:
    """Respondents, and the sum and sum of squares of their mean answers (1..max scale)."""
    score = Response.answer_sum * literal(1.0) / Response.answer_count
    row = session.execute(
        select(func.count(), func.sum(score), func.sum(score * score))
        .where(*sel.where(), Response.answer_count > 0)
    ).one()
    return int(row[0]), float(row[1] or 0.0), float(row[2] or 0.0)


def response_count(session: Session, sel: Selection) -> int:
    """Questionnaires in the selection."""
    return int(session.scalar(select(func.count()).select_from(Response).where(*sel.where())) or 0)


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


def profile_counts(session: Session, sel: Selection) -> dict[str, dict[str, int]]:
    """Respondents by sex, education, occupation and age band (missing as '-')."""
    band = case(
        (Response.usia.is_(None), "-"),
        (Response.usia < 20, "<20"),
        (Response.usia < 30, "20-29"),
        (Response.usia < 40, "30-39"),
        (Response.usia < 50, "40-49"),
        (Response.usia < 60, "50-59"),
        else_="60+",
    )
    out: dict[str, dict[str, int]] = {}
    for name, column in (("jenis_kelamin", Response.jenis_kelamin),
                         ("pendidikan", Response.pendidikan),
                         ("pekerjaan", Response.pekerjaan), ("usia", band)):
        rows = session.execute(
            select(column, func.count()).where(*sel.where()).group_by(column)
        )
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
