"""IKM at scale: the full report against the bare SQL aggregate it is computed from, same run.

    .venv/bin/python benchmarks/ikm_aggregate.py [--responses N] [--db sqlite|postgresql|both]

Loads N responses (9 IKM answers each) into one unit over one year, plus N/10 in another unit,
on a fresh SQLite file and/or a fresh PostgreSQL schema. Then, after a warm-up, median of 5:
(a) the element counts SQL as raw text on a DBAPI cursor and (b) build_report for the year, run
in alternating rounds (target: b/a at most 1.5); (c) reliability_for; the memory build_report
needs for a tenth of the year and for the whole year (each in a fresh process); and the results
dashboard for the year, if the app has it. The slow ones stop repeating after a time budget.
Exit status 1 when the ratio or the flat-memory check misses.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import random
import re
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from flask import Flask
from harness import postgres_database, sqlite_database
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

import instruments
from survey_app import create_app, orgs
from survey_app.admin.services import create_user
from survey_app.db import db, make_engine
from survey_app.migrations import upgrade
from survey_app.models import Unit
from survey_app.results import queries
from survey_app.results.period import Period
from survey_app.results.report import IndexReport, build_report, reliability_for, selection
from survey_app.survey.services import instrument_version

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "benchmark-secret-key-not-for-production"
PASSWORD = "benchmark-password-1"
YEAR = 2026
WHOLE_YEAR = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
TENTH = Period(date(YEAR, 1, 1), date(YEAR, 2, 6))  # 37 of 365 days
TZ = "Asia/Jakarta"
CODES = instruments.latest("ikm").codes
REPEATS = 5
SLOW_BUDGET = 30.0  # seconds of timed runs after which reliability and dashboard stop repeating
RATIO_TARGET = 1.5
CHUNK = 50_000  # responses per COPY / executemany batch
SEED = 20261122
RESPONSE_COLUMNS = [
    "id",
    "unit_id",
    "service_id",
    "counter_id",
    "instrument_version_id",
    "submitted_at",
    "source",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    "saran",
    "answer_count",
    "answer_sum",
]
ANSWER_COLUMNS = ["response_id", "item_code", "value"]
DASHBOARD_RULE = re.compile(r"^/admin/units/<[^>]+>/results/?$")
# Table row: query string. With &reliability=1 the page also runs (c): about that much longer.
DASHBOARD_VIEWS = {"dashboard GET, year": f"period={YEAR}"}
Row = tuple[Any, ...]
Chunks = Iterator[tuple[list[Row], list[Row]]]
Work = Callable[[], object]


@dataclass(frozen=True)
class Fixture:
    """Ids of what the responses point at."""

    unit_id: int
    other_unit_id: int
    version_id: int
    services: tuple[tuple[int, int], ...]  # (service id, counter id) of the measured unit
    other_service: tuple[int, int]


@dataclass(frozen=True)
class Timing:
    """Timed runs of one measurement, warm-up excluded."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        """Median seconds."""
        return statistics.median(self.runs)


@dataclass
class Figures:
    """Everything measured on one database."""

    db: str
    responses: int
    load_seconds: float = 0.0
    timings: dict[str, Timing] = field(default_factory=dict)
    memory: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # n, rss, heap bytes
    dashboard: Mapping[str, Timing | str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """Full report time over bare aggregate time."""
        return self.timings["report"].median / self.timings["bare"].median

    @property
    def memory_flat(self) -> bool:
        """Memory at N within 1.5x (+1 MiB) of memory at N/10, both RSS and Python heap."""
        (_, rss_10, heap_10), (_, rss_n, heap_n) = self.memory["N/10"], self.memory["N"]
        return rss_n <= 1.5 * rss_10 + 2**20 and heap_n <= 1.5 * heap_10 + 2**20


def say(message: str) -> None:
    """Progress line, flushed at once."""
    print(message, flush=True)


def measure(
    works: Mapping[str, Work], warmup: Work | None = None, budget: float = math.inf
) -> dict[str, Timing]:
    """Warm up, then rounds running each work once in turn: REPEATS rounds or until `budget`."""
    for work in [warmup] if warmup else works.values():
        work()
    runs: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(REPEATS):
        for name, work in works.items():
            start = time.perf_counter()
            work()
            runs[name].append(time.perf_counter() - start)
        if max(sum(r) for r in runs.values()) >= budget:
            break
    return {name: Timing(tuple(r)) for name, r in runs.items()}


# -- data ---------------------------------------------------------------------------------------


def prepare(engine: Engine) -> Fixture:
    """Migrate; add unit IKM with services S1-S3 and unit LAIN with S1, one counter each."""
    upgrade(engine)
    with Session(engine) as session:
        version = instrument_version(session, instruments.latest("ikm"))
        unit = orgs.add_unit(session, "IKM", "Unit Benchmark IKM", tz=TZ)
        other = orgs.add_unit(session, "LAIN", "Unit Lain", tz=TZ)
        for owner, count in ((unit, 3), (other, 1)):
            for k in range(1, count + 1):
                service = orgs.add_service(session, owner, f"S{k}", f"Layanan {k}")
                orgs.add_counter(session, service, "L1", None)
        session.commit()
        services = tuple((s.id, s.counters[0].id) for s in unit.services)
        lain = other.services[0]
        return Fixture(unit.id, other.id, version.id, services, (lain.id, lain.counters[0].id))


def answer_patterns(rng: random.Random, count: int = 4096) -> list[tuple[int, ...]]:
    """Answer sets on the 1-4 scale: a respondent level plus an element-specific drift."""
    patterns = []
    for level in rng.choices((1, 2, 3, 4), weights=(3, 12, 55, 30), k=count):
        drift = [rng.choices((-1, 0, 1), weights=(8 + 3 * j, 70, 12))[0] for j in range(len(CODES))]
        patterns.append(tuple(min(4, max(1, level + d)) for d in drift))
    return patterns


def generate(fx: Fixture, n: int, rng: random.Random) -> Chunks:
    """Response and answer rows in chunks, in time order; every 11th is the other unit's."""
    patterns = answer_patterns(rng)
    extra = n // 10
    total = n + extra
    start, end = WHOLE_YEAR.utc_bounds(TZ)
    step = (end - start) / total
    responses: list[Row] = []
    answers: list[Row] = []
    for i in range(total):
        rid = i + 1
        other = i < 11 * extra and i % 11 == 10
        unit = fx.other_unit_id if other else fx.unit_id
        service, counter = fx.other_service if other else fx.services[i % 3]
        # Naive UTC in SQLAlchemy's SQLite format, which compares as text with its bound values.
        when = (start + step * (i + rng.random())).replace(tzinfo=None)
        values = patterns[rng.randrange(len(patterns))]
        profile = ("web", "LP"[i % 2], 18 + i % 53, "S1", "swasta", None)
        stamp = when.isoformat(" ", "microseconds")
        responses.append(
            (rid, unit, service, counter, fx.version_id, stamp, *profile, len(values), sum(values))
        )
        answers.extend((rid, code, v) for code, v in zip(CODES, values, strict=True))
        if len(responses) == CHUNK or rid == total:
            yield responses, answers
            responses, answers = [], []


