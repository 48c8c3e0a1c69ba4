"""The roll-up rows of one new response, from the values a web or kiosk submit stores.

The hot path of every respondent: the deltas are computed here in Python (no read of what was
just written) and written with one multi-row upsert per table; on PostgreSQL they ride in the
submit's own single statement (`statement_parts`). Same cells and sums as `maintain.add`.
"""

# ruff: noqa: S608 - the SQL text is built from this module's constants; values are bound.
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from ..models.rollup import DAY, MONTH, NO_COUNTER, VALUES
from .days import local_day, month_of
from .maintain import ITEM_COLUMNS, ITEM_SET, KEY, age_band

_CELL_SET = ("responses = rollup_cells.responses + excluded.responses, "
             "score_sum = rollup_cells.score_sum + excluded.score_sum, "
             "score_sq = rollup_cells.score_sq + excluded.score_sq")


@dataclass(frozen=True)
class NewResponse:
    """What the roll-ups need of a response being stored."""

    unit_id: int
    tz: str  # SQLite: replaced by the unit's zone read in the transaction; PostgreSQL: unused
    service_id: int
    counter_id: int | None
    version_id: int
    source: str
    submitted_at: datetime
    answers: tuple[tuple[str, int], ...]  # (element code, value), answered elements only
    profile: tuple[str | None, int | None, str | None, str | None]  # sex, age, education, job

    def days(self) -> tuple[date, date]:
        """The local day and its month."""
        day = local_day(self.submitted_at, self.tz)
        return day, month_of(day)

    def params(self) -> dict[str, Any]:
        """Bind parameters of the statements below (prefixed `ru_`)."""
        day, month = self.days()
        total = sum(v for _, v in self.answers)
        out: dict[str, Any] = {
            "ru_unit": self.unit_id, "ru_service": self.service_id,
            "ru_counter": self.counter_id if self.counter_id is not None else NO_COUNTER,
            "ru_version": self.version_id, "ru_source": self.source,
            "ru_count": len(self.answers), "ru_sum": total,
            "ru_sq": total * total, "ru_day": day, "ru_month": month,
            "ru_gday": DAY, "ru_gmonth": MONTH, "ru_q": False,
            "ru_when": self.submitted_at.astimezone(UTC).replace(tzinfo=None),
        }
        for i, (code, value) in enumerate(self.answers):
            out[f"ru_c{i}"], out[f"ru_v{i}"] = code, value
        sex, age, education, job = self.profile
        out.update(ru_p0=sex or "-", ru_p1=education or "-", ru_p2=job or "-",
                   ru_p3=age_band(age))
        return out


# Whether the response answered every element of its version: decided in SQL from
# instrument_versions.items.
_COMPLETE = "((SELECT items FROM instrument_versions WHERE id = :ru_version) = :ru_count)"


# One answer (x.column2) as a rollup_items row: 1 in its value's count, value x the total in xt.
_ITEM_VALUES = ", ".join([*(f"CASE x.column2 WHEN {v} THEN 1 ELSE 0 END" for v in VALUES),
                          "x.column2 * :ru_sum"])


@dataclass(frozen=True)
class Parts:
    """SQL pieces for one shape of response (its answer count). VALUES lists are read by their
    default column names (column1, column2, ...), the same on both databases."""

    cells: str  # INSERT ... RETURNING id, grain
    children: tuple[str, ...]  # each reads the cells' (id, grain) as `c`


