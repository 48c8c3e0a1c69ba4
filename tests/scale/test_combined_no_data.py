"""A combined figure is "no data" only for what is expected (nothing answered, compat weights
without their nine elements); anything the analysis refuses is a bug and is not hidden."""

from __future__ import annotations

import pytest

import instruments
from analysis import Weights
from survey_app.results.combined import _scorer

CODES = instruments.latest("ikm").codes


def _result(counts: dict[str, dict[int, int]], slug: str, weights: str):  # type: ignore[no-untyped-def]
    return _scorer(slug, weights)(counts)


def test_nothing_answered_is_no_figure() -> None:
    assert _result({}, "ikm", Weights.EXACT) is None
    assert _result({code: {3: 0} for code in CODES}, "ikm", Weights.EXACT) is None
    assert _result({"not-an-element": {3: 5}}, "ikm", Weights.EXACT) is None


def test_compat_weights_need_the_nine_elements() -> None:
    eight = {code: {4: 2} for code in CODES[:8]}
    assert _result(eight, "ikm", Weights.COMPAT) is None
    figure = _result(eight, "ikm", Weights.EXACT)
    assert figure is not None and figure.converted == pytest.approx(100.0)
    nine = {code: {3: 1} for code in CODES}
    figure = _result(nine, "ikm", Weights.COMPAT)
    assert figure is not None and figure.converted == pytest.approx(74.925)  # 9 x 0.111 x 3 x 25


def test_counts_the_analysis_refuses_are_an_error_not_no_data() -> None:
    with pytest.raises(ValueError, match="outside the scale"):
        _result({CODES[0]: {9: 1}}, "ikm", Weights.EXACT)
    with pytest.raises(ValueError, match="negative count"):
        _result({CODES[0]: {3: -1}, CODES[1]: {3: 2}}, "ikm", Weights.EXACT)
