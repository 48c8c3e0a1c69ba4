"""A counter's scores jumping against its own history (``nrr_jump``).

References
----------
Welch, B. L. (1947). The generalization of "Student's" problem when several different population
variances are involved. Biometrika, 34(1-2), 28-35.
Dunn, O. J. (1961). Multiple comparisons among means. JASA, 56(293), 52-64 (Bonferroni).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

from .model import Flag, OpeningHours, Response
from .table import ResponseTable, as_table, group, make_flag

__all__ = ["nrr_jump"]

Data = Sequence[Response] | ResponseTable


def nrr_jump(
    data: Data,
    hours: OpeningHours | None = None,
    *,
    block_days: int = 7,
    min_effect: float = 0.3,
    alpha: float = 1e-3,
    min_block: int = 20,
    min_history: int = 50,
) -> list[Flag]:
    r"""Blocks (weeks by default) in which a counter's respondents score far above its history.

    A respondent's score is the mean of the elements answered. Days are cut into blocks of
    ``block_days`` from the first day in the data; each block of a counter with at least
    ``min_block`` respondents is compared with all the counter's earlier blocks together (at
    least ``min_history`` respondents) by a one-sided Welch test,

    .. math::

        t = \frac{\bar x_b - \bar x_h}{\sqrt{s_b^2 / n_b + s_h^2 / n_h}},

    Welch-Satterthwaite degrees of freedom. Flagged when the rise :math:`\bar x_b - \bar x_h`
    is at least ``min_effect`` (0.3 on the 1..4 scale) **and** the p-value times the number of
    blocks tested at that counter (Bonferroni) is below ``alpha`` (0.001). Only rises are
    flagged: a fall does not inflate the figures. ``detail`` has the per-element NRR of the block
    and of the history. A counter that inflates from its first week on has no clean history:
    the pattern and volume signals are the ones that see it.
    """
    if block_days < 1 or min_effect < 0 or not 0 < alpha < 1 or min_block < 2 or min_history < 2:
        raise ValueError("block_days >= 1, min_effect >= 0, alpha in (0, 1), minimum sizes >= 2")
    t = as_table(data, hours)
    answered = (t.answers > 0).sum(axis=1)
    rows = np.flatnonzero(answered > 0)
    if rows.size == 0:
        return []
    score = t.answers[rows].sum(axis=1) / answered[rows]
    day = t.day[rows]
    block = (day - day.min()) // block_days
    g, n = group(t.station[rows], block)
    total = np.bincount(g, weights=score)
    total_sq = np.bincount(g, weights=score * score)
    station = np.zeros(len(n), dtype=np.int64)
    station[g] = t.station[rows]
    blk = np.zeros(len(n), dtype=np.int64)
    blk[g] = block
    flags = []
    for s in np.unique(station):
        groups = np.flatnonzero(station == s)
        groups = groups[np.argsort(blk[groups])]
        hist_n = np.concatenate(([0], np.cumsum(n[groups])[:-1]))
        hist_t = np.concatenate(([0.0], np.cumsum(total[groups])[:-1]))
        hist_q = np.concatenate(([0.0], np.cumsum(total_sq[groups])[:-1]))
        tested = (n[groups] >= min_block) & (hist_n >= min_history)
        if not tested.any():
            continue
        idx = np.flatnonzero(tested)
        nb, nh = n[groups][idx].astype(float), hist_n[idx].astype(float)
        mb, mh = total[groups][idx] / nb, hist_t[idx] / nh
        vb = np.maximum(total_sq[groups][idx] - nb * mb * mb, 0) / (nb - 1) / nb
        vh = np.maximum(hist_q[idx] - nh * mh * mh, 0) / (nh - 1) / nh
        diff = mb - mh
        se = np.sqrt(vb + vh)
        with np.errstate(divide="ignore", invalid="ignore"):
            tstat = diff / se
            df = (vb + vh) ** 2 / (vb**2 / (nb - 1) + vh**2 / (nh - 1))
            p = np.where(se > 0, stats.t.sf(tstat, np.where(se > 0, df, 1.0)),
                         np.where(diff > 0, 0.0, 1.0))
        adjusted = np.minimum(1.0, p * len(idx))
        for i in np.flatnonzero((diff >= min_effect) & (adjusted < alpha)):
            code = groups[idx[i]]
            members = rows[g == code]
            earlier = rows[(t.station[rows] == s) & (block < blk[code])]
            flags.append(make_flag(t, "nrr_jump", members, {
                "observed": float(mb[i]),
                "expected": float(mh[i]),
                "difference": float(diff[i]),
                "p_value": float(adjusted[i]),
                "threshold": min_effect,
                "alpha": alpha,
                "responses_history": int(nh[i]),
                "nrr": _nrr(t.answers[members]),
                "nrr_history": _nrr(t.answers[earlier]),
            }))
    return flags


def _nrr(answers: np.ndarray) -> tuple[float | None, ...]:
    """Mean answer per element, None where nobody answered."""
    n = (answers > 0).sum(axis=0)
    total = answers.astype(np.int64).sum(axis=0)
    return tuple(float(s / c) if c else None for s, c in zip(total, n, strict=True))
