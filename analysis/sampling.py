"""Minimum sample size for a finite population (Krejcie & Morgan, 1970) and an adequacy check.

References
----------
Krejcie, R. V., & Morgan, D. W. (1970). Determining sample size for research activities.
Educational and Psychological Measurement, 30(3), 607-610.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["SampleCheck", "krejcie_morgan", "sample_check"]


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _exact(x: float) -> Fraction:
    """The decimal the caller wrote (3.841, not its binary neighbour) as an exact fraction."""
    return Fraction(repr(float(x)))


def krejcie_morgan(population: int, *, chi2: float = 3.841, p: float = 0.5, d: float = 0.05) -> int:
    r"""Required sample size for a population of ``population`` units.

    .. math::

        S = \frac{\chi^2 N P (1 - P)}{d^2 (N - 1) + \chi^2 P (1 - P)}

    rounded half-up to the nearest whole number. The arithmetic is exact (rational), so a value
    lying exactly on .5 rounds up whatever the binary representation.

    Parameters
    ----------
    population : int
        N, the number of service users in the period (>= 1).
    chi2 : float
        Chi-square for 1 degree of freedom at the confidence level (3.841 for 95 %).
    p : float
        Population proportion, 0.5 for the largest sample.
    d : float
        Degree of accuracy (margin of error) as a proportion.

    Returns
    -------
    int
        S; never more than N.

    Notes
    -----
    The defaults reproduce Table 1 of Krejcie & Morgan (1970) (10 -> 10, 100 -> 80,
    1,000 -> 278, 10,000 -> 370, 1,000,000 -> 384), except that many reprints list
    100,000 -> 384 where the formula gives 382.63 -> 383: see ``tests/analysis/test_sampling.py``.

    Examples
    --------
    >>> krejcie_morgan(1000)
    278
    """
    if not _is_int(population):
        raise ValueError(f"population must be a whole number, got {population!r}")
    if population < 1:
        raise ValueError(f"population must be at least 1, got {population}")
    for name, value in (("chi2", chi2), ("p", p), ("d", d)):
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if chi2 <= 0 or d <= 0 or not 0 < p < 1:
        raise ValueError("need chi2 > 0, d > 0 and 0 < p < 1")
    x2, pq, dd = _exact(chi2), _exact(p) * (1 - _exact(p)), _exact(d) ** 2
    n = Fraction(int(population))
    s = x2 * n * pq / (dd * (n - 1) + x2 * pq)
    return math.floor(s + Fraction(1, 2))


@dataclass(frozen=True)
class SampleCheck:
    """Collected versus required; ``required``/``adequate`` are None when N is unknown."""

    population: int | None
    required: int | None
    collected: int
    adequate: bool | None


def sample_check(population: int | None, collected: int) -> SampleCheck:
    """Compare the number of questionnaires collected with the Krejcie & Morgan minimum.

    Parameters
    ----------
    population : int or None
        N for the service and period, or None when the unit has not entered it.
    collected : int
        Questionnaires collected (>= 0).
    """
    if not _is_int(collected) or collected < 0:
        raise ValueError(f"collected must be a whole number >= 0, got {collected!r}")
    if population is None:
        return SampleCheck(None, None, int(collected), None)
    required = krejcie_morgan(population)
    return SampleCheck(int(population), required, int(collected), collected >= required)
