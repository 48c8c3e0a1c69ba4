"""Confidence interval of a mean from aggregates (n, sum, sum of squares).

A database can return ``COUNT(*), SUM(score), SUM(score * score)`` over respondents, where a
respondent's score is the mean of the elements they answered; this module turns those three
numbers into a mean, a sample standard deviation and a Student t interval.

References
----------
Chan, T. F., Golub, G. H., & LeVeque, R. J. (1983). Algorithms for computing the sample variance:
analysis and recommendations. The American Statistician, 37(3), 242-247 (the cancellation in the
sum-of-squares formula handled here).
NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.5.2, Confidence limits for the mean.
"""

from __future__ import annotations

import math
import numbers
import sys
from fractions import Fraction

from scipy import stats

__all__ = ["mean_ci", "mean_sd"]

# Rounding error of a float sum of n terms is at most about n * eps of the sum (naive order, as a
# database may add), so total_sq - total^2/n carries an error up to about 2 n eps total_sq; with a
# safety margin anything inside 64 n eps total_sq is indistinguishable from zero spread.
_NOISE = 64 * sys.float_info.epsilon


def _is_exact(*xs: object) -> bool:
    return all(isinstance(x, numbers.Rational) and not isinstance(x, bool) for x in xs)


def _fraction(x: numbers.Rational) -> Fraction:
    return Fraction(int(x)) if isinstance(x, numbers.Integral) else Fraction(x)


def mean_sd(n: int, total: float | Fraction, total_sq: float | Fraction) -> tuple[float, float]:
    r"""Mean and sample standard deviation (``ddof=1``) from count, sum and sum of squares.

    .. math::

        \bar x = \frac{\sum x}{n}, \qquad
        s^2 = \frac{\sum x^2 - (\sum x)^2 / n}{n - 1}

    With integer (or Fraction) inputs the numerator is computed exactly. With floats it cancels
    when all scores are (nearly) equal and may even come out negative: a numerator within the
    rounding noise of the sums, :math:`|\cdot| \le 64\, n\, \varepsilon \sum x^2`, is taken as
    0 (zero spread); one below minus that is an inconsistent input (``ValueError``).
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise ValueError(f"n must be a whole number, got {n!r}")
    if n < 2:
        raise ValueError(f"need at least 2 respondents for a standard deviation, got n={n}")
    if not (math.isfinite(total) and math.isfinite(total_sq)):
        raise ValueError("total and total_sq must be finite")
    if total_sq < 0:
        raise ValueError(f"total_sq must be >= 0, got {total_sq}")
    if _is_exact(total, total_sq):
        ss = float(_fraction(total_sq) - _fraction(total) ** 2 / int(n))
        floor = 0.0
    else:
        ss = float(total_sq) - float(total) * float(total) / n
        floor = _NOISE * n * float(total_sq)
    if ss < -floor:
        raise ValueError(
            f"inconsistent moments: total_sq={total_sq} < total^2/n={total * total / n}"
        )
    if ss <= floor:
        ss = 0.0
    return float(total / n), math.sqrt(ss / (n - 1))


def mean_ci(
    n: int,
    total: float | Fraction,
    total_sq: float | Fraction,
    confidence: float = 0.95,
    *,
    factor: float = 1.0,
) -> tuple[float, float]:
    r"""Student t confidence interval of the mean from aggregates.

    .. math::

        \bar x \pm t_{1 - (1 - c)/2,\; n - 1} \, \frac{s}{\sqrt n}

    Parameters
    ----------
    n : int
        Number of respondents (>= 2).
    total, total_sq : float
        Sum and sum of squares of the respondent scores.
    confidence : float
        Coverage in (0, 1); 0.95 by default.
    factor : float
        Multiplies the interval, so scores on the 1..4 scale give an interval on the converted
        scale with ``factor=25`` (equivalent to converting each score first). Default 1: the
        scores are already converted.

    Returns
    -------
    (float, float)
        Lower and upper bound, unrounded. Zero spread gives ``(mean, mean)``.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"factor must be positive and finite, got {factor}")
    mean, sd = mean_sd(n, total, total_sq)
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half) * factor, (mean + half) * factor
