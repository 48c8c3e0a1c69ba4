"""Unit groups: sets of units that are not a subtree (a Mal Pelayanan Publik's tenants)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .models import Publication, Unit, UnitGroup, UnitGroupMember
from .orgs import NotFound, OrgError, check_code, find_unit


def find_group(session: Session, code: str) -> UnitGroup:
    """A group by code (case-insensitive)."""
    group = session.scalar(select(UnitGroup).where(func.upper(UnitGroup.code) == code.upper()))
    if group is None:
        raise NotFound(f"unknown unit group {code[:40]!r}")
    return group


def add_group(session: Session, code: str, name: str, units: Iterable[str],
              owner: str | None = None) -> UnitGroup:
    """Create a group of existing units (run by `owner`, a unit code, if given); the caller
    commits."""
    check_code(code, "group")
    if session.scalar(select(UnitGroup.id).where(func.upper(UnitGroup.code) == code.upper())):
        raise OrgError(f"unit group {code!r} already exists")
    if not name.strip():
        raise OrgError("name must not be empty")
    group = UnitGroup(code=code, name=name.strip()[:200],
                      owner_unit_id=find_unit(session, owner).id if owner else None)
    session.add(group)
    session.flush()
    change_members(session, group, add=units)
    return group


def change_members(session: Session, group: UnitGroup, add: Iterable[str] = (),
                   remove: Iterable[str] = ()) -> None:
    """Add and remove member units by code (unknown codes: NotFound); the caller commits."""
    current = {m.unit_id for m in group.members}
    for code in add:
        unit = find_unit(session, code)
        if unit.id not in current:
            group.members.append(UnitGroupMember(unit_id=unit.id))
            current.add(unit.id)
    for code in remove:
        unit = find_unit(session, code)
        for member in list(group.members):
            if member.unit_id == unit.id:
                group.members.remove(member)
    session.flush()


def members(session: Session, group: UnitGroup) -> list[Unit]:
    """The group's units by code."""
    return list(session.scalars(select(Unit).join(UnitGroupMember,
                                                  UnitGroupMember.unit_id == Unit.id)
                                .where(UnitGroupMember.group_id == group.id)
                                .order_by(Unit.code)))


def all_groups(session: Session) -> list[UnitGroup]:
    """Every group by code."""
    return list(session.scalars(select(UnitGroup).order_by(UnitGroup.code)))


def set_owner(session: Session, group: UnitGroup, owner: str | None) -> None:
    """Name the unit that runs the group (None or "": nobody); the caller commits."""
    group.owner_unit_id = find_unit(session, owner).id if owner else None
    session.flush()


def remove_group(session: Session, group: UnitGroup) -> None:
    """Delete a group with no publications (published figures stay verifiable); the caller
    commits."""
    if session.scalar(select(Publication.id).where(Publication.group_id == group.id).limit(1)):
        raise OrgError(f"unit group {group.code!r} has published figures and is kept")
    session.delete(group)
    session.flush()


def groups_of_unit(session: Session, unit: Unit) -> list[UnitGroup]:
    """The groups the unit is in or runs, by code."""
    return list(session.scalars(select(UnitGroup).where(or_(
        UnitGroup.owner_unit_id == unit.id,
        UnitGroup.id.in_(select(UnitGroupMember.group_id)
                         .where(UnitGroupMember.unit_id == unit.id)))).order_by(UnitGroup.code)))
