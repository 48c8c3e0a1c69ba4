"""Answer-pattern signals: near-duplicate responses, straight-lining, very fast completion.

Both pattern signals compare a counter-day (one counter's responses on one local day) with the
rest of the period, so a well-liked unit whose respondents often answer "4" to everything is
not flagged for being liked: the baseline is the share (or the frequency of a whole response
pattern) observed in the same service's other responses. Sampling *whole* observed responses
keeps the positive correlation between items, which a baseline drawing each item from its
margin would miss (it would make all-4 rows look rare and flag every liked unit).

References
----------
Kuriakose, N., & Robbins, M. (2016). Don't get duped: Fraud through duplication in public
opinion surveys. Statistical Journal of the IAOS, 32(3), 283-291 (maximum percent match; 85 %).
Herzog, A. R., & Bachman, J. G. (1981). Effects of questionnaire length on response quality.
Public Opinion Quarterly, 45(4), 549-559 (straight-lining).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

from .model import CHANNELS, DURATION_BUCKETS, Flag, OpeningHours, Response
from .neighbours import _neighbours, _pattern_keys, screened_neighbours  # noqa: F401 - tests
from .table import ResponseTable, as_table, day_date, group, make_flag

__all__ = ["fast_completion", "near_duplicates", "straight_lining"]

Data = Sequence[Response] | ResponseTable
DEFAULT_FAST = {"web": 15, "kiosk": 10}


def _reference(
    t: ResponseTable, window: np.ndarray, rows: np.ndarray, by_service: np.ndarray,
    by_unit: np.ndarray, win_value: np.ndarray, min_reference: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per candidate row: rest-of-service count, its rest size, and whether the unit had to be
    used."""
    w_size = np.bincount(window)[window[rows]]
    s_size = np.bincount(t.service)[t.service[rows]]
    use_unit = s_size - w_size < min_reference
    rest_value = np.where(use_unit, by_unit - win_value, by_service - win_value)
    rest_size = np.where(use_unit, t.n - w_size, s_size - w_size)
    return rest_value, rest_size, use_unit


def near_duplicates(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    max_diff: int = 1,
    min_size: int = 5,
    alpha: float = 1e-6,
    min_reference: int = 100,
) -> list[Flag]:
    r"""Counter-days holding more near-identical responses than the period's patterns explain.

    Two responses are near-identical when they differ in at most ``max_diff`` (0 or 1) of the
    answers and profile fields (unanswered and not-given compare as values): for the nine IKM
    elements and four profile fields that is Kuriakose & Robbins' maximum percent match of 85 %
    or more (12 of 13). For each response :math:`r` in a counter-day of :math:`n` responses,
    :math:`x_r` counts its near-identical partners there, and :math:`q_r` is the share of the
    same service's other responses in the period near-identical to it (the whole unit when the
    service has fewer than ``min_reference`` others; add-a-half smoothing). Under sampling whole
    observed responses, :math:`x_r \sim \mathrm{Binomial}(n - 1, q_r)`; the counter-day's
    p-value is :math:`\min(1, n \min_r P(X \ge x_r))` (Bonferroni over the candidates). Flagged
    when :math:`x_r + 1 \ge` ``min_size`` (5) and the p-value is below ``alpha`` (:math:`10^{-6}`);
    the flag covers the responses near-identical to the most surprising one. The counts are
    exact; they are computed on the rows a linear-time screen cannot rule out
    (:mod:`analysis.integrity.neighbours`).
    """
    if max_diff not in (0, 1) or min_size < 2 or not 0 < alpha < 1 or min_reference < 1:
        raise ValueError("max_diff must be 0 or 1, min_size >= 2, alpha in (0, 1)")
    t = as_table(data, hours)
    if t.n < 2:
        return []
    window, w_size = group(t.station, t.day)
    service_of_window = np.zeros(len(w_size), dtype=np.int64)
    service_of_window[window] = t.service
    candidates, near_c, near_s, near_u = screened_neighbours(
        (t.answers, t.profile), window, service_of_window, max_diff, min_size)
    if candidates.size == 0:
        return []
    rest, rest_size, use_unit = _reference(t, window, candidates, near_s, near_u, near_c,
                                           min_reference)
    q = (rest + 0.5) / (rest_size + 1)
    n_win = w_size[window[candidates]]
    tail = stats.binom.sf(near_c - 2, n_win - 1, q)
    p = np.minimum(1.0, tail * n_win)
    flags = []
    order = np.lexsort((p, window[candidates]))
    seen: set[int] = set()
    for i in order:
        win = int(window[candidates[i]])
        if win in seen or p[i] >= alpha:
            continue
        seen.add(win)
        r = candidates[i]
        members = np.flatnonzero(window == win)
        fields = np.concatenate([t.answers[members], t.profile[members]], axis=1)
        diff = (fields != fields[members == r]).sum(axis=1)
        flags.append(make_flag(t, "near_duplicates", members[diff <= max_diff], {
            "observed": int(near_c[i]),
            "expected": float(1 + (n_win[i] - 1) * q[i]),
            "p_value": float(p[i]),
            "threshold": alpha,
            "window_responses": int(n_win[i]),
            "fields": fields.shape[1],
            "max_diff": max_diff,
            "reference": "unit" if use_unit[i] else "service",
            "date": day_date(int(t.day[r])).isoformat(),
        }))
    return flags


