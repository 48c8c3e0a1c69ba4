"""Internal consistency (Cronbach's alpha) from aggregates a database can supply.

For complete cases a query returns ``n``, the item sums :math:`\\sum_r x_{ri}` and the
cross-product sums :math:`\\sum_r x_{ri} x_{rj}`; the sample covariance matrix follows, and from it
alpha, corrected item-total correlations and alpha-if-item-deleted.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika,
16(3), 297-334.
George, D., & Mallery, P. (2003). SPSS for Windows step by step (4th ed.), p. 231: the rule of
thumb used by :func:`interpret_alpha`.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["AlphaUndefined", "Reliability", "interpret_alpha", "reliability_from_item_totals",
           "reliability_from_moments", "reliability_from_rows"]


class AlphaUndefined(ValueError):  # noqa: N818 - named for what it says, like ZeroDivisionError
    """Alpha is undefined for these data (fewer than 2 items or cases, no total variance).

    An expected condition of real data, kept apart from bad input (a plain ValueError), so a
    caller can say "nothing to say" without also hiding a bug.
    """


@dataclass(frozen=True)
class Reliability:
    """Alpha of the whole scale, plus per item (keyed by code) the corrected item-total
    correlation and the alpha of the scale without that item; nan where undefined."""

    n: int
    k: int
    alpha: float
    item_total: dict[str, float]
    alpha_if_deleted: dict[str, float]


def reliability_from_moments(
    codes: Sequence[str], n: int, sums: ArrayLike, cross: ArrayLike
) -> Reliability:
    r"""Cronbach's alpha and item statistics from moments of complete cases.

    .. math::

        C_{ij} = \frac{n \sum x_i x_j - \sum x_i \sum x_j}{n (n - 1)}, \qquad
        \alpha = \frac{k}{k - 1}\Bigl(1 - \frac{\sum_i C_{ii}}{\sum_{ij} C_{ij}}\Bigr)

    The corrected item-total correlation of item ``i`` is its correlation with the sum of the
    *other* items, :math:`(\sum_j C_{ij} - C_{ii}) / \sqrt{C_{ii} \, V_{-i}}` with
    :math:`V_{-i} = \sum_{jl} C_{jl} - 2 \sum_j C_{ij} + C_{ii}`; alpha-if-deleted is alpha of
    ``C`` without row and column ``i``.

    Parameters
    ----------
    codes : sequence of str
        Item codes, in the order of ``sums`` and ``cross``.
    n : int
        Number of complete cases (respondents who answered every item), >= 2.
    sums : array_like, shape (k,)
    cross : array_like, shape (k, k)
        Symmetric; its diagonal holds the sums of squares.

    Returns
    -------
    Reliability
        A zero-variance item gets ``nan`` as item-total correlation (a correlation with a
        constant is undefined), as does any alpha-if-deleted whose remaining items have no
        variance or which would leave one item. Alpha itself needs a positive total variance.

    Raises
    ------
    AlphaUndefined
        n < 2, k < 2 or zero total variance (a ValueError subclass).
    ValueError
        Duplicate codes, shapes that do not match, a non-symmetric or non-finite ``cross``, or
        moments no data could produce.
    """
    k = len(codes)
    _check_codes(codes, n)
    s = np.asarray(sums, dtype=float)
    x = np.asarray(cross, dtype=float)
    if s.shape != (k,) or x.shape != (k, k):
        raise ValueError(
            f"expected sums of shape ({k},) and cross of ({k}, {k}), got {s.shape} and {x.shape}"
        )
    if not (np.isfinite(s).all() and np.isfinite(x).all()):
        raise ValueError("sums and cross must be finite")
    if not np.allclose(x, x.T, rtol=1e-12, atol=0):
        raise ValueError("cross must be symmetric")
    # n * cross - outer(sums) is exact in float64 for integer answers up to about 9e15.
    scatter = n * x - np.outer(s, s)
    return _from_scatter(codes, int(n), np.diag(scatter).copy(), n * np.diag(x),
                         scatter.sum(axis=1), float(scatter.sum()))


def reliability_from_item_totals(
    codes: Sequence[str], n: int, sums: ArrayLike, squares: ArrayLike, item_total: ArrayLike,
    total_squares: float,
) -> Reliability:
    r""":func:`reliability_from_moments` from k + k + k + 1 sums instead of the k x k matrix.

    Every figure it gives reads the covariance matrix only through its diagonal, its row sums
    and its total, and with the total score :math:`T = \sum_j x_j`:
    :math:`\sum_j \sum_r x_{ri} x_{rj} = \sum_r x_{ri} T_r` and
    :math:`\sum_{ij} \sum_r x_{ri} x_{rj} = \sum_r T_r^2`. So the item sums, the item sums of
    squares, each item's cross-product with the total and the total's sum of squares, all over
    complete cases, give the same alpha, item-total correlations and alpha-if-deleted: what
    per-cell roll-ups can keep without one row per pair of items.

    Parameters
    ----------
    codes, n :
        As for :func:`reliability_from_moments`.
    sums, squares, item_total : array_like, shape (k,)
        :math:`\sum_r x_{ri}`, :math:`\sum_r x_{ri}^2` and :math:`\sum_r x_{ri} T_r`.
    total_squares : float
        :math:`\sum_r T_r^2`.
    """
    k = len(codes)
    _check_codes(codes, n)
    s, q, r = (np.asarray(v, dtype=float) for v in (sums, squares, item_total))
    if s.shape != (k,) or q.shape != (k,) or r.shape != (k,):
        raise ValueError(f"expected sums, squares and item totals of shape ({k},)")
    if not (np.isfinite(s).all() and np.isfinite(q).all() and np.isfinite(r).all()
            and math.isfinite(total_squares)):
        raise ValueError("moments must be finite")
    total = float(s.sum())
    return _from_scatter(codes, int(n), n * q - s * s, n * q, n * r - s * total,
                         float(n * total_squares - total * total))


def _check_codes(codes: Sequence[str], n: int) -> None:
    k = len(codes)
    if k < 2:
        raise AlphaUndefined(f"need at least 2 items, got {k}")
    if len(set(codes)) != k:
        raise ValueError("item codes must be unique")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise AlphaUndefined(f"need at least 2 complete cases, got n={n!r}")


def _from_scatter(codes: Sequence[str], n: int, diag: np.ndarray, scale: np.ndarray,
                  row: np.ndarray, total: float) -> Reliability:
    """The figures from the scatter matrix's diagonal, row sums and total (n times the sums of
    squares, `scale`, sets the tolerance of a diagonal below zero)."""
    k = len(codes)
    tol = 1e-9 * np.maximum(scale, 1.0)
    if (diag < -tol).any():
        raise ValueError("inconsistent moments: a sum of squares is below sum^2 / n")
    diag = np.where(diag < 0, 0.0, diag)
    norm = n * (n - 1)
    var, row_cov, total_var = diag / norm, row / norm, total / norm
    if not total_var > 0:
        raise AlphaUndefined("total score has no variance: alpha is undefined")
    trace = float(var.sum())
    alpha = k / (k - 1) * (1 - trace / total_var)
    item_total: dict[str, float] = {}
    if_deleted: dict[str, float] = {}
    # Variances below this are rounding noise of a true zero (e.g. the other items constant).
    noise = 1e-12 * total_var
    for i, code in enumerate(codes):
        rest_var = total_var - 2 * float(row_cov[i]) + float(var[i])
        denom = float(var[i]) * rest_var
        item_total[code] = (
            float((row_cov[i] - var[i]) / math.sqrt(denom))
            if var[i] > noise and rest_var > noise
            else math.nan
        )
        if_deleted[code] = ((k - 1) / (k - 2) * (1 - (trace - float(var[i])) / rest_var)
                            if k > 2 and rest_var > noise else math.nan)
    return Reliability(int(n), k, float(alpha), item_total, if_deleted)


def reliability_from_rows(codes: Sequence[str], rows: ArrayLike) -> Reliability:
    """:func:`reliability_from_moments` on raw answers, shape (respondents, items).

    Rows holding a NaN are dropped first (listwise deletion, as ``psych::alpha`` with
    ``use="complete.obs"``), so ``n`` counts complete cases.
    """
    data = np.asarray(rows, dtype=float)
    if data.ndim != 2 or data.shape[1] != len(codes):
        raise ValueError(f"rows must have shape (n, {len(codes)}), got {data.shape}")
    data = data[~np.isnan(data).any(axis=1)]
    if np.isinf(data).any():
        raise ValueError("rows must be finite")
    return reliability_from_moments(codes, data.shape[0], data.sum(axis=0), data.T @ data)


_BANDS = (
    (0.9, "excellent"),
    (0.8, "good"),
    (0.7, "acceptable"),
    (0.6, "questionable"),
    (0.5, "poor"),
)


def interpret_alpha(alpha: float) -> str:
    """Rule-of-thumb label (George & Mallery, 2003): 'excellent' >= 0.9, 'good' >= 0.8,
    'acceptable' >= 0.7, 'questionable' >= 0.6, 'poor' >= 0.5, else 'unacceptable'."""
    if not math.isfinite(alpha):
        raise ValueError(f"alpha must be a finite number, got {alpha!r}")
    for lower, label in _BANDS:
        if alpha >= lower:
            return label
    return "unacceptable"
