"""The screened near-duplicate count finds exactly what sorting every row found: the same
candidates and counts on random data, and the same flags as the sorting version of
`near_duplicates` (kept here as the reference) on clean data with clusters added."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from scipy import stats

from analysis.integrity import Flag, Response, build_table, near_duplicates
from analysis.integrity import neighbours as nb
from analysis.integrity.patterns import _reference
from analysis.integrity.synthetic import clean_responses
from analysis.integrity.table import ResponseTable, day_date, group, make_flag

WIB = ZoneInfo("Asia/Jakarta")
EXACT = nb._neighbours  # the count over every row, before a test wraps it


def reference_near_duplicates(t: ResponseTable, *, max_diff: int = 1, min_size: int = 5,
                              alpha: float = 1e-6, min_reference: int = 100) -> list[Flag]:
    """`near_duplicates` as it was before the screen: the exact count over every row."""
    fields = np.concatenate([t.answers.astype(np.int64), t.profile], axis=1)
    keys = nb._pattern_keys(fields)[: 1 if max_diff == 0 else None]
    window, w_size = group(t.station, t.day)
    service_of_window = np.zeros(len(w_size), dtype=np.int64)
    service_of_window[window] = t.service
    near_w, candidates, near_s, near_u = EXACT(window, service_of_window, keys, min_size)
    if candidates.size == 0:
        return []
    rest, rest_size, use_unit = _reference(t, window, candidates, near_s, near_u,
                                           near_w[candidates], min_reference)
    q = (rest + 0.5) / (rest_size + 1)
    n_win = w_size[window[candidates]]
    p = np.minimum(1.0, stats.binom.sf(near_w[candidates] - 2, n_win - 1, q) * n_win)
    flags, seen = [], set()
    for i in np.lexsort((p, window[candidates])):
        win = int(window[candidates[i]])
        if win in seen or p[i] >= alpha:
            continue
        seen.add(win)
        r = candidates[i]
        members = np.flatnonzero(window == win)
        diff = (fields[members] != fields[r]).sum(axis=1)
        flags.append(make_flag(t, "near_duplicates", members[diff <= max_diff], {
            "observed": int(near_w[r]), "expected": float(1 + (n_win[i] - 1) * q[i]),
            "p_value": float(p[i]), "threshold": alpha, "window_responses": int(n_win[i]),
            "fields": int(fields.shape[1]), "max_diff": max_diff,
            "reference": "unit" if use_unit[i] else "service",
            "date": day_date(int(t.day[r])).isoformat(),
        }))
    return flags


@pytest.fixture
def exact_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many rows each exact count of the screened version ran over."""
    sizes: list[int] = []

    def counted(window: np.ndarray, *args: object) -> object:
        sizes.append(len(window))
        return EXACT(window, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(nb, "_neighbours", counted)
    return sizes


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("max_diff", [0, 1])
def test_screened_counts_equal_sorting_every_row(seed: int, max_diff: int) -> None:
    rng = np.random.default_rng(seed)
    n, n_win = 4000, int(rng.integers(40, 400))
    # Few values per field, so that near-identical rows are common; some fields wide.
    answers = rng.integers(0, int(rng.integers(2, 5)), size=(n, int(rng.integers(1, 10))))
    profile = rng.integers(0, int(rng.integers(2, 40)), size=(n, int(rng.integers(0, 5))))
    if seed % 3 == 0:
        profile = profile * 10**6  # keys too wide to pack: the unique() path of _pattern_keys
    window = rng.integers(0, n_win, size=n)
    service_of_window = rng.integers(0, 5, size=n_win)
    fields = np.concatenate([answers, profile], axis=1)
    for min_size in (2, 3, 5, 8):
        full = EXACT(window, service_of_window,
                     nb._pattern_keys(fields)[: 1 if max_diff == 0 else None], min_size)
        got = nb.screened_neighbours((answers, profile), window, service_of_window, max_diff,
                                     min_size)
        assert np.array_equal(got[0], full[1])
        assert np.array_equal(got[1], full[0][full[1]])
        assert np.array_equal(got[2], full[2]) and np.array_equal(got[3], full[3])


def _cluster(start: int, count: int, at: datetime, rng: np.random.Generator,
             spread: int) -> list[Response]:
    """``count`` responses at one counter within minutes, each a copy of one pattern with at
    most ``spread`` answers changed."""
    base = [int(v) for v in rng.integers(1, 5, size=9)]
    out = []
    for i in range(count):
        answers = list(base)
        for j in rng.choice(9, size=spread, replace=False):
            answers[j] = int(rng.integers(1, 5))
        out.append(Response(start + i, "SKCK", "L1", at + timedelta(minutes=2 * i), "web",
                            tuple(answers), ("L", 30, "SMA", "Swasta"), 60, None))
    return out


@pytest.mark.parametrize("liked", [False, True], ids=["average", "liked"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_duplicates_flags_what_the_sorting_version_flagged(
        seed: int, liked: bool, exact_rows: list[int]) -> None:
    rng = np.random.default_rng(seed)
    records = clean_responses(6000, seed=seed, liked=liked)
    # Clusters the signal must catch (spread 0, 1) and ones it may or may not (2 answers).
    for k, spread in enumerate((0, 1, 1, 2)):
        at = datetime(2026, 1, 6 + 7 * k, 9, 0, tzinfo=WIB)
        records += _cluster(10**6 + 100 * k, int(rng.integers(6, 40)), at, rng, spread)
    t = build_table(records)
    for max_diff in (0, 1):
        for min_size in (3, 5):
            want = reference_near_duplicates(t, max_diff=max_diff, min_size=min_size)
            got = near_duplicates(t, max_diff=max_diff, min_size=min_size)
            assert got == want
    assert reference_near_duplicates(t)  # the clusters are caught at the defaults
    # The screen left most rows out of the sort.
    assert max(exact_rows) < t.n / 2
