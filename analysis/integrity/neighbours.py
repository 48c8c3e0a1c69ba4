"""Counting near-identical responses (at most one field apart) per counter-day, service and
unit: exactly, by sorting, but only over the rows a linear-time screen leaves.

The exact count (:func:`_neighbours`) sorts the rows once per key (the whole pattern, then
each field masked): 14 sorts for nine answers and four profile fields, most of the integrity
checks' time at a million responses. Nearly every row has fewer than ``min_size``
near-identical partners on its counter-day, and :func:`screened_neighbours` sets those aside
without sorting:

- the fields are split into three groups (field ``j`` in group ``j % 3``). Two rows at most one
  field apart agree on at least two whole groups, so they share one of the three *group-pair*
  keys; a row's partners are among the rows sharing one of its pair keys, and
  ``c01 + c02 + c12 - 2`` (the row itself counts three times) bounds its count from above;
- the ``c`` are counted in a hash table (``bincount`` of hashed keys, counter-day included), where
  a shared bucket adds rows and never removes any: still an upper bound;
- rows whose bound reaches ``min_size`` are kept with every row sharing one of their buckets
  (which includes all their partners), and the screen runs again on those (fewer rows, fewer
  shared buckets) while that shrinks them;
- the exact count runs on what is left. For the candidates it finds, the counts in their
  service and in the whole data run again over every row sharing a pair key with one of them,
  wherever it is (all the rows those counts can include).

Every row whose count reaches ``min_size`` survives each step with all its partners, so the
candidates and their counts are exactly :func:`_neighbours`' over all rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["screened_neighbours"]

_GROUPS = 3
_PAIRS = ((0, 1), (0, 2), (1, 2))
_ROUNDS = 4  # screens at most; each after the first runs only while it shrinks the rows a lot
_TABLE_BITS = 22  # at most 4 M buckets: 32 MB of counts, few shared at a million rows
# Fixed random odd multipliers (multiply-shift hashing); a poor draw would only slow the screen.
_MIX = np.random.default_rng(20261203).integers(0, 2**32, 64, dtype=np.uint64).astype(
    np.uint32) | np.uint32(1)
_PAIR_MIX, _SALT, _FINAL = 48, 56, 60  # offsets into _MIX


def _pattern_keys(fields: np.ndarray) -> list[np.ndarray]:
    """Key of each row's whole pattern, then one key per field with that field masked."""
    n, f = fields.shape
    widths = fields.max(axis=0) + 2 if n else np.ones(f, dtype=np.int64)  # +1: the mask value
    if float(np.prod(widths.astype(float))) < 2.0**62:
        mult = np.cumprod(np.concatenate(([1], widths[:-1]))).astype(np.int64)
        exact = fields @ mult
        return [exact] + [exact + (widths[j] - 1 - fields[:, j]) * mult[j] for j in range(f)]
    keys = [np.unique(fields, axis=0, return_inverse=True)[1].reshape(-1)]
    for j in range(f):
        rest = np.delete(fields, j, axis=1)
        keys.append(np.unique(rest, axis=0, return_inverse=True)[1].reshape(-1))
    return keys


def _run_sizes(*sorted_cols: np.ndarray) -> np.ndarray:
    """Length of the run of equal (col, ...) tuples each position of sorted columns is in."""
    n = len(sorted_cols[0])
    change = np.zeros(n, dtype=bool)
    change[0:1] = True
    for col in sorted_cols:
        change[1:] |= col[1:] != col[:-1]
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, n))
    return np.repeat(lengths, lengths)


def _neighbours(
    window: np.ndarray, service_of_window: np.ndarray, keys: list[np.ndarray], min_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows differing from each row in at most one field (self included), counted in the same
    window for every row; then, for the candidate rows only (window count >= ``min_size``), in
    the same service and in the whole data.

    A row at distance 0 shares every masked key, one at distance 1 exactly one of them, so the
    count is ``exact + sum_j (masked_j - exact)``. Windows are renumbered in service order, so
    one sort per key by (key, window) gives the window runs, and a service's (or the data's)
    rows with a key are one contiguous stretch of that sorted column, found by binary search.
    Returns (window counts, candidates, their service counts, their unit counts).
    """
    n_win = len(service_of_window)
    rank = np.empty(n_win, dtype=np.int64)
    by_service = np.argsort(service_of_window, kind="stable")
    rank[by_service] = np.arange(n_win)
    service_of_rank = service_of_window[by_service]
    w = rank[window]
    total = np.zeros(len(window), dtype=np.int64)
    exact = np.zeros(0, dtype=np.int64)
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    for i, key in enumerate(keys):
        if int(key.max(initial=0)) >= (2**62) // max(n_win, 1):
            key = np.unique(key, return_inverse=True)[1].reshape(-1)
        composite = key * n_win + w
        order = np.argsort(composite)
        ordered = composite[order]
        sizes = _run_sizes(ordered)
        per_row = np.empty_like(sizes)
        per_row[order] = sizes
        if i == 0:
            exact = per_row
            total += per_row
        else:
            total += per_row - exact
        kept.append((key, ordered))
    candidates = np.flatnonzero(total >= min_size)
    # First and last window rank of each candidate's service.
    first_rank = np.searchsorted(service_of_rank, service_of_rank[w[candidates]], "left")
    last_rank = np.searchsorted(service_of_rank, service_of_rank[w[candidates]], "right") - 1
    in_service = np.zeros(len(candidates), dtype=np.int64)
    in_unit = np.zeros(len(candidates), dtype=np.int64)
    exact_s = exact_u = np.zeros(0, dtype=np.int64)
    for i, (key, ordered) in enumerate(kept):
        base = key[candidates] * n_win
        count_s = (np.searchsorted(ordered, base + last_rank, "right")
                   - np.searchsorted(ordered, base + first_rank, "left"))
        count_u = (np.searchsorted(ordered, base + n_win - 1, "right")
                   - np.searchsorted(ordered, base, "left"))
        if i == 0:
            exact_s, exact_u = count_s, count_u
            in_service += count_s
            in_unit += count_u
        else:
            in_service += count_s - exact_s
            in_unit += count_u - exact_u
    return total, candidates, in_service, in_unit


def _group_parts(blocks: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per row, a 32-bit linear hash of each field group: equal fields, equal hashes."""
    n = len(blocks[0])
    parts = [np.zeros(n, dtype=np.uint32) for _ in range(_GROUPS)]
    j = 0
    for block in blocks:
        for column in block.T:
            parts[j % _GROUPS] += column.astype(np.uint32) * _MIX[j % _PAIR_MIX]
            j += 1
    return parts


