"""The follow-up plan (rencana tindak lanjut): the lowest elements first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis

from ..models import FollowUpItem, Service, Unit
from .period import Period
from .report import IndexReport

PRIORITIES = 2  # monitoring asks for the two lowest elements
FIELDS = ("program", "waktu", "penanggung_jawab")


@dataclass(frozen=True)
class PlanRow:
    """A row of the plan as the page shows it, stored or only pre-filled."""

    priority: int
    element_code: str
    program: str = ""
    waktu: str = ""
    penanggung_jawab: str = ""


def plan_rows(form: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The posted plan: `program-<element code>` and its two fields per element.

    Rows are keyed by the element's code, not a database id, so a page shown before anything
    was stored posts the same names as one shown after, and a row never lands on another
    element. Unknown codes are ignored by `update_plan`.
    """
    rows: dict[str, dict[str, str]] = {}
    for name in form:
        prefix, _, code = name.partition("-")
        if prefix == "program" and code:
            rows[code] = {field: form.get(f"{field}-{code}", "") for field in FIELDS}
    return rows


def plan_for(session: Session, unit: Unit, slug: str, period: Period,
             service: Service | None = None) -> list[FollowUpItem]:
    """Stored plan rows of a period, by priority."""
    same_service = (FollowUpItem.service_id == service.id if service
                    else FollowUpItem.service_id.is_(None))
    return list(session.scalars(
        select(FollowUpItem).where(
            FollowUpItem.unit_id == unit.id, FollowUpItem.instrument_slug == slug, same_service,
            FollowUpItem.period_from == period.start, FollowUpItem.period_to == period.end,
        ).order_by(FollowUpItem.priority, FollowUpItem.id)
    ))


def prefilled(report: IndexReport) -> list[PlanRow]:
    """The period's lowest elements as empty plan rows (nothing is stored)."""
    priorities = analysis.follow_up_priorities(list(report.result.elements), PRIORITIES)
    return [PlanRow(rank, element.code) for rank, element in enumerate(priorities, start=1)]


def shown_plan(session: Session, report: IndexReport) -> tuple[list[PlanRow], bool]:
    """The plan a page shows and whether it is stored: the stored rows, else the pre-filled
    priorities. Reads only: a GET writes nothing."""
    stored = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    if not stored:
        return prefilled(report), False
    return [PlanRow(row.priority, row.element_code, row.program, row.waktu,
                    row.penanggung_jawab) for row in stored], True


def ensure_plan(session: Session, report: IndexReport) -> list[FollowUpItem]:
    """The period's stored plan, storing the pre-filled rows first when none exists yet.

    For the writes only (saving the plan, publishing): flushes, the caller commits.
    """
    rows = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    if rows:
        return rows
    for row in prefilled(report):
        session.add(FollowUpItem(
            unit_id=report.unit.id, instrument_slug=report.instrument.slug,
            service_id=report.service.id if report.service else None,
            period_from=report.period.start, period_to=report.period.end,
            priority=row.priority, element_code=row.element_code,
        ))
    session.flush()
    return plan_for(session, report.unit, report.instrument.slug, report.period, report.service)


def plan_empty(session: Session, report: IndexReport) -> bool:
    """True when no row of the period's follow-up plan names a program or activity yet."""
    rows = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    return not any((row.program or "").strip() for row in rows)
