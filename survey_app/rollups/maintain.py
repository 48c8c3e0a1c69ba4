"""Set-based upkeep of the roll-ups from stored rows, in the caller's transaction.

`remove(where)` before a change and `add(where)` after it move the contributions of the
responses matching `where` (SQL on the alias `r` of responses): an import adds its batch, a
quarantine removes the responses and adds them back as quarantined, a deletion removes them, a
time-zone change removes and re-adds the unit, a rebuild empties and adds everything. Both
databases run the same statements (INSERT ... ON CONFLICT DO UPDATE); only the local day
differs (rollups.days). Services flush; the caller commits.
"""

# ruff: noqa: S608 - the SQL text is built from this module's constants; values are bound.
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..models.rollup import DAY, MONTH, NO_COUNTER, VALUES
from ..profile import AGE_BANDS
from .days import day_sql, month_sql

KEY = ("unit_id", "grain", "day", "service_id", "counter_id", "version_id", "source",
       "quarantined", "answer_count")
ITEM_COLUMNS = ", ".join([*(f"n{v}" for v in VALUES), "xt"])  # rollup_items' measures
ITEM_SET = ", ".join(f"{c} = rollup_items.{c} + excluded.{c}" for c in ITEM_COLUMNS.split(", "))
CHILDREN = ("rollup_items", "rollup_profile")

def age_band(usia: int | None) -> str:
    """The profile band of an age ('-' when not given)."""
    if usia is None:
        return "-"
    return next(label for label, upper in AGE_BANDS if upper is None or usia < upper)


def _age_case() -> str:
    parts = " ".join(f"WHEN r.usia < {upper} THEN '{label}'"
                     for label, upper in AGE_BANDS if upper is not None)
    return f"CASE WHEN r.usia IS NULL THEN '-' {parts} ELSE '{AGE_BANDS[-1][0]}' END"


def for_ids(ids: Iterable[int]) -> str:
    """The `where` of a list of response ids (integers, written into the SQL as such)."""
    found = sorted({int(i) for i in ids})
    return f"r.id IN ({', '.join(str(i) for i in found)})" if found else "1 = 0"


def add(session: Session, where: str, params: dict[str, Any] | None = None) -> None:
    """Add the contributions of the responses matching `where` (on alias r)."""
    _apply(session, where, params or {}, 1)


def remove(session: Session, where: str, params: dict[str, Any] | None = None) -> None:
    """Take the contributions of the responses matching `where` out, as they are stored now
    (their quarantine state included); empty cells are deleted."""
    _apply(session, where, params or {}, -1)


def clear(session: Session, unit_ids: Iterable[int] | None = None) -> None:
    """Delete the roll-ups of some units, or all of them."""
    cells = "SELECT id FROM rollup_cells"
    params: dict[str, Any] = {}
    if unit_ids is not None:
        ids = sorted({int(u) for u in unit_ids})
        if not ids:
            return
        cells += f" WHERE unit_id IN ({', '.join(str(i) for i in ids)})"
    for child in CHILDREN:
        session.execute(text(f"DELETE FROM {child} WHERE cell_id IN ({cells})"), params)
    session.execute(text(f"DELETE FROM rollup_cells WHERE id IN ({cells})"), params)


def rebuild(session: Session, unit_ids: Iterable[int] | None = None) -> None:
    """Recompute the roll-ups of some units (all when None) from their stored responses.

    The cells go in month cells first and the children in cell order, so after a rebuild (as
    after migration 0013) a year's month rows lie together on disk: a parent's dashboard reads
    them as a few contiguous pages instead of one random page per cell."""
    ids = None if unit_ids is None else sorted({int(u) for u in unit_ids})
    clear(session, ids)
    if ids is None:
        add(session, "1 = 1")
    elif ids:
        add(session, f"r.unit_id IN ({', '.join(str(i) for i in ids)})")


