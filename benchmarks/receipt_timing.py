"""Receipt guesses at production cost: right, wrong and malformed receipts against each other.

    .venv/bin/python benchmarks/receipt_timing.py [--rounds N]

Sets up a fresh SQLite database with one unit, its channel and one report, with the WBS settings
left at their production defaults (Argon2id ops=3, mem=64 MiB). Then, in alternating rounds (so
background load hits all alike), POSTs `/wbs/follow-up` in-process with the right receipt, a
wrong one (last character changed) and a malformed one ("HELLO"), and times a bare Argon2id
derivation at the same cost as the baseline. Prints the median of each, their ratios to each
other (target: the slowest at most 1.5 times the fastest) and to the bare derivation (at least
about 1: every attempt pays one). Exit status 1 when the spread misses the target.

The tests check what runs (one Argon2id with these parameters, one lookup, one decryption
attempt per receipt); this script is where the time is measured, never in a test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from harness import sqlite_database

from survey_app import create_app, orgs
from survey_app.db import db, make_engine
from survey_app.migrations import upgrade
from survey_app.wbs import crypto
from survey_app.wbs.officer import accounts as officers
from survey_app.wbs.receipt import normalise

SECRET = "benchmark-secret-key-not-for-production"
PASSWORD = "benchmark officer password"
SPREAD_TARGET = 1.5


def _app(url: str, files: Path) -> Flask:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app(database_url=url, secret_key=SECRET, base_url="http://bench.test",
                     redis_url=None)
    # Production key-derivation cost (the defaults); only the buckets are opened wide.
    app.extensions["wbs"] = replace(app.extensions["wbs"], files_dir=files,
                                    unlock_rate=(10**6, 60), submit_rate=(10**6, 60),
                                    session_fails=10**6)
    with app.app_context():
        unit = orgs.add_unit(db.session, "BENCH", "Unit benchmark")
        officers.create_channel(db.session, unit)
        officers.add_officer(db.session, app.extensions["wbs"], SECRET, "petugas@bench.test",
                             PASSWORD, unit, None, None)
        db.session.commit()
    return app


def _token(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                      client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return found.group(1)


def _report(client: FlaskClient) -> str:
    resp = client.post("/wbs", data={
        "csrf_token": _token(client, "/wbs"), "unit": "BENCH", "category": "pungli",
        "head_involved": "no", "apa": "Benchmark report"})
    found = re.search(r'data-receipt="([0-9A-Z-]+)"', resp.get_data(as_text=True))
    assert resp.status_code == 200 and found, resp.status_code
    return found.group(1)


def _wrong(receipt: str) -> str:
    return receipt[:-1] + ("2" if receipt[-1] != "2" else "3")


def measure(rounds: int) -> dict[str, float]:
    """Median seconds of each kind of attempt and of a bare derivation."""
    with sqlite_database() as url, tempfile.TemporaryDirectory() as files:
        app = _app(url, Path(files))
        cfg = app.extensions["wbs"]
        client = app.test_client()
        receipt = _report(client)
        token = _token(client, "/wbs/follow-up")
        kinds = {"right": (receipt, 200), "wrong": (_wrong(receipt), 422),
                 "malformed": ("HELLO", 422)}
        times: dict[str, list[float]] = {name: [] for name in [*kinds, "argon2id alone"]}
        steps = [*kinds, "argon2id alone"]
        for number in range(rounds + 1):  # round 0 warms up and is dropped
            shift = number % len(steps)  # each kind goes first in turn
            for name in steps[shift:] + steps[:shift]:
                start = time.perf_counter()
                if name in kinds:
                    typed, status = kinds[name]
                    resp = client.post("/wbs/follow-up",
                                       data={"receipt": typed, "csrf_token": token})
                    assert resp.status_code == status, (name, resp.status_code)
                else:
                    crypto.receipt_keys(normalise(_wrong(receipt)), cfg.kdf_ops, cfg.kdf_mem)
                times[name].append(time.perf_counter() - start)
        return {name: statistics.median(values[1:]) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    medians = measure(max(1, min(args.rounds, 50)))
    base = medians["argon2id alone"]
    print("median seconds (production Argon2id: ops=3, mem=64 MiB)")
    for name, value in medians.items():
        print(f"  {name:<15} {value:8.3f}  x{value / base:5.2f} of a bare Argon2id")
    attempts = [medians[k] for k in ("right", "wrong", "malformed")]
    spread = max(attempts) / min(attempts)
    print(f"slowest / fastest attempt: {spread:.2f} (target at most {SPREAD_TARGET})")
    for name in ("wrong", "malformed"):
        print(f"{name} / right: {medians[name] / medians['right']:.2f}")
    return 0 if spread <= SPREAD_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
