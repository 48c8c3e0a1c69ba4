"""Integrity signals on clean synthetic data with one kind of inflation added: each is caught,
at the right counter and time, and the clean responses around it stay unflagged."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analysis.integrity import (
    Flag,
    Response,
    batch_summaries,
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
)
from analysis.integrity.synthetic import clean_responses, transactions_for

WIB = ZoneInfo("Asia/Jakarta")
PERFECT = (4,) * 9
PROFILE = ("L", 30, "SMA", "Swasta")


def fake(start: int, count: int, at: datetime, *, every: timedelta = timedelta(seconds=20),
         service: str = "SKCK", counter: str | None = "L1", channel: str = "web",
         answers: tuple[int | None, ...] = PERFECT, profile: tuple = PROFILE,
         duration: int | None = 60, batch: str | None = None) -> list[Response]:
    """``count`` identical responses from ``at``, one every ``every``, ids from ``start``."""
    return [
        Response(start + i, service, counter, (at + i * every).replace(second=0), channel,
                 answers, profile, duration, batch)
        for i in range(count)
    ]


def kinds(flags: list[Flag]) -> set[str]:
    return {f.kind for f in flags}


@pytest.fixture(scope="module", params=[False, True], ids=["average", "liked"])
def clean(request: pytest.FixtureRequest) -> list[Response]:
    return clean_responses(5000, seed=7, liked=request.param)


def test_sixty_perfect_web_answers_at_one_counter(clean: list[Response]) -> None:
    at = datetime(2026, 1, 21, 10, 0, tzinfo=WIB)  # a Wednesday morning
    fraud = fake(100_000, 60, at)
    fraud_ids = {r.id for r in fraud}
    records = clean + fraud
    flags = check_all(records)

    burst = [f for f in flags if f.kind == "burst"]
    assert len(burst) == 1
    assert (burst[0].service, burst[0].counter) == ("SKCK", "L1")
    # Within half a window (7 minutes) of the burst: an honest answer in its midst is covered.
    half = timedelta(minutes=7)
    assert at - half <= burst[0].start <= at and at + timedelta(minutes=19) <= burst[0].end
    assert burst[0].end <= at + timedelta(minutes=20) + half
    assert fraud_ids <= set(burst[0].ids)
    assert burst[0].detail["observed"] > burst[0].detail["threshold"]
    assert burst[0].detail["p_value"] < 1e-6

    for kind in ("near_duplicates", "straight_lining"):
        hits = [f for f in flags if f.kind == kind]
        assert len(hits) == 1, kind
        assert (hits[0].service, hits[0].counter) == ("SKCK", "L1")
        assert fraud_ids <= set(hits[0].ids)
        assert hits[0].start.date() == at.date()

    summary = integrity_summary(records, flags)
    assert summary.flagged >= 60
    # The clean responses of that counter-day that are neither perfect nor that profile stay out.
    assert summary.flagged - 60 <= 0.02 * len(clean)


def test_thirty_at_night_are_outside_hours(clean: list[Response]) -> None:
    at = datetime(2026, 1, 21, 22, 10, tzinfo=WIB)
    rng = np.random.default_rng(3)
    night = [
        Response(200_000 + i, "SIM", "L1", at + timedelta(minutes=int(i * 1.5)), "web",
                 tuple(int(v) for v in rng.integers(2, 5, 9)), (), 60)
        for i in range(30)
    ]
    flags = outside_hours(clean + night)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.service, flag.counter, flag.count) == ("SIM", "L1", 30)
    assert flag.start == at and flag.end == night[-1].submitted_at
    assert flag.detail["observed"] == 30 and flag.detail["threshold"] == 10
    assert bursts(clean + night) == []  # two a minute at most: not a burst


def test_a_few_evening_web_answers_are_normal(clean: list[Response]) -> None:
    evening = fake(300_000, 9, datetime(2026, 1, 21, 22, 0, tzinfo=WIB), every=timedelta(minutes=7))
    assert outside_hours(clean + evening) == []
    # The same nine at the kiosk, in a closed building, are still too few to call a cluster...
    kiosk = fake(300_000, 9, datetime(2026, 1, 21, 22, 0, tzinfo=WIB), channel="kiosk")
    assert outside_hours(clean + kiosk) == []
    # ...ten are not.
    kiosk = fake(300_000, 10, datetime(2026, 1, 21, 22, 0, tzinfo=WIB), channel="kiosk")
    assert [f.count for f in outside_hours(clean + kiosk)] == [10]


def test_saturday_counts_as_a_closed_day(clean: list[Response]) -> None:
    saturday = fake(400_000, 12, datetime(2026, 1, 24, 9, 0, tzinfo=WIB),
                    every=timedelta(minutes=10), channel="kiosk")
    flags = outside_hours(clean + saturday)
    assert [(f.count, f.detail["date"]) for f in flags] == [(12, "2026-01-24")]


def test_paper_batch_of_300_perfect_rows_on_one_day() -> None:
    clean = clean_responses(5000, seed=11)
    day = datetime(2026, 1, 22, 0, 0, tzinfo=WIB)
    batch = fake(500_000, 300, day, every=timedelta(0), counter=None, channel="paper",
                 profile=(None,) * 4, duration=None, batch="B-300")
    flags = bulk_import(clean + batch)
    assert len(flags) == 1
    flag = flags[0]
    assert flag.detail["reason"] == "distribution" and flag.detail["batch"] == "B-300"
    assert flag.count == 300 and flag.service == "SKCK"
    assert flag.detail["observed"] >= 0.3 and flag.detail["p_value"] < 1e-6
    summary = {s.batch: s for s in batch_summaries(clean + batch)}["B-300"]
    assert (summary.rows, summary.first, summary.last, summary.days) == (
        300, date(2026, 1, 22), date(2026, 1, 22), 1)
    assert summary.straight_line_share == 1.0
    assert summary.reasons == ("distribution",)
    # The clean weekly batches resemble the web answers and are within capacity.
    assert all(s.reasons == () for s in batch_summaries(clean))


def test_paper_batch_over_a_days_capacity() -> None:
    clean = clean_responses(5000, seed=12)
    live = [r for r in clean if r.channel != "paper" and r.service == "SIM"]
    day = datetime(2026, 1, 22, 0, 0, tzinfo=WIB)
    # Honest-looking answers (copied from the service's web and kiosk respondents), far too many:
    # SIM has one counter, open 510 minutes on a Thursday -> capacity 637.5.
    batch = [
        Response(600_000 + i, "SIM", None, day, "paper", live[i % len(live)].answers,
                 live[i % len(live)].profile, None, "B-700")
        for i in range(700)
    ]
    flags = bulk_import(clean + batch)
    assert [(f.detail["reason"], f.count, f.detail["expected"]) for f in flags] == [
        ("capacity", 700, 637.5)
    ]


def test_a_counter_whose_scores_jump() -> None:
    clean = clean_responses(5000, seed=13)
    jump_from = datetime(2026, 1, 26, tzinfo=WIB)  # the fourth week
    jumped = [
        Response(r.id, r.service, r.counter, r.submitted_at, r.channel,
                 tuple(None if a is None else min(4, a + 1) for a in r.answers), r.profile,
                 r.duration, r.batch)
        if r.counter == "L2" and r.submitted_at >= jump_from else r
        for r in clean
    ]
    assert nrr_jump(clean) == []
    flags = nrr_jump(jumped)
    assert flags and {(f.service, f.counter) for f in flags} == {("SKCK", "L2")}
    first = min(flags, key=lambda f: f.start)
    assert first.start >= jump_from and first.start < jump_from + timedelta(days=7)
    assert first.detail["difference"] >= 0.3 and first.detail["p_value"] < 1e-3
    assert len(first.detail["nrr"]) == 9 and first.detail["nrr"][0] > first.detail["nrr_history"][0]


def test_responses_above_transactions() -> None:
    clean = clean_responses(5000, seed=14)
    tx = transactions_for(clean)
    assert rate_above_transactions(clean, tx) == []
    key = next(iter(sorted(tx)))
    delivered = sum(1 for r in clean if (r.service, r.submitted_at.date()) == key) - 3
    flags = rate_above_transactions(clean, {**tx, key: delivered})
    assert [(f.service, f.counter, f.count, f.detail["expected"]) for f in flags] == [
        (key[0], None, delivered + 3, delivered)
    ]


def test_fast_completions_at_one_counter() -> None:
    clean = clean_responses(5000, seed=15)
    at = datetime(2026, 1, 21, 9, 0, tzinfo=WIB)
    rng = np.random.default_rng(1)
    fast = [
        Response(700_000 + i, "LAPOR", "L1", at + timedelta(minutes=9 * i), "web",
                 tuple(int(v) for v in rng.integers(1, 5, 9)), (), 5)
        for i in range(4)
    ]
    assert fast_completion(clean) == []
    flags = fast_completion(clean + fast)
    assert [(f.service, f.counter, f.count) for f in flags] == [("LAPOR", "L1", 4)]
    # Ten seconds is too fast for the web form but not for nine taps at the kiosk.
    kiosk = [Response(r.id, r.service, r.counter, r.submitted_at, "kiosk", r.answers, (), 10)
             for r in fast]
    assert fast_completion(clean + kiosk) == []
    # Near-duplicates and straight lines are not what these are.
    assert near_duplicates(clean + fast) == [] and straight_lining(clean + fast) == []
