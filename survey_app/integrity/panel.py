"""The dashboard's integrity panel: flags of the selection, quarantine, the index with and
without quarantined responses, the audit log. Called from the panel template (a Jinja global),
so the dashboard's own view stays as it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from flask_babel import gettext

from analysis.index import Weights

from .. import formats
from ..db import db
from ..domain_errors import NoData
from ..models import IntegrityAudit
from ..results.report import IndexReport, build_report
from . import audit, checks, quarantine
from .texts import KIND_NAMES

AUTO_LIMIT = 50_000  # above this many responses the checks run when asked, not on every view


@dataclass(frozen=True)
class Panel:
    """What the panel shows."""

    ran: bool
    data: dict[str, Any] | None
    with_quarantined: IndexReport | None
    quarantined: int
    held: list[Any]
    log: list[tuple[IntegrityAudit, dict[str, object]]]


def integrity_panel(report: IndexReport) -> Panel:
    """The panel of a dashboard report (its unit, instrument, period and service)."""
    session = db.session
    unit = report.unit
    held_count = quarantine.count(session, unit)
    ran = report.n <= AUTO_LIMIT or bool(request.args.get("integrity"))
    data = None
    if ran:
        result = checks.run(session, unit, report.instrument.slug, report.period, report.service)
        data = result.to_json(gettext, lambda value, places: formats.number(value, places))
        if report.counter is not None:  # a counter's view shows that counter's flags
            data["flags"] = [f for f in data["flags"] if f["counter"] in (None,
                                                                         report.counter.code)]
    with_all = None
    if held_count:
        try:
            with_all = build_report(session, unit, report.instrument.slug, report.period,
                                    report.service, report.counter,
                                    weights=Weights.COMPAT if report.result.weights
                                    == Weights.COMPAT else Weights.EXACT, include_quarantined=True)
        except NoData:
            with_all = None
    log = [(row, audit.detail_of(row)) for row in audit.entries(session, unit.id, limit=20)]
    return Panel(ran, data, with_all, held_count, quarantine.held(session, unit)[:200], log)


def kind_name(kind: str) -> str:
    """A flag kind's name in the reader's language."""
    return gettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
