"""Quarantine: a unit admin sets flagged responses aside (with a reason) and releases them.

A quarantined response stays stored and checked; `results.queries.Selection` leaves it out of
every figure unless `include_quarantined` is asked for, so quarantine and release change the
index exactly as removing and re-adding the responses would. Each act writes its audit row in
the same transaction; services flush, the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..domain_errors import N_, DomainError
from ..models import Quarantine, Response, Unit, User
from ..rollups import maintain as rollups
from . import audit

REASON_MAX = 500


class QuarantineError(DomainError):
    """A quarantine or release request to correct (a msgid)."""


def owned(session: Session, unit: Unit, ids: Iterable[int]) -> list[int]:
    """The given response ids that belong to the unit (others are silently not touched)."""
    wanted = sorted({int(i) for i in ids})
    found: list[int] = []
    for start in range(0, len(wanted), 1000):
        part = wanted[start:start + 1000]
        found += session.scalars(select(Response.id).where(Response.unit_id == unit.id,
                                                           Response.id.in_(part)))
    return sorted(found)


def quarantine(session: Session, unit: Unit, ids: Iterable[int], reason: str,
               actor: str, by: User | None = None, kind: str | None = None) -> list[int]:
    """Set the unit's responses aside; returns the ids newly quarantined."""
    reason = reason.strip()
    if not reason:
        raise QuarantineError(N_("Give a reason"))
    if len(reason) > REASON_MAX:
        raise QuarantineError(N_("The reason is too long (at most 500 characters)"))
    mine = owned(session, unit, ids)
    if not mine:
        raise QuarantineError(N_("None of these responses belongs to this unit"))
    already = set(session.scalars(select(Quarantine.response_id)
                                  .where(Quarantine.response_id.in_(mine))))
    new = [i for i in mine if i not in already]
    for rid in new:
        session.add(Quarantine(response_id=rid, reason=reason, kind=kind,
                               by_id=by.id if by else None))
    audit.record(session, unit_id=unit.id, actor=actor, action="quarantine",
                 detail={"responses": new, "reason": reason, "kind": kind})
    session.flush()
    return new


def release(session: Session, unit: Unit, ids: Iterable[int], actor: str,
            reason: str = "") -> list[int]:
    """Put quarantined responses of the unit back into the figures; returns the ids released."""
    mine = owned(session, unit, ids)
    held = sorted(session.scalars(select(Quarantine.response_id)
                                  .where(Quarantine.response_id.in_(mine))))
    if not held:
        raise QuarantineError(N_("None of these responses is in quarantine"))
    where = rollups.for_ids(held)
    rollups.remove(session, where)  # counted as quarantined until here
    session.execute(delete(Quarantine).where(Quarantine.response_id.in_(held)))
    rollups.add(session, where)
    audit.record(session, unit_id=unit.id, actor=actor, action="release",
                 detail={"responses": held, "reason": reason.strip()[:REASON_MAX]})
    session.flush()
    return held


def held(session: Session, unit: Unit) -> list[tuple[Quarantine, Response]]:
    """The unit's quarantined responses with their rows, newest act first."""
    return list(session.execute(
        select(Quarantine, Response).join(Response, Response.id == Quarantine.response_id)
        .where(Response.unit_id == unit.id).order_by(Quarantine.at.desc(), Response.id)
    ).tuples())


def count(session: Session, unit: Unit) -> int:
    """How many of the unit's responses are quarantined."""
    return int(session.scalar(
        select(func.count()).select_from(Quarantine)
        .join(Response, Response.id == Quarantine.response_id)
        .where(Response.unit_id == unit.id)) or 0)
