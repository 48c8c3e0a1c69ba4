"""`sample-size` refuses bad N in one line; `export` takes a counter like the dashboard."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from tests.helpers import make_unit
from tests.results.test_dashboard_more import counter_response
from tests.results.test_exports import load, paper_rows


@pytest.mark.parametrize("raw", ["-5", "abc", "0", "1.5", "1e3", "²", "١٢", " ", "99999999999",
                                 "--5"])
def test_sample_size_bad_n_is_one_line(runner, raw):
    result = runner.invoke(args=["sample-size", raw])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "positive whole number" in lines[0]
    assert "Usage" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args", [[], ["100", "200"]])
def test_sample_size_needs_exactly_one_n(runner, args):
    result = runner.invoke(args=["sample-size", *args])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1


def test_sample_size_still_answers_and_has_help(runner):
    assert runner.invoke(args=["sample-size", "1000"]).output.strip() == "278"
    assert runner.invoke(args=["sample-size", " 100 "]).output.strip() == "80"
    helped = runner.invoke(args=["sample-size", "--help"])
    assert helped.exit_code == 0 and "Krejcie" in helped.output


def test_export_command_takes_a_counter(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=4))
    counter_response(session, datetime(2026, 2, 3, 2, 0, tzinfo=UTC))
    out = tmp_path / "l1.csv"
    base = ["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv",
            "--out", str(out)]
    result = runner.invoke(args=[*base, "--service", "S1", "--counter", "L1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["counter"] for r in rows] == ["L1"]
    alone = runner.invoke(args=[*base, "--counter", "L1"])
    assert alone.exit_code == 1 and "--counter needs --service" in alone.output
