"""Mean and Student t interval from (n, sum, sum of squares), checked against scipy on raw data."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from analysis.intervals import mean_ci, mean_sd


def _moments(x: np.ndarray) -> tuple[int, float, float]:
    return len(x), float(x.sum()), float((x * x).sum())


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_matches_scipy_on_raw_scores(seed: int, confidence: float) -> None:
    rng = np.random.default_rng(seed)
    n_resp = int(rng.integers(5, 400))
    # respondent score = mean over 9 elements (1..4), converted x 25
    answers = rng.integers(1, 5, size=(n_resp, 9))
    scores = answers.mean(axis=1) * 25
    expected = stats.t.interval(confidence, n_resp - 1, loc=scores.mean(), scale=stats.sem(scores))
    got = mean_ci(*_moments(scores), confidence=confidence)
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-9)


def test_factor_equals_converting_first() -> None:
    rng = np.random.default_rng(42)
    raw = rng.integers(1, 5, size=(120, 9)).mean(axis=1)  # on 1..4
    assert mean_ci(*_moments(raw), factor=25) == pytest.approx(
        mean_ci(*_moments(raw * 25)), rel=1e-12
    )


def test_hand_example() -> None:
    # scores 70, 80, 90: mean 80, s^2 = (100 + 0 + 100) / 2 = 100, s = 10, se = 10 / sqrt(3)
    # with 2 degrees of freedom the t quantile has a closed form, (2p - 1) / sqrt(2p(1 - p)):
    # t(0.975, 2) = 0.95 / sqrt(0.04875) = 4.3026527...; half width = 4.3026527 x 10 / sqrt(3)
    n, total, total_sq = 3, 240, 70**2 + 80**2 + 90**2
    assert mean_sd(n, total, total_sq) == (80.0, 10.0)
    lo, hi = mean_ci(n, total, total_sq)
    half = 0.95 / math.sqrt(2 * 0.975 * 0.025) * 10 / math.sqrt(3)
    assert (lo, hi) == pytest.approx((80 - half, 80 + half), rel=1e-12)


def test_integer_and_fraction_inputs_are_exact() -> None:
    # 1e8 + (0, 1, 2): float sums would lose the spread; integers keep it (s = 1)
    x = [10**8, 10**8 + 1, 10**8 + 2]
    assert mean_sd(3, sum(x), sum(v * v for v in x))[1] == 1.0
    # x = (1/2, 1/4): mean 3/8, s^2 = 5/16 - (3/4)^2 / 2 = 1/32
    assert mean_sd(2, Fraction(3, 4), Fraction(5, 16)) == (0.375, math.sqrt(1 / 32))


def test_zero_spread_gives_a_point_interval() -> None:
    # everyone 83.333...: float moments leave 8.5e-12 of rounding noise, which is not spread
    scores = np.full(7, 250 / 3)
    n, total, total_sq = _moments(scores)
    assert total_sq - total * total / n > 0
    assert mean_sd(n, total, total_sq)[1] == 0.0
    lo, hi = mean_ci(n, total, total_sq)
    assert lo == pytest.approx(250 / 3) and hi == pytest.approx(250 / 3)


def test_tiny_negative_variance_is_clipped() -> None:
    # three respondents at 83.333...: float sums give total_sq - total^2 / n = -3.6e-12
    scores = np.full(3, 250 / 3)
    n, total, total_sq = _moments(scores)
    assert total_sq - total * total / n < 0
    assert mean_sd(n, total, total_sq) == (pytest.approx(250 / 3), 0.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 80.0, 6400.0), "at least 2"),
        ((0, 0.0, 0.0), "at least 2"),
        ((2.0, 160.0, 12800.0), "whole number"),
        ((True, 80.0, 6400.0), "whole number"),
        ((3, 3.0, 1.0), "inconsistent"),
        ((3, 3, 2), "inconsistent"),
        ((3, math.nan, 1.0), "finite"),
        ((3, 1.0, math.inf), "finite"),
        ((3, 1.0, -1.0), ">= 0"),
    ],
)
def test_rejects(args: tuple[int, float, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci(*args)


@pytest.mark.parametrize("confidence", [0.0, 1.0, 95.0, -0.5])
def test_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        mean_ci(3, 240.0, 19400.0, confidence)


@pytest.mark.parametrize("factor", [0.0, -25.0, math.inf])
def test_rejects_bad_factor(factor: float) -> None:
    with pytest.raises(ValueError, match="factor"):
        mean_ci(3, 240.0, 19400.0, factor=factor)
