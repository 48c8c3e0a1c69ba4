"""The dashboard's selection (instrument, period, service, counter, weights) from a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

import instruments
from analysis.index import WEIGHT_MODES, Weights

from .. import orgs
from ..db import db
from ..domain_errors import N_, DomainError
from ..models import Counter, Service, Unit
from .period import Period, parse_period, period_from_dates


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows, from the query string."""

    slug: str
    period: Period
    service: Service | None
    counter: Counter | None
    weights: str = Weights.EXACT

    def args(self) -> dict[str, Any]:
        """Query-string form, for links and redirects."""
        out: dict[str, Any] = {"instrument": self.slug,
               "period": f"{self.period.start.isoformat()}..{self.period.end.isoformat()}"}
        if self.service:
            out["service"] = self.service.code
        if self.counter:
            out["counter"] = self.counter.code
        if self.weights != Weights.EXACT:
            out["weights"] = self.weights
        return out


def default_period(unit: Unit) -> Period:
    """The current quarter in the unit's time zone."""
    today = datetime.now(ZoneInfo(unit.tz)).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def read_filters(unit: Unit, args: Mapping[str, str]) -> tuple[Filters, str | None]:
    """Filters from query or form arguments; on bad input the defaults and a message."""
    slug = args.get("instrument", "ikm")
    weights = args.get("weights") or Weights.EXACT
    try:
        instruments.latest(slug)
        if weights not in WEIGHT_MODES:
            raise DomainError(N_("unknown weights %(value)s: use exact or compat-0.111"),
                              value=repr(weights[:40]))
        if args.get("from") or args.get("to"):
            period = period_from_dates(args.get("from", ""), args.get("to", ""))
        elif args.get("period"):
            period = parse_period(args["period"])
        else:
            period = default_period(unit)
        service = orgs.find_service(db.session, unit, args["service"]) \
            if args.get("service") else None
        counter = orgs.find_counter(service, args["counter"]) \
            if service and args.get("counter") else None
    except instruments.InstrumentError:
        return Filters("ikm", default_period(unit), None, None), _(
            "unknown instrument %(slug)s", slug=repr(slug[:40]))
    except DomainError as exc:
        return Filters("ikm", default_period(unit), None, None), exc.message()
    return Filters(slug, period, service, counter, weights), None


def presets(unit: Unit) -> list[tuple[str, str]]:
    """Period choices for this and last year."""
    year = datetime.now(ZoneInfo(unit.tz)).year
    out = []
    for y in (year, year - 1):
        out.append((str(y), str(y)))
        out += [(f"{y}-S{s}", _("Semester %(s)d %(y)d", s=s, y=y)) for s in (1, 2)]
        out += [(f"{y}-Q{q}", _("Quarter %(q)d %(y)d", q=q, y=y)) for q in (1, 2, 3, 4)]
    return out
