"""Paper import batches: a per-batch summary and the ``bulk_import`` flags.

A batch is suspicious when its answers differ sharply from what the same services' respondents
typed on the web and at the kiosk in the period, or when it dates more forms on one day at one
service than the service could have served that day.

References
----------
Cramér, H. (1946). Mathematical Methods of Statistics, section 21.9 (the V statistic).
Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.), ch. 7:
w = 0.3 is a "medium" effect (for a 2 x c table V equals w).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import stats

from .model import Flag, OpeningHours, Response
from .patterns import straight_lines
from .table import EPOCH_WEEKDAY, ResponseTable, as_table, day_date, group, make_flag

__all__ = ["BatchSummary", "batch_summaries", "bulk_import"]

Data = Sequence[Response] | ResponseTable


@dataclass(frozen=True)
class BatchSummary:
    """What the app shows for one paper import batch.

    ``chi2``, ``p_value`` and ``cramers_v`` compare the batch's answer values with the web and
    kiosk answers of the same services (None when there are fewer than ``min_reference`` of
    them even over the whole unit); ``busiest`` is the (service, date, rows) with most rows and
    ``capacity`` what that service could serve that day.
    """

    batch: Hashable
    rows: int
    first: date
    last: date
    days: int
    services: tuple[str, ...]
    straight_line_share: float
    chi2: float | None
    p_value: float | None
    cramers_v: float | None
    reference_rows: int
    busiest: tuple[str, date, int]
    capacity: float
    reasons: tuple[str, ...]


def _value_counts(t: ResponseTable, rows: np.ndarray) -> np.ndarray:
    """(services, scale_max + 1) answer value counts of ``rows`` by service; column 0 counts
    the rows with at least one answer (respondents), not unanswered items."""
    width = t.scale_max + 1
    a = t.answers[rows].astype(np.int64)
    key = t.service[rows][:, None] * width + a
    counts = np.bincount(key.ravel(), minlength=len(t.services) * width)
    counts = counts.reshape(len(t.services), width)
    counts[:, 0] = np.bincount(t.service[rows][(a > 0).any(axis=1)], minlength=len(t.services))
    return counts


def _compare(batch: np.ndarray, ref: np.ndarray) -> tuple[float, int, float]:
    """Chi-square, its degrees of freedom and Cramér's V of two rows of value counts (column 0:
    respondents).

    Answers of one respondent are positively correlated, so the statistic is divided by the
    mean number of answers per respondent: the test then counts respondents, not answers,
    which is conservative. V is unaffected by that scaling.
    """
    table = np.array([batch[1:], ref[1:]], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    total = table.sum()
    if table.shape[1] < 2 or table[0].sum() == 0 or table[1].sum() == 0:
        return 0.0, 1, 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / total
    raw = float(((table - expected) ** 2 / expected).sum())
    per_response = total / max(batch[0] + ref[0], 1)
    return raw / max(per_response, 1.0), table.shape[1] - 1, float(np.sqrt(raw / total))


def _capacities(t: ResponseTable, per_minute: float,
                margin: float) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """capacity(services, days): open minutes x counters x rate x margin, element-wise."""
    counters = np.zeros(len(t.services), dtype=np.int64)
    for service, counter in t.stations:
        if counter is not None:
            counters[t.services.index(service)] += 1
    rate = np.maximum(counters, 1) * per_minute * margin
    by_weekday = np.array([sum(c - o for o, c in day) for day in t.hours.week], dtype=float)
    closed = np.array([(d - date(1970, 1, 1)).days for d in t.hours.closed_dates], dtype=np.int64)

    def capacity(services: np.ndarray, days: np.ndarray) -> np.ndarray:
        minutes = by_weekday[(days + EPOCH_WEEKDAY) % 7] * ~np.isin(days, closed)
        return minutes * rate[services]

    return capacity


def _batch_rows(t: ResponseTable) -> list[np.ndarray]:
    """Rows of each batch, in batch code order."""
    order = np.argsort(t.batch, kind="stable")
    bounds = np.searchsorted(t.batch[order], np.arange(len(t.batches) + 1))
    return [order[bounds[b] : bounds[b + 1]] for b in range(len(t.batches))]


def batch_summaries(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    alpha: float = 1e-6,
    min_v: float = 0.3,
    per_minute: float = 1.0,
    margin: float = 1.25,
    min_reference: int = 100,
) -> list[BatchSummary]:
    r"""Summarise every import batch and give the reasons it is flagged, if any.

    ``"distribution"``: the :math:`2 \times c` chi-square of value counts (batch against web and
    kiosk answers of the batch's services; the unit's when those are fewer than
    ``min_reference`` respondents), divided by answers per respondent, has :math:`p <` ``alpha``
    (:math:`10^{-6}`) **and** Cramér's :math:`V = \sqrt{\chi^2_{raw} / N}` is at least ``min_v``
    (0.3, a medium effect). ``"capacity"``: on some day one service has more rows than
    :math:`\text{open minutes} \times \text{counters} \times` ``per_minute`` :math:`\times`
    ``margin`` (a day the unit is closed has capacity 0).
    """
    if not 0 < alpha < 1 or min_v < 0 or per_minute <= 0 or margin <= 0:
        raise ValueError("alpha in (0, 1), min_v >= 0, per_minute and margin positive")
    t = as_table(data, hours)
    n_batches, n_services, width = len(t.batches), len(t.services), t.scale_max + 1
    if n_batches == 0:
        return []
    live = _value_counts(t, np.flatnonzero(t.channel_mask(("web", "kiosk"))))
    capacity = _capacities(t, per_minute, margin)
    # Every batch at once: value counts by (batch, service), then the tests as arrays.
    paper = np.flatnonzero(t.batch >= 0)
    pb, a = t.batch[paper], t.answers[paper].astype(np.int64)
    bs = pb * n_services + t.service[paper]
    counts = np.bincount((bs[:, None] * width + a).ravel(),
                         minlength=n_batches * n_services * width)
    counts = counts.reshape(n_batches, n_services, width)
    counts[:, :, 0] = np.bincount(bs[(a > 0).any(axis=1)],
                                  minlength=n_batches * n_services).reshape(n_batches, n_services)
    has = np.bincount(bs, minlength=n_batches * n_services).reshape(n_batches, n_services) > 0
    ref = has.astype(np.int64) @ live
    ref[ref[:, 0] < min_reference] = live.sum(axis=0)
    tested = ref[:, 0] >= min_reference
    chi2, dof, v = _compare_all(counts.sum(axis=1), ref)
    p_all = np.where(tested, stats.chi2.sf(chi2, dof), np.nan)
    rows_of = np.bincount(pb, minlength=n_batches)
    share = np.bincount(pb, weights=straight_lines(t)[paper], minlength=n_batches) \
        / np.maximum(rows_of, 1)
    # (batch, service, day) groups: the busiest and whether any is over capacity.
    g, sizes = group(pb, t.service[paper], t.day[paper])
    first = np.zeros(len(sizes), dtype=np.int64)
    first[g] = paper
    caps = capacity(t.service[first], t.day[first])
    g_batch = t.batch[first]
    over = np.bincount(g_batch, weights=sizes > caps, minlength=n_batches) > 0
    top_order = np.lexsort((np.arange(len(sizes)), -sizes, g_batch))
    top = top_order[np.searchsorted(g_batch[top_order], np.arange(n_batches))]
    # First day, last day and distinct days of each batch.
    days = t.day[paper]
    by_day = np.lexsort((days, pb))
    bounds = np.searchsorted(pb[by_day], np.arange(n_batches + 1))
    day_group, day_sizes = group(pb, days)
    d_batch = np.zeros(len(day_sizes), dtype=np.int64)
    d_batch[day_group] = pb
    n_days = np.bincount(d_batch, minlength=n_batches)
    out = []
    for b in np.flatnonzero(rows_of).tolist():
        ordered = days[by_day[bounds[b]:bounds[b + 1]]]
        c = int(first[top[b]])
        p = None if not tested[b] else float(p_all[b])
        reasons = (("distribution",) if p is not None and p < alpha and v[b] >= min_v else ()) \
            + (("capacity",) if over[b] else ())
        out.append(BatchSummary(
            batch=t.batches[b], rows=int(rows_of[b]), first=day_date(int(ordered[0])),
            last=day_date(int(ordered[-1])), days=int(n_days[b]),
            services=tuple(t.services[s] for s in np.flatnonzero(has[b])),
            straight_line_share=float(share[b]),
            chi2=float(chi2[b]) if tested[b] else None, p_value=p,
            cramers_v=float(v[b]) if tested[b] else None,
            reference_rows=int(ref[b, 0]),
            busiest=(t.services[t.service[c]], day_date(int(t.day[c])), int(sizes[top[b]])),
            capacity=float(caps[top[b]]), reasons=reasons,
        ))
    return out


def _compare_all(batch: np.ndarray, ref: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                               np.ndarray]:
    """:func:`_compare` for many pairs of count rows at once: (chi2, dof, V) arrays."""
    table = np.stack([batch[:, 1:], ref[:, 1:]], axis=1).astype(float)  # (B, 2, values)
    col = table.sum(axis=1)
    row = table.sum(axis=2)
    total = row.sum(axis=1)
    used = col > 0
    dof = used.sum(axis=1) - 1
    valid = (dof >= 1) & (row[:, 0] > 0) & (row[:, 1] > 0)
    safe_total = np.where(total > 0, total, 1.0)
    expected = row[:, :, None] * col[:, None, :] / safe_total[:, None, None]
    cells = np.where(used[:, None, :], (table - expected) ** 2
                     / np.where(expected > 0, expected, 1.0), 0.0)
    raw = cells.sum(axis=(1, 2))
    per_response = total / np.maximum(batch[:, 0] + ref[:, 0], 1)
    chi2 = np.where(valid, raw / np.maximum(per_response, 1.0), 0.0)
    v = np.where(valid, np.sqrt(raw / safe_total), 0.0)
    return chi2, np.where(valid, dof, 1), v


def bulk_import(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    alpha: float = 1e-6,
    min_v: float = 0.3,
    per_minute: float = 1.0,
    margin: float = 1.25,
    min_reference: int = 100,
) -> list[Flag]:
    """``bulk_import`` flags for the batches :func:`batch_summaries` gives reasons for.

    One flag over the whole batch for ``"distribution"`` (observed = Cramér's V), and one per
    (service, day) over capacity for ``"capacity"`` (observed = rows, expected = capacity).
    """
    t = as_table(data, hours)
    flags = []
    summaries = batch_summaries(t, alpha=alpha, min_v=min_v, per_minute=per_minute,
                                margin=margin, min_reference=min_reference)
    capacity = _capacities(t, per_minute, margin)
    rows_of = dict(zip(t.batches, _batch_rows(t), strict=True))
    for summary in summaries:
        rows = rows_of[summary.batch]
        if "distribution" in summary.reasons:
            flags.append(make_flag(t, "bulk_import", rows, {
                "reason": "distribution", "batch": str(summary.batch),
                "observed": summary.cramers_v, "expected": None, "p_value": summary.p_value,
                "threshold": min_v, "alpha": alpha, "chi2": summary.chi2,
                "straight_line_share": summary.straight_line_share,
            }))
        if "capacity" in summary.reasons:
            g, sizes = group(t.service[rows], t.day[rows])
            for c in range(len(sizes)):
                members = rows[g == c]
                limit = float(capacity(t.service[members[:1]], t.day[members[:1]])[0])
                if sizes[c] > limit:
                    flags.append(make_flag(t, "bulk_import", members, {
                        "reason": "capacity", "batch": str(summary.batch),
                        "observed": int(sizes[c]), "expected": limit, "p_value": None,
                        "threshold": limit,
                        "date": day_date(int(t.day[members[0]])).isoformat(),
                    }))
    return flags
