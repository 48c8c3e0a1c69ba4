"""A parent unit's combined index at scale: the results (read from the roll-ups) against the raw
SQL aggregate over the same answers.

    .venv/bin/python benchmarks/parent_dashboard.py [--responses N] [--units U]
                                                    [--db sqlite|postgresql]

Loads N responses (nine IKM answers each, over one year) spread over U units under one parent
(PostgreSQL: COPY with the row triggers off, as pg_restore does; SQLite: executemany), then,
after a warm-up, median of 3 alternating rounds of:
(a) the bare SQL aggregate over the same rows (element counts of the whole subtree for the
    year, compiled with literal values, on a DBAPI cursor);
(b) `build_combined` for the parent (the pooled index and each unit's own, one grouped pass);
(c) `build_report` of one sub-unit for the year;
(d) the parent's dashboard GET for the year (as the instance admin), which shows the combined card;
(e) one sub-unit's dashboard GET for the year;
(f) the public page of one sub-unit's publication of the year.
The roll-ups are built after the load with `rollups.maintain.rebuild` (timed: what migration 0013
or `rollups rebuild` does on existing data). Prints seconds, the ratios to (a) and the process's
peak resident memory after each stage. Issue 15's target for the roll-ups: at most 0.1.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import postgres_database, sqlite_database  # noqa: E402
from ikm_aggregate import (  # noqa: E402
    ANSWER_COLUMNS,
    CODES,
    RESPONSE_COLUMNS,
    answer_patterns,
    copy_rows,
    measure,
)
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import instruments  # noqa: E402
from survey_app import create_app, orgs  # noqa: E402
from survey_app.admin.services import create_user  # noqa: E402
from survey_app.db import make_engine  # noqa: E402
from survey_app.migrations import upgrade  # noqa: E402
from survey_app.models import Unit  # noqa: E402
from survey_app.results import queries  # noqa: E402
from survey_app.results.combined import build_combined, combined_selection, subtree  # noqa: E402
from survey_app.results.period import Period  # noqa: E402
from survey_app.results.report import build_report  # noqa: E402
from survey_app.rollups import maintain  # noqa: E402
from survey_app.survey.services import instrument_version  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
CHUNK = 50_000
PASSWORD = "benchmark-password-1"


def load(url: str, kind: str, n: int, units: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        version = instrument_version(session, instruments.latest("ikm"))
        orgs.add_unit(session, "INDUK", "Kantor Wilayah", None, "Asia/Jakarta")
        session.flush()
        services = []
        for i in range(units):
            unit = orgs.add_unit(session, f"U{i:05d}", f"Unit {i}", "INDUK",
                                 ("Asia/Jakarta", "Asia/Makassar")[i % 2])
            services.append((unit, orgs.add_service(session, unit, "S1", "Layanan")))
        session.commit()
        targets = [(u.id, s.id) for u, s in services]
        version_id = version.id
    rng = random.Random(15)
    patterns = answer_patterns(rng)
    start = 1767225600  # 2026-01-01T00:00:00Z
    raw = engine.raw_connection()
    cur = raw.cursor()
    if kind == "postgresql":
        cur.execute("SET LOCAL session_replication_role = replica")
    else:
        cur.execute("PRAGMA synchronous=OFF")
    responses: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for rid in range(1, n + 1):
        unit_id, service_id = targets[rng.randrange(len(targets))]
        when = datetime.fromtimestamp(start + rng.randrange(364 * 86400), UTC).replace(tzinfo=None)
        values = patterns[rng.randrange(len(patterns))]
        responses.append((rid, unit_id, service_id, None, version_id,
                          when.isoformat(" ", "microseconds"), "web", "LP"[rid % 2], 20 + rid % 50,
                          "S1", "Swasta", None, len(values), sum(values)))
        answers.extend((rid, c, v) for c, v in zip(CODES, values, strict=True))
        if len(responses) == CHUNK or rid == n:
            if kind == "postgresql":
                copy_rows(cur, "responses", RESPONSE_COLUMNS, responses)
                copy_rows(cur, "answers", ANSWER_COLUMNS, answers)
            else:
                marks = ", ".join("?" * len(RESPONSE_COLUMNS))
                cur.executemany(f"INSERT INTO responses ({', '.join(RESPONSE_COLUMNS)}) "
                                f"VALUES ({marks})", responses)
                cur.executemany("INSERT INTO answers VALUES (?, ?, ?)", answers)
            responses, answers = [], []
    if kind == "postgresql":
        cur.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), %s)", (n,))
    raw.commit()
    raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE responses, answers" if kind == "postgresql"
                          else "ANALYZE"))
    engine.dispose()


def peak_mib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_rollups(url: str) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        maintain.rebuild(session)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE rollup_cells, rollup_items, rollup_profile"
                          if engine.dialect.name == "postgresql" else "ANALYZE"))
        cells = conn.execute(text("SELECT COUNT(*) FROM rollup_cells")).scalar()
        rows = conn.execute(text("SELECT (SELECT COUNT(*) FROM rollup_items) + "
                                 "(SELECT COUNT(*) FROM rollup_profile)")).scalar()
    print(f"  roll-ups rebuilt in {time.perf_counter() - started:.0f} s: {cells:,} cells, "
          f"{rows:,} child rows; peak memory {peak_mib():.0f} MiB", flush=True)
    engine.dispose()


def run(url: str, kind: str, n: int, units: int) -> None:
    started = time.perf_counter()
    load(url, kind, n, units)
    print(f"{kind}: loaded {n:,} responses over {units} units in "
          f"{time.perf_counter() - started:.0f} s; peak memory {peak_mib():.0f} MiB", flush=True)
    build_rollups(url)
    app = create_app(database_url=url, secret_key="bench", redis_url=None,
                     base_url="http://survey.test")
    engine = app.extensions["survey_db"].engine
    with app.app_context():
        from survey_app.db import db

        create_user(db.session, "admin@example.org", PASSWORD, "admin", None)
        db.session.commit()
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    client.post("/admin/login", data={"email": "admin@example.org", "password": PASSWORD,
                                      "csrf_token": token[1] if token else ""})
    with Session(engine) as session:
        parent = session.scalars(select(Unit).where(Unit.code == "INDUK")).one()
        members = subtree(session, parent)
        one = members[1]
        sel = combined_selection(members, "ikm", YEAR)
        sql = str(queries.element_counts_query(sel).compile(
            dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        raw = engine.raw_connection()
        cur = raw.cursor()
        combined = build_combined(session, parent, members, "ikm", YEAR)
        if combined.report.n != n:
            raise RuntimeError(f"combined saw {combined.report.n} of {n}")

        def dashboard() -> None:
            reply = client.get("/admin/units/INDUK/results/?period=2026")
            if reply.status_code != 200 or b'id="subunits"' not in reply.data:
                raise RuntimeError(f"dashboard: {reply.status_code}, combined card missing")

        def unit_dashboard() -> None:
            reply = client.get(f"/admin/units/{one.code}/results/?period=2026")
            if reply.status_code != 200:
                raise RuntimeError(f"unit dashboard: {reply.status_code}")

        published = app.test_cli_runner().invoke(
            args=["publish", one.code, "--from", "2026-01-01", "--to", "2026-12-31"])
        if published.exit_code != 0:
            raise RuntimeError(published.output)
        public_url = f"/hasil/{one.code}/{published.output.strip().splitlines()[-1]}"

        def public_page() -> None:
            reply = client.get(public_url)
            if reply.status_code != 200:
                raise RuntimeError(f"public page: {reply.status_code}")

        try:
            timings = measure({
                "a bare SQL aggregate": lambda: cur.execute(sql).fetchall(),
                "b build_combined (parent)": lambda: build_combined(session, parent, members,
                                                                    "ikm", YEAR),
                "c build_report (one unit)": lambda: build_report(session, one, "ikm", YEAR),
                "d dashboard GET (parent)": dashboard,
                "e dashboard GET (one unit)": unit_dashboard,
                "f public page GET (one unit)": public_page,
            })
        finally:  # an open transaction here would block dropping the schema afterwards
            raw.close()
    bare = timings["a bare SQL aggregate"].median
    for name, timing in timings.items():
        print(f"  {name:<30} {timing.median:8.3f} s   ratio to (a) {timing.median / bare:7.4f}",
              flush=True)
    print(f"  peak memory after the measurements: {peak_mib():.0f} MiB", flush=True)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    if args.db == "postgresql":
        with postgres_database(args.pg_url) as url:
            run(url, "postgresql", args.responses, args.units)
    else:
        with sqlite_database() as url:
            run(url, "sqlite", args.responses, args.units)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
