"""Integrity checks at scale against the IKM computation over the same answers, same run.

    .venv/bin/python benchmarks/integrity_signals.py [--responses N] [--repeats R] [--seed S]

Generates N clean responses (default 200,000) of one unit over a year with
``analysis.integrity.synthetic`` (enough counters for about six responses per counter per open
hour), then, after a warm-up, median of R rounds (default 3), in alternating order:

(a) the baseline, ``IKM from records``: the nine answers of every record into per-element value
    counts (one NumPy array of the answer tuples, one ``bincount`` per element) and
    ``analysis.compute_index`` on them: the pure part of the IKM aggregate, from the same records;
(b) ``build_table``: the records into columns (validation included), once per check run;
(b2) ``table_from_columns``: the same table from columns as a database query hands them (one
    array per column, made once before timing), which is how the app loads them
    (survey_app/integrity/records.py): no Python object per response;
(c) every signal over the table (``check_all`` with transactions), and each signal alone.

Prints the seconds, the ratios (b + c) / a (records) and (b2 + c) / a (columns; target: at most
2), and the share of these clean responses under a flag, per kind. Exit status 1 when the
columns ratio misses the target. No database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date

import numpy as np

from analysis import compute_index
from analysis.integrity import (
    KINDS,
    Response,
    ResponseTable,
    build_table,
    bulk_import,
    bursts,
    check_all,
    fast_completion,
    integrity_summary,
    near_duplicates,
    nrr_jump,
    outside_hours,
    rate_above_transactions,
    straight_lining,
    table_from_columns,
)
from analysis.integrity.synthetic import clean_responses, transactions_for

CODES = ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")
RATIO_TARGET = 2.0


def ikm_from_records(records: list[Response]) -> float:
    """The IKM of the records' answers: value counts per element, then compute_index."""
    answers = np.array([r.answers for r in records], dtype=np.float64)
    answers = np.nan_to_num(answers, nan=0.0).astype(np.int64)
    counts = {
        code: {v: int(c) for v, c in enumerate(np.bincount(answers[:, j], minlength=5)) if v}
        for j, code in enumerate(CODES)
    }
    return compute_index(counts, CODES).converted


def columns_of(t: ResponseTable) -> dict[str, object]:
    """The table's data as plain columns (what a database query hands over)."""
    return {
        "ids": t.ids, "epoch_seconds": t.minute * 60, "service": t.service,
        "services": t.services, "counter": t.station,
        "counters": tuple(counter for _, counter in t.stations), "channel": t.channel,
        "answers": t.answers, "profile": t.profile, "duration": t.duration, "batch": t.batch,
        "batches": t.batches, "hours": t.hours, "scale_max": t.scale_max,
    }


def stations_for(n: int) -> list[tuple[str, tuple[str, ...]]]:
    """Services of two counters each, enough for about six responses per counter-hour."""
    stations = max(4, round(n / (250 * 8.5 * 6)))
    return [(f"S{i:02d}", ("L1", "L2")) for i in range((stations + 1) // 2)]


def median_runs(works: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Warm up each work once, then ``repeats`` alternating rounds; median seconds each."""
    for work in works.values():
        work()
    runs: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            start = time.perf_counter()
            work()
            runs[name].append(time.perf_counter() - start)
    return {name: statistics.median(r) for name, r in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    if args.responses < 1000 or args.repeats < 1:
        parser.error("need --responses >= 1000 and --repeats >= 1")

    start = time.perf_counter()
    services = stations_for(args.responses)
    records = clean_responses(args.responses, seed=args.seed, start=date(2026, 1, 1), days=365,
                              services=services)
    transactions = transactions_for(records, seed=args.seed)
    print(f"generated {len(records):,} responses, {sum(len(c) for _, c in services)} counters, "
          f"in {time.perf_counter() - start:.1f} s", flush=True)

    table = build_table(records)
    columns = columns_of(table)
    main_works: dict[str, Callable[[], object]] = {
        "(a) IKM from records": lambda: ikm_from_records(records),
        "(b) build_table": lambda: build_table(records),
        "(b2) table_from_columns": lambda: table_from_columns(**columns),  # type: ignore[arg-type]
        "(c) all signals": lambda: check_all(table, transactions=transactions),
    }
    times = median_runs(main_works, args.repeats)
    signals: dict[str, Callable[[], object]] = {
        "burst": lambda: bursts(table),
        "outside_hours": lambda: outside_hours(table),
        "near_duplicates": lambda: near_duplicates(table),
        "straight_lining": lambda: straight_lining(table),
        "fast_completion": lambda: fast_completion(table),
        "bulk_import": lambda: bulk_import(table),
        "rate_above_transactions": lambda: rate_above_transactions(table, transactions),
        "nrr_jump": lambda: nrr_jump(table),
    }
    each = median_runs(signals, 1)

    for name, seconds in times.items():
        print(f"{name:<28} {seconds:8.3f} s")
    for name, seconds in each.items():
        print(f"    {name:<24} {seconds:8.3f} s")
    base = times["(a) IKM from records"]
    records_ratio = (times["(b) build_table"] + times["(c) all signals"]) / base
    ratio = (times["(b2) table_from_columns"] + times["(c) all signals"]) / base
    only = times["(c) all signals"] / base
    verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
    print(f"ratio (b2 + c) / a = {ratio:.2f} (target <= {RATIO_TARGET}) {verdict}; "
          f"(b + c) / a = {records_ratio:.2f}; c / a = {only:.2f}")

    summary = integrity_summary(records, check_all(table, transactions=transactions))
    print(f"clean responses under a flag: {summary.flagged:,} of {summary.checked:,} "
          f"({summary.flagged / summary.checked:.4%})")
    for kind in KINDS:
        if summary.flags_by_kind[kind]:
            print(f"    {kind:<24} {summary.flags_by_kind[kind]:5d} flags "
                  f"{summary.responses_by_kind[kind]:7d} responses")
    return 0 if ratio <= RATIO_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
