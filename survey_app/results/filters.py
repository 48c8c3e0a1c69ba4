"""The dashboard's selection (instrument, period, service, counter, weights) from a request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import instruments

from .. import orgs
from ..db import db
from ..models import Counter, Service, Unit
from .period import Period, parse_period, period_from_dates

WEIGHTS = ("exact", "compat-0.111")


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows, from the query string."""

    slug: str
    period: Period
    service: Service | None
    counter: Counter | None
    weights: str = "exact"

    def args(self) -> dict[str, Any]:
        """Query-string form, for links and redirects."""
        out: dict[str, Any] = {"instrument": self.slug,
               "period": f"{self.period.start.isoformat()}..{self.period.end.isoformat()}"}
        if self.service:
            out["service"] = self.service.code
        if self.counter:
            out["counter"] = self.counter.code
        if self.weights != "exact":
            out["weights"] = self.weights
        return out


def default_period(unit: Unit) -> Period:
    """The current quarter in the unit's time zone."""
    today = datetime.now(ZoneInfo(unit.tz)).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def read_filters(unit: Unit, args: Mapping[str, str]) -> tuple[Filters, str | None]:
    """Filters from query or form arguments; on bad input the defaults and a message."""
    slug = args.get("instrument", "ikm")
    weights = args.get("weights") or "exact"
    try:
        instruments.latest(slug)
        if weights not in WEIGHTS:
            raise ValueError(f"unknown weights {weights[:40]!r}: use exact or compat-0.111")
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
    except (ValueError, instruments.InstrumentError) as exc:
        return Filters("ikm", default_period(unit), None, None), str(exc)
    return Filters(slug, period, service, counter, weights), None


def presets(unit: Unit) -> list[tuple[str, str]]:
    """Period choices for this and last year."""
    year = datetime.now(ZoneInfo(unit.tz)).year
    out = []
    for y in (year, year - 1):
        out.append((str(y), str(y)))
        out += [(f"{y}-S{s}", f"Semester {s} {y}") for s in (1, 2)]
        out += [(f"{y}-Q{q}", f"Triwulan {q} {y}") for q in (1, 2, 3, 4)]
    return out
