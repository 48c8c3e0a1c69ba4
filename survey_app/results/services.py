"""Dashboard figures, population entry, follow-up plan editing and publication."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
import instruments
from analysis import Weights

from ..domain_errors import NoData
from ..integrity.sealing import seal_publication
from ..models import Counter, FollowUpItem, Publication, Service, ServicePopulation, Unit, User
from ..models.results import SCOPE_UNIT
from .followup import ensure_plan
from .period import Period
from .queries import Grouped, Selection, grouped, profile_counts, suggestions
from .report import (
    IndexReport,
    build_report,
    categories_of,
    declared_weights,
    need_nine,
    reliability_for,
    selection,
)
from .smallgroups import suppress_profile

TREND_PERIODS = 4
SARAN_PAGE = 50  # suggestions per dashboard page


class PublishError(ValueError):
    """A publication that cannot be made as asked."""


class NotPublishable(ValueError):
    """A selection that is never published (a counter, or compatibility weights)."""

    def __init__(self, why: str) -> None:
        super().__init__(f"a selection with this {why} cannot be published")
        self.why = why


@dataclass(frozen=True)
class Comparison:
    """One row of the services/counters comparison (result None: no answers)."""

    label: str
    n: int
    result: analysis.IndexResult | None


@dataclass(frozen=True)
class SaranPage:
    """One page of the suggestions list."""

    total: int
    items: list[tuple[datetime, str]]
    page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        """A page before this one exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """A page after this one exists."""
        return self.page < self.pages


def weights_mode(report: IndexReport) -> str:
    """The `build_report` weights argument that gave this report ("declared" comes from exact)."""
    return Weights.COMPAT if report.result.weights == Weights.COMPAT else Weights.EXACT


def trend(session: Session, report: IndexReport) -> list[tuple[Period, IndexReport | None]]:
    """This period (the report itself) and the ones before it, oldest first, same weights."""
    periods = [report.period]
    for _ in range(TREND_PERIODS - 1):
        periods.insert(0, periods[0].previous())
    return [(p, report if p == report.period else _maybe(
        session, report.unit, report.instrument.slug, p, report.service, report.counter,
        weights_mode(report))) for p in periods]


def _maybe(session: Session, unit: Unit, slug: str, period: Period, service: Service | None,
           counter: Counter | None = None, weights: str = Weights.EXACT) -> IndexReport | None:
    try:
        return build_report(session, unit, slug, period, service, counter, weights)
    except NoData:  # no answers, or compat weights without nine answered elements
        return None


