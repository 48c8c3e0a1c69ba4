"""Everything the results dashboard shows for one selection, gathered for the template."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

import analysis

from ..inputs import parse_int
from ..models import Unit
from . import services
from .basis import conversion_derived
from .channels import channel_split
from .downloads import EXPORTS
from .filters import Filters
from .followup import plan_empty
from .queries import profile_counts
from .report import IndexReport, build_report, reliability_for, selection


def dashboard_report(session: Session, unit: Unit, f: Filters) -> IndexReport:
    """The selection's report (NoData also for weights the data cannot take), from
    the per-service (or per-counter) aggregates the comparison table shows: one pass over the
    answers for both."""
    by = None if f.counter else ("service_id" if f.service is None else "counter_id")
    return build_report(session, unit, f.slug, f.period, f.service, f.counter, f.weights, by=by)


def publication_box(session: Session, unit: Unit, f: Filters) -> dict[str, Any]:
    """The revisions published for the selection's service (or the whole unit) and whether
    this selection may be published."""
    return {
        "publications": services.publications_for(session, unit, f.slug, f.period, f.service),
        "publish_refusal": services.publish_refusal(f.counter, f.weights),
    }


def dashboard_context(session: Session, report: IndexReport, f: Filters, *, search: str,
                      page: str | None, want_reliability: bool) -> dict[str, Any]:
    """The template variables of a dashboard with data."""
    unit = report.unit
    sel = selection(unit, f.slug, f.period, f.service, f.counter)
    trend = services.trend(session, report)
    # Alpha needs a pass over every answer pair: computed when asked for, not on every view.
    reliability = reliability_for(session, report) if want_reliability else None
    saran = services.saran_page(session, sel, search or None, parse_int(page, lo=1) or 1)
    return {
        "report": report, "no_data": None, "trend": trend,
        "change": services.change_since(trend[-2][1], report),
        "comparison": services.comparison(session, report),
        "channels": channel_split(session, report),
        "others": services.other_indices(session, unit, f.slug, f.period, f.service, f.counter),
        "reliability": reliability,
        "reading": analysis.interpret_alpha(reliability.alpha) if reliability else None,
        "asked_reliability": want_reliability,
        "profile": profile_counts(session, sel) if report.instrument.profile else None,
        "saran": saran, "q": search,
        "derived": conversion_derived(report.instrument.scale_max),
        "exports": list(EXPORTS),
        **publication_box(session, unit, f),
        "plan_empty": plan_empty(session, report),
    }