def _keys(parts: list[np.ndarray], max_diff: int) -> list[np.ndarray]:
    """Hashes of the keys a partner must share: each group pair, or (max_diff 0) the whole
    pattern."""
    if max_diff == 0:
        return [parts[0] + parts[1] * _MIX[_PAIR_MIX] + parts[2] * _MIX[_PAIR_MIX + 1]]
    return [parts[a] + parts[b] * _MIX[_PAIR_MIX + 2 + i] for i, (a, b) in enumerate(_PAIRS)]


def _buckets(h: np.ndarray, bits: int) -> np.ndarray:
    """Table index of each hash: its top ``bits`` bits after one more multiplication."""
    return ((h * _MIX[_FINAL]) >> np.uint32(32 - bits)).astype(np.intp)


def _sharing(buckets: list[np.ndarray], chosen: np.ndarray, bits: int) -> np.ndarray:
    """Rows sharing a bucket of any key with one of the ``chosen`` rows (those included)."""
    keep = np.zeros(len(buckets[0]), dtype=bool)
    for b in buckets:
        marked = np.zeros(1 << bits, dtype=bool)
        marked[b[chosen]] = True
        keep |= marked[b]
    return keep


def _screen(parts: list[np.ndarray], window: np.ndarray, max_diff: int, min_size: int,
            bits: int) -> np.ndarray:
    """Rows that may have ``min_size`` or more partners on their counter-day, with every row
    sharing one of their buckets (a boolean mask over the rows given)."""
    salt = window.astype(np.uint32) * _MIX[_SALT]
    keys = _keys(parts, max_diff)
    bound = np.full(len(window), 1 - len(keys), dtype=np.int64)  # the row itself: once
    buckets = []
    for h in keys:
        b = _buckets(h + salt, bits)
        bound += np.bincount(b, minlength=1 << bits)[b]
        buckets.append(b)
    return _sharing(buckets, np.flatnonzero(bound >= min_size), bits)


def screened_neighbours(
    blocks: Sequence[np.ndarray], window: np.ndarray, service_of_window: np.ndarray,
    max_diff: int, min_size: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_neighbours`' candidates and their counts, found without sorting most rows.

    ``blocks`` are the fields as column blocks of one row each (answers, profile codes);
    ``max_diff`` is 0 (identical) or 1. Returns (candidate rows ascending, their counter-day
    counts, service counts, unit counts).
    """
    n = len(window)
    bits = int(min(_TABLE_BITS, max(10, np.ceil(np.log2(max(n, 1))) + 2)))
    parts = _group_parts(blocks)
    rows = np.arange(n)
    for round_ in range(_ROUNDS):
        kept = rows[_screen([p[rows] for p in parts], window[rows], max_diff, min_size, bits)]
        if len(kept) == 0:
            return _nothing()
        shrunk, rows = len(kept) < 0.7 * len(rows), kept
        if not shrunk and round_ > 0:
            break
    _, found, _, _ = _neighbours(window[rows], service_of_window,
                                 _keys_of(blocks, rows, max_diff), min_size)
    if len(found) == 0:
        return _nothing()
    # The candidates' partners anywhere (their pair keys without the counter-day).
    candidates = rows[found]
    wide = int(min(24, max(10, np.ceil(np.log2(len(candidates))) + 12)))
    rows = np.flatnonzero(_sharing([_buckets(h, wide) for h in _keys(parts, max_diff)],
                                   candidates, wide))
    total, found, in_service, in_unit = _neighbours(window[rows], service_of_window,
                                                    _keys_of(blocks, rows, max_diff), min_size)
    return rows[found], total[found], in_service, in_unit


def _nothing() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    empty = np.zeros(0, dtype=np.int64)
    return empty, empty, empty, empty


def _keys_of(blocks: Sequence[np.ndarray], rows: np.ndarray, max_diff: int) -> list[np.ndarray]:
    """The exact pattern keys of ``rows`` (only the whole pattern for max_diff 0)."""
    fields = np.concatenate([b[rows].astype(np.int64) for b in blocks], axis=1)
    return _pattern_keys(fields)[: 1 if max_diff == 0 else None]