@cache
def statement_parts(count: int) -> Parts:
    """The upserts of a response with `count` answers (built once per shape)."""
    key = ", ".join(KEY)
    common = ":ru_unit, {g}, {d}, :ru_service, :ru_counter, :ru_version, :ru_source, :ru_q, " \
             ":ru_count, " + _COMPLETE + ", 1, :ru_sum, :ru_sq"
    rows = ", ".join(f"({common.format(g=g, d=d)})"
                     for g, d in ((":ru_gday", ":ru_day"), (":ru_gmonth", ":ru_month")))
    cells = (f"INSERT INTO rollup_cells ({key}, complete, responses, score_sum, score_sq) "
             f"VALUES {rows} ON CONFLICT ({key}) DO UPDATE SET {_CELL_SET} "
             "RETURNING id, grain")
    answers = ", ".join(f"(:ru_c{i}, CAST(:ru_v{i} AS SMALLINT))" for i in range(count))
    children = [
        f"INSERT INTO rollup_items (cell_id, item_code, {ITEM_COLUMNS}) SELECT c.id, x.column1, "
        f"{_ITEM_VALUES} FROM c, (VALUES {answers}) AS x WHERE 1 = 1 "
        f"ON CONFLICT (cell_id, item_code) DO UPDATE SET {ITEM_SET}",
        "INSERT INTO rollup_profile (cell_id, field, code, n) SELECT c.id, x.column1, "
        "x.column2, 1 FROM c, (VALUES ('jenis_kelamin', :ru_p0), ('pendidikan', :ru_p1), "
        "('pekerjaan', :ru_p2), ('usia', :ru_p3)) AS x WHERE 1 = 1 "
        "ON CONFLICT (cell_id, field, code) DO UPDATE SET n = rollup_profile.n + 1",
    ]
    return Parts(cells, tuple(children))


@cache
def _sqlite_statements(count: int) -> tuple[str, tuple[str, ...]]:
    """SQLite has no data-modifying CTE: the cells' ids come back first, then each child
    statement reads them from a VALUES list named `c`."""
    parts = statement_parts(count)
    children = tuple(f"WITH c (id, grain) AS (VALUES (:ru_cell_day, {DAY}), "
                     f"(:ru_cell_month, {MONTH})) {child}" for child in parts.children)
    return parts.cells, children


def add_sqlite(session: Session, response: NewResponse) -> None:
    """Add one new response's roll-ups in the session's transaction (SQLite), after the
    response's own INSERT: the unit's time zone is read under the write lock that INSERT took,
    so a time-zone change (which rebuilds the unit's roll-ups) is never raced by a stale one.

    The statements go straight to the driver's cursor (sqlite3 takes the same `:name`
    parameters): this runs inside the database's only write lock on every submit, and
    SQLAlchemy's per-statement work was most of the time the lock was held here."""
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        tz = cursor.execute("SELECT tz FROM units WHERE id = ?", (response.unit_id,)).fetchone()[0]
        params = replace(response, tz=tz).params()
        params["ru_day"], params["ru_month"] = params["ru_day"].isoformat(), \
            params["ru_month"].isoformat()
        params["ru_when"] = params["ru_when"].isoformat(" ")
        cell_statement, children = _sqlite_statements(len(response.answers))
        cells = {int(grain): int(cid)
                 for cid, grain in cursor.execute(cell_statement, params).fetchall()}
        params.update(ru_cell_day=cells[DAY], ru_cell_month=cells[MONTH])
        for child in children:
            cursor.execute(child, params)
    finally:
        cursor.close()


_PG_CELLS = (
    "ru_t AS (SELECT tz FROM units WHERE id = :ru_unit FOR SHARE), "
    "ru_d AS (SELECT CAST((CAST(:ru_when AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE ru_t.tz "
    "AS DATE) AS day FROM ru_t), "
    f"c AS (INSERT INTO rollup_cells ({', '.join(KEY)}, complete, responses, score_sum, "
    "score_sq) SELECT :ru_unit, g.column1, CASE WHEN g.column1 = :ru_gday THEN ru_d.day "
    "ELSE CAST(date_trunc('month', ru_d.day) AS DATE) END, :ru_service, :ru_counter, "
    ":ru_version, :ru_source, :ru_q, :ru_count, " + _COMPLETE + ", 1, :ru_sum, :ru_sq "
    f"FROM ru_d, (VALUES ({DAY}), ({MONTH})) AS g WHERE 1 = 1 ON CONFLICT ({', '.join(KEY)}) "
    f"DO UPDATE SET {_CELL_SET} RETURNING id, grain)")


def pg_ctes(count: int) -> str:
    """The roll-up upserts as data-modifying CTEs to put in PostgreSQL's single submit
    statement. The local day comes from the unit's time zone read in the statement itself
    (FOR SHARE: a time-zone change waits for the submit, or the submit for the change)."""
    parts = statement_parts(count)
    names = ("ra", "rp")
    ctes = [_PG_CELLS]
    ctes += [f"{name} AS ({child})" for name, child in zip(names, parts.children, strict=False)]
    return ", ".join(ctes)
