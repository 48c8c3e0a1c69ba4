"""The columnar constructor gives the same table, hence the same flags, as the records one."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analysis.integrity import Response, build_table, check_all, table_from_columns
from analysis.integrity.synthetic import clean_responses

WIB = ZoneInfo("Asia/Jakarta")


def columns_of(records: list[Response]) -> dict[str, object]:
    """The records as the columns a database query hands over (made here the long way)."""
    services = tuple(dict.fromkeys(r.service for r in records))
    counters = tuple(dict.fromkeys(r.counter for r in records))
    batches = tuple(dict.fromkeys(r.batch for r in records if r.batch is not None))
    profiles = [dict.fromkeys([None]) for _ in range(4)]
    for r in records:
        for j, v in enumerate(r.profile):
            profiles[j].setdefault(v, None)
    lookup = [{v: i for i, v in enumerate(p)} for p in profiles]
    return {
        "ids": [r.id for r in records],
        "epoch_seconds": np.array([int(r.submitted_at.timestamp()) for r in records]),
        "service": np.array([services.index(r.service) for r in records]),
        "services": services,
        "counter": np.array([counters.index(r.counter) for r in records]),
        "counters": counters,
        "channel": np.array([("web", "kiosk", "paper").index(r.channel) for r in records]),
        "answers": np.array([[a or 0 for a in r.answers] for r in records]),
        "profile": np.array([[lookup[j][v] for j, v in enumerate(r.profile)] for r in records]),
        "duration": np.array([-1 if r.duration is None else r.duration for r in records]),
        "batch": np.array([-1 if r.batch is None else batches.index(r.batch) for r in records]),
        "batches": batches,
    }


def test_same_flags_from_columns_as_from_records() -> None:
    records = clean_responses(3000, seed=3, start=date(2026, 1, 5), days=28)
    at = datetime(2026, 1, 21, 10, 0, tzinfo=WIB)
    records += [Response(10_000 + i, "SKCK", "L1", at + timedelta(minutes=i // 4), "web",
                         (4,) * 9, ("L", 30, "SMA", "Swasta"), 5) for i in range(60)]
    from_records = check_all(build_table(records))
    from_columns = check_all(table_from_columns(**columns_of(records)))
    assert from_records and from_columns == from_records


@pytest.mark.parametrize("change", [
    {"answers": np.full((2, 9), 5)}, {"service": np.array([0, 3])},
    {"channel": np.array([0, 7])}, {"duration": np.array([7, -1])}, {"ids": [1, 1]},
    {"epoch_seconds": np.array([0])},
])
def test_bad_columns_are_refused(change: dict[str, object]) -> None:
    good: dict[str, object] = {
        "ids": [1, 2], "epoch_seconds": np.array([1_700_000_000, 1_700_000_600]),
        "service": np.array([0, 0]), "services": ("S",), "counter": np.array([0, 0]),
        "counters": ("L1",), "channel": np.array([0, 1]), "answers": np.full((2, 9), 4),
    }
    table_from_columns(**good)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        table_from_columns(**{**good, **change})  # type: ignore[arg-type]


def test_batch_summaries_equal_the_per_batch_computation() -> None:
    from scipy import stats

    from analysis.integrity import batch_summaries
    from analysis.integrity.paper import _batch_rows, _compare, _value_counts

    records = clean_responses(4000, seed=9, start=date(2026, 1, 5), days=42)
    records += [Response(20_000 + i, "SIM", None, datetime(2026, 1, 20, tzinfo=WIB), "paper",
                         (4,) * 9, (None,) * 4, None, "B-300") for i in range(300)]
    t = build_table(records)
    live = _value_counts(t, np.flatnonzero(t.channel_mask(("web", "kiosk"))))
    summaries = {s.batch: s for s in batch_summaries(t)}
    assert len(summaries) == len(t.batches) > 5
    for name, rows in zip(t.batches, _batch_rows(t), strict=True):
        services = np.unique(t.service[rows])
        ref = live[services].sum(axis=0)
        if ref[0] < 100:
            ref = live.sum(axis=0)
        chi2, dof, v = _compare(_value_counts(t, rows).sum(axis=0), ref)
        got = summaries[name]
        assert got.rows == rows.size and got.reference_rows == ref[0]
        assert got.chi2 == pytest.approx(chi2) and got.cramers_v == pytest.approx(v)
        assert got.p_value == pytest.approx(stats.chi2.sf(chi2, dof), rel=1e-9, abs=1e-300)
        assert got.services == tuple(t.services[s] for s in services)
    assert summaries["B-300"].reasons == ("distribution",)
