"""Bulk storage of checked import rows: one short write transaction, all rows or none.

SQLite: the ids are taken after the first write (which holds the database's write lock, so no
one else can take them), then responses and answers go in with `executemany` on the driver.
PostgreSQL: ids come from the responses sequence, then both tables are filled with COPY.
The rows were checked before this module runs, so the write lock is held only for the inserts.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from instruments import Instrument

from ..models import ImportBatch, Response, Unit
from ..rollups.batch import add_rows as add_rollups
from .services import instrument_version

if TYPE_CHECKING:
    from .importer import CheckedRow

COLUMNS = ("id", "unit_id", "service_id", "instrument_version_id", "submitted_at", "source",
           "jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran", "import_batch",
           "import_batch_id", "answer_count", "answer_sum")
CHUNK = 50_000  # rows per COPY buffer: bounded memory for the statements
# SQLite has one writer at a time: while an import's transaction runs, every survey submit
# waits (and fails after the 30 s busy timeout). Measured (benchmarks/import_speed.py) the write
# transaction takes about 30 microseconds a row on a quiet 2-core machine (0.59 s for 20,000
# rows), up to four times that on a busy one. Larger files are refused unless the site is offline.
SQLITE_MAX_ROWS = 20_000


class LongLock(ValueError):
    """An import too large for one short write transaction on SQLite."""

    def __init__(self, rows: int) -> None:
        super().__init__(
            f"{rows} rows: on SQLite an import holds the database's write lock while it stores, "
            f"and survey submits wait (failing after 30 s); import at most {SQLITE_MAX_ROWS} "
            "rows at a time (split the file), or pass --offline while the site is closed, or "
            "use PostgreSQL")
        self.rows = rows


@dataclass(frozen=True)
class BatchInfo:
    """What an import batch records about itself."""

    unit: Unit
    instrument: Instrument
    actor: str
    file_sha256: str
    kind: str  # "paper" or "form"


@dataclass(frozen=True)
class ImportResult:
    """Rows stored, their batch, and how long the write transaction held the write lock."""

    count: int
    batch_id: int
    lock_seconds: float


def store_rows(session: Session, info: BatchInfo, rows: Sequence[CheckedRow],
               *, offline: bool = False) -> ImportResult:
    """Record the batch and insert every row in one transaction; roll back on any error.

    On SQLite more than SQLITE_MAX_ROWS rows raise LongLock unless `offline` (nothing stored)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(rows) > SQLITE_MAX_ROWS and not offline:
        raise LongLock(len(rows))
    version = instrument_version(session, info.instrument)
    key = str(uuid.uuid4())
    try:
        started = time.perf_counter()  # the batch row is the first write: the lock starts here
        batch = ImportBatch(unit_id=info.unit.id, kind=info.kind,
                            instrument_slug=info.instrument.slug, file_sha256=info.file_sha256,
                            imported_by=info.actor[:254], rows=len(rows), batch_key=key)
        session.add(batch)
        session.flush()
        base = (_pg_insert if dialect == "postgresql" else _sqlite_insert)
        base(session, info, version.id, batch.id, key, rows)
        add_rollups(session, info.unit.id, _zone(session, info.unit.id, dialect), version.id,
                    info.instrument.codes, rows, "paper")
        _audit(session, info, batch, len(rows))
        session.commit()
        held = time.perf_counter() - started
    except Exception:
        session.rollback()
        raise
    return ImportResult(len(rows), batch.id, held)


def _zone(session: Session, unit_id: int, dialect: str) -> str:
    """The unit's time zone as of this transaction: on PostgreSQL held FOR SHARE, so a time-zone
    change (which rebuilds the unit's roll-ups) waits for this import to commit; on SQLite this
    transaction already holds the only write lock."""
    query = select(Unit.tz).where(Unit.id == unit_id)
    if dialect == "postgresql":
        query = query.with_for_update(read=True)
    return str(session.execute(query).scalar_one())


def _audit(session: Session, info: BatchInfo, batch: ImportBatch, count: int) -> None:
    from ..integrity.audit import record

    record(session, unit_id=info.unit.id, actor=info.actor, action="import",
           detail={"batch": batch.id, "kind": info.kind, "rows": count,
                   "instrument": info.instrument.slug, "sha256": info.file_sha256})


def _tuples(info: BatchInfo, version_id: int, batch_id: int, key: str,
            rows: Sequence[CheckedRow], ids: Iterable[int]) -> Iterator[tuple[Any, ...]]:
    """One responses row per checked row; submitted_at as naive UTC text (both databases)."""
    unit_id = info.unit.id
    for rid, row in zip(ids, rows, strict=True):
        answers = row.answers
        yield (rid, unit_id, row.service_id, version_id,
               row.submitted_at.replace(tzinfo=None).isoformat(" ", "microseconds"), "paper",
               *row.profile, row.saran, key, batch_id, len(answers) - answers.count(0),
               sum(answers))


