"""Reading the integrity forms: response ids, a week of opening hours, one day's services."""

from __future__ import annotations

from collections.abc import Mapping

from ..domain_errors import N_
from .settings import SettingsError, parse_hhmm

MAX_IDS = 100_000  # one flag never covers more; guards the form against absurd input


def ids_from(form: Mapping[str, str]) -> list[int]:
    """Response ids from a comma- or space-separated `ids` field (non-numbers ignored)."""
    raw = form.get("ids", "").replace(",", " ").split()
    return [int(x) for x in raw[:MAX_IDS] if x.isdigit() and len(x) <= 10]


def week_from(form: Mapping[str, str]) -> list[list[tuple[int, int]]]:
    """Seven weekdays of at most one interval each, from `open_<d>` and `close_<d>` (HH:MM;
    both empty: closed that day)."""
    week: list[list[tuple[int, int]]] = []
    for day in range(7):
        opens, closes = form.get(f"open_{day}", "").strip(), form.get(f"close_{day}", "").strip()
        if not opens and not closes:
            week.append([])
            continue
        if not opens or not closes:
            raise SettingsError(N_("Give both the opening and the closing time, or neither"))
        start, end = parse_hhmm(opens), parse_hhmm(closes)
        if start >= end:
            raise SettingsError(N_("An opening time must be before its closing time"))
        week.append([(start, end)])
    return week
