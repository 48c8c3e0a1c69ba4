"""Small-group suppression: the one rule every published breakdown (page, PNG, PDF) follows.

A breakdown (respondents by sex, education, ...) is printed beside its total, and every
respondent is in exactly one group ("not filled" included). Hiding each group under 5 is not
enough: with the total and the other groups shown, one hidden group is their difference. So
hidden groups are widened with the smallest visible ones until no group under 5 has a single
possible value; if even hiding every group pins one down (e.g. 8 respondents as 4 + 4), the
breakdown is withheld altogether.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_GROUP = 5  # a breakdown cell below this is hidden: small groups must not single anyone out
BELOW = f"<{MIN_GROUP}"
AT_LEAST = f"≥{MIN_GROUP}"


def _bounds(n: int) -> tuple[int, int | None]:
    """What a reader knows of a hidden cell: 1..4 for "<5", at least 5 for "≥5"."""
    return (1, MIN_GROUP - 1) if n < MIN_GROUP else (MIN_GROUP, None)


def pinned_cells(counts: Mapping[str, int], hidden: set[str]) -> set[str]:
    """Hidden cells under MIN_GROUP whose value follows from the total and the shown cells.

    Listed groups are never empty and the hidden ones add up to the total minus the shown
    ones; each hidden cell can then take exactly the values between the bounds below, as the
    others range over their own intervals (sums of integer intervals leave no gaps).
    """
    rest = sum(counts[k] for k in hidden)
    lows = {k: _bounds(counts[k])[0] for k in hidden}
    highs = {k: _bounds(counts[k])[1] for k in hidden}
    found = set()
    for k in hidden:
        if counts[k] >= MIN_GROUP:
            continue
        others_low = sum(v for o, v in lows.items() if o != k)
        other_highs = [v for o, v in highs.items() if o != k]
        lo = lows[k]
        if None not in other_highs:
            lo = max(lo, rest - sum(h for h in other_highs if h is not None))
        hi = min(MIN_GROUP - 1, rest - others_low)
        if lo >= hi:
            found.add(k)
    return found


def suppress_small(counts: Mapping[str, int]) -> dict[str, str]:
    """Counts as printed: under 5 as "<5", and enough others as "≥5" that none can be derived.

    Returns an empty mapping when no choice of hidden cells keeps every small group ambiguous:
    the whole breakdown is then withheld.
    """
    hidden = {k for k, n in counts.items() if n < MIN_GROUP}
    while hidden and pinned_cells(counts, hidden):
        visible = [k for k in counts if k not in hidden]
        if not visible:
            return {}
        hidden.add(min(visible, key=lambda k: (counts[k], k)))
    return {k: (BELOW if n < MIN_GROUP else AT_LEAST) if k in hidden else str(n)
            for k, n in counts.items()}


def suppress_profile(profile: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, str]]:
    """Every breakdown of a profile suppressed (a withheld breakdown maps to {})."""
    return {field: suppress_small(cells) for field, cells in profile.items()}
