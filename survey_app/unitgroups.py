"""Unit groups: sets of units that are not a subtree (a Mal Pelayanan Publik's tenants)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Unit, UnitGroup, UnitGroupMember
from .orgs import NotFound, OrgError, check_code, find_unit


def find_group(session: Session, code: str) -> UnitGroup:
    """A group by code (case-insensitive)."""
    group = session.scalar(select(UnitGroup).where(func.upper(UnitGroup.code) == code.upper()))
    if group is None:
        raise NotFound(f"unknown unit group {code[:40]!r}")
    return group


def add_group(session: Session, code: str, name: str, units: Iterable[str]) -> UnitGroup:
    """Create a group of existing units; the caller commits."""
    check_code(code, "group")
    if session.scalar(select(UnitGroup.id).where(func.upper(UnitGroup.code) == code.upper())):
        raise OrgError(f"unit group {code!r} already exists")
    if not name.strip():
        raise OrgError("name must not be empty")
    group = UnitGroup(code=code, name=name.strip()[:200])
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
