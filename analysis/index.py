"""Survey indices (IKM and friends): NRR per element, weighted index, conversion and category.

References
----------
PermenPAN-RB No. 14 Tahun 2017, Pedoman Penyusunan Survei Kepuasan Masyarakat Unit Penyelenggara
Pelayanan Publik, Lampiran (pengolahan data: NRR, bobot rata-rata tertimbang, konversi x 25, and
the table of nilai persepsi, interval, interval konversi, mutu pelayanan and kinerja unit).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "IKM_CATEGORIES",
    "Category",
    "CategoryLike",
    "ElementStat",
    "IndexResult",
    "Weights",
    "classify",
    "compute_index",
    "round_half_up",
    "zi_basis",
]



class Weights(StrEnum):
    """The weights modes an index is computed with (equal to their strings: "exact", ...)."""

    EXACT = "exact"  # 1/k over the k answered elements (the regulation)
    COMPAT = "compat-0.111"  # 0.111 each, as older reports did; needs exactly 9 elements
    DECLARED = "declared"  # the instrument's own weights (a result's mode, never asked for)


COMPAT_WEIGHT = 0.111
COMPAT_ELEMENTS = 9  # the compat mode's 0.111 is 1/9 rounded
_COMPAT = Fraction("0.111")
WEIGHT_MODES = (Weights.EXACT, Weights.COMPAT)  # the modes a caller may ask for


@dataclass(frozen=True)
class Category:
    """One row of a category table: the lowest converted value that earns it, and its labels.

    ``mutu`` is the regulation's "mutu pelayanan" column, which for IKM is the letter itself.
    """

    letter: str
    lower: float
    mutu: str
    kinerja_id: str
    kinerja_en: str


IKM_CATEGORIES: tuple[Category, ...] = (
    Category("A", 88.31, "A", "Sangat Baik", "Very good"),
    Category("B", 76.61, "B", "Baik", "Good"),
    Category("C", 65.00, "C", "Kurang Baik", "Poor"),
    Category("D", 25.00, "D", "Tidak Baik", "Very poor"),
)

CategoryLike = Category | tuple[str, float, str] | tuple[str, float, str, str]


def round_half_up(x: float, ndigits: int = 2) -> float:
    """Round ``x`` half away from zero at ``ndigits`` decimals, on its shortest decimal repr.

    ``round()`` rounds half to even and works on the binary value, so ``round(88.305, 2)`` gives
    88.3; reports in the field round half up on the printed decimal, so 88.305 -> 88.31.
    """
    if not math.isfinite(x):
        raise ValueError(f"cannot round a non-finite value: {x!r}")
    quantum = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(float(x))).quantize(quantum, rounding=ROUND_HALF_UP))


def _as_category(item: CategoryLike) -> Category:
    if isinstance(item, Category):
        return item
    if len(item) == 3:
        letter, lower, kinerja = item
        return Category(letter, float(lower), letter, kinerja, kinerja)
    if len(item) == 4:
        letter, lower, kinerja_id, kinerja_en = item
        return Category(letter, float(lower), letter, kinerja_id, kinerja_en)
    raise ValueError(f"a category is (letter, lower, kinerja[, kinerja_en]), got {item!r}")


def classify(converted: float, categories: Sequence[CategoryLike] = IKM_CATEGORIES) -> Category:
    """Category of a converted index value.

    The value is first rounded half-up to 2 decimals (:func:`round_half_up`), then the category
    with the highest lower bound ``<=`` the rounded value is chosen. The lowest category also
    takes anything below its own bound (the regulation's "else D").

    Parameters
    ----------
    converted : float
        Converted index, e.g. IKM x 25 on 25..100.
    categories : sequence of Category or (letter, lower, kinerja[, kinerja_en])
        Any order; other instruments may supply their own table.

    Examples
    --------
    >>> classify(88.305).letter, classify(76.6049).letter
    ('A', 'C')
    """
    table = sorted((_as_category(c) for c in categories), key=lambda c: c.lower, reverse=True)
    if not table:
        raise ValueError("categories must not be empty")
    rounded = round_half_up(converted, 2)
    for category in table:
        if rounded >= category.lower:
            return category
    return table[-1]


@dataclass(frozen=True)
class ElementStat:
    """Per-element statistics: ``nrr`` and ``nrr_weighted`` are None when nobody answered."""

    code: str
    n: int
    total: int
    nrr: float | None
    weight: float
    nrr_weighted: float | None


@dataclass(frozen=True)
class IndexResult:
    """Result of :func:`compute_index`; all numbers unrounded (round only for display)."""

    elements: tuple[ElementStat, ...]
    weights: str
    index: float
    converted: float
    category: Category
    omitted: tuple[str, ...]
    scale_min: int
    scale_max: int


def _is_int(x: object) -> bool:
    """True for Python and NumPy integers, False for bool (a SQL driver may hand either)."""
    return type(x) is int or (isinstance(x, numbers.Integral) and not isinstance(x, bool))


def _n_total(code: str, data: object, lo: int, hi: int) -> tuple[int, int]:
    """(number of answers, sum of values) from a value->count mapping or an (n, total) pair."""
    if isinstance(data, Mapping):
        n = total = 0
        for value, count in data.items():
            if not _is_int(value):
                raise ValueError(f"{code}: answer values must be integers, got {value!r}")
            if not _is_int(count):
                raise ValueError(f"{code}: counts must be integers, got {count!r}")
            if count < 0:
                raise ValueError(f"{code}: negative count {count} for value {value}")
            if not lo <= value <= hi:
                raise ValueError(f"{code}: value {value} outside the scale {lo}..{hi}")
            n += count
            total += value * count
        return int(n), int(total)
    if isinstance(data, Sequence) and not isinstance(data, str) and len(data) == 2:
        n, total = data
        if not (_is_int(n) and _is_int(total)):
            raise ValueError(f"{code}: (n, total) must be integers, got {data!r}")
        if n < 0:
            raise ValueError(f"{code}: negative count {n}")
        if not n * lo <= total <= n * hi:
            raise ValueError(f"{code}: total {total} impossible for {n} answers on {lo}..{hi}")
        return int(n), int(total)
    raise ValueError(f"{code}: expected a value->count mapping or an (n, total) pair")


def compute_index(
    counts: Mapping[str, Mapping[int, int] | tuple[int, int]],
    codes: Sequence[str],
    *,
    weights: str = Weights.EXACT,
    scale: tuple[int, int] = (1, 4),
    conversion_factor: float | None = None,
    categories: Sequence[CategoryLike] = IKM_CATEGORIES,
    item_weights: Mapping[str, float] | None = None,
) -> IndexResult:
    r"""Weighted index from aggregated answers (PermenPAN-RB 14/2017).

    .. math::

        NRR_e = \frac{\sum_r x_{re}}{n_e}, \qquad
        I = \sum_{e:\,n_e>0} w_e \, NRR_e, \qquad
        I_{conv} = I \cdot f, \quad f = 100 / s_{max}

    With ``weights="exact"`` each answered element weighs :math:`w_e = 1/k`, ``k`` the number of
    elements with at least one answer: an element nobody answered is omitted and its weight spread
    over the others, as the regulation divides by the number of elements filled. With
    ``weights="compat-0.111"`` each weight is 0.111, as many older reports did; it needs exactly 9
    answered elements and caps a perfect score at 99.9. With ``item_weights`` (an instrument that
    declares its own weights summing to 1, e.g. after adding elements) each answered element weighs
    :math:`w_e / \sum_{answered} w`, so omitted elements' weight is spread proportionally; the
    result's ``weights`` is then ``"declared"``. Nothing is rounded: the index and converted value
    are computed exactly in rationals from the integer counts and returned as the nearest floats,
    so a converted value exactly on a half cent is classified and printed as that decimal.

    Parameters
    ----------
    counts : mapping
        For each element code, either a mapping answer value -> count (a SQL
        ``GROUP BY element, value``) or an ``(n, total)`` pair (``COUNT(value), SUM(value)``).
        Codes absent from ``counts`` count as unanswered.
    codes : sequence of str
        Element codes in the instrument's display order; the result follows it.
    weights : {"exact", "compat-0.111"}
    scale : (int, int)
        Lowest and highest answer value, (1, 4) for IKM and (1, 6) for SPAK/SPKP.
    conversion_factor : float, optional
        Multiplier to the converted scale; default ``100 / scale_max`` (25 for a 1..4 scale).
    categories : sequence
        Category table for :func:`classify`.

    Raises
    ------
    ValueError
        Empty or duplicate ``codes``, codes in ``counts`` not in ``codes``, a value outside the
        scale, a negative count, an unknown weights mode, no answers at all, or compat weights
        without exactly 9 answered elements.
    """
    if weights not in WEIGHT_MODES:
        raise ValueError(f"unknown weights mode {weights!r}; use one of {WEIGHT_MODES}")
    if not codes:
        raise ValueError("codes must not be empty")
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if list(codes).count(c) > 1})
        raise ValueError(f"duplicate element codes: {dupes}")
    unknown = sorted(set(counts) - set(codes))
    if unknown:
        raise ValueError(f"answers for codes not in the instrument: {unknown}")
    lo, hi = scale
    if not (_is_int(lo) and _is_int(hi) and 0 <= lo < hi):
        raise ValueError(f"scale must be two integers 0 <= min < max, got {scale!r}")
    if conversion_factor is not None and not (
        math.isfinite(conversion_factor) and conversion_factor > 0
    ):
        raise ValueError(f"conversion_factor must be positive and finite, got {conversion_factor}")

    sums = {code: _n_total(code, counts.get(code, {}), lo, hi) for code in codes}
    answered = [code for code in codes if sums[code][0] > 0]
    if not answered:
        raise ValueError("no answers in this selection")
    k = len(answered)
    if weights == Weights.COMPAT and k != COMPAT_ELEMENTS:
        raise ValueError(f"compat-0.111 weights need exactly 9 answered elements, got {k}")
    if item_weights is not None:
        return _declared(sums, codes, answered, item_weights, lo, hi, conversion_factor,
                         categories)
    weight = 1 / k if weights == Weights.EXACT else COMPAT_WEIGHT
    exact_weight = Fraction(1, k) if weights == Weights.EXACT else _COMPAT
    top, bottom = exact_weight.numerator, exact_weight.denominator
    # Integer arithmetic, one rational at the end: sum_e w * total_e / n_e over the common
    # denominator of the n_e. Python's int / int is correctly rounded, so each float below is
    # the nearest float to the exact rational, as float(Fraction(...)) gives.
    common = math.lcm(*(sums[code][0] for code in answered))
    exact_index = Fraction(top * sum(sums[code][1] * (common // sums[code][0])
                                     for code in answered), bottom * common)
    elements = []
    for code in codes:
        n, total = sums[code]
        elements.append(
            ElementStat(
                code=code,
                n=n,
                total=total,
                nrr=total / n if n else None,
                weight=weight if n else 0.0,
                nrr_weighted=(top * total) / (bottom * n) if n else None,
            )
        )
    return _result(elements, Weights(weights), exact_index, _factor(conversion_factor, hi),
                   categories, codes, sums, lo, hi)


def _factor(conversion_factor: float | None, hi: int) -> Fraction:
    """The conversion factor as an exact fraction: 100/max, or the decimal the file declares."""
    if conversion_factor is None or math.isclose(conversion_factor, 100 / hi, rel_tol=1e-12):
        return Fraction(100, hi)
    return Fraction(repr(float(conversion_factor)))


def _result(elements: list[ElementStat], weights: str, index: Fraction, factor: Fraction,
            categories: Sequence[CategoryLike], codes: Sequence[str],
            sums: Mapping[str, tuple[int, int]], lo: int, hi: int) -> IndexResult:
    """Index and converted value computed exactly in rationals, then each turned into the
    nearest float once: a value exactly on a half (86.875, 88.305) is then printed and rounded
    as that decimal, never as 86.87499999999999 after accumulated float error."""
    converted = float(index * factor)
    return IndexResult(
        elements=tuple(elements),
        weights=weights,
        index=float(index),
        converted=converted,
        category=classify(converted, categories),
        omitted=tuple(code for code in codes if sums[code][0] == 0),
        scale_min=lo,
        scale_max=hi,
    )


def _declared(sums: Mapping[str, tuple[int, int]], codes: Sequence[str], answered: list[str],
              item_weights: Mapping[str, float], lo: int, hi: int,
              conversion_factor: float | None,
              categories: Sequence[CategoryLike]) -> IndexResult:
    """Index with the instrument's declared weights, renormalised over answered elements."""
    if set(item_weights) != set(codes) or any(
        not (math.isfinite(w) and w > 0) for w in item_weights.values()
    ):
        raise ValueError("item_weights must give a positive weight for every element code")
    if abs(math.fsum(item_weights.values()) - 1) > 1e-9:
        raise ValueError("item_weights must sum to 1")
    declared = {c: Fraction(repr(float(w))) for c, w in item_weights.items()}
    share = sum((declared[c] for c in answered), Fraction(0))
    elements = []
    exact_index = Fraction(0)
    for code in codes:
        n, total = sums[code]
        w = declared[code] / share if n else Fraction(0)
        nrr = Fraction(total, n) if n else None
        if nrr is not None:
            exact_index += nrr * w
        elements.append(ElementStat(code, n, total, None if nrr is None else float(nrr),
                                    float(w), None if nrr is None else float(nrr * w)))
    return _result(elements, Weights.DECLARED, exact_index, _factor(conversion_factor, hi),
                   categories, codes, sums, lo, hi)


def zi_basis(index: float, scale_max: int) -> float:
    """Index on the 0..4 basis that the ZI hasil component uses (score = basis / 4 x 17.5).

    A 1..4 index enters as is. For other scales no official rule was found; this returns
    ``index / scale_max * 4``, a derived conversion that must be labelled as such where shown
    (PermenPAN-RB 90/2021 sets the weights, not the conversion).
    """
    if not _is_int(scale_max) or scale_max < 2:
        raise ValueError(f"scale_max must be an integer >= 2, got {scale_max!r}")
    if not math.isfinite(index) or not 0 <= index <= scale_max:
        raise ValueError(f"index {index!r} outside 0..{scale_max}")
    if scale_max == 4:
        return float(index)
    return index / scale_max * 4