def load_postgresql(engine: Engine, chunks: Chunks) -> None:
    """COPY every chunk in one transaction, move the id sequence on, VACUUM ANALYZE."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        # As pg_restore --disable-triggers does: the per-row foreign key checks would take four
        # times as long as the COPY itself. The report check in time_aggregates counts every row.
        cur.execute("SET LOCAL session_replication_role = replica")
        loaded = 0
        for responses, answers in chunks:
            copy_rows(cur, "responses", RESPONSE_COLUMNS, responses)
            copy_rows(cur, "answers", ANSWER_COLUMNS, answers)
            loaded += len(responses)
            say(f"  loaded {loaded:,} responses")
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('responses', 'id'), "
            "(SELECT max(id) FROM responses))"
        )
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Only this schema's tables: a bare VACUUM would work through the whole database.
        conn.execute(
            text("VACUUM ANALYZE responses, answers, instrument_versions, units, services")
        )


def copy_rows(cur: Any, table: str, columns: list[str], rows: list[Row]) -> None:
    """COPY rows into a table through a psycopg cursor."""
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_sqlite(engine: Engine, chunks: Chunks) -> None:
    """executemany in transactions of CHUNK responses with synchronous=OFF, then ANALYZE."""
    marks = ", ".join("?" * len(RESPONSE_COLUMNS))
    insert_responses = f"INSERT INTO responses ({', '.join(RESPONSE_COLUMNS)}) VALUES ({marks})"
    insert_answers = "INSERT INTO answers (response_id, item_code, value) VALUES (?, ?, ?)"
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")
        loaded = 0
        for responses, answers in chunks:
            cur.executemany(insert_responses, responses)
            cur.executemany(insert_answers, answers)
            raw.commit()
            loaded += len(responses)
            say(f"  loaded {loaded:,} responses")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("ANALYZE")
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.commit()
    finally:
        raw.close()


# -- measurements -------------------------------------------------------------------------------


def bare_sql(engine: Engine, unit: Unit) -> str:
    """The element counts query of the whole year, compiled with literal values."""
    stmt = queries.element_counts_query(selection(unit, "ikm", WHOLE_YEAR))
    return str(stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def checked_report(session: Session, unit: Unit, n: int) -> IndexReport:
    """The year's report, after checking it saw every loaded response and answer."""
    report = build_report(session, unit, "ikm", WHOLE_YEAR)
    answered = sum(e.n for e in report.result.elements)
    if report.n != n or answered != n * len(CODES):
        raise RuntimeError(f"report saw {report.n} responses, {answered} answers; loaded {n}")
    return report


