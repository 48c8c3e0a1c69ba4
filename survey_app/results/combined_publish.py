"""Publishing a combined index (a unit with its sub-units, or a unit group) as a unit's figures
are published: frozen, sealed with a digest chained per scope, verifiable, on a public page."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from analysis import Weights
from analysis.reliability import AlphaUndefined

from ..integrity.sealing import seal_combined
from ..models import Publication, UnitGroup, User
from ..models.results import SCOPE_GROUP, SCOPE_SUBTREE
from .combined import CombinedReport, combined_selection
from .queries import item_moments, profile_counts
from .scopes import combined_revisions
from .services import NotPublishable, supersede
from .smallgroups import suppress_profile


def combined_figures(session: Session, combined: CombinedReport) -> dict[str, Any]:
    """What a combined publication keeps: the combined index JSON (with each unit's own
    figures), the pooled profile (small groups hidden), alpha, and the units it covers."""
    report = combined.report
    units = [u.unit for u in combined.units]
    sel = combined_selection(units, report.instrument.slug, report.period,
                             include_quarantined=report.include_quarantined)
    profile = profile_counts(session, sel) if report.instrument.profile else None
    codes = [e.code for e in report.result.elements if e.n > 0]
    try:
        alpha: float | None = item_moments(session, sel, codes).reliability(codes).alpha
    except AlphaUndefined:
        alpha = None
    return {
        "index": combined.to_json(),
        "unit_name": combined.name,
        "service_name": None,
        "period_label": report.period.label(),
        "profile": suppress_profile(profile) if profile else None,
        "profile_raw": profile,
        "element_names": {item.code: {"id": item.name.id, "en": item.name.en}
                          for item in report.instrument.items},
        "plan": [],  # follow-up plans are each unit's own
        "alpha": alpha,
        # The units as they were: verification recomputes over exactly these.
        "scope": {"kind": combined.kind, "code": combined.code,
                  "unit_ids": [u.id for u in units], "tz": report.unit.tz},
    }


def publish_combined(session: Session, combined: CombinedReport, user: User | None,
                     reason: str = "", actor: str | None = None) -> Publication:
    """Freeze the combined figure of the period; publishing it again needs a recorded reason."""
    owner = combined.owner
    if owner is None:
        raise ValueError("a combined report without its owner cannot be published")
    if combined.report.result.weights == Weights.COMPAT:
        raise NotPublishable("weights")
    revisions = combined_revisions(session, combined)
    previous = supersede(revisions, reason)
    reason = reason.strip()
    is_group = isinstance(owner, UnitGroup)
    report = combined.report
    publication = Publication(
        scope=SCOPE_GROUP if is_group else SCOPE_SUBTREE,
        unit_id=None if is_group else owner.id, group_id=owner.id if is_group else None,
        instrument_slug=report.instrument.slug, service_id=None,
        period_from=report.period.start, period_to=report.period.end,
        revision=previous.revision + 1 if previous else 1,
        figures=json.dumps(combined_figures(session, combined), ensure_ascii=False),
        reason=reason or None, published_by_id=user.id if user else None,
    )
    session.add(publication)
    seal_combined(session, publication, report, [u.unit for u in combined.units], previous,
                  actor=actor or (user.email if user else "cli"))
    session.flush()  # the caller commits: the publication and its audit row together
    return publication