def _answers(codes: Sequence[str], rows: Sequence[CheckedRow], ids: Iterable[int]
             ) -> Iterator[tuple[int, str, int]]:
    for rid, row in zip(ids, rows, strict=True):
        for i, value in enumerate(row.answers):
            if value:
                yield rid, codes[i], value


def _sqlite_insert(session: Session, info: BatchInfo, version_id: int, batch_id: int,
                   key: str, rows: Sequence[CheckedRow]) -> None:
    conn = session.connection()
    first = int(session.scalar(select(func.coalesce(func.max(Response.id), 0))) or 0) + 1
    ids = range(first, first + len(rows))
    insert_r = (f"INSERT INTO responses ({', '.join(COLUMNS)}) "  # noqa: S608
                f"VALUES ({', '.join('?' * len(COLUMNS))})")
    insert_a = "INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)"
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    # A larger page cache for this connection while the indexes grow (the default 2 MB makes a
    # million-row import re-read index pages); put back afterwards.
    cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, as a negative KiB count
    try:
        cursor.executemany(insert_r, _tuples(info, version_id, batch_id, key, rows, ids))
        cursor.executemany(insert_a, _answers(info.instrument.codes, rows, ids))
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        cursor.close()


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return str(value)


def _pg_insert(session: Session, info: BatchInfo, version_id: int, batch_id: int, key: str,
               rows: Sequence[CheckedRow]) -> None:
    conn = session.connection()
    ids = [int(i) for i in conn.execute(
        text("SELECT nextval(pg_get_serial_sequence('responses', 'id')) "
             "FROM generate_series(1, :n)"), {"n": len(rows)}).scalars()]
    # nextval over a series hands out consecutive values unless another session interleaves;
    # the rows take the ids in the order given either way.
    fast = _skip_row_triggers(session, info, version_id, rows)
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]

    copy_r = f"COPY responses ({', '.join(COLUMNS)}) FROM STDIN"
    with cursor.copy(copy_r) as copy:
        lines: list[str] = []
        for response in _tuples(info, version_id, batch_id, key, rows, ids):
            lines.append("\t".join(_copy_text(v) for v in response) + "\n")
            if len(lines) >= CHUNK:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))
    with cursor.copy("COPY answers (response_id, item_code, value) FROM STDIN") as copy:
        lines = []
        for rid, code, value in _answers(info.instrument.codes, rows, ids):
            lines.append(f"{rid}\t{code}\t{value}\n")
            if len(lines) >= CHUNK * 9:
                copy.write("".join(lines))
                lines = []
        copy.write("".join(lines))
    cursor.close()
    if fast:  # the audit row and anything after it run with every trigger again
        conn.execute(text("SET LOCAL session_replication_role = origin"))


def _skip_row_triggers(session: Session, info: BatchInfo, version_id: int,
                       rows: Sequence[CheckedRow]) -> bool:
    """Check the foreign keys once for the whole batch instead of once per row.

    PostgreSQL checks each foreign key with a trigger per row: five per response and one per
    answer, about four times the cost of the COPY itself. Every referenced row is known here (the
    unit, its services, the instrument version, the batch just inserted; answers point at the
    responses of this same COPY), so they are locked FOR KEY SHARE, as those triggers would lock
    them, until the commit, and the row triggers are switched off for this transaction's COPY
    (`session_replication_role = replica`, as pg_restore --disable-triggers does). That needs a
    superuser; otherwise (False) the COPY runs with its triggers."""
    conn = session.connection()
    services = sorted({row.service_id for row in rows})
    conn.execute(text("SELECT id FROM units WHERE id = :u FOR KEY SHARE"), {"u": info.unit.id})
    conn.execute(text("SELECT id FROM services WHERE unit_id = :u AND id = ANY(:ids) "
                      "FOR KEY SHARE"), {"u": info.unit.id, "ids": services})
    conn.execute(text("SELECT id FROM instrument_versions WHERE id = :v FOR KEY SHARE"),
                 {"v": version_id})
    found = conn.execute(text("SELECT count(*) FROM services WHERE unit_id = :u AND "
                              "id = ANY(:ids)"), {"u": info.unit.id, "ids": services}).scalar()
    if found != len(services):
        return False  # a service went away since the check: let the triggers refuse the rows
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:  # not a superuser: keep the per-row checks
        return False
    return True
