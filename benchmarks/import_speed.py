"""Paper import speed: rows a second at scale, and how long SQLite's write lock is held.

    .venv/bin/python benchmarks/import_speed.py [--rows N] [--db sqlite|postgresql|both]
                                               [--baseline-rows M]

Writes a contract CSV of N rows (seeded: nine IKM answers, profile, some saran with commas and
line breaks), then on a fresh SQLite file and/or PostgreSQL schema imports it with
`import_csv` (check everything, then one write transaction) and prints rows a second, the check
time and the write-transaction time. The baseline in the same run is the per-row ORM path the
importer used before (one `Response` object with its `Answer`s per row, one commit), timed on the
first M rows: the ratio new/old rows a second is the figure to keep. While the SQLite import
runs, a second connection writes one row every 20 ms and the longest wait it saw is printed
(what a citizen's submit would wait). Target: at least 20,000 rows a second on both databases.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import postgres_database, sqlite_database  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import instruments  # noqa: E402
from survey_app import create_app, orgs  # noqa: E402
from survey_app.db import make_engine  # noqa: E402
from survey_app.migrations import upgrade  # noqa: E402
from survey_app.survey.importer import check_rows, import_csv  # noqa: E402
from survey_app.survey.services import Target, instrument_version, new_response  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEED = 20261203
IKM = instruments.latest("ikm")
HEADER = ["submitted_at", "service", "jenis_kelamin", "usia", "pendidikan", "pekerjaan",
          *IKM.codes, "saran"]
TARGET = 20_000


def make_csv(rows: int) -> str:
    """A contract CSV of `rows` plausible paper questionnaires over 2025."""
    rng = random.Random(SEED)
    out = io.StringIO()
    out.write(",".join(HEADER) + "\n")
    start = datetime(2025, 1, 1, 8, 0)
    edu = ("SD", "SMP", "SMA", "D1-D3", "S1", "S2", "")
    job = ("PNS", "Swasta", "Wirausaha", "TNI", "Lainnya", "")
    for i in range(rows):
        when = start + timedelta(seconds=rng.randrange(365 * 86400))
        answers = ",".join(str(rng.choice((2, 3, 3, 4, 4))) for _ in IKM.codes)
        saran = ""
        if i % 25 == 0:
            saran = '"Antrean panjang, mohon\ntambah loket"'
        out.write(f"{when:%Y-%m-%d %H:%M:%S},S{i % 3 + 1},{rng.choice('LP')},"
                  f"{rng.randrange(17, 70)},{rng.choice(edu)},{rng.choice(job)},{answers},"
                  f"{saran}\n")
    return out.getvalue()


def setup(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    upgrade(engine)
    app = create_app(TESTING=True, database_url=url, secret_key="bench", redis_url=None)
    session = Session(engine, expire_on_commit=False)
    unit = orgs.add_unit(session, "BENCH", "Unit benchmark", None, "Asia/Jakarta")
    for code in ("S1", "S2", "S3"):
        orgs.add_service(session, unit, code, f"Layanan {code}")
    session.commit()
    instrument_version(session, IKM)
    session.commit()
    return engine, app, session, unit


def old_path(session: Session, unit, csv_text: str) -> float:  # type: ignore[no-untyped-def]
    """The importer before: one ORM object per row and its answers, one commit (rows/s)."""
    started = time.perf_counter()
    rows = check_rows(unit, IKM, csv_text, 2000)
    version = instrument_version(session, IKM)
    batch = str(uuid.uuid4())
    services = {s.id: s for s in unit.services}
    from survey_app.survey.validation import Submission

    for row in rows:
        sub = Submission({c: v for c, v in zip(IKM.codes, row.answers, strict=True) if v},
                         *row.profile, saran=row.saran)
        session.add(new_response(Target.of(unit, services[row.service_id], None), version, sub,
                                 source="paper", submitted_at=row.submitted_at,
                                 import_batch=batch))
    session.commit()
    return len(rows) / (time.perf_counter() - started)


class Prober(threading.Thread):
    """Writes one small row every 20 ms on its own connection; records the longest wait."""

    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.engine, self.stop, self.worst, self.failed = engine, threading.Event(), 0.0, 0

    def run(self) -> None:
        with self.engine.connect() as conn:
            while not self.stop.is_set():
                t = time.perf_counter()
                try:
                    conn.execute(text("INSERT INTO unit_groups (code, name, created_at) VALUES "
                                      "(:c, 'probe', :t)"),
                                 {"c": uuid.uuid4().hex[:30], "t": datetime.now(UTC)})
                    conn.commit()
                except OperationalError:  # "database is locked" after the 30 s busy timeout
                    conn.rollback()
                    self.failed += 1
                self.worst = max(self.worst, time.perf_counter() - t)
                time.sleep(0.02)


def run(kind: str, url: str, csv_text: str, rows: int, baseline_rows: int) -> dict[str, float]:
    engine, app, session, unit = setup(url)
    base_csv = "\n".join(csv_text.split("\n", baseline_rows + 1)[:baseline_rows + 1]) + "\n"
    with app.app_context():
        old = old_path(session, unit, base_csv)
        session.execute(text("DELETE FROM answers"))
        session.execute(text("DELETE FROM responses"))
        session.commit()
        started = time.perf_counter()
        check_rows(unit, IKM, csv_text, 2000)
        check = time.perf_counter() - started
        prober = Prober(engine) if kind == "sqlite" else None
        if prober:
            prober.start()
        started = time.perf_counter()
        result = import_csv(session, unit, IKM, csv_text, 2000, actor="bench", offline=True)
        total = time.perf_counter() - started
        if prober:
            prober.stop.set()
            prober.join()
    stored = session.scalar(text("SELECT count(*) FROM responses"))
    assert stored == rows, (stored, rows)  # noqa: S101
    session.close()
    engine.dispose()
    new = rows / total
    out = {"rows_per_s": new, "check_s": check, "total_s": total,
           "write_s": result.lock_seconds, "old_rows_per_s": old, "ratio": new / old,
           "probe_worst_s": prober.worst if prober else float("nan")}
    probe = (f"; longest wait of another writer {prober.worst:.2f} s, {prober.failed} failed"
             if prober else "")
    print(f"{kind:10} {rows:>9} rows: {new:>9,.0f} rows/s (old path {old:,.0f} rows/s, "
          f"x{new / old:.1f}); check {check:.1f} s, write transaction {result.lock_seconds:.2f} s"
          f", total {total:.1f} s{probe}", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=20_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    csv_text = make_csv(args.rows)
    print(f"CSV of {args.rows} rows: {len(csv_text) / 1e6:.0f} MB", flush=True)
    missed = False
    if args.db in ("sqlite", "both"):
        for rows in (20_000, 30_000):  # the SQLite rule's size, and issue 11's 30,000 rows
            with sqlite_database() as url:
                run("sqlite", url, make_csv(rows), rows, 2_000)
        with sqlite_database() as url:
            missed |= run("sqlite", url, csv_text, args.rows,
                          min(args.baseline_rows, args.rows))["rows_per_s"] < TARGET
    if args.db in ("postgresql", "both"):
        with postgres_database(args.pg_url) as url:
            missed |= run("postgresql", url, csv_text, args.rows,
                          min(args.baseline_rows, args.rows))["rows_per_s"] < TARGET
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
