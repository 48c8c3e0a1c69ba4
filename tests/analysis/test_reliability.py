"""Cronbach's alpha and item statistics from moments: hand, published and independent checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis.reliability import (
    Reliability,
    interpret_alpha,
    reliability_from_item_totals,
    reliability_from_moments,
    reliability_from_rows,
)

# Four respondents, three items (1..5):
#   item1 1 2 3 4   mean 2.5  SS 5  var 5/3
#   item2 2 2 4 4   mean 3    SS 4  var 4/3
#   item3 1 3 3 5   mean 3    SS 8  var 8/3
#   total 4 7 10 13 mean 8.5  SS 45 var 15
# alpha = 3/2 x (1 - (17/3) / 15) = 3/2 x 28/45 = 14/15
# corrected item-total r (item vs the sum of the other two):
#   item1 vs 3 5 7 9:  exactly linear                      -> 1
#   item2 vs 2 5 6 9:  cross-deviations 8, SS 4 and 25     -> 8 / sqrt(100) = 0.8
#   item3 vs 3 4 7 8:  cross-deviations 10, SS 8 and 17    -> 10 / sqrt(136)
# alpha if deleted: 2 x (1 - (sum of the two item variances) / (variance of their sum)):
#   without item1: 2 x (1 - 4 / (20/3))  = 0.8
#   without item2: 2 x (1 - (13/3) / (25/3)) = 24/25
#   without item3: 2 x (1 - 3 / (17/3))  = 16/17
HAND_ROWS: list[list[float]] = [[1, 2, 1], [2, 2, 3], [3, 4, 3], [4, 4, 5]]
HAND_CODES = ["item1", "item2", "item3"]
# What a query returns: COUNT(*), SUM(x_i), SUM(x_i * x_j)
HAND_N = 4
HAND_SUMS = [10, 12, 12]
HAND_CROSS = [[30, 34, 36], [34, 40, 40], [36, 40, 44]]


def _check_hand(r: Reliability) -> None:
    assert (r.n, r.k) == (4, 3)
    assert r.alpha == pytest.approx(14 / 15, abs=1e-14)
    assert r.item_total == pytest.approx(
        {"item1": 1.0, "item2": 0.8, "item3": 10 / math.sqrt(136)}, abs=1e-14
    )
    assert r.alpha_if_deleted == pytest.approx(
        {"item1": 0.8, "item2": 24 / 25, "item3": 16 / 17}, abs=1e-14
    )


def test_hand_example_from_moments() -> None:
    _check_hand(reliability_from_moments(HAND_CODES, HAND_N, HAND_SUMS, HAND_CROSS))


def test_hand_example_from_rows() -> None:
    _check_hand(reliability_from_rows(HAND_CODES, HAND_ROWS))


def _item_totals(rows: np.ndarray) -> tuple[list[int], list[int], list[int], int]:
    """What per-cell roll-ups keep: item sums, item squares, item x total, total squared."""
    data = np.asarray(rows, dtype=np.int64)
    total = data.sum(axis=1)
    return ([int(v) for v in data.sum(axis=0)], [int(v) for v in (data * data).sum(axis=0)],
            [int(v) for v in (data * total[:, None]).sum(axis=0)], int((total * total).sum()))


def test_hand_example_from_item_totals() -> None:
    # The same sums as HAND_CROSS gives: its diagonal, its row sums and its total.
    sums, squares, item_total, total_sq = _item_totals(np.array(HAND_ROWS))
    assert squares == [30, 40, 44] and item_total == [100, 114, 120] and total_sq == 334
    _check_hand(reliability_from_item_totals(HAND_CODES, HAND_N, sums, squares, item_total,
                                             total_sq))


# pingouin's example dataset "cronbach_alpha" (15 subjects x 10 items, 1..7), columns Q1..Q10.
# pingouin.cronbach_alpha documents alpha = 0.591719 for it, "tested against the R package psych".
PINGOUIN_ITEMS = [
    [3, 5, 7, 2, 6, 1, 4, 2, 6, 5, 4, 4, 5, 6, 4],
    [2, 4, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 5, 5, 3],
    [4, 6, 5, 3, 6, 3, 5, 4, 5, 6, 5, 3, 6, 5, 5],
    [1, 3, 5, 3, 5, 4, 3, 3, 5, 4, 2, 2, 2, 4, 5],
    [4, 5, 6, 2, 4, 2, 5, 7, 1, 3, 5, 5, 3, 2, 3],
    [5, 1, 4, 2, 4, 5, 2, 2, 6, 5, 3, 3, 3, 2, 1],
    [1, 2, 3, 2, 4, 2, 1, 2, 5, 3, 2, 4, 2, 1, 3],
    [4, 5, 3, 6, 6, 3, 2, 4, 2, 1, 3, 2, 4, 4, 2],
    [3, 5, 6, 6, 7, 5, 4, 6, 3, 7, 4, 3, 4, 6, 3],
    [2, 5, 5, 3, 5, 2, 3, 5, 2, 2, 1, 4, 5, 5, 4],
]


def test_published_pingouin_example() -> None:
    rows = np.array(PINGOUIN_ITEMS).T
    r = reliability_from_rows([f"Q{i}" for i in range(1, 11)], rows)
    assert (r.n, r.k) == (15, 10)
    assert round(r.alpha, 6) == 0.591719
    assert interpret_alpha(r.alpha) == "poor"
    totals = reliability_from_item_totals([f"Q{i}" for i in range(1, 11)], 15,
                                          *_item_totals(rows))
    assert round(totals.alpha, 6) == 0.591719


def _independent(rows: np.ndarray) -> tuple[float, list[float], list[float]]:
    """Textbook formulas on raw data: variances of items and of the total score, ddof=1."""

    def alpha(x: np.ndarray) -> float:
        k = x.shape[1]
        return k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))

    total = rows.sum(axis=1)
    item_total = [np.corrcoef(rows[:, i], total - rows[:, i])[0, 1] for i in range(rows.shape[1])]
    deleted = [alpha(np.delete(rows, i, axis=1)) for i in range(rows.shape[1])]
    return alpha(rows), item_total, deleted


@pytest.mark.parametrize("seed", range(4))
def test_matches_independent_numpy_computation(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 250, 9
    latent = rng.normal(size=(n, 1))
    rows = np.clip(np.rint(2.5 + latent + rng.normal(scale=1.2, size=(n, k))), 1, 4)
    codes = [f"u{i}" for i in range(k)]
    alpha, item_total, deleted = _independent(rows)
    r = reliability_from_moments(
        codes, n, rows.sum(axis=0).astype(int), (rows.T @ rows).astype(int)
    )
    assert r.alpha == pytest.approx(alpha, abs=1e-12)
    assert list(r.item_total.values()) == pytest.approx(item_total, abs=1e-12)
    assert list(r.alpha_if_deleted.values()) == pytest.approx(deleted, abs=1e-12)
    assert list(r.item_total) == codes
    t = reliability_from_item_totals(codes, n, *_item_totals(rows))
    assert t.alpha == pytest.approx(alpha, abs=1e-12)
    assert list(t.item_total.values()) == pytest.approx(item_total, abs=1e-12)
    assert list(t.alpha_if_deleted.values()) == pytest.approx(deleted, abs=1e-12)


def test_negative_alpha_is_reported() -> None:
    # a 1 2 3 4 (var 5/3), b 4 3 2 1 (var 5/3), c 2 3 1 2 (var 2/3); totals 7 8 6 7 (var 2/3)
    # alpha = 3/2 x (1 - 4 / (2/3)) = 3/2 x (1 - 6) = -7.5
    r = reliability_from_rows(["a", "b", "c"], [[1, 4, 2], [2, 3, 3], [3, 2, 1], [4, 1, 2]])
    assert r.alpha == pytest.approx(-7.5, abs=1e-13)
    assert interpret_alpha(r.alpha) == "unacceptable"
    assert math.isnan(r.alpha_if_deleted["c"])  # a + b is constant: no variance left
    assert math.isnan(r.item_total["c"])  # ... so c cannot correlate with it


def test_zero_variance_item_gives_nan_correlation() -> None:
    # a 1 2 3 4 (var 5/3), b 2 3 3 4 (var 2/3), c always 4 (var 0); totals 7 9 10 12 (var 13/3)
    # alpha = 3/2 x (1 - (7/3) / (13/3)) = 9/13; without c: 2 x (1 - 7/13) = 12/13;
    # without a: b + c has the variance of b, so 2 x (1 - 1) = 0
    r = reliability_from_rows(["a", "b", "c"], [[1, 2, 4], [2, 3, 4], [3, 3, 4], [4, 4, 4]])
    assert r.alpha == pytest.approx(9 / 13, abs=1e-14)
    assert math.isnan(r.item_total["c"])
    assert r.item_total["a"] == pytest.approx(np.corrcoef([1, 2, 3, 4], [2, 3, 3, 4])[0, 1])
    assert r.alpha_if_deleted == pytest.approx({"a": 0.0, "b": 0.0, "c": 12 / 13}, abs=1e-14)


def test_two_items_have_no_alpha_if_deleted() -> None:
    r = reliability_from_rows(["a", "b"], [[1, 1], [2, 3], [3, 3], [4, 4]])
    assert all(math.isnan(v) for v in r.alpha_if_deleted.values())
    assert r.item_total["a"] == pytest.approx(np.corrcoef([1, 2, 3, 4], [1, 3, 3, 4])[0, 1])


def test_rows_with_missing_answers_are_dropped() -> None:
    rows: list[list[float]] = [*HAND_ROWS, [np.nan, 3, 3], [2, np.nan, np.nan]]
    _check_hand(reliability_from_rows(HAND_CODES, rows))


@pytest.mark.parametrize(
    ("codes", "n", "sums", "cross", "message"),
    [
        (HAND_CODES, 1, HAND_SUMS, HAND_CROSS, "at least 2 complete cases"),
        (HAND_CODES, 4.0, HAND_SUMS, HAND_CROSS, "at least 2 complete cases"),
        (HAND_CODES, True, HAND_SUMS, HAND_CROSS, "at least 2 complete cases"),
        (["a"], 4, [10], [[30]], "at least 2 items"),
        (["a", "a", "b"], 4, HAND_SUMS, HAND_CROSS, "unique"),
        (HAND_CODES, 4, [10, 12], HAND_CROSS, "shape"),
        (HAND_CODES, 4, HAND_SUMS, [[30, 34], [34, 40]], "shape"),
        (HAND_CODES, 4, HAND_SUMS, [[30, 34, 36], [34, 40, 40], [36, 41, 44]], "symmetric"),
        (HAND_CODES, 4, [10, 12, np.nan], HAND_CROSS, "finite"),
        (HAND_CODES, 4, HAND_SUMS, [[20, 34, 36], [34, 40, 40], [36, 40, 44]], "inconsistent"),
        (["a", "b"], 3, [6, 6], [[12, 12], [12, 12]], "no variance"),
    ],
)
def test_rejects(codes: list[str], n: int, sums: object, cross: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliability_from_moments(codes, n, sums, cross)  # type: ignore[arg-type]


def test_rows_reject_bad_shape_and_too_few_complete_cases() -> None:
    with pytest.raises(ValueError, match="shape"):
        reliability_from_rows(HAND_CODES, [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="shape"):
        reliability_from_rows(HAND_CODES, [1, 2, 3])
    with pytest.raises(ValueError, match="at least 2 complete cases"):
        reliability_from_rows(HAND_CODES, [[1.0, 2.0, 3.0], [1.0, np.nan, 3.0]])
    with pytest.raises(ValueError, match="finite"):
        reliability_from_rows(HAND_CODES, [[1.0, 2.0, 3.0], [1.0, np.inf, 3.0], [2.0, 2.0, 2.0]])


@pytest.mark.parametrize(
    ("alpha", "label"),
    [
        (0.95, "excellent"),
        (0.9, "excellent"),
        (0.8999, "good"),
        (0.8, "good"),
        (0.7, "acceptable"),
        (0.65, "questionable"),
        (0.6, "questionable"),
        (0.5, "poor"),
        (0.4999, "unacceptable"),
        (-0.3, "unacceptable"),
    ],
)
def test_interpret_alpha(alpha: float, label: str) -> None:
    assert interpret_alpha(alpha) == label


def test_interpret_alpha_rejects_nan() -> None:
    with pytest.raises(ValueError):
        interpret_alpha(math.nan)


def test_constant_remaining_items_give_nan_not_a_crash():
    # Items b and c never vary: leaving out a leaves no variance (alpha undefined -> nan).
    rows = [[1, 3, 3], [4, 3, 3], [2, 3, 3], [4, 3, 3]]
    rel = reliability_from_rows(["a", "b", "c"], rows)
    assert math.isnan(rel.alpha_if_deleted["a"])
    assert math.isnan(rel.item_total["b"]) and math.isnan(rel.item_total["c"])
