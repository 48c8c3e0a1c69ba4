"""Which channel receives a report: the unit's own, or the one above when its head is involved."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Unit, WbsChannel

MAX_DEPTH = 32


class NoChannel(LookupError):
    """No open channel can receive this report (`above`: the head of the unit is involved)."""

    def __init__(self, above: bool) -> None:
        super().__init__("no channel above the unit" if above else "no channel")
        self.above = above


def _open_channels(session: Session) -> dict[int, WbsChannel]:
    rows = session.scalars(select(WbsChannel).where(WbsChannel.public_key.is_not(None)))
    return {c.unit_id: c for c in rows}


def route(session: Session, unit: Unit, head_involved: bool) -> WbsChannel:
    """The nearest open channel, starting at the unit, or at its parent (the inspectorate).

    A unit without a channel of its own is served by its nearest ancestor's; a report that
    involves the head of the unit never goes to the unit's own channel.
    """
    channels = _open_channels(session)
    current = unit.parent if head_involved else unit
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        if current.id in channels:
            return channels[current.id]
        current = current.parent
    raise NoChannel(above=head_involved)


def reachable_units(session: Session) -> list[Unit]:
    """Units a report can be made about (some channel at or above them is open)."""
    channels = _open_channels(session)
    units = list(session.scalars(select(Unit).order_by(Unit.name)))
    by_id = {u.id: u for u in units}
    found = []
    for unit in units:
        current: Unit | None = unit
        for _ in range(MAX_DEPTH):
            if current is None:
                break
            if current.id in channels:
                found.append(unit)
                break
            current = by_id.get(current.parent_id) if current.parent_id else None
    return found
