"""IKM computation: hand-worked cases, omitted elements, weights modes, categories, bad input."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analysis.index import (
    IKM_CATEGORIES,
    Category,
    CategoryLike,
    ElementStat,
    Weights,
    classify,
    compute_index,
    round_half_up,
    zi_basis,
)

CODES = [
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "kompetensi",
    "perilaku",
    "pengaduan",
    "sarana",
]

# Ten questionnaires; value -> count per element, as GROUP BY element, value returns them.
#   persyaratan  3x6 + 4x4             = 34 / 10 = 3.4
#   prosedur     2x1 + 3x5 + 4x4       = 33 / 10 = 3.3
#   waktu        2x2 + 3x6 + 4x2       = 30 / 10 = 3.0
#   biaya        4x10                  = 40 / 10 = 4.0
#   produk       3x7 + 4x3             = 33 / 10 = 3.3
#   kompetensi   3x5 + 4x5             = 35 / 10 = 3.5
#   perilaku     3x4 + 4x6             = 36 / 10 = 3.6
#   pengaduan    1x1 + 2x3 + 3x4 + 4x2 = 27 / 10 = 2.7
#   sarana       2x1 + 3x6 + 4x3       = 32 / 10 = 3.2
# sum of NRR = 30.0; IKM = 30.0 / 9 = 3.3333...; converted = 83.3333... -> B (Baik)
COUNTS = {
    "persyaratan": {3: 6, 4: 4},
    "prosedur": {2: 1, 3: 5, 4: 4},
    "waktu": {2: 2, 3: 6, 4: 2},
    "biaya": {4: 10},
    "produk": {3: 7, 4: 3},
    "kompetensi": {3: 5, 4: 5},
    "perilaku": {3: 4, 4: 6},
    "pengaduan": {1: 1, 2: 3, 3: 4, 4: 2},
    "sarana": {2: 1, 3: 6, 4: 3},
}
NRR = [3.4, 3.3, 3.0, 4.0, 3.3, 3.5, 3.6, 2.7, 3.2]


def test_hand_computed_ikm() -> None:
    r = compute_index(COUNTS, CODES)
    assert [e.code for e in r.elements] == CODES
    assert [e.n for e in r.elements] == [10] * 9
    assert [e.total for e in r.elements] == [34, 33, 30, 40, 33, 35, 36, 27, 32]
    assert [e.nrr for e in r.elements] == pytest.approx(NRR, abs=1e-15)
    assert all(e.weight == 1 / 9 for e in r.elements)
    assert [e.nrr_weighted for e in r.elements] == pytest.approx([x / 9 for x in NRR])
    assert r.index == pytest.approx(30 / 9, abs=1e-14)
    assert r.converted == pytest.approx(250 / 3, abs=1e-12)  # 3.3333... x 25 = 83.3333...
    assert r.category.letter == "B" and r.category.kinerja_id == "Baik"
    assert r.weights == "exact" and r.omitted == ()
    assert (r.scale_min, r.scale_max) == (1, 4)


def test_display_order_follows_codes_and_pairs_are_accepted() -> None:
    order = list(reversed(CODES))
    pairs = {c: (sum(v.values()), sum(k * n for k, n in v.items())) for c, v in COUNTS.items()}
    r = compute_index(pairs, order)  # (COUNT(value), SUM(value)) per element
    assert [e.code for e in r.elements] == order
    assert r.index == pytest.approx(compute_index(COUNTS, CODES).index, abs=1e-15)


def test_numpy_integers_from_a_driver_are_accepted() -> None:
    counts = {c: {np.int64(k): np.int64(n) for k, n in v.items()} for c, v in COUNTS.items()}
    r = compute_index(counts, CODES)  # type: ignore[arg-type]
    assert r.converted == pytest.approx(250 / 3, abs=1e-12)
    assert type(r.elements[0].n) is int


def test_compat_weights_on_hand_case() -> None:
    # 30.0 x 0.111 = 3.33; x 25 = 83.25 (the exact index gives 83.333...)
    r = compute_index(COUNTS, CODES, weights="compat-0.111")
    assert r.weights == "compat-0.111"
    assert all(e.weight == 0.111 for e in r.elements)
    assert r.index == pytest.approx(3.33, abs=1e-12)
    assert r.converted == pytest.approx(83.25, abs=1e-10)


def test_element_nobody_answered_is_omitted_and_weight_spread_over_eight() -> None:
    counts = {**COUNTS, "sarana": {}}
    # sum of the other eight NRR = 30.0 - 3.2 = 26.8; IKM = 26.8 / 8 = 3.35; x 25 = 83.75
    r = compute_index(counts, CODES)
    assert r.omitted == ("sarana",)
    sarana = r.elements[-1]
    assert (sarana.n, sarana.total, sarana.nrr, sarana.weight, sarana.nrr_weighted) == (
        0,
        0,
        None,
        0.0,
        None,
    )
    assert all(e.weight == 0.125 for e in r.elements[:-1])
    assert r.index == pytest.approx(3.35, abs=1e-14)
    assert r.converted == pytest.approx(83.75, abs=1e-12)
    # absent key, zero counts and an explicit (0, 0) pair all mean "nobody answered"
    variants: list[dict[str, Any]] = [
        {k: v for k, v in COUNTS.items() if k != "sarana"},
        {**COUNTS, "sarana": {3: 0}},
        {**COUNTS, "sarana": (0, 0)},
    ]
    for unanswered in variants:
        assert compute_index(unanswered, CODES).converted == r.converted


def test_nrr_is_over_the_answers_given() -> None:
    # pengaduan answered by 4 of 10: 2x1 + 3x3 = 11 / 4 = 2.75, not 11 / 10
    r = compute_index({**COUNTS, "pengaduan": {2: 1, 3: 3}}, CODES)
    e = r.elements[CODES.index("pengaduan")]
    assert (e.n, e.total, e.nrr) == (4, 11, 2.75)
    # sum of NRR = 30.0 - 2.7 + 2.75 = 30.05; / 9 x 25 = 83.4722...
    assert r.converted == pytest.approx(30.05 / 9 * 25, abs=1e-12)


def test_perfect_score_exact_is_100_and_compat_is_99_9() -> None:
    all4 = {c: {4: 37} for c in CODES}
    exact = compute_index(all4, CODES)
    assert exact.index == 4.0 and exact.converted == 100.0  # exactly, not approximately
    assert exact.category.letter == "A"
    compat = compute_index(all4, CODES, weights="compat-0.111")
    assert abs(compat.index - 3.996) < 1e-12
    assert abs(compat.converted - 99.9) < 1e-9
    assert round_half_up(compat.converted) == 99.9


def test_lowest_possible_score() -> None:
    r = compute_index({c: {1: 5} for c in CODES}, CODES)
    assert (r.index, r.converted, r.category.letter) == (1.0, 25.0, "D")


def test_unrounded_nrr_keeps_the_category() -> None:
    # Every element: 29 x 3 + 2 x 4 = 95 over 31 answers; NRR = 3.064516...
    # IKM x 25 = 76.6129... -> 76.61 -> B. A peer that rounds NRR first gets 3.06 x 25 = 76.50 -> C.
    r = compute_index({c: {3: 29, 4: 2} for c in CODES}, CODES)
    assert r.converted == pytest.approx(95 / 31 * 25, abs=1e-12)
    assert r.category.letter == "B"
    assert classify(round_half_up(95 / 31) * 25).letter == "C"


def test_six_point_scale_conversion() -> None:
    codes = ["s1", "s2"]
    # s1: 5x2 + 6x2 = 22 / 4 = 5.5; s2: 4 + 5 = 9 / 2 = 4.5; index = (5.5 + 4.5) / 2 = 5.0
    # converted = 5.0 / 6 x 100 = 83.333... (not 5.0 x 25 = 125)
    r = compute_index({"s1": {5: 2, 6: 2}, "s2": {4: 1, 5: 1}}, codes, scale=(1, 6))
    assert r.index == 5.0
    assert r.converted == pytest.approx(500 / 6, abs=1e-12)
    assert (r.scale_min, r.scale_max, r.category.letter) == (1, 6, "B")
    top = compute_index({"s1": {6: 3}, "s2": {6: 1}}, codes, scale=(1, 6))
    assert top.converted == 100.0
    assert zi_basis(r.index, 6) == pytest.approx(5.0 / 6 * 4)


def test_explicit_conversion_factor() -> None:
    r = compute_index(COUNTS, CODES, conversion_factor=20.0)
    assert r.converted == pytest.approx(30 / 9 * 20, abs=1e-12)


def test_custom_category_table_as_tuples() -> None:
    table: list[CategoryLike] = [("X", 0.0, "Lain"), ("Y", 80.0, "Tinggi", "High")]
    r = compute_index(COUNTS, CODES, categories=table)
    assert r.category == Category("Y", 80.0, "Y", "Tinggi", "High")
    assert classify(79.995, table).letter == "Y"  # 79.995 rounds half-up to 80.00
    assert classify(79.9949, table) == Category("X", 0.0, "X", "Lain", "Lain")


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        (100.0, "A"),
        (88.31, "A"),
        (88.30, "B"),
        (88.305, "A"),  # half-up: 88.305 -> 88.31
        (88.3049999, "B"),
        (76.61, "B"),
        (76.60, "C"),
        (76.6049, "C"),  # 76.6049 -> 76.60, no double rounding via 76.605
        (76.605, "B"),
        (65.00, "C"),
        (64.995, "C"),
        (64.99, "D"),
        (25.0, "D"),
        (16.67, "D"),  # below the table (a 1..6 index of 1): the lowest category takes it
    ],
)
def test_category_boundaries(value: float, letter: str) -> None:
    assert classify(value).letter == letter


def test_category_table_labels() -> None:
    assert [(c.letter, c.lower, c.mutu, c.kinerja_id, c.kinerja_en) for c in IKM_CATEGORIES] == [
        ("A", 88.31, "A", "Sangat Baik", "Very good"),
        ("B", 76.61, "B", "Baik", "Good"),
        ("C", 65.00, "C", "Kurang Baik", "Poor"),
        ("D", 25.00, "D", "Tidak Baik", "Very poor"),
    ]


@pytest.mark.parametrize(
    ("x", "ndigits", "expected"),
    [
        (88.305, 2, 88.31),
        (76.6049, 2, 76.6),
        (2.675, 2, 2.68),  # round() gives 2.67: the binary value is 2.67499999...
        (0.125, 2, 0.13),  # round() gives 0.12: half to even
        (-1.005, 2, -1.01),  # half away from zero
        (83.33333, 0, 83.0),
        (3.06445, 4, 3.0645),
    ],
)
def test_round_half_up(x: float, ndigits: int, expected: float) -> None:
    assert round_half_up(x, ndigits) == expected


def test_zi_basis() -> None:
    assert zi_basis(3.25, 4) == 3.25
    assert zi_basis(4.5, 6) == 3.0
    assert zi_basis(6, 6) == 4.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": {c: {} for c in CODES}}, "no answers in this selection"),
        ({"counts": {}}, "no answers in this selection"),
        ({"counts": {**COUNTS, "biaya": {5: 1}}}, "outside the scale 1..4"),
        ({"counts": {**COUNTS, "biaya": {0: 1}}}, "outside the scale"),
        ({"counts": {**COUNTS, "biaya": {4: -1}}}, "negative count"),
        ({"counts": {**COUNTS, "biaya": (-1, 0)}}, "negative count"),
        ({"counts": {**COUNTS, "biaya": {4: 1.0}}}, "counts must be integers"),
        ({"counts": {**COUNTS, "biaya": {4: True}}}, "counts must be integers"),
        ({"counts": {**COUNTS, "biaya": {4.0: 1}}}, "values must be integers"),
        ({"counts": {**COUNTS, "biaya": (2, 9)}}, "impossible"),
        ({"counts": {**COUNTS, "biaya": (2, 1)}}, "impossible"),
        ({"counts": {**COUNTS, "biaya": (2.0, 6)}}, "must be integers"),
        ({"counts": {**COUNTS, "biaya": "4"}}, "expected a value->count mapping"),
        ({"counts": {**COUNTS, "tarif": {4: 1}}}, "not in the instrument"),
        ({"weights": "0.111"}, "unknown weights mode"),
        ({"codes": []}, "codes must not be empty"),
        ({"codes": [*CODES, "biaya"]}, "duplicate element codes"),
        ({"counts": {**COUNTS, "sarana": {}}, "weights": "compat-0.111"}, "exactly 9 answered"),
        ({"scale": (4, 1)}, "scale"),
        ({"scale": (1.0, 4)}, "scale"),
        ({"conversion_factor": 0.0}, "conversion_factor"),
        ({"conversion_factor": math.nan}, "conversion_factor"),
        ({"categories": []}, "categories must not be empty"),
        ({"categories": [("A", 0.0)]}, "a category is"),
    ],
)
def test_compute_index_rejects(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"counts": COUNTS, "codes": CODES, **kwargs}
    counts, codes = args.pop("counts"), args.pop("codes")
    with pytest.raises(ValueError, match=message):
        compute_index(counts, codes, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        classify(bad)
    with pytest.raises(ValueError, match="non-finite"):
        round_half_up(bad)
    with pytest.raises(ValueError, match="outside"):
        zi_basis(bad, 4)


@pytest.mark.parametrize(("index", "scale_max"), [(4.1, 4), (-0.1, 4), (3.0, 1), (3.0, 4.0)])
def test_zi_basis_rejects(index: float, scale_max: int) -> None:
    with pytest.raises(ValueError):
        zi_basis(index, scale_max)


def test_results_are_frozen() -> None:
    r = compute_index(COUNTS, CODES)
    with pytest.raises(AttributeError):
        r.index = 0.0  # type: ignore[misc]
    assert isinstance(r.elements[0], ElementStat)


def test_declared_item_weights_are_used_and_renormalised():
    from analysis.index import compute_index as ci

    counts = {"a": {4: 2}, "b": {2: 2}, "c": {}}
    # weights 0.5/0.3/0.2; c unanswered -> a 0.5/0.8, b 0.3/0.8: index = 4*0.625 + 2*0.375 = 3.25
    r = ci(counts, ["a", "b", "c"], item_weights={"a": 0.5, "b": 0.3, "c": 0.2})
    assert r.weights == "declared" and r.omitted == ("c",)
    assert r.index == pytest.approx(3.25, abs=1e-12) and r.converted == pytest.approx(81.25)
    with pytest.raises(ValueError, match="sum to 1"):
        ci(counts, ["a", "b", "c"], item_weights={"a": 0.5, "b": 0.3, "c": 0.3})


def test_value_exactly_on_a_half_cent_is_not_lost_to_float_error():
    """40 answers per element with these totals: sum of NRR = 1251/40, converted
    = 1251/40/9*25 = 86.875 exactly, shown as 86.88 (half up). Summing the float NRRs gives
    86.87499999999999, which would print 86.87."""
    totals = [138, 133, 151, 135, 131, 151, 147, 136, 129]
    codes = [f"e{i}" for i in range(9)]
    naive = math.fsum(t / 40 for t in totals) / 9 * 25
    assert round_half_up(naive, 2) == 86.87  # the trap this guards against
    result = compute_index({c: (40, t) for c, t in zip(codes, totals)}, codes)
    assert result.converted == 86.875
    assert round_half_up(result.converted, 2) == 86.88
    assert result.category.letter == "B"


def test_half_cent_on_the_a_boundary_is_a():
    """Converted 88.305 exactly rounds to 88.31: A. Sum of NRR = 9 * 88.305 / 25 = 31.7898;
    nine elements answered by 10_000 people with totals summing to 317_898."""
    codes = [f"e{i}" for i in range(9)]
    totals = [35_322] * 8 + [317_898 - 8 * 35_322]
    result = compute_index({c: (10_000, t) for c, t in zip(codes, totals)}, codes)
    assert round_half_up(result.converted, 2) == 88.31
    assert result.category.letter == "A"


@given(st.lists(st.dictionaries(st.integers(1, 4), st.integers(0, 10**6), max_size=4),
                min_size=9, max_size=9),
       st.sampled_from([Weights.EXACT, Weights.COMPAT]))
def test_integer_arithmetic_equals_the_rational_reference(
    tables: list[dict[int, int]], weights: str
) -> None:
    """The index sums over a common denominator; every figure equals the plain rational
    computation (one Fraction per element), rounded to the nearest float once."""
    codes = [f"e{i}" for i in range(9)]
    counts = dict(zip(codes, tables, strict=True))
    totals = {c: (sum(t.values()), sum(v * n for v, n in t.items())) for c, t in counts.items()}
    answered = [c for c in codes if totals[c][0]]
    assume(answered and (weights == Weights.EXACT or len(answered) == 9))
    w = Fraction(1, len(answered)) if weights == Weights.EXACT else Fraction("0.111")
    index = sum((Fraction(totals[c][1], totals[c][0]) * w for c in answered), Fraction(0))
    r = compute_index(counts, codes, weights=weights)
    assert r.index == float(index) and r.converted == float(index * 25)
    for e in r.elements:
        n, total = totals[e.code]
        assert e.nrr == (float(Fraction(total, n)) if n else None)
        assert e.nrr_weighted == (float(Fraction(total, n) * w) if n else None)
