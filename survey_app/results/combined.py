"""Combined index of a parent unit (the unit and every unit below it) or of a unit group.

The combined figure is POOLED: every respondent of every unit counts once, as if the units were
one unit, so each element's NRR is the sum of all its answers over their number (PermenPAN-RB
14/2017's own formula applied to all respondents). A mean of the units' indices would let a unit
with 12 respondents weigh as much as one with 3,000 and would have no confidence interval of its
own; it is reported beside the pooled figure (`mean_of_units`) for reading, not as the index.
Each unit's responses are taken by the unit's own local dates, as its own dashboard takes them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
import instruments
from analysis.index import COMPAT_ELEMENTS, Weights

from ..domain_errors import N_, NoData
from ..models import Unit, UnitGroup
from .period import Period
from .queries import Grouped, Selection, grouped
from .report import IndexReport, categories_of, confidence_interval, declared_weights

# A member unit's own index resting on fewer respondents than this is marked as a small sample
# wherever the table of units is shown (dashboard card, group page, documents): with under 30
# respondents its own 95% interval is typically several points wide, so rank units with care.
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class UnitFigure:
    """One member unit's own figures (result None: no answers in the period)."""

    unit: Unit
    n: int
    result: analysis.IndexResult | None

    @property
    def small(self) -> bool:
        """Whether the unit's own index rests on a small sample (see SMALL_SAMPLE)."""
        return self.result is not None and self.n < SMALL_SAMPLE


@dataclass(frozen=True)
class CombinedReport:
    """The pooled index over several units, and each unit's own index beside it."""

    code: str
    name: str
    kind: str  # "subtree" or "group"
    report: IndexReport
    units: list[UnitFigure]
    owner: Unit | UnitGroup | None = None  # what publishing the figure publishes for
    small_sample: ClassVar[int] = SMALL_SAMPLE  # for the pages' footnote of the mark

    @property
    def mean_of_units(self) -> float | None:
        """Unweighted mean of the converted indices of the units with answers (for reading)."""
        values = [u.result.converted for u in self.units if u.result is not None]
        return math.fsum(values) / len(values) if values else None

    def to_json(self) -> dict[str, Any]:
        """The index JSON of the pooled figure plus `units` (the contract's --with-subunits)."""
        out = self.report.to_json()
        out["unit"] = self.code
        out["combined"] = {"kind": self.kind, "method": "pooled",
                           "mean_of_units": self.mean_of_units}
        out["units"] = [{"code": u.unit.code, "name": u.unit.name, "n": u.n,
                         "converted": u.result.converted if u.result else None,
                         "index": u.result.index if u.result else None,
                         "mutu": u.result.category.mutu if u.result else None}
                        for u in self.units]
        return out


def subtree(session: Session, unit: Unit) -> list[Unit]:
    """The unit and every unit below it, the unit first, then by code (one query)."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for other in session.scalars(select(Unit)):
        children[other.parent_id].append(other)
    found, todo, seen = [], [unit], {unit.id}
    while todo:
        current = todo.pop()
        found.append(current)
        for child in children.get(current.id, []):
            if child.id not in seen:  # a cycle cannot be stored, but never loop on one
                seen.add(child.id)
                todo.append(child)
    return [unit, *sorted(found[1:], key=lambda u: u.code)]


def has_subunits(session: Session, unit: Unit) -> bool:
    """Whether any unit names this one as its parent."""
    return session.scalar(select(Unit.id).where(Unit.parent_id == unit.id).limit(1)) is not None


def combined_selection(units: list[Unit], slug: str, period: Period, *,
                       include_quarantined: bool = False) -> Selection:
    """Responses of all `units` in the period, each unit by its own local dates."""
    by_tz: dict[str, list[int]] = defaultdict(list)
    for unit in units:
        by_tz[unit.tz].append(unit.id)
    scopes = tuple((tuple(ids), *period.utc_bounds(tz)) for tz, ids in sorted(by_tz.items()))
    first = scopes[0]
    # `days`: the period's local days, the same for every unit (each in its own calendar).
    return Selection(units[0].id, slug, first[1], first[2], scopes=scopes,
                     include_quarantined=include_quarantined, days=(period.start, period.end))


def _scorer(slug: str, weights: str) -> Callable[[dict[str, dict[int, int]]],
                                                 analysis.IndexResult | None]:
    """The index of one set of counts, with the instrument's settings looked up once (a
    parent's table computes thousands of them)."""
    instrument = instruments.latest(slug)
    codes = set(instrument.codes)
    options: dict[str, Any] = {
        "weights": weights, "scale": (instrument.scale_min, instrument.scale_max),
        "conversion_factor": instrument.conversion_factor,
        "categories": categories_of(instrument),
        "item_weights": declared_weights(instrument) if weights == Weights.EXACT else None}

    def score(counts: dict[str, dict[int, int]]) -> analysis.IndexResult | None:
        counts = {c: v for c, v in counts.items() if c in codes}
        answered = sum(1 for v in counts.values() if any(v.values()))
        if not answered or (weights == Weights.COMPAT and answered != COMPAT_ELEMENTS):
            return None  # nothing answered, or compat weights without their nine elements
        # Anything analysis refuses now is a bug here, not "no data": it reaches the error page.
        return analysis.compute_index(counts, instrument.codes, **options)

    return score


def build_combined(session: Session, owner: Unit | UnitGroup, units: list[Unit], slug: str,
                   period: Period, weights: str = Weights.EXACT, *,
                   include_quarantined: bool = False) -> CombinedReport:
    """Pooled index over `units` with each unit's own figures; NoData when nothing answered."""
    instrument = instruments.latest(slug)
    if not units:
        raise NoData(N_("%(code)s has no units"), code=owner.code)
    sel = combined_selection(units, slug, period, include_quarantined=include_quarantined)
    source: Grouped = grouped(session, sel, "unit_id")
    score = _scorer(slug, weights)
    result = score(source.total_counts())
    if result is None:
        raise NoData(N_("no %(slug)s answers for %(code)s and its units from %(start)s to "
                        "%(end)s"), slug=slug, code=owner.code, start=period.start, end=period.end)
    people = source.total_people()
    # A group is no unit: the report carries a stand-in (never added to the session).
    stand_in = owner if isinstance(owner, Unit) else Unit(code=owner.code, name=owner.name,
                                                          tz=units[0].tz)
    report = IndexReport(
        stand_in, instrument, period, None, None, people.responses, result,
        confidence_interval(instrument, people.moments, weights),
        analysis.sample_check(None, people.responses), people.moments, None,
        include_quarantined=include_quarantined)
    figures = [UnitFigure(u, source.people[u.id].responses if u.id in source.people else 0,
                          score(source.counts.get(u.id, {}))) for u in units]
    return CombinedReport(owner.code, owner.name, "subtree" if isinstance(owner, Unit) else
                          "group", report, figures, owner)


def subunit_box(session: Session, unit: Unit, f: Any) -> CombinedReport | None:
    """The dashboard's combined figure over the unit's subtree, for a whole-unit selection of a
    unit with sub-units (None otherwise, or when nothing was answered)."""
    if f.service is not None or f.counter is not None or not has_subunits(session, unit):
        return None
    try:
        return build_combined(session, unit, subtree(session, unit), f.slug, f.period, f.weights)
    except NoData:
        return None
