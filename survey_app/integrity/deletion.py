"""Deleting responses: an import batch taken back (the wrong file, the wrong unit) or single
responses, each deletion with a reason in the append-only audit log and the roll-ups moved in
the same transaction. Services flush; the caller commits.

Quarantine (integrity/quarantine.py) is the usual way to set a response aside: it keeps the row
and can be undone. Deletion cannot be undone, so it needs a reason and names what it deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..domain_errors import N_, DomainError
from ..models import ImportBatch, Response, Unit
from ..rollups import maintain as rollups
from . import audit
from .quarantine import REASON_MAX, owned


class DeletionError(DomainError):
    """A deletion request to correct (a msgid)."""


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise DeletionError(N_("Give a reason"))
    if len(reason) > REASON_MAX:
        raise DeletionError(N_("The reason is too long (at most 500 characters)"))
    return reason


def delete_responses(session: Session, unit: Unit, ids: Iterable[int], reason: str,
                     actor: str) -> list[int]:
    """Delete the unit's responses among `ids` (others are not touched); returns the ids."""
    reason = _reason(reason)
    mine = owned(session, unit, ids)
    if not mine:
        raise DeletionError(N_("None of these responses belongs to this unit"))
    _delete(session, mine)
    audit.record(session, unit_id=unit.id, actor=actor, action="delete",
                 detail={"responses": mine, "reason": reason})
    return mine


def delete_batch(session: Session, unit: Unit, batch_id: int, reason: str, actor: str) -> int:
    """Delete every response of one of the unit's import batches; returns how many."""
    reason = _reason(reason)
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.unit_id != unit.id:
        raise DeletionError(N_("No import %(batch)s in this unit"), batch=batch_id)
    ids = list(session.scalars(select(Response.id).where(Response.import_batch_id == batch_id)))
    _delete(session, ids)
    audit.record(session, unit_id=unit.id, actor=actor, action="delete",
                 detail={"batch": batch_id, "rows": len(ids), "sha256": batch.file_sha256,
                         "reason": reason})
    return len(ids)


def _delete(session: Session, ids: list[int]) -> None:
    for start in range(0, len(ids), 5000):
        part = ids[start:start + 5000]
        rollups.remove(session, rollups.for_ids(part))
        session.execute(delete(Response).where(Response.id.in_(part)))
    session.flush()
