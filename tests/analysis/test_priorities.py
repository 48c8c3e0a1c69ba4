"""Follow-up priorities: lowest NRR first, ties in display order, unanswered elements skipped."""

from __future__ import annotations

import pytest

from analysis.index import ElementStat, compute_index
from analysis.priorities import follow_up_priorities


def _e(code: str, nrr: float | None) -> ElementStat:
    n = 0 if nrr is None else 10
    total = 0 if nrr is None else round(nrr * 10)
    w = None if nrr is None else nrr / 9
    return ElementStat(code, n, total, nrr, 0.0 if nrr is None else 1 / 9, w)


ELEMENTS = [
    _e("persyaratan", 3.4),
    _e("prosedur", 3.1),
    _e("waktu", None),
    _e("biaya", 3.8),
    _e("produk", 2.9),
    _e("kompetensi", 3.1),
]


def test_two_lowest_by_default() -> None:
    assert [e.code for e in follow_up_priorities(ELEMENTS)] == ["produk", "prosedur"]


def test_ties_keep_display_order_and_unanswered_are_skipped() -> None:
    got = follow_up_priorities(ELEMENTS, count=10)
    assert [e.code for e in got] == ["produk", "prosedur", "kompetensi", "persyaratan", "biaya"]
    reordered = [ELEMENTS[5], *ELEMENTS[:5]]
    assert [e.code for e in follow_up_priorities(reordered, 3)] == [
        "produk",
        "kompetensi",
        "prosedur",
    ]


def test_unrounded_nrr_decides() -> None:
    # both display as 3.10; the unrounded values still rank them
    close = [_e("a", 3.1024), _e("b", 3.1019)]
    assert [e.code for e in follow_up_priorities(close, 1)] == ["b"]


def test_on_an_index_result() -> None:
    codes = ["a", "b", "c"]
    r = compute_index({"a": {4: 2}, "b": {2: 1, 3: 1}, "c": {}}, codes)
    assert [e.code for e in follow_up_priorities(r.elements)] == ["b", "a"]


def test_edge_counts() -> None:
    assert follow_up_priorities(ELEMENTS, 0) == []
    assert follow_up_priorities([], 2) == []
    assert follow_up_priorities([_e("waktu", None)], 2) == []


@pytest.mark.parametrize("count", [-1, 1.5, True, "2"])
def test_rejects_bad_count(count: object) -> None:
    with pytest.raises(ValueError, match="count"):
        follow_up_priorities(ELEMENTS, count)  # type: ignore[arg-type]
