"""Roll-ups kept through ORM writes: any flush that adds, changes or deletes a response, an
answer or a quarantine row moves that response's contributions in the same transaction.

The hot paths write with Core statements and keep the roll-ups themselves (a web or kiosk
submit: rollups.single; an import: rollups.maintain.add of its batch; a release:
integrity.quarantine). Everything else that goes through the ORM (the demo, a test's fixture,
any future edit screen) cannot forget them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..models import Answer, Quarantine, Response
from . import maintain

_PENDING = "rollup_pending"


def _response_id(obj: Any) -> int | None:
    """The stored response an answer or quarantine row belongs to (None: not stored yet)."""
    rid = obj.response_id
    if rid is None and isinstance(obj, Answer) and obj.response is not None:
        rid = obj.response.id
    return int(rid) if rid is not None else None


def _stored(session: Session, obj: Any) -> bool:
    return obj not in session.new and inspect(obj).has_identity


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    moved: set[int] = set()  # stored responses whose contributions change
    gone: set[int] = set()  # stored responses deleted by this flush
    new: list[Response] = []
    for obj in session.new:
        if isinstance(obj, Response):
            new.append(obj)
        elif isinstance(obj, Answer | Quarantine):
            rid = _response_id(obj)
            parent = getattr(obj, "response", None)
            if rid is not None and (parent is None or _stored(session, parent)):
                moved.add(rid)
    for obj in session.dirty:
        if isinstance(obj, Response | Answer | Quarantine) and session.is_modified(obj):
            rid = obj.id if isinstance(obj, Response) else _response_id(obj)
            if rid is not None:
                moved.add(rid)
    for obj in session.deleted:
        if isinstance(obj, Response):
            gone.add(int(obj.id))
        elif isinstance(obj, Answer | Quarantine):
            rid = _response_id(obj)
            if rid is not None:
                moved.add(rid)
    if not (moved or gone or new):
        return
    with session.no_autoflush:
        if moved | gone:
            maintain.remove(session, maintain.for_ids(moved | gone))
    session.info[_PENDING] = (moved - gone, new)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is None:
        return
    moved, new = pending
    ids = set(moved) | {int(r.id) for r in new if r.id is not None}
    if ids:
        maintain.add(session, maintain.for_ids(ids))
