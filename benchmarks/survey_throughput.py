"""Survey throughput and page weight, against a bare Flask + SQLAlchemy app in the same run.

    .venv/bin/python benchmarks/survey_throughput.py [--requests N] [--db sqlite|postgresql]

Both apps run under gunicorn (2 sync workers) on loopback, on one fresh database, at the same time;
the measurements alternate in rounds, so background load on the machine hits both alike.
Exit status 1 when a request fails, a response goes missing or a target is missed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from bare_app import create_schema
from harness import (
    OUT,
    LoadResult,
    Reply,
    get,
    gunicorn,
    next_address,
    postgres_database,
    request,
    run_load,
    sqlite_database,
)
from page_weight import PageWeight, measure_page
from sqlalchemy import func, select

import instruments
from survey_app import create_app, orgs
from survey_app.cli.data import init_database
from survey_app.db import db
from survey_app.models import Response

SECRET = "benchmark-secret-key-not-for-production"
SURVEY_PATH = "/s/BENCH/S1/L1"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SUBMIT_RATIO_TARGET = 0.5
PAGE_BYTES_TARGET = 30 * 1024
WARMUP = 10
TOKENS = re.compile(r'name="(csrf_token|form_token)" value="([^"]*)"')
CODES = instruments.latest("ikm").codes
FLOW, BARE_FLOW = "survey GET+POST", "bare GET+POST"
# (survey, baseline) measurements compared as ratios; the second one has a target.
PAIRS = (("survey GET", "bare GET"), (FLOW, BARE_FLOW))
Work = Callable[[], object]  # one unit of work; raises on failure


# -- setup -------------------------------------------------------------------------------------


def prepare(url: str) -> None:
    """Migrate, record the instruments, add unit BENCH / service S1 / counter L1, baseline table."""
    app = create_app(database_url=url, secret_key=SECRET, redis_url=None)
    with app.app_context():
        init_database()
        unit = orgs.add_unit(db.session, "BENCH", "Unit Benchmark")
        service = orgs.add_service(db.session, unit, "S1", "Layanan S1")
        orgs.add_counter(db.session, service, "L1", None)
        db.session.commit()
    app.extensions["survey_db"].engine.dispose()
    create_schema(url)


def stored_responses(url: str) -> int:
    """Responses in the survey database."""
    app = create_app(database_url=url, secret_key=SECRET, redis_url=None)
    with app.app_context():
        count = int(db.session.scalar(select(func.count()).select_from(Response)) or 0)
    app.extensions["survey_db"].engine.dispose()
    return count


# -- units of work -----------------------------------------------------------------------------


def expect(reply: Reply, status: int, what: str) -> Reply:
    """The reply, or RuntimeError when its status is not `status`."""
    if reply.status != status:
        raise RuntimeError(f"{what}: HTTP {reply.status}")
    return reply


def session_cookie(reply: Reply) -> str:
    """The `session=...` pair the server set."""
    for header in reply.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    raise RuntimeError("no session cookie")


def answers() -> dict[str, str]:
    """A respondent's nine answers and profile."""
    data = {code: str(random.randint(1, 4)) for code in CODES}
    data.update(
        jenis_kelamin=random.choice("LP"),
        usia=str(random.randint(17, 80)),
        pendidikan="SMA",
        pekerjaan="Swasta",
        saran="Antrean perlu nomor.",
    )
    return data


def post_form(
    port: int, path: str, fields: dict[str, str], source: str, cookie: str | None = None
) -> Reply:
    """POST urlencoded `fields`."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    body = urlencode(fields).encode()
    return request(port, "POST", path, body=body, headers=headers, source=source)


def page_get(port: int, path: str) -> Work:
    """GET one page, from a new client address each time."""
    return lambda: expect(get(port, path, source=next_address()), 200, f"GET {path}")


def survey_flow(port: int) -> Work:
    """A respondent: GET the form, then POST all nine answers with its cookie and tokens."""

    def work() -> None:
        source = next_address()
        page = expect(get(port, SURVEY_PATH, source=source), 200, "survey GET")
        tokens = dict(TOKENS.findall(page.body.decode()))
        reply = post_form(port, SURVEY_PATH, {**answers(), **tokens}, source, session_cookie(page))
        expect(reply, 302, "survey POST")

    return work


def bare_flow(port: int) -> Work:
    """GET the baseline page, then POST one row."""

    def work() -> None:
        source = next_address()
        expect(get(port, "/", source=source), 200, "bare GET")
        expect(post_form(port, "/", {"payload": "x" * 40}, source), 302, "bare POST")

    return work


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Series:
    """The rounds of one measurement."""

    rounds: list[LoadResult] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Units of work completed."""
        return sum(r.done for r in self.rounds)

    @property
    def seconds(self) -> float:
        """Time under load."""
        return sum(r.seconds for r in self.rounds)

    @property
    def rate(self) -> float:
        """Units of work per second over every round."""
        return self.done / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> Counter[str]:
        """Failed units of work by reason."""
        return sum((r.failures for r in self.rounds), Counter())


@dataclass
class Figures:
    """Every measurement of one run."""

    loads: dict[str, Series] = field(default_factory=dict)
    warmups: dict[str, LoadResult] = field(default_factory=dict)
    weight: PageWeight | None = None
    stored: int = 0

    def ratios(self, survey: str, bare: str) -> list[float]:
        """Survey rate over baseline rate, round by round (paired, so load noise cancels)."""
        pairs = zip(self.loads[survey].rounds, self.loads[bare].rounds, strict=True)
        return [s.rate / b.rate for s, b in pairs if b.rate > 0]

    @property
    def accepted(self) -> int:
        """Survey submissions the server accepted (302), warm-up included."""
        return self.warmups[FLOW].done + self.loads[FLOW].done