def straight_lines(t: ResponseTable) -> np.ndarray:
    """Rows that answered every element (at least two) with the same value."""
    a = t.answers
    if a.shape[1] < 2:
        return np.zeros(t.n, dtype=bool)
    return (a[:, 0] > 0) & (a == a[:, :1]).all(axis=1)


def straight_lining(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    min_size: int = 5,
    alpha: float = 1e-6,
    min_reference: int = 100,
) -> list[Flag]:
    r"""Counter-days with a share of straight-lined responses far above the period's own.

    A straight line answers every element with the same value. A counter-day with :math:`s` of
    :math:`n` responses straight-lined is flagged when :math:`s \ge` ``min_size`` (5) and

    .. math:: P(S \ge s) < \alpha, \qquad S \sim \mathrm{Binomial}(n, \pi)

    where :math:`\pi = (s_{rest} + 0.5) / (n_{rest} + 1)` is the straight-line share among the
    same service's other responses in the period (the unit's when the service has fewer than
    ``min_reference`` others) and :math:`\alpha = 10^{-6}` by default. The flag covers the
    counter-day's straight lines.
    """
    if min_size < 1 or not 0 < alpha < 1 or min_reference < 1:
        raise ValueError("min_size must be >= 1, alpha in (0, 1), min_reference >= 1")
    t = as_table(data, hours)
    if t.n == 0:
        return []
    line = straight_lines(t).astype(np.int64)
    window, w_size = group(t.station, t.day)
    s_win = np.bincount(window, weights=line).astype(np.int64)[window]
    s_srv = np.bincount(t.service, weights=line).astype(np.int64)[t.service]
    rest, rest_size, use_unit = _reference(t, window, np.arange(t.n), s_srv,
                                           np.full(t.n, line.sum()), s_win, min_reference)
    candidates = np.flatnonzero((s_win >= min_size) & (line == 1))
    if candidates.size == 0:
        return []
    _, first = np.unique(window[candidates], return_index=True)
    rows = candidates[first]
    share = (rest[rows] + 0.5) / (rest_size[rows] + 1)
    n_win = w_size[window[rows]]
    p = stats.binom.sf(s_win[rows] - 1, n_win, share)
    flags = []
    for i in np.flatnonzero(p < alpha):
        r = rows[i]
        members = np.flatnonzero((window == window[r]) & (line == 1))
        flags.append(make_flag(t, "straight_lining", members, {
            "observed": int(s_win[r]),
            "expected": float(n_win[i] * share[i]),
            "p_value": float(p[i]),
            "threshold": alpha,
            "window_responses": int(n_win[i]),
            "reference_share": float(share[i]),
            "reference": "unit" if use_unit[r] else "service",
            "date": day_date(int(t.day[r])).isoformat(),
        }))
    return flags


def fast_completion(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    limits: Mapping[str, int] | None = None,
    min_count: int = 3,
) -> list[Flag]:
    """Counter-days with several implausibly fast responses (form shown -> form sent).

    A response is fast when its whole duration bucket lies below its channel's limit (default
    web 15 s: nine questions and a profile on a phone; kiosk 10 s: nine taps on large buttons,
    which honest respondents take about 20 s or more for). One fast respondent is an impatient
    one, so a counter-day is flagged from ``min_count`` (3) fast responses. Channels without a
    limit (paper) and responses without a bucket are not checked.
    """
    limits = dict(DEFAULT_FAST if limits is None else limits)
    if min_count < 1 or any(v <= 0 for v in limits.values()):
        raise ValueError("min_count must be >= 1 and limits positive")
    if set(limits) - set(CHANNELS):
        raise ValueError(f"limits are per channel: {CHANNELS}")
    t = as_table(data, hours)
    if t.n == 0:
        return []
    upper_of = dict(zip(DURATION_BUCKETS, (*DURATION_BUCKETS[1:], np.iinfo(np.int64).max),
                        strict=True))
    upper = np.array([upper_of.get(int(d), 0) for d in DURATION_BUCKETS], dtype=np.int64)
    bucket = np.searchsorted(DURATION_BUCKETS, np.maximum(t.duration, 0))
    limit = np.zeros(t.n, dtype=np.int64)
    for name, seconds in limits.items():
        limit[t.channel_mask([name])] = seconds
    fast = np.flatnonzero((t.duration >= 0) & (upper[bucket] <= limit))
    if fast.size == 0:
        return []
    g, sizes = group(t.station[fast], t.day[fast])
    flags = []
    for code in np.flatnonzero(sizes >= min_count):
        members = fast[g == code]
        flags.append(make_flag(t, "fast_completion", members, {
            "observed": int(sizes[code]),
            "expected": None,
            "p_value": None,
            "threshold": min_count,
            **{f"limit_seconds_{name}": int(s) for name, s in sorted(limits.items())},
            "date": day_date(int(t.day[members[0]])).isoformat(),
        }))
    return flags
