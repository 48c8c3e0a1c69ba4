"""The integrity checks over a unit's stored responses: flags, their summary, the JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from analysis.integrity import (
    CHANNELS,
    Flag,
    IntegritySummary,
    check_all,
    flag_json,
    integrity_summary,
)

from ..models import Service, Unit
from ..results.period import Period
from .records import Loaded, load
from .texts import KIND_NAMES, detail_text


@dataclass(frozen=True)
class Checked:
    """A period's flags and summary, with the records they came from."""

    unit: Unit
    slug: str
    period: Period
    service: Service | None
    loaded: Loaded
    flags: list[Flag]
    summary: IntegritySummary

    @property
    def quarantined(self) -> int:
        """Responses of the period in quarantine."""
        return len(self.loaded.quarantined)

    def channel_counts(self) -> dict[str, int]:
        """Responses per channel."""
        found = np.bincount(self.loaded.table.channel, minlength=len(CHANNELS))
        return {channel: int(n) for channel, n in zip(CHANNELS, found, strict=True) if n}

    def flag_json(self, flag: Flag, translate: Callable[[str], str] = str,
                  number: Callable[[float, int], str] | None = None) -> dict[str, Any]:
        """One entry of the Integrity JSON: `detail` the words (the contract's string),
        `parameters` the machine-readable detail, `response_ids` what quarantine takes."""
        return {
            **flag_json(flag),  # the core's entry, whose `detail` holds the parameters
            "detail": detail_text(flag.kind, flag.detail, translate,
                                  *(() if number is None else (number,))),
            "title": translate(KIND_NAMES[flag.kind]),
            "parameters": dict(flag.detail),
            "response_ids": list(flag.ids),
            "quarantined": sum(1 for i in flag.ids if i in self.loaded.quarantined),
        }

    def to_json(self, translate: Callable[[str], str] = str,
                number: Callable[[float, int], str] | None = None) -> dict[str, Any]:
        """The contract's Integrity JSON (plus per-kind counts and shares by channel)."""
        s = self.summary
        return {
            "unit": self.unit.code,
            "instrument": self.slug,
            "service": self.service.code if self.service else None,
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "checked": s.checked,
            "flagged": s.flagged,
            "quarantined": self.quarantined,
            "flags_by_kind": s.flags_by_kind,
            "responses_by_channel": self.channel_counts(),
            "flagged_share_by_channel": s.share_by_channel,
            "flags": [self.flag_json(f, translate, number) for f in self.flags],
        }

    def summary_json(self) -> dict[str, Any]:
        """What a publication carries: counts, no response ids."""
        s = self.summary
        return {
            "checked": s.checked, "flagged": s.flagged, "quarantined": self.quarantined,
            "flags_by_kind": {k: v for k, v in s.flags_by_kind.items() if v},
            "responses_by_channel": self.channel_counts(),
            "flagged_share_by_channel": s.share_by_channel,
        }


def run(session: Session, unit: Unit, slug: str, period: Period,
        service: Service | None = None) -> Checked:
    """Every signal over the period's stored responses (quarantined ones included)."""
    loaded = load(session, unit, slug, period, service)
    flags = check_all(loaded.table, loaded.hours, loaded.transactions or None)
    return Checked(unit, slug, period, service, loaded, flags,
                   integrity_summary(loaded.table, flags))
