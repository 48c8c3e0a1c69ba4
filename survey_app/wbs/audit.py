"""The append-only audit log: every officer view, change and download."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WbsAudit, WbsOfficer, WbsReport, utcnow


def record(session: Session, officer: WbsOfficer | None, action: str,
           report: WbsReport | None = None, detail: str = "") -> None:
    """Add one entry (the caller commits). `detail` never holds report content."""
    session.add(WbsAudit(
        at=utcnow(), officer_id=officer.id if officer else None,
        channel_id=officer.channel_id if officer else (report.channel_id if report else None),
        report_id=report.id if report else None, action=action, detail=detail[:200],
    ))


def entries(session: Session, report: WbsReport) -> list[WbsAudit]:
    """A report's log, oldest first."""
    return list(session.scalars(select(WbsAudit).where(WbsAudit.report_id == report.id)
                                .order_by(WbsAudit.id)))
