"""A unit's stored responses of a period as the integrity checks read them.

One grouped pass over responses and answers (the same Selection as the index, quarantined
responses included: a quarantined response is still checked, and marked as such), handed to
`analysis.integrity.table_from_columns` as columns. Nothing that identifies a respondent is
read: the profile fields are compared for equality only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

import instruments
from analysis.integrity import CHANNELS, OpeningHours, ResponseTable, table_from_columns

from ..models import Answer, Quarantine, Service, Unit
from ..models import Response as Stored
from ..results.period import Period
from ..results.queries import Selection
from .settings import opening_hours, transactions_for


@dataclass(frozen=True)
class Loaded:
    """The responses of a unit's period as columns, with what the checks and the summary need
    beside them."""

    table: ResponseTable
    hours: OpeningHours
    transactions: dict[tuple[str, date], int]
    quarantined: frozenset[int]


def selection_for(unit: Unit, slug: str, period: Period, service: Service | None) -> Selection:
    """Every response of the period, quarantined ones too."""
    start, end = period.utc_bounds(unit.tz)
    return Selection(unit.id, slug, start, end, service.id if service else None,
                     include_quarantined=True)


def _codes(values: list[Any], labels: dict[Any, int]) -> np.ndarray:
    """Integer code per value, new values numbered on first sight (labels updated in place)."""
    setdefault = labels.setdefault
    return np.fromiter((setdefault(v, len(labels)) for v in values), np.int64, len(values))


def load(session: Session, unit: Unit, slug: str, period: Period,
         service: Service | None = None) -> Loaded:
    """Read the period's responses (one row each, answers pivoted) into the checks' columns:
    no Python object per response beyond the database row."""
    instrument = instruments.latest(slug)
    codes = list(instrument.codes)
    sel = selection_for(unit, slug, period, service)
    pivot = [func.max(case((Answer.item_code == c, Answer.value))).label(f"v{i}")
             for i, c in enumerate(codes)]
    stmt = (
        select(Stored.id, Stored.submitted_at, Stored.service_id, Stored.counter_id,
               Stored.source, Stored.jenis_kelamin, Stored.usia, Stored.pendidikan,
               Stored.pekerjaan, Stored.duration_bucket, Stored.import_batch, *pivot)
        .join(Answer, Answer.response_id == Stored.id, isouter=True)
        .where(*sel.where())
        .group_by(Stored.id)
    )
    rows = session.execute(stmt).all()
    cols = list(zip(*rows, strict=True)) if rows else [()] * (11 + len(codes))
    n = len(rows)
    service_ids = {s.id: i for i, s in enumerate(unit.services)}
    counter_labels: dict[Any, int] = {None: 0}
    counter_codes = {c.id: c.code for s in unit.services for c in s.counters}
    counter = _codes([counter_codes.get(c) if c is not None else None for c in cols[3]],
                     counter_labels)
    profile_labels: list[dict[Any, int]] = [{None: 0} for _ in range(4)]
    profile = np.stack([_codes(list(cols[5 + j]), profile_labels[j]) for j in range(4)], axis=1) \
        if n else np.zeros((0, 4), dtype=np.int64)
    batch_labels: dict[Any, int] = {None: -1}
    batch = np.fromiter((batch_labels.setdefault(b, len(batch_labels) - 1) for b in cols[10]),
                        np.int64, n)
    answers = np.array(cols[11:], dtype=np.float64).T.reshape(n, len(codes)) if n \
        else np.zeros((0, len(codes)))
    scale_max = instrument.scale_max
    answers = np.where((answers >= 1) & (answers <= scale_max), answers, 0)  # NaN -> 0
    hours = opening_hours(session, unit)
    table = table_from_columns(
        ids=cols[0],
        epoch_seconds=np.fromiter((t.timestamp() for t in cols[1]), np.float64, n)
        .astype(np.int64),
        service=np.fromiter((service_ids[s] for s in cols[2]), np.int64, n),
        services=tuple(s.code for s in unit.services),
        counter=counter, counters=tuple(counter_labels),
        channel=np.fromiter((CHANNELS.index(c) for c in cols[4]), np.int64, n),
        answers=answers.astype(np.int8), profile=profile,
        duration=np.array([-1 if d is None else d for d in cols[9]], dtype=np.int64),
        batch=batch, batches=tuple(b for b in batch_labels if b is not None),
        hours=hours, scale_max=scale_max,
    )
    quarantined = set(session.scalars(
        select(Quarantine.response_id).join(Stored, Stored.id == Quarantine.response_id)
        .where(*sel.where())))
    return Loaded(table, hours,
                  transactions_for(session, unit, period.start,
                                   period.end + timedelta(days=1), service),
                  frozenset(quarantined))
