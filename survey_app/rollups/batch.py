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

from ..models.rollup import DAY, MONTH, NO_COUNTER, VALUES
from .days import local_day
from .maintain import ITEM_COLUMNS, ITEM_SET, KEY, age_band

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
_ITEM_UPSERT = (
    f"INSERT INTO rollup_items (cell_id, item_code, {ITEM_COLUMNS}) VALUES (:cell, :code, "
    + ", ".join(f":{c}" for c in ITEM_COLUMNS.split(", "))
    + f") ON CONFLICT (cell_id, item_code) DO UPDATE SET {ITEM_SET}")
_PROFILE_UPSERT = (
    "INSERT INTO rollup_profile (cell_id, field, code, n) VALUES (:cell, :field, :code, :n) "
    "ON CONFLICT (cell_id, field, code) DO UPDATE SET n = rollup_profile.n + excluded.n")


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
    fields = _profile_fields(rows)
    base = {"unit_id": unit_id, "counter_id": NO_COUNTER, "version_id": version_id,
            "source": source, "quarantined": False}
    service_ids, service_index = np.unique(services, return_inverse=True)
    width = len(service_ids) * (k + 1)
    for grain, when in ((DAY, days), (MONTH, months)):
        # One int64 key per row (day, service, answered): a 1-D unique, far quicker than rows.
        keys = when * width + service_index.reshape(-1) * (k + 1) + answered
        found, inverse = np.unique(keys, return_inverse=True)
        inverse = inverse.reshape(-1)
        cells = np.stack([found // width, service_ids[(found % width) // (k + 1)],
                          found % (k + 1)]).T
        ids = _write_cells(session, base, grain, cells, inverse, total, k)
        _write_items(session, codes, answers, total, inverse, ids)
        _write_profile(session, fields, inverse, ids)


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


def _write_items(session: Session, codes: Sequence[str], answers: np.ndarray,
                 total: np.ndarray, inverse: np.ndarray, ids: list[int]) -> None:
    count, width = len(ids), len(VALUES)
    params = []
    for j, code in enumerate(codes):
        value = answers[:, j].astype(np.int64)
        table = np.bincount(inverse * width + value, minlength=count * width).reshape(count, width)
        xt = np.bincount(inverse, weights=(value * total).astype(np.float64), minlength=count)
        for cell in np.nonzero(table[:, 1:].any(axis=1))[0]:  # value 0 is "not answered"
            row = {f"n{v}": int(table[cell, v]) if v else 0 for v in VALUES}
            params.append({"cell": ids[cell], "code": code, **row, "xt": int(xt[cell])})
    if params:
        session.execute(text(_ITEM_UPSERT), params)


def _profile_fields(rows: Sequence[CheckedRow]) -> list[tuple[str, list[str], np.ndarray]]:
    """Per profile field: its codes, and each row's code as an index into them. Rows are
    indexed by their whole profile first (a few thousand distinct ones), so each row costs one
    dictionary look-up, and each distinct profile is turned into field codes once."""
    seen: dict[tuple[str | None, int | None, str | None, str | None], int] = {}
    which = np.fromiter((seen.setdefault(r.profile, len(seen)) for r in rows), dtype=np.int64,
                        count=len(rows))
    labels = [(sex or "-", education or "-", job or "-", age_band(age))
              for sex, age, education, job in seen]  # in the order of their numbers
    out = []
    for position, field in enumerate(FIELDS):
        index: dict[str, int] = {}
        per_profile = np.fromiter((index.setdefault(codes[position], len(index))
                                   for codes in labels), dtype=np.int64, count=len(labels))
        out.append((field, list(index), per_profile[which]))
    return out


def _write_profile(session: Session, fields: list[tuple[str, list[str], np.ndarray]],
                   inverse: np.ndarray, ids: list[int]) -> None:
    count = len(ids)
    params = []
    for field, labels, codes in fields:
        width = len(labels)
        table = np.bincount(inverse * width + codes, minlength=count * width).reshape(count, width)
        for cell, code in zip(*np.nonzero(table), strict=True):
            params.append({"cell": ids[cell], "field": field, "code": labels[code],
                           "n": int(table[cell, code])})
    session.execute(text(_PROFILE_UPSERT), params)
