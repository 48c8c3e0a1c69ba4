"""IKM at scale: the full report against the bare SQL aggregate it is computed from, same run.

    .venv/bin/python benchmarks/ikm_aggregate.py [--responses N] [--db sqlite|postgresql|both]

Loads N responses (9 IKM answers each) into one unit over one year, plus N/10 in another unit,
on a fresh SQLite file and/or a fresh PostgreSQL schema. Then, median of 5 timed runs after a
warm-up: (a) the element counts SQL as raw text on a DBAPI cursor, (b) build_report for the
year (target: b/a at most 1.5), (c) reliability_for, the memory build_report needs at a tenth of
the year and at the whole year (in a fresh process each), and the results dashboard if the app
has it. Exit status 1 when the ratio or the flat-memory check misses.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import resource
import statistics
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

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
from survey_app.results.report import build_report, reliability_for, selection
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
BUDGET = 60.0  # seconds of timed runs per measurement before it stops repeating
RATIO_TARGET = 1.5
CHUNK = 50_000  # responses per COPY / executemany batch
SEED = 20261122
RESPONSE_COLUMNS = (
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
)
ANSWER_COLUMNS = ("response_id", "item_code", "value")
DASHBOARD_RULE = re.compile(r"^/admin/units/<[^>]+>/results/?$")
Row = tuple[Any, ...]


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
    bare: Timing | None = None
    report: Timing | None = None
    parts: dict[str, Timing] = field(default_factory=dict)
    reliability: Timing | None = None
    memory: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # n, rss, heap bytes
    dashboard: Timing | str = "not measured"

    @property
    def ratio(self) -> float:
        """Full report time over bare aggregate time."""
        assert self.bare and self.report
        return self.report.median / self.bare.median

    @property
    def memory_flat(self) -> bool:
        """Memory at N within 1.5x (+1 MiB) of memory at N/10, both RSS and Python heap."""
        (_, rss_10, heap_10), (_, rss_n, heap_n) = self.memory["N/10"], self.memory["N"]
        return rss_n <= 1.5 * rss_10 + 2**20 and heap_n <= 1.5 * heap_10 + 2**20


def say(message: str) -> None:
    """Progress line, flushed at once."""
    print(message, flush=True)


def measure(work: Callable[[], object], repeats: int = REPEATS, budget: float = BUDGET) -> Timing:
    """One warm-up, then up to `repeats` timed runs (fewer once `budget` seconds are spent)."""
    work()
    runs: list[float] = []
    while len(runs) < repeats and sum(runs) < budget:
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return Timing(tuple(runs))


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
        pairs = [tuple((s.id, s.counters[0].id) for s in u.services) for u in (unit, other)]
        return Fixture(unit.id, other.id, version.id, pairs[0], pairs[1][0])  # type: ignore[arg-type]


def answer_patterns(rng: random.Random, count: int = 4096) -> list[tuple[int, ...]]:
    """Answer sets on the 1-4 scale: a respondent level plus an element-specific drift."""
    patterns = []
    for level in rng.choices((1, 2, 3, 4), weights=(3, 12, 55, 30), k=count):
        drift = [rng.choices((-1, 0, 1), weights=(8 + 3 * j, 70, 12))[0] for j in range(len(CODES))]
        patterns.append(tuple(min(4, max(1, level + d)) for d in drift))
    return patterns


def generate(fx: Fixture, n: int, rng: random.Random) -> Iterator[tuple[list[Row], list[Row]]]:
    """Response and answer rows in chunks; every 11th response belongs to the other unit."""
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
        when = (start + step * (i + rng.random())).replace(tzinfo=None)
        values = patterns[rng.randrange(len(patterns))]
        responses.append(
            (
                rid,
                unit,
                service,
                counter,
                fx.version_id,
                when.isoformat(" ", "microseconds"),
                "web",
                "LP"[i % 2],
                18 + i % 53,
                "S1",
                "swasta",
                None,
                len(values),
                sum(values),
            )
        )
        answers.extend((rid, code, v) for code, v in zip(CODES, values, strict=True))
        if len(responses) == CHUNK or rid == total:
            yield responses, answers
            responses, answers = [], []


def load_postgresql(engine: Engine, chunks: Iterator[tuple[list[Row], list[Row]]]) -> None:
    """COPY every chunk in one transaction, move the id sequence on, VACUUM ANALYZE."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        loaded = 0
        for responses, answers in chunks:
            for table, columns, rows in (
                ("responses", RESPONSE_COLUMNS, responses),
                ("answers", ANSWER_COLUMNS, answers),
            ):
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
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
        conn.execute(text("VACUUM ANALYZE"))


def load_sqlite(engine: Engine, chunks: Iterator[tuple[list[Row], list[Row]]]) -> None:
    """executemany in transactions of CHUNK responses with synchronous=OFF, then ANALYZE."""
    insert_responses = (
        f"INSERT INTO responses ({', '.join(RESPONSE_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(RESPONSE_COLUMNS))})"
    )
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


