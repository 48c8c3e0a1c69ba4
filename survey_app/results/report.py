"""An index report for a unit, instrument, period and optional service or counter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
import instruments
from analysis.index import COMPAT_ELEMENTS, COMPAT_WEIGHT, Weights
from analysis.reliability import AlphaUndefined
from instruments import Instrument

from ..domain_errors import N_, Msg, NoData
from ..models import Counter, Service, ServicePopulation, Unit
from .period import Period
from .queries import (
    Grouped,
    Selection,
    element_counts,
    grouped,
    item_moments,
    respondents,
)


@dataclass(frozen=True)
class IndexReport:
    """Everything the JSON contract, the dashboard and the exports show."""

    unit: Unit
    instrument: Instrument
    period: Period
    service: Service | None
    counter: Counter | None
    n: int
    result: analysis.IndexResult
    ci95: tuple[float, float] | None
    sample: analysis.SampleCheck
    moments: tuple[int, float, float]
    # The same selection's figures per service (or per counter), when they were the source.
    groups: Grouped | None = None
    # Whether quarantined responses are counted (survey_app/integrity/quarantine.py).
    include_quarantined: bool = False

    def to_json(self) -> dict[str, Any]:
        """The interface contract's index JSON (unrounded numbers), plus a few extra keys."""
        r, inst = self.result, self.instrument
        return {
            "unit": self.unit.code,
            "instrument": inst.slug,
            "instrument_version": inst.version,
            "service": self.service.code if self.service else None,
            "counter": self.counter.code if self.counter else None,
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "n": self.n,
            "elements": [
                {"code": e.code, "name": inst.item(e.code).name.id, "n": e.n, "nrr": e.nrr,
                 "nrr_weighted": e.nrr_weighted}
                for e in r.elements
            ],
            "omitted": list(r.omitted),
            "weights": r.weights,
            "scale": {"min": r.scale_min, "max": r.scale_max,
                      "conversion_factor": inst.conversion_factor,
                      # no official conversion or category table exists for other scales
                      "conversion_derived": r.scale_max != 4},
            "index": r.index,
            "converted": r.converted,
            "mutu": r.category.mutu,
            "kinerja": r.category.kinerja_id,
            "kinerja_en": r.category.kinerja_en,
            "ci95": list(self.ci95) if self.ci95 else None,
            "sample": {"population": self.sample.population, "required": self.sample.required,
                       "collected": self.sample.collected, "adequate": self.sample.adequate},
        }


def categories_of(instrument: Instrument) -> list[analysis.Category]:
    """The instrument's category table in the form `analysis.classify` takes."""
    return [analysis.Category(c.letter, c.lower, c.letter, c.kinerja.id, c.kinerja.en)
            for c in instrument.categories]


def declared_weights(instrument: Instrument) -> dict[str, float] | None:
    """An instrument's own element weights, when its file declares them."""
    if instrument.items[0].weight is None:
        return None
    return {item.code: float(item.weight or 0.0) for item in instrument.items}


def population_for(session: Session, unit: Unit, service: Service | None,
                   period: Period) -> int | None:
    """N entered for exactly this unit, service and period, if any."""
    same_service = (ServicePopulation.service_id == service.id if service
                    else ServicePopulation.service_id.is_(None))
    return session.scalar(
        select(ServicePopulation.population).where(
            ServicePopulation.unit_id == unit.id, same_service,
            ServicePopulation.period_from == period.start,
            ServicePopulation.period_to == period.end,
        ).order_by(ServicePopulation.id.desc()).limit(1)
    )


def selection(unit: Unit, slug: str, period: Period, service: Service | None = None,
              counter: Counter | None = None, *, include_quarantined: bool = False
              ) -> Selection:
    """The response selection of a report (quarantined responses left out unless asked)."""
    start, end = period.utc_bounds(unit.tz)
    return Selection(unit.id, slug, start, end, service.id if service else None,
                     counter.id if counter else None, include_quarantined=include_quarantined,
                     days=(period.start, period.end))


