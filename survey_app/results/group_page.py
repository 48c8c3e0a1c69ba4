"""The selection of a group's page (instrument, period, weights) from a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

import instruments
from analysis.index import WEIGHT_MODES, Weights

from ..domain_errors import DomainError
from ..models import Unit, UnitGroup
from ..unitgroups import members
from .filters import default_period
from .period import Period, parse_period


@dataclass(frozen=True)
class GroupSelection:
    """What a group's page shows."""

    slug: str
    period: Period
    weights: str = Weights.EXACT

    def args(self) -> dict[str, Any]:
        """Query-string form, for links and redirects."""
        out: dict[str, Any] = {"instrument": self.slug,
                               "period": f"{self.period.start}..{self.period.end}"}
        if self.weights != Weights.EXACT:
            out["weights"] = self.weights
        return out


def _clock_unit(session: Session, group: UnitGroup) -> Unit:
    """Whose calendar says which quarter is current: the owner's, else the first member's."""
    owner = session.get(Unit, group.owner_unit_id) if group.owner_unit_id else None
    found = owner or next(iter(members(session, group)), None)
    return found or Unit(code=group.code, name=group.name, tz="Asia/Jakarta")


def read_group_selection(session: Session, group: UnitGroup, args: Mapping[str, str]
                         ) -> tuple[GroupSelection, str | None]:
    """The selection from `args`; on bad input the current quarter and a message."""
    default = GroupSelection("ikm", default_period(_clock_unit(session, group)))
    slug, weights = args.get("instrument", "ikm"), args.get("weights") or Weights.EXACT
    try:
        instruments.latest(slug)
    except instruments.InstrumentError:
        return default, _("unknown instrument %(slug)s", slug=repr(slug[:40]))
    if weights not in WEIGHT_MODES:
        return default, _("unknown weights %(value)s: use exact or compat-0.111",
                          value=repr(weights[:40]))
    try:
        period = parse_period(args["period"]) if args.get("period") else default.period
    except DomainError as exc:
        return default, exc.message()
    return GroupSelection(slug, period, weights), None
