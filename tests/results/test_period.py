"""Reporting periods and their UTC bounds in each Indonesian time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from survey_app.results.period import Period, parse_period, period_from_dates


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ("2026-S2", date(2026, 7, 1), date(2026, 12, 31)),
    ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("2026-01-05..2026-01-20", date(2026, 1, 5), date(2026, 1, 20)),
])
def test_parse_period(text, start, end):
    assert parse_period(text) == Period(start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "Q1", "2026-03-31..2026-01-01", ""])
def test_bad_periods_are_value_errors(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_reversed_dates_name_both_options():
    with pytest.raises(ValueError, match="--from 2026-03-01 is after --to 2026-01-01"):
        period_from_dates("2026-03-01", "2026-01-01")


@pytest.mark.parametrize(("tz", "hour"), [("Asia/Jakarta", 17), ("Asia/Makassar", 16),
                                          ("Asia/Jayapura", 15)])
def test_utc_bounds_follow_the_unit_time_zone(tz, hour):
    lo, hi = Period(date(2026, 1, 1), date(2026, 1, 31)).utc_bounds(tz)
    assert lo == datetime(2025, 12, 31, hour, tzinfo=UTC)
    assert hi == datetime(2026, 1, 31, hour, tzinfo=UTC)


def test_previous_and_kind():
    assert parse_period("2026-Q1").previous() == parse_period("2025-Q4")
    assert parse_period("2026-03").previous() == parse_period("2026-02")
    assert parse_period("2026").previous() == parse_period("2025")
    assert parse_period("2026-Q2").kind() == "quarter"
    rng = Period(date(2026, 1, 10), date(2026, 1, 19))
    assert rng.kind() == "range" and rng.previous() == Period(date(2025, 12, 31), date(2026, 1, 9))
    assert rng.label() == "10-01-2026 s/d 19-01-2026"
