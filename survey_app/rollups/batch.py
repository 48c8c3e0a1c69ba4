"""The roll-ups of an import, computed from its checked rows in memory (numpy) and written as a
few thousand upserts: the set-based path (`maintain.add`) would join every new answer with its
cell in SQL, several times slower than the import itself at a million rows.

Same cells and sums as `maintain.add` of the batch (the property tests compare both with the
answers): paper rows have no counter, are not quarantined, and their channel is `source`.
"""

# ruff: noqa: S608 - the SQL text is built from this module's constants; values are bound.
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from ..models.rollup import DAY, MONTH, NO_COUNTER
from .days import local_day
from .maintain import KEY, age_band

if TYPE_CHECKING:
    from ..survey.importer import CheckedRow

FIELDS = ("jenis_kelamin", "pendidikan", "pekerjaan", "usia")
_CELL_UPSERT = (
    f"INSERT INTO rollup_cells ({', '.join(KEY)}, complete, responses, score_sum, score_sq) "
    "VALUES (:unit_id, :grain, :day, :service_id, :counter_id, :version_id, :source, "
    ":quarantined, :answer_count, :complete, :responses, :score_sum, :score_sq) "
    f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET "
    "responses = rollup_cells.responses + excluded.responses, "
    "score_sum = rollup_cells.score_sum + excluded.score_sum, "
    "score_sq = rollup_cells.score_sq + excluded.score_sq")
_ANSWER_UPSERT = (
    "INSERT INTO rollup_answers (cell_id, item_code, value, n) VALUES (:cell, :code, :value, :n) "
    "ON CONFLICT (cell_id, item_code, value) DO UPDATE SET n = rollup_answers.n + excluded.n")
_PROFILE_UPSERT = (
    "INSERT INTO rollup_profile (cell_id, field, code, n) VALUES (:cell, :field, :code, :n) "
    "ON CONFLICT (cell_id, field, code) DO UPDATE SET n = rollup_profile.n + excluded.n")
_CROSS_UPSERT = (
    "INSERT INTO rollup_cross (cell_id, item_a, item_b, sum_a, sum_ab) "
    "VALUES (:cell, :a, :b, :sa, :sab) ON CONFLICT (cell_id, item_a, item_b) DO UPDATE SET "
    "sum_a = rollup_cross.sum_a + excluded.sum_a, sum_ab = rollup_cross.sum_ab + excluded.sum_ab")


def add_rows(session: Session, unit_id: int, tz: str, version_id: int, codes: Sequence[str],
             rows: Sequence[CheckedRow], source: str) -> None:
    """Add the roll-ups of freshly stored import rows (answers: one byte per element of
    `codes`, 0 for none) in the session's transaction."""
    if not rows:
        return
    k = len(codes)
    answers = np.frombuffer(b"".join(r.answers for r in rows), dtype=np.uint8).reshape(-1, k)
    answered = (answers > 0).sum(axis=1)
    total = answers.sum(axis=1, dtype=np.int64)
    days = np.fromiter((local_day(r.submitted_at, tz).toordinal() for r in rows),
                       dtype=np.int64, count=len(rows))
    months = _months(days)
    services = np.fromiter((r.service_id for r in rows), dtype=np.int64, count=len(rows))
    base = {"unit_id": unit_id, "counter_id": NO_COUNTER, "version_id": version_id,
            "source": source, "quarantined": False}
    for grain, when in ((DAY, days), (MONTH, months)):
        keys = np.stack([when, services, answered]).T
        cells, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        ids = _write_cells(session, base, grain, cells, inverse, total, k)
        _write_answers(session, codes, answers, inverse, ids)
        _write_profile(session, rows, inverse, ids)
        if grain == MONTH:
            _write_cross(session, codes, answers, answered == k, inverse, ids)