def time_bare(engine: Engine, sql: str) -> Timing:
    """(a) The aggregate alone, as SQL text on a DBAPI cursor."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()

        def run() -> None:
            cur.execute(sql)
            cur.fetchall()

        return measure(run)
    finally:
        raw.rollback()
        raw.close()


def time_report(engine: Engine, fx: Fixture, n: int, figures: Figures) -> None:
    """(b) build_report for the year, its queries one by one, and (c) reliability_for."""
    with Session(engine) as session:
        unit = session.get_one(Unit, fx.unit_id)
        report = build_report(session, unit, "ikm", WHOLE_YEAR)
        answered = sum(e.n for e in report.result.elements)
        if report.n != n or answered != n * len(CODES):
            raise RuntimeError(f"report saw {report.n} responses, {answered} answers; loaded {n}")
        figures.report = measure(lambda: build_report(session, unit, "ikm", WHOLE_YEAR))
        sel = selection(unit, "ikm", WHOLE_YEAR)
        for name, query in (
            ("element_counts", queries.element_counts),
            ("respondent_moments", queries.respondent_moments),
            ("response_count", queries.response_count),
        ):
            figures.parts[name] = measure(partial(query, session, sel))
        figures.reliability = measure(lambda: reliability_for(session, report))


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


def dashboard_path(app: Any) -> str | None:
    """The results dashboard URL of unit IKM for the year, if the app has the page."""
    for rule in app.url_map.iter_rules():
        if DASHBOARD_RULE.match(rule.rule) and "GET" in (rule.methods or ()):
            return re.sub(r"<[^>]+>", "IKM", rule.rule) + f"?period={YEAR}"
    return None


def time_dashboard(url: str) -> Timing | str:
    """GET of the dashboard for the year as a logged-in unit_admin, via the test client."""
    app = create_app(
        database_url=url, secret_key=SECRET, redis_url=None, base_url="http://survey.test"
    )
    try:
        path = dashboard_path(app)
        if path is None:
            return "not available"
        with app.app_context():
            unit = orgs.find_unit(db.session, "IKM")
            create_user(db.session, "bench@example.org", PASSWORD, "unit_admin", unit)
            db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        login = client.post(
            "/admin/login",
            data={
                "email": "bench@example.org",
                "password": PASSWORD,
                "csrf_token": token.group(1) if token else "",
            },
        )
        if login.status_code != 302:
            return f"login failed ({login.status_code})"

        def get() -> None:
            status = client.get(path).status_code
            if status != 200:
                raise RuntimeError(f"GET {path}: {status}")

        return measure(get)
    except Exception as exc:  # noqa: BLE001 - a page under construction must not stop the run
        return f"failed: {type(exc).__name__}: {str(exc)[:80]}"
    finally:
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
            say(f"{kind}: loaded in {figures.load_seconds:.0f} s; measuring")
            with Session(engine) as session:
                sql = bare_sql(engine, session.get_one(Unit, fx.unit_id))
            figures.bare = time_bare(engine, sql)
            time_report(engine, fx, n, figures)
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


def table(all_figures: list[Figures]) -> Iterator[str]:
    """Rows: measurements; columns: databases."""
    rows: list[tuple[str, list[str]]] = [
        ("responses in unit (+10% other)", [f"{f.responses:,}" for f in all_figures]),
        ("load + ANALYZE", [f"{f.load_seconds:.0f} s" for f in all_figures]),
        ("(a) bare SQL aggregate", [seconds(f.bare) for f in all_figures]),
        ("(b) build_report, year", [seconds(f.report) for f in all_figures]),
    ]
    for part in ("element_counts", "respondent_moments", "response_count"):
        rows.append((f"    {part}", [seconds(f.parts.get(part)) for f in all_figures]))
    rows += [
        (f"b/a (target <= {RATIO_TARGET})", [f"{f.ratio:.2f}" for f in all_figures]),
        ("(c) reliability_for", [seconds(f.reliability) for f in all_figures]),
    ]
    for label in ("N/10", "N"):
        rows.append(
            (
                f"memory at {label}: n / RSS / heap",
                [
                    f"{m[0]:,} / {m[1] / 2**20:.1f} MiB / {m[2] / 2**20:.2f} MiB"
                    for m in (f.memory[label] for f in all_figures)
                ],
            )
        )
    rows.append(("dashboard GET, year", [seconds(f.dashboard) for f in all_figures]))
    width = max(len(label) for label, _ in rows) + 2
    cols = max(len(v) for _, values in rows for v in values) + 2
    yield f"{'':<{width}}" + "".join(f"{f.db:>{cols}}" for f in all_figures)
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
    say("\n".join([*table(all_figures), ""]))
    for line, passed in verdicts(all_figures):
        say(f"{'PASS' if passed else 'MISS'}  {line}")
        ok = ok and passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
