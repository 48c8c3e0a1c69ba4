"""All signals in one call, and the summary behind the Integrity JSON."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .drift import nrr_jump
from .model import CHANNELS, KINDS, Flag, OpeningHours, Response
from .paper import bulk_import
from .patterns import fast_completion, near_duplicates, straight_lining
from .table import ResponseTable, as_table
from .volume import bursts, outside_hours, rate_above_transactions

__all__ = ["IntegritySummary", "check_all", "flag_json", "integrity_summary"]


def check_all(
    data: Sequence[Response] | ResponseTable,
    hours: OpeningHours | None = None,
    transactions: Mapping[tuple[str, date], int] | None = None,
) -> list[Flag]:
    """Every signal with its documented defaults, ordered by start time then kind.

    The records are turned into columns once. ``rate_above_transactions`` runs only when
    ``transactions`` are given.
    """
    t = as_table(data, hours)
    flags = [
        *bursts(t),
        *outside_hours(t),
        *near_duplicates(t),
        *straight_lining(t),
        *fast_completion(t),
        *bulk_import(t),
        *nrr_jump(t),
    ]
    if transactions is not None:
        flags.extend(rate_above_transactions(t, transactions))
    return sorted(flags, key=lambda f: (f.start, KINDS.index(f.kind), f.service or ""))


@dataclass(frozen=True)
class IntegritySummary:
    """``checked`` responses, ``flagged`` (distinct responses under at least one flag), per
    kind the flags and the distinct responses they cover, and per channel the share flagged
    (None for a channel with no responses)."""

    checked: int
    flagged: int
    flags_by_kind: dict[str, int]
    responses_by_kind: dict[str, int]
    share_by_channel: dict[str, float | None]
    flags: tuple[Flag, ...]

    def to_json(self, quarantined: int = 0) -> dict[str, object]:
        """The counts and ``flags`` of the Integrity JSON (interface.md); the app adds ``unit``,
        ``instrument``, ``period`` and the real ``quarantined``."""
        return {
            "checked": self.checked,
            "flagged": self.flagged,
            "quarantined": quarantined,
            "flags": [flag_json(f) for f in self.flags],
        }


def flag_json(flag: Flag) -> dict[str, object]:
    """One entry of the Integrity JSON's ``flags``; ``responses`` is the count, ``detail`` the
    machine-readable parameters (the app words them)."""
    return {
        "kind": flag.kind,
        "service": flag.service,
        "counter": flag.counter,
        "start": flag.start.isoformat(timespec="seconds"),
        "end": flag.end.isoformat(timespec="seconds"),
        "responses": flag.count,
        "detail": dict(flag.detail),
    }


def integrity_summary(records: Sequence[Response] | ResponseTable,
                      flags: Sequence[Flag]) -> IntegritySummary:
    """Counts over ``records`` (or their table) of what ``flags`` cover.

    Raises
    ------
    ValueError
        A flag covers an id that is not among ``records``, or has an unknown kind.
    """
    if isinstance(records, ResponseTable):
        channel_of: dict[Hashable, str] = dict(zip(
            records.ids, (CHANNELS[c] for c in records.channel.tolist()), strict=True))
    else:
        channel_of = {r.id: r.channel for r in records}
    covered: set[Hashable] = set()
    by_kind: dict[str, set[Hashable]] = {k: set() for k in KINDS}
    flags_by_kind = dict.fromkeys(KINDS, 0)
    for flag in flags:
        if flag.kind not in by_kind:
            raise ValueError(f"unknown flag kind {flag.kind!r}")
        missing = [i for i in flag.ids if i not in channel_of]
        if missing:
            raise ValueError(f"flag {flag.kind!r} covers unknown response ids {missing[:3]!r}")
        covered.update(flag.ids)
        by_kind[flag.kind].update(flag.ids)
        flags_by_kind[flag.kind] += 1
    per_channel = dict.fromkeys(CHANNELS, 0)
    flagged_channel = dict.fromkeys(CHANNELS, 0)
    for rid, channel in channel_of.items():
        per_channel[channel] = per_channel.get(channel, 0) + 1
        if rid in covered:
            flagged_channel[channel] = flagged_channel.get(channel, 0) + 1
    return IntegritySummary(
        checked=len(channel_of),
        flagged=len(covered),
        flags_by_kind=flags_by_kind,
        responses_by_kind={k: len(v) for k, v in by_kind.items()},
        share_by_channel={
            c: (flagged_channel[c] / per_channel[c] if per_channel[c] else None)
            for c in per_channel
        },
        flags=tuple(flags),
    )
