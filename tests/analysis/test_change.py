"""Welch's t-test of change between periods from aggregates, against scipy on raw data."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from analysis.change import ChangeTest, change_test, change_test_from_sums

BEFORE = [0.05, 0.15, 0.5, 0.3]  # chance of answering 1, 2, 3, 4
AFTER = [0.02, 0.1, 0.5, 0.38]


def _scores(rng: np.random.Generator, n: int, p: list[float]) -> np.ndarray:
    """Respondent scores: mean of 9 elements on 1..4, converted x 25."""
    return rng.choice([1, 2, 3, 4], size=(n, 9), p=p).mean(axis=1) * 25


@pytest.mark.parametrize("seed", range(6))
def test_matches_scipy_ttest_ind_on_raw_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    before = _scores(rng, int(rng.integers(10, 300)), BEFORE)
    after = _scores(rng, int(rng.integers(10, 300)), AFTER)
    ref = stats.ttest_ind(after, before, equal_var=False)
    ci = ref.confidence_interval(0.95)

    got = change_test(
        len(before), before.mean(), before.std(ddof=1), len(after), after.mean(), after.std(ddof=1)
    )
    assert got.difference == pytest.approx(after.mean() - before.mean(), abs=1e-12)
    assert got.t == pytest.approx(ref.statistic, rel=1e-10)
    assert got.df == pytest.approx(ref.df, rel=1e-10)
    assert got.p_value == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-300)
    assert got.ci95 == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert got.significant == (ref.pvalue < 0.05)

    sums = change_test_from_sums(
        (len(before), float(before.sum()), float((before**2).sum())),
        (len(after), float(after.sum()), float((after**2).sum())),
    )
    assert sums.t == pytest.approx(ref.statistic, rel=1e-8)
    assert sums.p_value == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-300)
    assert sums.ci95 == pytest.approx((ci.low, ci.high), rel=1e-8)


def test_hand_example() -> None:
    # equal n = 5 and equal sd = 2: v1 = v2 = 4/5, se = sqrt(1.6), t = 2 / sqrt(1.6) = 1.5811...
    # df = 1.6^2 / (2 x 0.8^2 / 4) = 2.56 / 0.32 = 8
    r = change_test(5, 80.0, 2.0, 5, 82.0, 2.0)
    assert r.difference == 2.0
    assert r.t == pytest.approx(2 / math.sqrt(1.6))
    assert r.df == pytest.approx(8.0)
    assert r.p_value == pytest.approx(2 * stats.t.sf(2 / math.sqrt(1.6), 8))
    half = stats.t.ppf(0.975, 8) * math.sqrt(1.6)
    assert r.ci95 == pytest.approx((2 - half, 2 + half))
    assert r.significant is False and r.alpha == 0.05


def test_direction_and_significance() -> None:
    drop = change_test(400, 85.0, 8.0, 400, 80.0, 8.0)
    assert drop.difference == -5.0 and drop.t < 0 and drop.significant
    assert drop.ci95[1] < 0
    assert change_test(400, 85.0, 8.0, 400, 84.0, 8.0, alpha=0.01).significant is False


def test_one_period_without_spread() -> None:
    # sd1 = 0: Welch reduces to a one-sample test against mean1 with df = n2 - 1
    r = change_test(10, 80.0, 0.0, 10, 82.0, 3.0)
    assert r.df == pytest.approx(9.0)
    assert r.t == pytest.approx(2 / (3 / math.sqrt(10)))


def test_result_is_frozen() -> None:
    r = change_test(5, 80.0, 2.0, 5, 82.0, 2.0)
    assert isinstance(r, ChangeTest)
    with pytest.raises(AttributeError):
        r.t = 0.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1, 80.0, 2.0, 5, 82.0, 2.0), {}, "n1"),
        ((5, 80.0, 2.0, 1, 82.0, 2.0), {}, "n2"),
        ((5.0, 80.0, 2.0, 5, 82.0, 2.0), {}, "n1"),
        ((5, 80.0, -2.0, 5, 82.0, 2.0), {}, ">= 0"),
        ((5, 80.0, 0.0, 5, 82.0, 0.0), {}, "zero spread"),
        ((5, math.nan, 2.0, 5, 82.0, 2.0), {}, "finite"),
        ((5, 80.0, 2.0, 5, 82.0, math.inf), {}, "finite"),
        ((5, 80.0, 2.0, 5, 82.0, 2.0), {"alpha": 0.0}, "alpha"),
        ((5, 80.0, 2.0, 5, 82.0, 2.0), {"alpha": 1.5}, "alpha"),
    ],
)
def test_rejects(args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        change_test(*args, **kwargs)


def test_from_sums_rejects() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        change_test_from_sums((1, 80.0, 6400.0), (5, 400.0, 32020.0))
    with pytest.raises(ValueError, match=r"\(n, total, total_sq\)"):
        change_test_from_sums((5, 400.0), (5, 400.0, 32020.0))  # type: ignore[arg-type]
