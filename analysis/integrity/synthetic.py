"""Seeded clean survey data for the integrity checks' tests and benchmark.

What "clean" looks like here: respondents arrive as a Poisson process within opening hours
(busier in the morning), at several counters; each answers the nine elements from one latent
satisfaction (a graded-response style model: an answer is how many of three thresholds the
respondent's latent level plus item noise exceeds), so items correlate (Cronbach's alpha about
0.8); a "liked" unit has a high latent mean and a share of respondents who tap "4" everywhere;
web respondents answer minutes to hours later (a few in the evening, at home); kiosk ones at
the counter; paper forms are dated 00:00 of their day and imported weekly per service.
Profiles, missing answers and completion times follow plausible shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import numpy as np

from .model import DURATION_BUCKETS, OpeningHours, Response

__all__ = ["SERVICES", "clean_responses", "transactions_for"]

SERVICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SKCK", ("L1", "L2")), ("SIM", ("L1",)), ("LAPOR", ("L1",)),
)
_SEX = ("L", "P")
_EDUCATION = (("tidak_sekolah", 2), ("SD", 8), ("SMP", 12), ("SMA", 40), ("D1-D3", 9),
              ("S1", 24), ("S2", 4), ("S3", 1))
_OCCUPATION = (("PNS", 10), ("TNI", 2), ("POLRI", 2), ("Swasta", 35), ("Wirausaha", 30),
               ("Lainnya", 21))
_THRESHOLDS = np.array([-2.2, -0.9, 1.0])
_ITEM_SHIFT = np.array([0.1, -0.2, 0.0, 0.15, -0.1, 0.05, -0.25, 0.2, 0.05])
_HOUR_WEIGHT = {7: 0.5, 8: 1.4, 9: 1.6, 10: 1.5, 11: 1.2, 12: 0.6, 13: 0.9, 14: 0.9, 15: 0.7,
                16: 0.3}


def _open_slots(hours: OpeningHours, start: date, days: int) -> tuple[np.ndarray, np.ndarray]:
    """Local epoch minutes of every open minute in the period, and its arrival weight."""
    slots, weights = [], []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day in hours.closed_dates:
            continue
        base = (day - date(1970, 1, 1)).days * 1440
        for open_, close in hours.week[day.weekday()]:
            minutes = np.arange(open_, close)
            slots.append(base + minutes)
            weights.append(np.array([_HOUR_WEIGHT.get(int(m // 60), 0.3) for m in minutes]))
    if not slots:
        raise ValueError("the period has no open minute")
    return np.concatenate(slots), np.concatenate(weights)


def clean_responses(
    n: int,
    *,
    seed: int,
    liked: bool = False,
    start: date = date(2026, 1, 5),
    days: int | None = None,
    services: Sequence[tuple[str, Sequence[str]]] = SERVICES,
    hours: OpeningHours | None = None,
    channels: tuple[float, float, float] = (0.55, 0.30, 0.15),
    first_id: int = 1,
) -> list[Response]:
    """``n`` clean responses of one unit from ``start`` over ``days`` days (default: about
    six responses per counter per open hour), sorted by time; ids from ``first_id``."""
    hours = hours or OpeningHours()
    rng = np.random.default_rng(seed)
    stations = [(s, c) for s, counters in services for c in counters]
    if days is None:
        days = max(7, int(np.ceil(n / (len(stations) * 6 * 8.5) * 7 / 5)))
    slots, weight = _open_slots(hours, start, days)
    local = np.sort(rng.choice(slots, size=n, p=weight / weight.sum()))
    station = rng.integers(0, len(stations), n)
    channel = rng.choice(3, size=n, p=np.asarray(channels) / sum(channels))

    # Latent satisfaction; a counter's staff make a small difference.
    counter_effect = rng.normal(0, 0.1, len(stations))
    theta = rng.normal(1.6 if liked else 0.4, 1.0, n) + counter_effect[station]
    latent = theta[:, None] + _ITEM_SHIFT[None, :] + rng.normal(0, 1.2, (n, 9))
    answers = 1 + (latent[:, :, None] > _THRESHOLDS).sum(axis=2)
    if liked:
        answers[rng.random(n) < 0.12] = 4
    missing = rng.random((n, 9)) < 0.01

    sex = rng.choice(2, n, p=[0.48, 0.52])
    age = np.clip(np.round(rng.normal(38, 12, n)), 17, 80).astype(int)
    edu = rng.choice(len(_EDUCATION), n, p=_shares(_EDUCATION))
    occ = rng.choice(len(_OCCUPATION), n, p=_shares(_OCCUPATION))
    no_profile = rng.random(n) < np.where(channel == 1, 0.6, 0.12)

    # Submission time: kiosk a few minutes after the arrival, web minutes to hours later.
    delay = np.where(
        channel == 1, rng.integers(2, 15, n),
        np.where(rng.random(n) < 0.9, rng.exponential(20, n), rng.uniform(60, 6 * 60, n)),
    ).astype(np.int64)
    submitted = np.where(channel == 2, (local // 1440) * 1440, local + delay)
    speeder = rng.random(n) < 0.02
    seconds = np.where(channel == 0, rng.lognormal(np.log(np.where(speeder, 30, 80)), 0.45),
                       rng.lognormal(np.log(35), 0.4, n))
    bucket = np.asarray(DURATION_BUCKETS)[np.searchsorted(DURATION_BUCKETS, seconds, "right") - 1]

    zone = hours.zone
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    offset_cache: dict[int, timedelta] = {}
    records = []
    for i in range(n):
        wall = int(submitted[i])
        hour = wall // 60
        if hour not in offset_cache:
            naive = datetime(1970, 1, 1) + timedelta(minutes=hour * 60)
            offset_cache[hour] = naive.replace(tzinfo=zone).utcoffset() or timedelta(0)
        when = (epoch + timedelta(minutes=wall) - offset_cache[hour]).astimezone(zone)
        service, counter = stations[station[i]]
        ch = int(channel[i])
        profile = (None, None, None, None) if no_profile[i] else (
            _SEX[sex[i]], int(age[i]), _EDUCATION[edu[i]][0], _OCCUPATION[occ[i]][0])
        day = wall // 1440
        records.append(Response(
            id=first_id + i,
            service=service,
            counter=None if ch == 2 else counter,
            submitted_at=when,
            channel=("web", "kiosk", "paper")[ch],
            answers=tuple(None if missing[i, j] else int(answers[i, j]) for j in range(9)),
            profile=profile,
            duration=None if ch == 2 else int(bucket[i]),
            batch=f"{service}-{(day - 4) // 7}" if ch == 2 else None,
        ))
    records.sort(key=lambda r: r.submitted_at)
    return records


def _shares(table: tuple[tuple[str, int], ...]) -> np.ndarray:
    weights = np.array([w for _, w in table], dtype=float)
    return weights / weights.sum()


def transactions_for(records: Sequence[Response], *, rate: float = 0.3,
                     seed: int = 0) -> dict[tuple[str, date], int]:
    """Services delivered per (service, local date) for which ``records`` are a ``rate`` share
    of respondents (at least the responses, so clean data never exceeds them)."""
    rng = np.random.default_rng(seed)
    counts: dict[tuple[str, date], int] = {}
    for r in records:
        key = (r.service, r.submitted_at.date())
        counts[key] = counts.get(key, 0) + 1
    return {k: max(v, int(rng.poisson(v / rate))) for k, v in counts.items()}