def saran_page(session: Session, sel: Selection, search: str | None, page: int) -> SaranPage:
    """Suggestions newest first, SARAN_PAGE at a time; a page past the end shows the last."""
    page = max(page, 1)
    total, items = suggestions(session, sel, search, limit=SARAN_PAGE,
                               offset=(page - 1) * SARAN_PAGE)
    pages = max(1, -(-total // SARAN_PAGE))
    if page > pages:  # a stale link after a narrower search: the last page, not nothing
        page = pages
        _, items = suggestions(session, sel, search, limit=SARAN_PAGE,
                               offset=(page - 1) * SARAN_PAGE)
    return SaranPage(total, items, page, pages)


def supersede(revisions: list[Publication], reason: str) -> Publication | None:
    """The current revision of a scope, made not current; a new revision needs a reason."""
    previous = revisions[-1] if revisions else None
    if previous is not None and not reason.strip():
        raise PublishError("this period is already published: give a reason to publish it again")
    if previous is not None:
        previous.is_current = False
    return previous


def publish_refusal(counter: Counter | None, weights: str) -> str | None:
    """Why this selection cannot be published, or None: publications are per unit or service
    (a counter's figures are not published), with exact weights only."""
    if counter is not None:
        return "counter"
    if weights != Weights.EXACT:
        return "weights"
    return None


def comparison(session: Session, report: IndexReport) -> list[Comparison]:
    """The index per service, or per counter when a service is chosen: two grouped queries."""
    unit, inst = report.unit, report.instrument
    sel = selection(unit, inst.slug, report.period, report.service)
    by, groups = ("service_id", [(s.id, s.name) for s in unit.services]) if report.service is None \
        else ("counter_id", [(c.id, c.name) for c in report.service.counters])
    known = report.groups if report.groups is not None and report.groups.by == by else None
    return compare_groups(report, known or grouped(session, sel, by), groups)


def compare_groups(report: IndexReport, source: Grouped,
                   groups: list[tuple[Any, str]]) -> list[Comparison]:
    """One comparison row per (group key, label), from a grouped selection's aggregates."""
    inst = report.instrument
    counts = source.counts
    sizes = {key: people.responses for key, people in source.people.items()}
    weights = weights_mode(report)
    rows = []
    for key, label in groups:
        found = {c: v for c, v in counts.get(key, {}).items() if c in inst.codes}
        try:
            need_nine(weights, len(found))
            result = analysis.compute_index(
                found, inst.codes, weights=weights, scale=(inst.scale_min, inst.scale_max),
                conversion_factor=inst.conversion_factor, categories=categories_of(inst),
                item_weights=declared_weights(inst) if weights == Weights.EXACT else None,
            ) if found else None
        except NoData:  # compat weights need nine answered elements
            result = None
        rows.append(Comparison(label, sizes.get(key, 0), result))
    return rows


def other_indices(session: Session, unit: Unit, slug: str, period: Period,
                  service: Service | None, counter: Counter | None) -> list[IndexReport]:
    """The other instruments' indices for the same selection (IPK beside IKM), where answered."""
    found = (_maybe(session, unit, other, period, service, counter)
             for other in sorted(instruments.available()) if other != slug)
    return [r for r in found if r is not None]


def change_since(previous: IndexReport | None, current: IndexReport) -> analysis.ChangeTest | None:
    """Welch test of the respondent scores between two periods, when both have n >= 2."""
    if previous is None or previous.moments[0] < 2 or current.moments[0] < 2:
        return None
    factor = current.instrument.conversion_factor
    scaled = [(m[0], m[1] * factor, m[2] * factor * factor)
              for m in (previous.moments, current.moments)]
    return analysis.change_test_from_sums(scaled[0], scaled[1])


def set_population(session: Session, unit: Unit, service: Service | None, period: Period,
                   population: int) -> None:
    """Record N (service users) for the period; replaces an earlier entry."""
    if population < 1:
        raise ValueError("the number of service users must be at least 1")
    same_service = (ServicePopulation.service_id == service.id if service
                    else ServicePopulation.service_id.is_(None))
    for old in session.scalars(select(ServicePopulation).where(
            ServicePopulation.unit_id == unit.id, same_service,
            ServicePopulation.period_from == period.start,
            ServicePopulation.period_to == period.end)):
        session.delete(old)
    session.add(ServicePopulation(unit_id=unit.id, service_id=service.id if service else None,
                                  period_from=period.start, period_to=period.end,
                                  population=population))
    session.flush()


def update_plan(session: Session, report: IndexReport, rows: dict[str, dict[str, str]]) -> None:
    """Save program, waktu and penanggung jawab per element code of the plan, storing the
    pre-filled plan first when none is stored yet; codes not in the plan are ignored."""
    for item in ensure_plan(session, report):
        values = rows.get(item.element_code)
        if values is None:
            continue
        item.program = values.get("program", "")[:500].strip()
        item.waktu = values.get("waktu", "")[:200].strip()
        item.penanggung_jawab = values.get("penanggung_jawab", "")[:200].strip()
    session.flush()


def frozen_figures(session: Session, report: IndexReport) -> dict[str, Any]:
    """What a publication keeps: the index JSON, profile (small groups hidden), plan, alpha.

    The published profile follows `smallgroups.suppress_small`, the rule of the PNG and PDF:
    no hidden group can be worked out from the total and the groups shown.
    """
    sel = selection(report.unit, report.instrument.slug, report.period, report.service,
                    include_quarantined=report.include_quarantined)
    reliability = reliability_for(session, report)
    profile = profile_counts(session, sel) if report.instrument.profile else None
    return {
        "index": report.to_json(),
        "unit_name": report.unit.name,
        "service_name": report.service.name if report.service else None,
        "period_label": report.period.label(),
        "profile": suppress_profile(profile) if profile else None,
        # Raw counts stay in the database only; every public rendering hides small groups.
        "profile_raw": profile,
        "element_names": {item.code: {"id": item.name.id, "en": item.name.en}
                          for item in report.instrument.items},
        "plan": [{"priority": p.priority, "element": p.element_code, "program": p.program,
                  "waktu": p.waktu, "penanggung_jawab": p.penanggung_jawab}
                 for p in ensure_plan(session, report)],
        "alpha": reliability.alpha if reliability else None,
    }


def public_profile(fig: dict[str, Any]) -> dict[str, dict[str, str]] | None:
    """The profile a public page shows, re-derived from the frozen raw counts with the current
    rule (so a publication frozen under an older rule is shown safely too)."""
    raw = fig.get("profile_raw")
    if not raw:
        return None
    return suppress_profile(raw)


def publications_for(session: Session, unit: Unit, slug: str, period: Period,
                     service: Service | None) -> list[Publication]:
    """Every revision published for exactly this instrument, period and service (None: the
    whole unit, without its sub-units), oldest first."""
    same_service = (Publication.service_id == service.id if service
                    else Publication.service_id.is_(None))
    return list(session.scalars(select(Publication).where(
        Publication.unit_id == unit.id, Publication.scope == SCOPE_UNIT,
        Publication.instrument_slug == slug, same_service,
        Publication.period_from == period.start, Publication.period_to == period.end,
    ).order_by(Publication.revision)))


def publications_of(session: Session, unit: Unit, current_only: bool = True) -> list[Publication]:
    """A unit's publications (its combined ones with sub-units too), newest period first."""
    stmt = select(Publication).where(Publication.unit_id == unit.id)
    if current_only:
        stmt = stmt.where(Publication.is_current.is_(True))
    return list(session.scalars(stmt.order_by(Publication.period_from.desc(),
                                              Publication.revision.desc())))


def publish(session: Session, report: IndexReport, user: User | None, reason: str = "",
            actor: str | None = None) -> Publication:
    """Freeze the period's figures; publishing the same period again needs a recorded reason."""
    refusal = publish_refusal(report.counter, weights_mode(report))
    if refusal is not None:
        raise NotPublishable(refusal)
    revisions = publications_for(session, report.unit, report.instrument.slug, report.period,
                                 report.service)
    previous = supersede(revisions, reason)
    reason = reason.strip()
    publication = Publication(
        unit_id=report.unit.id, instrument_slug=report.instrument.slug,
        service_id=report.service.id if report.service else None,
        period_from=report.period.start, period_to=report.period.end,
        revision=previous.revision + 1 if previous else 1,
        figures=json.dumps(frozen_figures(session, report), ensure_ascii=False),
        reason=reason or None, published_by_id=user.id if user else None,
    )
    session.add(publication)
    seal_publication(session, publication, report, previous,
                     actor=actor or (user.email if user else "cli"))
    session.flush()  # the caller commits: the publication and its audit row together
    return publication


def plan_progress(session: Session, report: IndexReport) -> list[tuple[FollowUpItem, float | None,
                                                                         float | None]]:
    """The previous period's plan rows with that element's NRR then and now."""
    from .followup import plan_for

    before = _maybe(session, report.unit, report.instrument.slug, report.period.previous(),
                    report.service)
    rows = plan_for(session, report.unit, report.instrument.slug, report.period.previous(),
                    report.service)
    now = {e.code: e.nrr for e in report.result.elements}
    then = {e.code: e.nrr for e in before.result.elements} if before else {}
    return [(row, then.get(row.element_code), now.get(row.element_code)) for row in rows]
