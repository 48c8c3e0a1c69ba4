"""Did the index change between two periods? Welch's t-test from aggregated statistics.

The unit of analysis is the respondent: each respondent's score is the mean of the elements they
answered (converted or not, the same for both periods). Means and standard deviations per period
come from ``COUNT``, ``SUM`` and ``SUM`` of squares, so no answer leaves the database.

References
----------
Welch, B. L. (1947). The generalization of "Student's" problem when several different population
variances are involved. Biometrika, 34(1-2), 28-35.
Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance components.
Biometrics Bulletin, 2(6), 110-114.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from scipy import stats

from .intervals import mean_sd

__all__ = ["ChangeTest", "change_test", "change_test_from_sums"]


@dataclass(frozen=True)
class ChangeTest:
    """Welch test of ``mean2 - mean1`` (period 2 minus period 1: positive is an improvement).

    ``ci95`` is always the 95 % interval of the difference; ``significant`` is
    ``p_value < alpha``.
    """

    difference: float
    t: float
    df: float
    p_value: float
    ci95: tuple[float, float]
    significant: bool
    alpha: float


def change_test(
    n1: int,
    mean1: float,
    sd1: float,
    n2: int,
    mean2: float,
    sd2: float,
    *,
    alpha: float = 0.05,
) -> ChangeTest:
    r"""Two-sided Welch t-test of the difference between two period means.

    .. math::

        t = \frac{\bar x_2 - \bar x_1}{\sqrt{v_1 + v_2}}, \quad v_i = \frac{s_i^2}{n_i}, \qquad
        \nu = \frac{(v_1 + v_2)^2}{v_1^2 / (n_1 - 1) + v_2^2 / (n_2 - 1)}

    ``t`` and the p-value come from :func:`scipy.stats.ttest_ind_from_stats` with
    ``equal_var=False``; the interval is :math:`(\bar x_2 - \bar x_1) \pm t_{0.975,\nu}
    \sqrt{v_1 + v_2}`.

    Parameters
    ----------
    n1, mean1, sd1 : int, float, float
        Earlier (baseline) period: respondents, mean score, sample SD (``ddof=1``).
    n2, mean2, sd2 : int, float, float
        Later period.
    alpha : float
        Significance level in (0, 1).
    """
    for name, n in (("n1", n1), ("n2", n2)):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
            raise ValueError(f"{name} must be a whole number >= 2, got {n!r}")
    for name, v in (("mean1", mean1), ("sd1", sd1), ("mean2", mean2), ("sd2", sd2)):
        if not math.isfinite(v):
            raise ValueError(f"{name} must be finite, got {v!r}")
    if sd1 < 0 or sd2 < 0:
        raise ValueError("standard deviations must be >= 0")
    if sd1 == 0 and sd2 == 0:
        raise ValueError("both periods have zero spread: the t-test is undefined")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    se = math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    res = stats.ttest_ind_from_stats(mean2, sd2, n2, mean1, sd1, n1, equal_var=False)
    diff = mean2 - mean1
    half = float(stats.t.ppf(0.975, df)) * se
    p = float(res.pvalue)
    return ChangeTest(
        difference=diff,
        t=float(res.statistic),
        df=df,
        p_value=p,
        ci95=(diff - half, diff + half),
        significant=p < alpha,
        alpha=alpha,
    )


def change_test_from_sums(
    first: tuple[int, float, float],
    second: tuple[int, float, float],
    *,
    alpha: float = 0.05,
) -> ChangeTest:
    """:func:`change_test` from ``(n, sum, sum of squares)`` of each period's respondent scores."""
    n1, mean1, sd1 = _stats(first)
    n2, mean2, sd2 = _stats(second)
    return change_test(n1, mean1, sd1, n2, mean2, sd2, alpha=alpha)


def _stats(triple: tuple[int, float, float]) -> tuple[int, float, float]:
    if len(triple) != 3:
        raise ValueError(f"expected (n, total, total_sq), got {triple!r}")
    n, total, total_sq = triple
    mean, sd = mean_sd(n, total, total_sq)
    return n, mean, sd
