"""What a publication covers (models/results.py PUBLICATION_SCOPES) and how to read it again.

A unit's publication covers the unit (or one service) in the unit's local dates. A combined one,
of a unit with its sub-units or of a unit group, covers the member units frozen into its figures
(`figures["scope"]["unit_ids"]`) at publication, each unit in its own local dates: a later change
of the tree or of the group's members changes neither what it says nor what verifying it
recomputes.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..domain_errors import NoData
from ..models import Publication, Unit, UnitGroup
from ..models.results import SCOPE_GROUP, SCOPE_SUBTREE, SCOPE_UNIT
from .combined import CombinedReport, build_combined, combined_selection
from .period import Period
from .queries import Selection
from .report import build_report

__all__ = ["SCOPE_GROUP", "SCOPE_SUBTREE", "SCOPE_UNIT"]


def same_scope(pub: Publication) -> list[ColumnElement[bool]]:
    """Conditions that select every revision of `pub`'s scope, period and instrument."""
    conditions = [Publication.scope == pub.scope,
                  Publication.instrument_slug == pub.instrument_slug,
                  Publication.period_from == pub.period_from,
                  Publication.period_to == pub.period_to]
    if pub.scope == SCOPE_GROUP:
        return [*conditions, Publication.group_id == pub.group_id]
    return [*conditions, Publication.unit_id == pub.unit_id,
            Publication.service_id.is_(None) if pub.service_id is None
            else Publication.service_id == pub.service_id]


def combined_revisions(session: Session, combined: CombinedReport) -> list[Publication]:
    """Every revision published for the combined figure's owner, instrument and period."""
    owner, period = combined.owner, combined.report.period
    if owner is None:
        return []
    key = (Publication.group_id == owner.id if isinstance(owner, UnitGroup)
           else Publication.unit_id == owner.id)
    return list(session.scalars(select(Publication).where(
        key, Publication.scope == (SCOPE_GROUP if isinstance(owner, UnitGroup)
                                   else SCOPE_SUBTREE),
        Publication.instrument_slug == combined.report.instrument.slug,
        Publication.period_from == period.start, Publication.period_to == period.end,
    ).order_by(Publication.revision)))


def group_publications(session: Session, group: UnitGroup,
                       current_only: bool = True) -> list[Publication]:
    """A group's publications, newest period first."""
    stmt = select(Publication).where(Publication.scope == SCOPE_GROUP,
                                     Publication.group_id == group.id)
    if current_only:
        stmt = stmt.where(Publication.is_current.is_(True))
    return list(session.scalars(stmt.order_by(Publication.period_from.desc(),
                                              Publication.revision.desc())))


def frozen_members(session: Session, pub: Publication) -> list[Unit] | None:
    """The units a combined publication covers, in their frozen order (None: one is gone)."""
    try:
        ids = [int(i) for i in json.loads(pub.figures)["scope"]["unit_ids"]]
    except (ValueError, KeyError, TypeError):
        return None
    found = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    if not ids or len(found) != len(ids):
        return None
    return [found[i] for i in ids]


def owner_of(session: Session, pub: Publication) -> Unit | UnitGroup | None:
    """The unit or group a publication is of (None when it is gone)."""
    if pub.scope == SCOPE_GROUP:
        return session.get(UnitGroup, pub.group_id) if pub.group_id is not None else None
    return session.get(Unit, pub.unit_id) if pub.unit_id is not None else None


def period_of(pub: Publication) -> Period:
    """The publication's period."""
    return Period(pub.period_from, pub.period_to)


def publication_selection(session: Session, pub: Publication,
                          include_quarantined: bool) -> Selection | None:
    """The responses a publication's figures come from (None: a unit of it is gone)."""
    period = period_of(pub)
    if pub.scope == SCOPE_UNIT:
        unit = session.get(Unit, pub.unit_id) if pub.unit_id is not None else None
        if unit is None:
            return None
        start, end = period.utc_bounds(unit.tz)
        return Selection(unit.id, pub.instrument_slug, start, end, pub.service_id,
                         include_quarantined=include_quarantined)
    units = frozen_members(session, pub)
    if units is None:
        return None
    return replace(combined_selection(units, pub.instrument_slug, period),
                   include_quarantined=include_quarantined)


def unit_ids_of(sel: Selection) -> list[int]:
    """The units a selection covers."""
    if not sel.scopes:
        return [sel.unit_id]
    return [i for ids, _lo, _hi in sel.scopes for i in ids]


def recomputed_index(session: Session, pub: Publication) -> dict[str, Any] | None:
    """The index JSON the publication's responses give today, computed as it was published
    (None: nothing answered any more)."""
    include = not pub.excludes_quarantined
    owner = owner_of(session, pub)
    try:
        if pub.scope == SCOPE_UNIT:
            if not isinstance(owner, Unit):
                return None
            service = next((s for s in owner.services if s.id == pub.service_id), None)
            return build_report(session, owner, pub.instrument_slug, period_of(pub), service,
                                include_quarantined=include).to_json()
        units = frozen_members(session, pub)
        if owner is None or units is None:
            return None
        return build_combined(session, owner, units, pub.instrument_slug, period_of(pub),
                              include_quarantined=include).to_json()
    except NoData:
        return None


def digest_scope(session: Session, pub: Publication) -> dict[str, Any]:
    """What the digest says the publication is of. A unit's keeps the keys it had before
    scopes existed, so digests sealed then still verify."""
    unit = session.get(Unit, pub.unit_id) if pub.unit_id is not None else None
    service = next((s for s in unit.services if s.id == pub.service_id), None) if unit else None
    out: dict[str, Any] = {"unit": unit.code if unit else None, "instrument": pub.instrument_slug,
                           "service": service.code if service else None,
                           "from": pub.period_from.isoformat(),
                           "to": pub.period_to.isoformat(), "revision": pub.revision}
    if pub.scope != SCOPE_UNIT:
        group = session.get(UnitGroup, pub.group_id) if pub.group_id is not None else None
        out.update(scope=pub.scope, group=group.code if group else None)
    return out
