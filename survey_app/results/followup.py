"""The follow-up plan (rencana tindak lanjut): the lowest elements first."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis

from ..inputs import parse_int
from ..models import FollowUpItem, Service, Unit
from .period import Period
from .report import IndexReport

PRIORITIES = 2  # monitoring asks for the two lowest elements
FIELDS = ("program", "waktu", "penanggung_jawab")


def plan_rows(form: Mapping[str, str]) -> dict[int, dict[str, str]]:
    """The posted plan: `program-<row id>` and its two fields per row. Ids are ASCII digits
    only: '²' passes `str.isdigit` but not `int` (a 500 before)."""
    rows: dict[int, dict[str, str]] = {}
    for name in form:
        prefix, _, raw = name.partition("-")
        row_id = parse_int(raw) if prefix == "program" else None
        if row_id is not None:
            rows[row_id] = {field: form.get(f"{field}-{raw}", "") for field in FIELDS}
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


def ensure_plan(session: Session, report: IndexReport) -> list[FollowUpItem]:
    """The period's plan, pre-filled with the lowest elements when none exists yet.

    Flushes new rows (they get their ids for the form); the caller decides whether to commit.
    """
    rows = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    if rows:
        return rows
    for rank, element in enumerate(
        analysis.follow_up_priorities(list(report.result.elements), PRIORITIES), start=1
    ):
        session.add(FollowUpItem(
            unit_id=report.unit.id, instrument_slug=report.instrument.slug,
            service_id=report.service.id if report.service else None,
            period_from=report.period.start, period_to=report.period.end,
            priority=rank, element_code=element.code,
        ))
    session.flush()
    return plan_for(session, report.unit, report.instrument.slug, report.period, report.service)


def plan_empty(session: Session, report: IndexReport) -> bool:
    """True when no row of the period's follow-up plan names a program or activity yet."""
    rows = plan_for(session, report.unit, report.instrument.slug, report.period, report.service)
    return not any((row.program or "").strip() for row in rows)