def _months(days: np.ndarray) -> np.ndarray:
    """The first day of each day's month (as ordinals), converting each distinct day once."""
    unique, inverse = np.unique(days, return_inverse=True)
    firsts = np.array([date.fromordinal(int(d)).replace(day=1).toordinal() for d in unique],
                      dtype=np.int64)
    return firsts[inverse.reshape(-1)]


def _write_cells(session: Session, base: dict[str, Any], grain: int, cells: np.ndarray,
                 inverse: np.ndarray, total: np.ndarray, k: int) -> list[int]:
    count = len(cells)
    responses = np.bincount(inverse, minlength=count)
    sums = np.bincount(inverse, weights=total, minlength=count)
    squares = np.bincount(inverse, weights=total.astype(np.float64) ** 2, minlength=count)
    params = [{**base, "grain": grain, "day": date.fromordinal(int(day)),
               "service_id": int(service), "answer_count": int(answered),
               "complete": bool(answered == k), "responses": int(responses[i]),
               "score_sum": int(sums[i]), "score_sq": int(squares[i])}
              for i, (day, service, answered) in enumerate(cells)]
    session.execute(text(_CELL_UPSERT), params)
    lo, hi = date.fromordinal(int(cells[:, 0].min())), date.fromordinal(int(cells[:, 0].max()))
    found = {(str(day)[:10], int(service), int(answered)): int(cid)
             for cid, day, service, answered in session.execute(text(
                 "SELECT id, day, service_id, answer_count FROM rollup_cells "
                 "WHERE unit_id = :unit_id AND grain = :grain AND day >= :lo AND day <= :hi "
                 "AND counter_id = :counter_id AND version_id = :version_id "
                 "AND source = :source AND quarantined = :quarantined"),
                 {**base, "grain": grain, "lo": lo, "hi": hi})}
    return [found[(date.fromordinal(int(day)).isoformat(), int(service), int(answered))]
            for day, service, answered in cells]


def _write_answers(session: Session, codes: Sequence[str], answers: np.ndarray,
                   inverse: np.ndarray, ids: list[int]) -> None:
    count = len(ids)
    params = []
    for j, code in enumerate(codes):
        table = np.bincount(inverse * 10 + answers[:, j], minlength=count * 10).reshape(count, 10)
        for cell, value in zip(*np.nonzero(table[:, 1:]), strict=True):
            params.append({"cell": ids[cell], "code": code, "value": int(value) + 1,
                           "n": int(table[cell, value + 1])})
    if params:
        session.execute(text(_ANSWER_UPSERT), params)


def _write_profile(session: Session, rows: Sequence[CheckedRow], inverse: np.ndarray,
                   ids: list[int]) -> None:
    counts: dict[tuple[int, str, str], int] = {}
    for cell, row in zip(inverse.tolist(), rows, strict=True):
        sex, age, education, job = row.profile
        for field, code in zip(FIELDS, (sex or "-", education or "-", job or "-",
                                        age_band(age)), strict=True):
            key = (cell, field, code)
            counts[key] = counts.get(key, 0) + 1
    session.execute(text(_PROFILE_UPSERT), [
        {"cell": ids[cell], "field": field, "code": code, "n": n}
        for (cell, field, code), n in counts.items()])


def _write_cross(session: Session, codes: Sequence[str], answers: np.ndarray,
                 complete: np.ndarray, inverse: np.ndarray, ids: list[int]) -> None:
    order = sorted(range(len(codes)), key=lambda j: codes[j])  # pairs a <= b, code-point order
    params = []
    for cell in np.unique(inverse[complete]):
        x = answers[complete & (inverse == cell)].astype(np.int64)
        products, sums = x.T @ x, x.sum(axis=0)
        for pos, i in enumerate(order):
            for j in order[pos:]:
                params.append({"cell": ids[int(cell)], "a": codes[i], "b": codes[j],
                               "sa": int(sums[i]) if i == j else 0,
                               "sab": int(products[i, j])})
    if params:
        session.execute(text(_CROSS_UPSERT), params)