def _apply(session: Session, where: str, params: dict[str, Any], sign: int) -> None:
    dialect = session.get_bind().dialect.name
    run = session.execute
    pg = dialect == "postgresql"
    temp = "CREATE TEMPORARY TABLE"
    # No try/finally: on an error the caller rolls back, and the temporary tables go with it.
    run(text(f"{temp} rollup_keys (response_id BIGINT, grain SMALLINT, day DATE, unit_id BIGINT, "
             "service_id BIGINT, counter_id BIGINT, version_id BIGINT, source VARCHAR(8), "
             "quarantined BOOLEAN, answer_count SMALLINT, complete BOOLEAN, answer_sum BIGINT)"))
    day = day_sql(dialect, "r.submitted_at", "u.tz")
    quarantined = "EXISTS (SELECT 1 FROM response_quarantine q WHERE q.response_id = r.id)"
    run(text(
        "INSERT INTO rollup_keys SELECT r.id, :day_grain, " + day + ", r.unit_id, "
        f"r.service_id, COALESCE(r.counter_id, {NO_COUNTER}), r.instrument_version_id, "
        f"r.source, {quarantined}, r.answer_count, r.answer_count = iv.items, r.answer_sum "
        "FROM responses r JOIN units u ON u.id = r.unit_id "
        f"JOIN instrument_versions iv ON iv.id = r.instrument_version_id WHERE {where}"),
        {**params, "day_grain": DAY})
    run(text("INSERT INTO rollup_keys SELECT response_id, :month_grain, "
             f"{month_sql(dialect, 'day')}, unit_id, service_id, counter_id, version_id, "
             "source, quarantined, answer_count, complete, answer_sum FROM rollup_keys "
             "WHERE grain = :day_grain"), {"day_grain": DAY, "month_grain": MONTH})
    key = ", ".join(KEY)
    run(text(
        f"INSERT INTO rollup_cells ({key}, complete, responses, score_sum, score_sq) "
        f"SELECT {key}, complete, {sign} * COUNT(*), {sign} * SUM(answer_sum), "
        f"{sign} * SUM(answer_sum * answer_sum) FROM rollup_keys WHERE 1 = 1 "
        f"GROUP BY {key}, complete ORDER BY grain DESC, unit_id, day "
        f"ON CONFLICT ({key}) DO UPDATE SET "
        "responses = rollup_cells.responses + excluded.responses, "
        "score_sum = rollup_cells.score_sum + excluded.score_sum, "
        "score_sq = rollup_cells.score_sq + excluded.score_sq"))
    run(text(f"{temp} rollup_map (response_id BIGINT, cell_id BIGINT, answer_sum BIGINT)"))
    on = " AND ".join(f"c.{k} = k.{k}" for k in KEY)
    run(text("INSERT INTO rollup_map SELECT k.response_id, c.id, k.answer_sum "
             f"FROM rollup_keys k JOIN rollup_cells c ON {on}"))
    if pg:  # temporary tables get no statistics of their own: without them, nested loops
        run(text("ANALYZE rollup_map"))
    _children(session, sign)
    if sign < 0:
        _drop_empty(session)
    run(text("DROP TABLE rollup_map"))
    run(text("DROP TABLE rollup_keys"))


def _children(session: Session, sign: int) -> None:
    run = session.execute
    counts = ", ".join(f"{sign} * SUM(CASE a.value WHEN {v} THEN 1 ELSE 0 END)" for v in VALUES)
    run(text(
        f"INSERT INTO rollup_items (cell_id, item_code, {ITEM_COLUMNS}) "
        f"SELECT m.cell_id, a.item_code, {counts}, {sign} * SUM(a.value * m.answer_sum) "
        "FROM rollup_map m JOIN answers a ON a.response_id = m.response_id WHERE 1 = 1 "
        "GROUP BY m.cell_id, a.item_code ORDER BY m.cell_id "
        f"ON CONFLICT (cell_id, item_code) DO UPDATE SET {ITEM_SET}"))
    fields = " UNION ALL ".join(
        f"SELECT m.cell_id AS cell_id, '{name}' AS field, {expr} AS code FROM rollup_map m "
        "JOIN responses r ON r.id = m.response_id"
        for name, expr in (("jenis_kelamin", "COALESCE(r.jenis_kelamin, '-')"),
                           ("pendidikan", "COALESCE(r.pendidikan, '-')"),
                           ("pekerjaan", "COALESCE(r.pekerjaan, '-')"),
                           ("usia", _age_case())))
    run(text(
        "INSERT INTO rollup_profile (cell_id, field, code, n) "
        f"SELECT p.cell_id, p.field, p.code, {sign} * COUNT(*) FROM ({fields}) p WHERE 1 = 1 "
        "GROUP BY p.cell_id, p.field, p.code ORDER BY p.cell_id "
        "ON CONFLICT (cell_id, field, code) "
        "DO UPDATE SET n = rollup_profile.n + excluded.n"))


def _drop_empty(session: Session) -> None:
    """After a removal: zero rows in the touched cells, and cells left without responses."""
    touched = "SELECT cell_id FROM rollup_map"
    run = session.execute
    zero_items = " AND ".join(f"{c} = 0" for c in ITEM_COLUMNS.split(", "))
    for child, zero in (("rollup_items", zero_items), ("rollup_profile", "n = 0")):
        run(text(f"DELETE FROM {child} WHERE cell_id IN ({touched}) AND ({zero})"))
    empty = f"SELECT id FROM rollup_cells WHERE id IN ({touched}) AND responses = 0"
    for child in CHILDREN:
        run(text(f"DELETE FROM {child} WHERE cell_id IN ({empty})"))
    run(text(f"DELETE FROM rollup_cells WHERE id IN ({empty})"))
