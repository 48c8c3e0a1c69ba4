"""Integrity building blocks: inputs, time zones, and each statistic against an independent
computation (closed forms, brute force, SciPy's own tests)."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy import stats
from scipy.stats.contingency import association

from analysis.integrity import (
    DURATION_BUCKETS,
    Flag,
    OpeningHours,
    Response,
    batch_summaries,
    build_table,
    bursts,
    check_all,
    duration_bucket,
    integrity_summary,
    nrr_jump,
    outside_hours,
    straight_lining,
)
from analysis.integrity.patterns import _neighbours, _pattern_keys

WIB = ZoneInfo("Asia/Jakarta")
MON = datetime(2026, 1, 19, 9, 0, tzinfo=WIB)


def resp(i: int, when: datetime = MON, answers: tuple = (3,) * 9, *, service: str = "S",
         counter: str | None = "A", channel: str = "web", profile: tuple = (),
         duration: int | None = None, batch: str | None = None) -> Response:
    return Response(i, service, counter, when, channel, answers, profile, duration, batch)


# -- inputs -------------------------------------------------------------------------------------


def test_duration_buckets() -> None:
    assert DURATION_BUCKETS[0] == 0 and list(DURATION_BUCKETS) == sorted(set(DURATION_BUCKETS))
    assert [duration_bucket(s) for s in (0, 9.99, 10, 14.9, 15, 599, 600, 10_000)] == [
        0, 5, 10, 10, 15, 300, 600, 600]
    for bad in (-1, math.nan):
        with pytest.raises(ValueError):
            duration_bucket(bad)


def test_opening_hours() -> None:
    hours = OpeningHours(closed_dates=frozenset({date(2026, 1, 20)}))
    assert hours.open_minutes(date(2026, 1, 19)) == 510  # Monday 07:30-16:00
    assert hours.open_minutes(date(2026, 1, 23)) == 540  # Friday 07:30-16:30
    assert hours.open_minutes(date(2026, 1, 24)) == 0  # Saturday
    assert hours.open_minutes(date(2026, 1, 20)) == 0  # a holiday
    # 37.5 hours a week once the breaks (1 h, Friday 1.5 h) are taken out: Perpres 21/2023.
    assert sum(OpeningHours().open_minutes(date(2026, 1, 19) + timedelta(d)) for d in range(7)) == (
        37.5 * 60 + 4 * 60 + 90)
    for bad in ({"week": ((),) * 6}, {"week": (((900, 800),),) * 7}, {"tz": "Mars/Base"},
                {"week": (((0, 1441),),) * 7}):
        with pytest.raises(ValueError):
            OpeningHours(**bad)


@pytest.mark.parametrize(
    "records",
    [
        [resp(1), resp(1)],
        [resp(1, datetime(2026, 1, 19, 9, 0))],
        [resp(1, channel="sms")],
        [resp(1), resp(2, answers=(3,) * 8)],
        [resp(1, answers=(3,) * 8 + (5,))],
        [resp(1, answers=(0,) * 9)],
        [resp(1, answers=(2.5,) * 9)],
        [resp(1, duration=7)],
    ],
    ids=["duplicate id", "naive time", "channel", "lengths", "above scale", "zero", "fraction",
         "duration"],
)
def test_bad_records_are_refused(records: list[Response]) -> None:
    with pytest.raises(ValueError):
        build_table(records)


def test_empty_input() -> None:
    assert check_all([]) == []
    summary = integrity_summary([], [])
    assert (summary.checked, summary.flagged) == (0, 0)
    assert summary.share_by_channel == {"web": None, "kiosk": None, "paper": None}


def test_times_are_read_in_the_units_zone() -> None:
    # 15:30 UTC is 22:30 in Jakarta (closed) and 07:30 the next morning in... still closed;
    # 03:00 UTC is 10:00 in Jakarta (open) and 12:00 in Jayapura (open).
    night = [resp(i, datetime(2026, 1, 19, 15, 30, tzinfo=UTC) + timedelta(minutes=i),
                  channel="kiosk") for i in range(10)]
    day = [resp(100 + i, datetime(2026, 1, 19, 3, 0, tzinfo=UTC) + timedelta(minutes=i),
                channel="kiosk") for i in range(10)]
    flags = outside_hours(night + day)
    assert [f.count for f in flags] == [10]
    assert flags[0].start == datetime(2026, 1, 19, 22, 30, tzinfo=WIB)
    assert flags[0].start.utcoffset() == timedelta(hours=7)
    # In Jayapura (UTC+9) 15:30 UTC is 00:30 and 03:00 UTC is noon: the same verdicts.
    flags = outside_hours(night + day, OpeningHours(tz="Asia/Jayapura"))
    assert [(f.count, f.start.hour, f.start.minute) for f in flags] == [(10, 0, 30)]
    # A unit open around the clock has no outside.
    always = OpeningHours(week=(((0, 1440),),) * 7)
    assert outside_hours(night + day, always) == []


# -- statistics against independent computations ------------------------------------------------


def test_neighbour_counts_match_brute_force() -> None:
    rng = np.random.default_rng(5)
    fields = rng.integers(0, 3, size=(300, 5))
    window = rng.integers(0, 6, size=300)
    service_of_window = np.array([1, 0, 1, 2, 0, 2])
    service = service_of_window[window]
    near = (fields[:, None, :] != fields[None, :, :]).sum(axis=2) <= 1
    in_window = (near & (window[:, None] == window[None, :])).sum(axis=1)
    in_service = (near & (service[:, None] == service[None, :])).sum(axis=1)
    for min_size in (1, 3):  # every row a candidate; only rows with 3+ in their window
        got = _neighbours(window, service_of_window, _pattern_keys(fields), min_size)
        assert (got[0] == in_window).all()
        assert (got[1] == np.flatnonzero(in_window >= min_size)).all() and got[1].size
        assert (got[2] == in_service[got[1]]).all()
        assert (got[3] == near.sum(axis=1)[got[1]]).all()
        # The wide-field fallback (no packing into one integer) gives the same counts.
        wide = fields * 10**6
        again = _neighbours(window, service_of_window, _pattern_keys(wide), min_size)
        assert all((a == b).all() for a, b in zip(again, got, strict=True))


def test_straight_lining_p_value_is_the_binomial_tail() -> None:
    # Counter A on Monday: 12 of 20 straight lines; the rest of service S: 20 of 200.
    rng = np.random.default_rng(0)
    mixed = [tuple(int(v) for v in rng.permutation([1, 2, 3, 4, 4, 3, 2, 1, 3])) for _ in range(3)]
    records = [resp(i, MON + timedelta(minutes=i), (4,) * 9 if i < 12 else mixed[i % 3])
               for i in range(20)]
    records += [resp(100 + i, MON + timedelta(days=1 + i % 20), (3,) * 9 if i < 20 else mixed[0],
                     counter="B") for i in range(200)]
    (flag,) = straight_lining(records, alpha=0.5)
    share = 20.5 / 201
    expected_p = sum(math.comb(20, x) * share**x * (1 - share) ** (20 - x) for x in range(12, 21))
    assert flag.detail["p_value"] == pytest.approx(expected_p, rel=1e-9)
    assert flag.detail["expected"] == pytest.approx(20 * share)
    assert (flag.counter, flag.count, flag.detail["reference"]) == ("A", 12, "service")
    assert expected_p < 1e-6 and len(straight_lining(records)) == 1  # about 7e-8
    # Eight of twenty is within what the service's own share makes possible (p about 3e-4).
    fewer = [resp(r.id, r.submitted_at, mixed[0]) if r.id in range(8, 12) else r for r in records]
    assert straight_lining(fewer) == []


def test_burst_p_value_is_the_poisson_tail() -> None:
    # Counter A: 30 hours with 4 responses each (busy-hour rate 4), then 25 in ten minutes.
    records = []
    k = 0
    for h in range(30):
        for j in range(4):
            records.append(resp(k, MON + timedelta(days=h // 6, hours=h % 6, minutes=12 * j)))
            k += 1
    burst_at = MON + timedelta(days=7, hours=2)
    records += [resp(1000 + j, burst_at + timedelta(seconds=24 * j)) for j in range(25)]
    (flag,) = bursts(records)
    lam = 4 * 15 / 60
    tail = sum(math.exp(-lam) * lam**x / math.factorial(x) for x in range(25, 80))
    assert flag.detail["observed"] == 25 and flag.detail["expected"] == pytest.approx(lam)
    assert flag.detail["p_value"] == pytest.approx(tail, rel=1e-6)
    assert flag.count == 25 and flag.start == burst_at
    # 18 in the window is within one a minute plus 25 %, however unusual for this counter.
    assert bursts(records[:-7]) == []


def test_bulk_import_statistics_match_scipy() -> None:
    rng = np.random.default_rng(2)
    web = [resp(i, MON + timedelta(minutes=i), tuple(int(v) for v in rng.integers(1, 5, 9)))
           for i in range(150)]
    paper = [resp(1000 + i, MON.replace(hour=0), tuple(int(v) for v in rng.integers(3, 5, 9)),
                  counter=None, channel="paper", batch="P1") for i in range(40)]
    (summary,) = batch_summaries(web + paper)
    table = np.array([[sum(r.answers.count(v) for r in group) for v in (1, 2, 3, 4)]
                      for group in (paper, web)])
    table = table[:, table.sum(axis=0) > 0]
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    assert summary.cramers_v == pytest.approx(association(table, method="cramer"))
    assert summary.chi2 == pytest.approx(chi2 / 9)  # nine answers per respondent
    assert summary.p_value == pytest.approx(stats.chi2.sf(chi2 / 9, table.shape[1] - 1))
    assert (summary.rows, summary.reference_rows, summary.busiest) == (
        40, 150, ("S", date(2026, 1, 19), 40))


def test_nrr_jump_matches_welch() -> None:
    rng = np.random.default_rng(4)
    records, i = [], 0
    for week in range(4):
        for _ in range(30):
            level = 3 if week < 3 else 4
            answers = tuple(int(level + d) for d in rng.integers(-1, 1, 9))
            records.append(resp(i, MON + timedelta(days=7 * week + i % 5, minutes=i), answers))
            i += 1
    flags = nrr_jump(records)
    assert len(flags) == 1
    scores = np.array([np.mean(r.answers) for r in records])
    history, block = scores[:90], scores[90:]
    welch = stats.ttest_ind(block, history, equal_var=False, alternative="greater")
    tested = 2  # weeks 3 and 4 have >= 50 respondents before them
    assert flags[0].detail["p_value"] == pytest.approx(min(1.0, welch.pvalue * tested), rel=1e-6)
    assert flags[0].detail["difference"] == pytest.approx(block.mean() - history.mean())
    assert flags[0].count == 30


# -- summary ------------------------------------------------------------------------------------


def test_summary_and_json() -> None:
    records = [resp(1), resp(2, channel="kiosk"), resp(3, channel="kiosk"), resp(4)]
    flags = [
        Flag("burst", "S", "A", MON, MON, (1, 2), 2, {"observed": 2}),
        Flag("straight_lining", "S", "A", MON, MON, (2,), 1, {}),
    ]
    summary = integrity_summary(records, flags)
    assert (summary.checked, summary.flagged) == (4, 2)
    assert summary.flags_by_kind["burst"] == 1 and summary.responses_by_kind["burst"] == 2
    assert summary.share_by_channel == {"web": 0.5, "kiosk": 0.5, "paper": None}
    out = json.loads(json.dumps(summary.to_json()))
    assert set(out) == {"checked", "flagged", "quarantined", "flags"}
    assert out["flags"][0] == {
        "kind": "burst", "service": "S", "counter": "A", "start": "2026-01-19T09:00:00+07:00",
        "end": "2026-01-19T09:00:00+07:00", "responses": 2, "detail": {"observed": 2},
    }
    with pytest.raises(ValueError):
        integrity_summary(records, [Flag("burst", "S", "A", MON, MON, (9,), 1, {})])
    with pytest.raises(ValueError):
        integrity_summary(records, [Flag("typo", "S", "A", MON, MON, (1,), 1, {})])


def test_every_flag_detail_is_json() -> None:
    from analysis.integrity.synthetic import clean_responses

    records = clean_responses(800, seed=9) + [
        resp(10**6 + i, datetime(2026, 1, 7, 21, 0, tzinfo=WIB) + timedelta(seconds=20 * i),
             (4,) * 9, service="SKCK", counter="L1", channel="kiosk", duration=5)
        for i in range(40)
    ]
    flags = check_all(records)
    assert {f.kind for f in flags} >= {"burst", "outside_hours", "straight_lining",
                                       "near_duplicates", "fast_completion"}
    for flag in flags:
        json.dumps(flag.detail)
        assert {"observed", "expected", "p_value", "threshold"} <= set(flag.detail)
        assert flag.count == len(flag.ids) and flag.start <= flag.end
        assert flag.start.tzinfo is not None
    assert [f.start for f in flags] == sorted(f.start for f in flags)
