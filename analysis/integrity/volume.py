"""Volume signals: bursts at a counter, clusters outside opening hours, more responses than
services delivered.

References
----------
Perpres No. 21 Tahun 2023 tentang Hari Kerja dan Jam Kerja Instansi Pemerintah dan Pegawai
Aparatur Sipil Negara (37.5 hours a week: the default opening hours of :class:`OpeningHours`).
Johnson, N. L., Kemp, A. W., & Kotz, S. (2005). Univariate Discrete Distributions (3rd ed.),
ch. 4: the Poisson upper tail used by :func:`bursts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
from scipy import stats

from .model import Flag, OpeningHours, Response
from .table import EPOCH_WEEKDAY, ResponseTable, as_table, day_date, group, make_flag

__all__ = ["bursts", "outside_hours", "rate_above_transactions"]

_STATION_STRIDE = np.int64(1) << 40  # far more minutes than any period spans

Data = Sequence[Response] | ResponseTable


def _usual_per_hour(station: np.ndarray, minute: np.ndarray, n_stations: int,
                    quantile: float) -> np.ndarray:
    """A quantile of the responses per active hour (an hour with at least one) per station."""
    hour_group, hour_counts = group(station, minute // 60)
    first = np.zeros(len(hour_counts), dtype=np.int64)
    first[hour_group] = station
    usual = np.zeros(n_stations)
    for s in np.unique(first):
        usual[s] = float(np.quantile(hour_counts[first == s], quantile))
    return usual


def bursts(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    window: int = 15,
    per_minute: float = 1.0,
    margin: float = 1.25,
    alpha: float = 1e-6,
    busy_quantile: float = 0.9,
    channels: Sequence[str] = ("web", "kiosk"),
) -> list[Flag]:
    r"""Windows where a counter receives more responses than it can serve and than it usually gets.

    For each response at a counter, :math:`x` counts the counter's responses in the ``window``
    minutes starting with it. The window is flagged when both

    .. math::

        x > c \cdot w \cdot m \qquad\text{and}\qquad
        P(X \ge x) < \alpha,\; X \sim \mathrm{Poisson}(\tilde\lambda \, w / 60)

    with :math:`c` people served a minute (``per_minute``), :math:`w` the window, :math:`m` the
    ``margin``, and :math:`\tilde\lambda` the ``busy_quantile`` (0.9) of the counter's counts
    over its active hours (hours with at least one response) in the data: its usual busy-hour
    rate, which a burst filling fewer than a tenth of those hours does not move. (The median
    would not do: morning peaks then reach p = 1e-8 on the clean synthetic data.) Defaults: one
    person a minute with a 25 % margin (more than 18 in 15 minutes) and
    :math:`\alpha = 10^{-6}` per window. Overlapping flagged windows are merged into one flag,
    which covers the responses whose centred window also exceeds the capacity (the core of the
    burst, not the quiet minutes before it that a window starting early reaches into).
    Paper rows carry the form's date, not a submission time, and are left out by default.
    """
    if window <= 0 or per_minute <= 0 or margin <= 0 or not 0 < alpha < 1:
        raise ValueError("window, per_minute and margin must be positive, alpha in (0, 1)")
    if not 0 <= busy_quantile <= 1:
        raise ValueError("busy_quantile must be in [0, 1]")
    t = as_table(data, hours)
    rows = np.flatnonzero(t.channel_mask(channels))
    if rows.size == 0:
        return []
    st, m = t.station[rows], t.minute[rows]
    order = np.lexsort((m, st))
    rows, st, m = rows[order], st[order], m[order]
    key = st * _STATION_STRIDE + m
    end = np.searchsorted(key, key + window, side="left")
    count = end - np.arange(len(key))
    limit = per_minute * window * margin
    candidates = np.flatnonzero(count > limit)
    if candidates.size == 0:
        return []
    usual = _usual_per_hour(st, m, len(t.stations), busy_quantile)
    expected = usual[st[candidates]] * window / 60
    p = stats.poisson.sf(count[candidates] - 1, expected)
    hits = candidates[p < alpha]
    p_of = dict(zip(candidates.tolist(), p.tolist(), strict=True))
    half = window // 2
    centred = (np.searchsorted(key, key + half, side="right")
               - np.searchsorted(key, key - (window - 1 - half), side="left"))
    flags = []
    i = 0
    while i < len(hits):
        lo, hi, j = hits[i], end[hits[i]], i
        while j + 1 < len(hits) and hits[j + 1] < hi:
            j += 1
            hi = max(hi, end[hits[j]])
        covered = hits[i : j + 1]
        s = int(st[lo])
        # The windows starting before the burst reach into it; keep the rows at its dense core.
        core = np.arange(lo, hi)[centred[lo:hi] > limit]
        flags.append(make_flag(t, "burst", rows[core] if core.size else rows[lo:hi], {
            "observed": int(count[covered].max()),
            "expected": float(usual[s] * window / 60),
            "p_value": min(p_of[c] for c in covered.tolist()),
            "threshold": limit,
            "alpha": alpha,
            "window_minutes": window,
            "usual_per_hour": float(usual[s]),
        }))
        i = j + 1
    return flags


def _open_table(hours: OpeningHours, grace: int) -> np.ndarray:
    """(7, 1440) booleans: open (or within ``grace`` minutes after closing) by weekday, minute."""
    table = np.zeros((7, 1440), dtype=bool)
    for weekday, intervals in enumerate(hours.week):
        for open_, close in intervals:
            table[weekday, open_ : min(close + grace, 1440)] = True
    return table


def outside_hours(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    grace: int = 15,
    web_grace: int = 300,
    min_cluster: int = 10,
    channels: Sequence[str] = ("web", "kiosk"),
) -> list[Flag]:
    """Clusters of responses at one counter outside the unit's opening hours.

    A response is outside when its local time is not within an opening interval extended by
    ``grace`` minutes (the last people in the queue), or for web answers ``web_grace`` minutes
    (default 5 hours: respondents scan the QR code and answer at home in the evening). A lone
    evening answer is normal, so only a counter with at least ``min_cluster`` (default 10)
    outside responses in one closed stretch is flagged; a stretch is a night (from a day's first
    opening time to the next day's) or a closed day. Paper rows are left out by default (their
    time is the form's date, usually 00:00).
    """
    if grace < 0 or web_grace < 0 or min_cluster < 1:
        raise ValueError("grace periods must be >= 0 and min_cluster >= 1")
    t = as_table(data, hours)
    h = t.hours
    rows = np.flatnonzero(t.channel_mask(channels))
    if rows.size == 0:
        return []
    local = t.local[rows]
    day = local // 1440
    weekday = (day + EPOCH_WEEKDAY) % 7
    minute = local % 1440
    web = t.channel[rows] == 0
    inside = np.where(
        web, _open_table(h, max(grace, web_grace))[weekday, minute],
        _open_table(h, grace)[weekday, minute],
    )
    if h.closed_dates:
        closed = np.array([(d - date(1970, 1, 1)).days for d in h.closed_dates])
        inside &= ~np.isin(day, closed)
    out = rows[~inside]
    if out.size == 0:
        return []
    first_open = min((o for d in h.week for o, _ in d), default=0)
    stretch = (t.local[out] - first_open) // 1440
    g, sizes = group(t.station[out], stretch)
    flags = []
    for code in np.flatnonzero(sizes >= min_cluster):
        members = out[g == code]
        flags.append(make_flag(t, "outside_hours", members, {
            "observed": int(sizes[code]),
            "expected": None,
            "p_value": None,
            "threshold": min_cluster,
            "grace_minutes": grace,
            "web_grace_minutes": web_grace,
            "date": day_date(int(stretch[g == code][0])).isoformat(),
        }))
    return flags


def rate_above_transactions(
    data: Data,
    transactions: Mapping[tuple[str, date], int],
    hours: OpeningHours | None = None,
) -> list[Flag]:
    """Days on which a service received more responses than it delivered services.

    ``transactions`` maps (service code, local date) to the number of services delivered; days
    without an entry are not checked. A respondent answers once per service received, so any
    excess is flagged (threshold = the transactions). All channels count.
    """
    for key, value in transactions.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"transactions for {key!r} must be a non-negative integer")
    t = as_table(data, hours)
    if t.n == 0:
        return []
    day = t.day
    g, sizes = group(t.service, day)
    first = np.zeros(len(sizes), dtype=np.int64)
    first[g] = np.arange(t.n)
    flags = []
    for code, row in enumerate(first):
        key = (t.services[t.service[row]], day_date(day[row]))
        delivered = transactions.get(key)
        if delivered is not None and sizes[code] > delivered:
            flags.append(make_flag(t, "rate_above_transactions", np.flatnonzero(g == code), {
                "observed": int(sizes[code]),
                "expected": int(delivered),
                "p_value": None,
                "threshold": int(delivered),
                "date": key[1].isoformat(),
            }))
    return flags