def time_aggregates(engine: Engine, fx: Fixture, n: int) -> dict[str, Timing]:
    """(a) bare SQL and (b) build_report alternating; b's other queries; (c) reliability_for."""
    raw = engine.raw_connection()
    try:
        with Session(engine) as session:
            unit = session.get_one(Unit, fx.unit_id)
            report = checked_report(session, unit, n)
            cur, sql = raw.cursor(), bare_sql(engine, unit)
            timings = measure(
                {
                    "bare": lambda: cur.execute(sql).fetchall(),
                    "report": partial(build_report, session, unit, "ikm", WHOLE_YEAR),
                }
            )
            sel = selection(unit, "ikm", WHOLE_YEAR)
            timings |= measure(
                {
                    "respondents": partial(queries.respondents, session, sel),
                }
            )
            reliability = partial(reliability_for, session, report)
            return timings | measure({"reliability": reliability}, budget=SLOW_BUDGET)
    finally:
        raw.rollback()
        raw.close()


def maxrss() -> int:
    """Peak resident set size of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory_probe(url: str, unit_id: int, period: Period) -> tuple[int, int, int]:
    """In a fresh process: n, peak RSS growth and Python heap peak of one build_report."""
    engine = make_engine(url)
    with Session(engine) as session:
        unit = session.get_one(Unit, unit_id)
        # A one-day report first: imports, compiled SQL and connections are not what we measure.
        build_report(session, unit, "ikm", Period(period.start, period.start))
        before = maxrss()
        report = build_report(session, unit, "ikm", period)
        rss = maxrss() - before
        tracemalloc.start()
        build_report(session, unit, "ikm", period)
        heap = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    engine.dispose()
    return report.n, rss, heap


def measure_memory(url: str, fx: Fixture) -> dict[str, tuple[int, int, int]]:
    """memory_probe for a tenth of the year and for the whole year."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        return {
            label: pool.apply(memory_probe, (url, fx.unit_id, period))
            for label, period in (("N/10", TENTH), ("N", WHOLE_YEAR))
        }


def dashboard_path(app: Flask) -> str | None:
    """The results dashboard URL of unit IKM (period query string to add), if the app has it."""
    for rule in app.url_map.iter_rules():
        if DASHBOARD_RULE.match(rule.rule) and "GET" in (rule.methods or ()):
            return re.sub(r"<[^>]+>", "IKM", rule.rule)
    return None


def log_in(app: Flask) -> Any:
    """A test client logged in as a new unit_admin of IKM."""
    with app.app_context():
        unit = orgs.find_unit(db.session, "IKM")
        create_user(db.session, "bench@example.org", PASSWORD, "unit_admin", unit)
        db.session.commit()
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": "bench@example.org", "password": PASSWORD}
    reply = client.post("/admin/login", data={**form, "csrf_token": token[1] if token else ""})
    if reply.status_code != 302:
        raise RuntimeError(f"login answered {reply.status_code}")
    return client


def time_dashboard(url: str) -> Mapping[str, Timing | str]:
    """GET of the year's dashboard as a logged-in unit_admin (warm-up: one month's)."""
    app: Flask | None = None
    try:
        app = create_app(
            database_url=url, secret_key=SECRET, redis_url=None, base_url="http://survey.test"
        )
        path = dashboard_path(app)
        if path is None:
            return dict.fromkeys(DASHBOARD_VIEWS, "not available")
        client = log_in(app)

        def get(query: str) -> None:
            status = client.get(f"{path}?{query}").status_code
            if status != 200:
                raise RuntimeError(f"GET {path}?{query}: {status}")

        works = {label: partial(get, query) for label, query in DASHBOARD_VIEWS.items()}
        return measure(works, partial(get, f"period={YEAR}-01"), SLOW_BUDGET)
    except Exception as exc:  # noqa: BLE001 - a page under construction must not stop the run
        return dict.fromkeys(DASHBOARD_VIEWS, f"failed: {type(exc).__name__}: {str(exc)[:60]}")
    finally:
        if app is not None:
            app.extensions["survey_db"].engine.dispose()


# -- one database -------------------------------------------------------------------------------