def where_of(unit: Unit, service: Service | None = None,
             counter: Counter | None = None) -> Msg | str:
    """The selection's place in words: "U1", "U1 service S2", "U1 service S2 counter L1"."""
    if service is None:
        return unit.code
    if counter is None:
        return Msg(N_("%(unit)s service %(service)s"), unit=unit.code, service=service.code)
    return Msg(N_("%(unit)s service %(service)s counter %(counter)s"), unit=unit.code,
               service=service.code, counter=counter.code)


def need_nine(weights: str, answered: int) -> None:
    """NoData when compatibility weights meet other than the 9 answered elements they need."""
    if weights == Weights.COMPAT and answered != COMPAT_ELEMENTS:
        raise NoData(N_("compat-0.111 weights need exactly %(need)d answered elements, "
                        "got %(got)d"), need=COMPAT_ELEMENTS, got=answered)


def build_report(session: Session, unit: Unit, slug: str, period: Period,
                 service: Service | None = None, counter: Counter | None = None,
                 weights: str = Weights.EXACT, *, by: str | None = None,
                 include_quarantined: bool = False) -> IndexReport:
    """Compute the index from SQL aggregates; NoData when nothing was answered.

    With `by` ("service_id", or "counter_id" for a service without a counter chosen) the
    aggregates are taken per group and summed, and kept on the report for a comparison table.
    """
    instrument = instruments.latest(slug)
    sel = selection(unit, slug, period, service, counter,
                    include_quarantined=include_quarantined)
    groups = grouped(session, sel, by) if by else None
    counts = groups.total_counts() if groups else element_counts(session, sel)
    where = where_of(unit, service, counter)
    if not counts:
        raise NoData(N_("no %(slug)s answers for %(where)s from %(start)s to %(end)s"),
                     slug=slug, where=where, start=period.start, end=period.end)
    # An element code no longer in the latest version is reported by its own version's export.
    counts = {code: values for code, values in counts.items() if code in instrument.codes}
    if not counts:
        raise NoData(N_("no answers to the elements of %(slug)s %(version)s for %(where)s "
                        "from %(start)s to %(end)s"), slug=slug, version=instrument.version,
                     where=where, start=period.start, end=period.end)
    need_nine(weights, len(counts))
    result = analysis.compute_index(
        counts, instrument.codes, weights=weights,
        scale=(instrument.scale_min, instrument.scale_max),
        conversion_factor=instrument.conversion_factor, categories=categories_of(instrument),
        item_weights=declared_weights(instrument) if weights == Weights.EXACT else None,
    )
    people = groups.total_people() if groups else respondents(session, sel)
    moments = people.moments
    ci = confidence_interval(instrument, moments, weights)
    n = people.responses
    sample = analysis.sample_check(population_for(session, unit, service, period), n)
    return IndexReport(unit, instrument, period, service, counter, n, result, ci, sample, moments,
                       groups, include_quarantined)


def confidence_interval(instrument: Instrument, moments: tuple[int, float, float],
                        weights: str = Weights.EXACT) -> tuple[float, float] | None:
    """95% interval of the converted index from respondent scores (None below 2 respondents).

    In the 0.111 mode the index is 0.999 x the exact one, so the interval is scaled alike. A
    t-interval can pass the ends of the scale for a few respondents; it is clipped to the range
    the converted index can take (25..100 for IKM)."""
    if moments[0] < 2:
        return None
    factor = instrument.conversion_factor * (
        COMPAT_WEIGHT * COMPAT_ELEMENTS if weights == Weights.COMPAT else 1.0)
    lo, hi = analysis.mean_ci(*moments, factor=factor)
    low_end, high_end = instrument.scale_min * factor, instrument.scale_max * factor
    return max(lo, low_end), min(hi, high_end)


def reliability_for(session: Session, report: IndexReport) -> analysis.Reliability | None:
    """Cronbach's alpha and item-total correlations over complete cases, if computable."""
    codes = [e.code for e in report.result.elements if e.n > 0]
    sel = selection(report.unit, report.instrument.slug, report.period, report.service,
                    report.counter, include_quarantined=report.include_quarantined)
    moments = item_moments(session, sel, codes)
    try:
        return moments.reliability(codes)
    except AlphaUndefined:
        return None  # fewer than 2 complete cases or no variance: nothing to say
