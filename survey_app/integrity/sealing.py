"""What publishing adds for integrity: the period's integrity summary, the digest, the audit row."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import Publication, Unit
from ..models.results import SCOPE_UNIT
from ..results.report import IndexReport
from . import audit, checks
from .publications import seal, verification_code


def seal_publication(session: Session, pub: Publication, report: IndexReport,
                     previous: Publication | None, actor: str) -> None:
    """Freeze the integrity summary into a new publication, digest it, and log the act."""
    checked = checks.run(session, report.unit, report.instrument.slug, report.period,
                         report.service)
    _seal(session, pub, report, checked.summary_json(), previous, actor, report.unit.id)


def seal_combined(session: Session, pub: Publication, report: IndexReport, units: list[Unit],
                  previous: Publication | None, actor: str) -> None:
    """The same for a combined figure: the checks run per member unit (each unit's own hours,
    transactions and local dates) and their summaries are added up."""
    summaries = [checks.run(session, unit, report.instrument.slug, report.period).summary_json()
                 for unit in units]
    _seal(session, pub, report, summed(summaries), previous, actor, pub.unit_id)


def summed(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    """Integrity summaries of several units as one: counts added, shares recomputed from the
    responses each share was of."""
    out: dict[str, Any] = {"checked": 0, "flagged": 0, "quarantined": 0, "flags_by_kind": {},
                           "responses_by_channel": {}}
    flagged_by_channel: dict[str, float] = {}
    for s in summaries:
        for key in ("checked", "flagged", "quarantined"):
            out[key] += int(s[key])
        for kind, n in s["flags_by_kind"].items():
            out["flags_by_kind"][kind] = out["flags_by_kind"].get(kind, 0) + n
        for channel, n in s["responses_by_channel"].items():
            out["responses_by_channel"][channel] = out["responses_by_channel"].get(channel, 0) + n
            share = s["flagged_share_by_channel"].get(channel)
            flagged_by_channel[channel] = flagged_by_channel.get(channel, 0.0) + (
                round(share * n) if share is not None else 0)
    channels = {c for s in summaries for c in s["flagged_share_by_channel"]}
    counts = out["responses_by_channel"]
    out["flagged_share_by_channel"] = {
        c: flagged_by_channel[c] / counts[c] if counts.get(c) else None for c in sorted(channels)}
    return out


def _seal(session: Session, pub: Publication, report: IndexReport, summary: dict[str, Any],
          previous: Publication | None, actor: str, unit_id: int | None) -> None:
    seal(session, pub, report, summary, previous)
    session.flush()
    detail: dict[str, Any] = {"publication": pub.id, "revision": pub.revision,
                              "code": verification_code(pub.digest or ""),
                              "excludes_quarantined": pub.excludes_quarantined}
    if pub.scope != SCOPE_UNIT:
        detail["scope"] = pub.scope
    audit.record(session, unit_id=unit_id, actor=actor, action="publish", detail=detail)