def run(kind: str, n: int, pg_url: str) -> Figures:
    """Load a fresh database of `kind` and measure it."""
    figures = Figures(kind, n)
    database: AbstractContextManager[str] = (
        sqlite_database() if kind == "sqlite" else postgres_database(pg_url)
    )
    with database as url:
        engine = make_engine(url)
        try:
            fx = prepare(engine)
            say(f"{kind}: loading {n:,} + {n // 10:,} responses")
            start = time.perf_counter()
            load = load_sqlite if kind == "sqlite" else load_postgresql
            load(engine, generate(fx, n, random.Random(SEED)))
            figures.load_seconds = time.perf_counter() - start
            say(f"{kind}: loaded in {figures.load_seconds:.0f} s; timing the aggregates")
            figures.timings = time_aggregates(engine, fx, n)
            say(f"{kind}: memory probes")
            figures.memory = measure_memory(url, fx)
            say(f"{kind}: dashboard")
            figures.dashboard = time_dashboard(url)
        finally:
            engine.dispose()
    return figures


# -- reporting ----------------------------------------------------------------------------------


def seconds(timing: Timing | str | None) -> str:
    """Median seconds and the number of timed runs, or the reason there is none."""
    if isinstance(timing, Timing):
        return f"{timing.median:.3f} s (n={len(timing.runs)})"
    return timing or "-"


def memory_cell(figure: tuple[int, int, int]) -> str:
    """n / RSS growth / Python heap peak."""
    n, rss, heap = figure
    return f"{n:,} / {rss / 2**20:.1f} MiB / {heap / 2**20:.2f} MiB"


def table(all_figures: list[Figures]) -> Iterator[str]:
    """Rows: measurements; columns: databases."""
    fs = all_figures
    rows = [
        ("responses in unit (+10% other)", [f"{f.responses:,}" for f in fs]),
        ("load + ANALYZE", [f"{f.load_seconds:.0f} s" for f in fs]),
        ("(a) bare SQL aggregate", [seconds(f.timings["bare"]) for f in fs]),
        ("(b) build_report, year", [seconds(f.timings["report"]) for f in fs]),
        ("    respondents (count + moments)", [seconds(f.timings["respondents"]) for f in fs]),
        (f"b/a (target <= {RATIO_TARGET})", [f"{f.ratio:.2f}" for f in fs]),
        ("(c) reliability_for", [seconds(f.timings["reliability"]) for f in fs]),
        ("memory N/10: n / RSS / heap", [memory_cell(f.memory["N/10"]) for f in fs]),
        ("memory N: n / RSS / heap", [memory_cell(f.memory["N"]) for f in fs]),
    ]
    rows += [(label, [seconds(f.dashboard.get(label)) for f in fs]) for label in DASHBOARD_VIEWS]
    width = max(len(label) for label, _ in rows) + 2
    cols = max(len(v) for _, values in rows for v in values) + 2
    yield f"{'':<{width}}" + "".join(f"{f.db:>{cols}}" for f in fs)
    for label, values in rows:
        yield f"{label:<{width}}" + "".join(f"{v:>{cols}}" for v in values)


def verdicts(all_figures: list[Figures]) -> Iterator[tuple[str, bool]]:
    """The two checks per database."""
    for f in all_figures:
        yield f"{f.db}: b/a = {f.ratio:.2f} (target <= {RATIO_TARGET})", f.ratio <= RATIO_TARGET
        yield f"{f.db}: memory flat from N/10 to N", f.memory_flat


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--responses",
        type=int,
        default=1_000_000,
        help="responses in the measured unit (default 1,000,000)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL, help=f"PostgreSQL server (default {PG_URL})")
    args = parser.parse_args(argv)
    if args.responses < 1000:
        parser.error("--responses must be at least 1000")
    return args


def main(argv: list[str]) -> int:
    """Measure each database (its table printed as soon as it is done), then the summary."""
    args = parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    started = time.perf_counter()
    all_figures: list[Figures] = []
    ok = True
    for kind in kinds:
        try:
            all_figures.append(run(kind, args.responses, args.pg_url))
        except Exception:  # noqa: BLE001 - report it and still measure the other database
            traceback.print_exc()
            say(f"FAIL  {kind}: the run stopped, see the traceback above")
            ok = False
            continue
        say("\n".join(["", *table(all_figures[-1:]), ""]))
    elapsed = time.perf_counter() - started
    say(f"\nIKM aggregate, {args.responses:,} responses, {elapsed:.0f} s in all\n")
    if all_figures:
        say("\n".join([*table(all_figures), ""]))
    for line, passed in verdicts(all_figures):
        say(f"{'PASS' if passed else 'MISS'}  {line}")
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
