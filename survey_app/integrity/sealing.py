"""What publishing adds for integrity: the period's integrity summary, the digest, the audit row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Publication
from ..results.report import IndexReport
from . import audit, checks
from .publications import seal, verification_code


def seal_publication(session: Session, pub: Publication, report: IndexReport,
                     previous: Publication | None, actor: str) -> None:
    """Freeze the integrity summary into a new publication, digest it, and log the act."""
    checked = checks.run(session, report.unit, report.instrument.slug, report.period,
                         report.service)
    seal(session, pub, report, checked.summary_json(), previous)
    session.flush()
    audit.record(session, unit_id=report.unit.id, actor=actor, action="publish",
                 detail={"publication": pub.id, "revision": pub.revision,
                         "code": verification_code(pub.digest or ""),
                         "excludes_quarantined": pub.excludes_quarantined})
