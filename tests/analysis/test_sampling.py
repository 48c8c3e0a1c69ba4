"""Krejcie & Morgan (1970) sample sizes against the published table, and the adequacy check."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.sampling import SampleCheck, krejcie_morgan, sample_check

# Krejcie & Morgan (1970), Table 1 (N -> S). Each entry was checked against the formula with
# X2 = 3.841, P = 0.5, d = 0.05; the unrounded value is in the comment.
PUBLISHED = {
    10: 10,  # 9.77
    15: 14,  # 14.47
    20: 19,  # 19.06
    30: 28,  # 27.89
    50: 44,  # 44.34
    75: 63,  # 62.88
    100: 80,  # 79.51
    150: 108,  # 108.08
    200: 132,  # 131.74
    210: 136,  # 135.999
    300: 169,  # 168.69
    400: 196,  # 196.19
    500: 217,  # 217.47
    750: 254,  # 254.24
    1000: 278,  # 277.71
    1500: 306,  # 305.96
    2000: 322,  # 322.35
    3000: 341,  # 340.60
    5000: 357,  # 356.76
    9000: 368,  # 368.42
    10000: 370,  # 369.93
    20000: 377,  # 376.88
    50000: 381,  # 381.18
    75000: 382,  # 382.15
    1000000: 384,  # 383.95
}


@pytest.mark.parametrize(("population", "published"), sorted(PUBLISHED.items()))
def test_reproduces_published_table(population: int, published: int) -> None:
    assert krejcie_morgan(population) == published


def test_100000_follows_the_formula_not_the_reprints() -> None:
    """N = 100,000 gives 382.63, so 383, not the 384 that some reprints of Table 1 show.

    The table's last row, as usually reproduced from the original, is 1,000,000 -> 384 (formula:
    383.95); 384 is also the infinite-population limit, 3.841 x 0.25 / 0.0025 = 384.1. A
    "100000 -> 384" row therefore reads as a transcription of that last row: it does not follow
    from the formula with X2 = 3.841 (382.63) nor with X2 = 1.96^2 = 3.8416 (382.69), and every
    other row checked here does. The formula, which the regulation prescribes, wins.
    """
    assert krejcie_morgan(100_000) == 383
    assert krejcie_morgan(10**9) == 384


def test_exact_half_rounds_up() -> None:
    # chi2 = 3, P = 0.5, d = 0.5: S = 0.75 N / (0.25 (N - 1) + 0.75) = 3N / (N + 2);
    # N = 10 -> 30 / 12 = 2.5 exactly -> 3 (round() would give 2, half to even)
    assert krejcie_morgan(10, chi2=3, p=0.5, d=0.5) == 3
    assert krejcie_morgan(2, chi2=3, p=0.5, d=0.5) == 2  # 6 / 4 = 1.5 -> 2


def test_never_more_than_population_and_non_decreasing() -> None:
    sizes = [krejcie_morgan(n) for n in range(1, 3001)]
    assert all(s <= n for n, s in zip(range(1, 3001), sizes, strict=True))
    assert sizes == sorted(sizes)
    assert krejcie_morgan(1) == 1


def test_other_parameters() -> None:
    # 99 %: chi2 = 6.635; N = 1000: 6.635 x 250 / (0.0025 x 999 + 1.65875) = 399.09 -> 399
    assert krejcie_morgan(1000, chi2=6.635) == 399
    assert krejcie_morgan(np.int64(1000)) == 278  # type: ignore[arg-type]


@pytest.mark.parametrize("population", [0, -5, 100.0, "100", True, None])
def test_rejects_bad_population(population: object) -> None:
    with pytest.raises(ValueError, match="population"):
        krejcie_morgan(population)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs", [{"chi2": 0}, {"p": 0}, {"p": 1}, {"d": 0}, {"d": float("nan")}, {"chi2": -1}]
)
def test_rejects_bad_parameters(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        krejcie_morgan(100, **kwargs)


def test_sample_check() -> None:
    assert sample_check(1000, 300) == SampleCheck(1000, 278, 300, True)
    assert sample_check(1000, 278) == SampleCheck(1000, 278, 278, True)
    assert sample_check(1000, 277) == SampleCheck(1000, 278, 277, False)
    assert sample_check(None, 12) == SampleCheck(None, None, 12, None)


@pytest.mark.parametrize(("population", "collected"), [(100, -1), (100, 2.0), (0, 5), (1.5, 5)])
def test_sample_check_rejects(population: object, collected: object) -> None:
    with pytest.raises(ValueError):
        sample_check(population, collected)  # type: ignore[arg-type]
