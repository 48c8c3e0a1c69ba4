"""The append-only integrity audit log: quarantine, release, imports, deletions, publications.

`record` only adds a row to the caller's session (flushes, never commits): the act and its
audit row are stored in the same transaction or not at all. The table refuses UPDATE and
DELETE in the database itself (triggers, migration 0009).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import IntegrityAudit


def record(session: Session, *, unit_id: int | None, actor: str, action: str,
           detail: Mapping[str, object]) -> IntegrityAudit:
    """Add one audit row (detail: a JSON-serialisable mapping) and flush it."""
    row = IntegrityAudit(unit_id=unit_id, actor=actor[:254], action=action[:32],
                         detail=json.dumps(dict(detail), sort_keys=True, default=str))
    session.add(row)
    session.flush()
    return row


def entries(session: Session, unit_id: int, limit: int = 50) -> list[IntegrityAudit]:
    """The unit's most recent audit rows, newest first."""
    return list(session.scalars(select(IntegrityAudit).where(IntegrityAudit.unit_id == unit_id)
                                .order_by(IntegrityAudit.id.desc()).limit(limit)))


def detail_of(row: IntegrityAudit) -> dict[str, object]:
    """The row's detail as a mapping."""
    value = json.loads(row.detail or "{}")
    return value if isinstance(value, dict) else {"value": value}