def measure(works: dict[str, Work], args: argparse.Namespace, figures: Figures) -> None:
    """Warm every server up, then run the measurements in alternating rounds."""
    for name, work in works.items():
        figures.warmups[name] = run_load(work, WARMUP, args.concurrency, args.budget)
    per_round = max(1, args.requests // args.rounds)
    for _ in range(args.rounds):
        for name, work in works.items():
            result = run_load(work, per_round, args.concurrency, args.budget / args.rounds)
            figures.loads.setdefault(name, Series()).rounds.append(result)


def server_env(url: str) -> dict[str, str]:
    """Environment of both servers."""
    return {"DATABASE_URL": url, "SECRET_KEY": SECRET, "SURVEY_ENV": "production"}


def run(args: argparse.Namespace) -> Figures:
    """Set up one database, serve both apps on it, and measure them."""
    figures = Figures()
    database: AbstractContextManager[str] = (
        sqlite_database() if args.db == "sqlite" else postgres_database(args.pg_url)
    )
    with database as url:
        prepare(url)
        env = server_env(url)
        with (
            gunicorn("survey_app:create_app()", env, OUT / f"gunicorn-survey-{args.db}.log") as sp,
            gunicorn("bare_app:create_app()", env, OUT / f"gunicorn-bare-{args.db}.log") as bp,
        ):
            figures.weight = measure_page(sp, SURVEY_PATH)
            works = {
                "survey GET": page_get(sp, SURVEY_PATH),
                "bare GET": page_get(bp, "/"),
                FLOW: survey_flow(sp),
                BARE_FLOW: bare_flow(bp),
            }
            measure(works, args, figures)
        figures.stored = stored_responses(url)
    return figures


# -- reporting ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def load_lines(figures: Figures, args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    """One line per measurement, and the commonest failures."""
    yield f"{'measurement':<18}{'done':>7}{'failed':>8}{'seconds':>9}{'per s':>9}", True
    for name, series in figures.loads.items():
        failed = sum(series.failures.values())
        line = f"{name:<18}{series.done:>7}{failed:>8}{series.seconds:>9.2f}{series.rate:>9.1f}"
        yield line, failed == 0
        for reason, count in series.failures.most_common(3):
            yield f"    {count} x {reason}  (server logs: {OUT}/gunicorn-*-{args.db}.log)", False


def ratio_lines(figures: Figures) -> Iterator[tuple[str, bool]]:
    """Median paired ratios, with their range over the rounds."""
    for survey, bare in PAIRS:
        ratios = figures.ratios(survey, bare) or [0.0]
        median = statistics.median(ratios)
        line = f"ratio {survey} / {bare}: {median:.2f} (rounds {min(ratios):.2f}-{max(ratios):.2f})"
        if survey != FLOW:
            yield line, True
        else:
            ok = median >= SUBMIT_RATIO_TARGET
            yield f"{line}  target >= {SUBMIT_RATIO_TARGET}  {verdict(ok)}", ok
    ok = figures.stored == figures.accepted
    yield f"responses stored {figures.stored} of {figures.accepted} accepted  {verdict(ok)}", ok


def weight_lines(weight: PageWeight | None) -> Iterator[tuple[str, bool]]:
    """Page weight and third-party lines."""
    if weight is None:
        return
    parts = ", ".join(f"{urlsplit(u).path} {n} B" for u, n in weight.subresources.items())
    small = weight.total < PAGE_BYTES_TARGET
    yield (
        (
            f"page weight {weight.total} B = HTML {weight.html} B + {parts or 'nothing'}; "
            f"Content-Encoding: {weight.encoding} (gzip would make it {weight.gzip_total} B)  "
            f"target < {PAGE_BYTES_TARGET} B  {verdict(small)}"
        ),
        small,
    )
    none = not weight.third_party
    listed = " ".join(weight.third_party)
    yield (
        f"third-party references {len(weight.third_party)} {listed} target 0  {verdict(none)}",
        none,
    )


def report_lines(figures: Figures, args: argparse.Namespace) -> Iterator[tuple[str, bool]]:
    """The report, line by line, each with whether it meets its target."""
    yield (
        (
            f"{time.strftime('%Y-%m-%d %H:%M')}  db={args.db}  gunicorn 2 sync workers per app  "
            f"client threads={args.concurrency}  rounds={args.rounds}  units={args.requests}"
        ),
        True,
    )
    yield from load_lines(figures, args)
    yield from ratio_lines(figures)
    yield from weight_lines(figures.weight)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=1000,
        help="units of work per measurement, over all rounds (default 1000)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default=PG_URL, help=f"PostgreSQL server (default {PG_URL})")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default 5)")
    parser.add_argument(
        "--budget",
        type=float,
        default=20.0,
        help="seconds at most per measurement, over all rounds (default 20)",
    )
    args = parser.parse_args(argv)
    if min(args.requests, args.concurrency, args.rounds) < 1 or args.budget <= 0:
        parser.error("--requests, --concurrency, --rounds and --budget must be positive")
    return args


def main(argv: list[str]) -> int:
    """Run, print the report, and return 1 when anything misses its target."""
    args = parse_args(argv)
    figures = run(args)
    ok = True
    for line, good in report_lines(figures, args):
        print(line)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
