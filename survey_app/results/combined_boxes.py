"""The combined figures a unit's dashboard shows beside its own: its subtree's (with what is
published of it) and those of the unit groups it is in or runs; who may see and publish a group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..access import EDITORS, visible_units
from ..domain_errors import NoData
from ..models import Unit, UnitGroup, User
from ..unitgroups import groups_of_unit, members
from .combined import CombinedReport, build_combined, subunit_box
from .scopes import combined_revisions
from .unit_table import table_page


@dataclass(frozen=True)
class GroupAccess:
    """What a staff member may do with a group: see every unit's row and download (`full`),
    publish (`manage`); `visible` are the unit ids whose rows they see anyway."""

    full: bool
    manage: bool
    visible: frozenset[int]

    def shows(self, unit: Unit) -> bool:
        """Whether the unit's own row is shown."""
        return self.full or unit.id in self.visible


def group_access(session: Session, user: User, group: UnitGroup) -> GroupAccess | None:
    """The instance admin does everything; staff who see the owner unit see all and its editors
    publish; staff who see a member unit see the pooled figure and their units' rows; others
    nothing (None)."""
    if user.role == "admin":
        return GroupAccess(True, True, frozenset())
    visible = frozenset(u.id for u in visible_units(session, user))
    runs = group.owner_unit_id is not None and group.owner_unit_id in visible
    if not runs and not any(m.unit_id in visible for m in group.members):
        return None
    return GroupAccess(runs, runs and user.role in EDITORS, visible)


def group_boxes(session: Session, unit: Unit, f: Any) -> list[tuple[UnitGroup,
                                                                   CombinedReport | None]]:
    """The groups the unit is in or runs, each with its combined figure for a whole-unit
    selection (None when nothing was answered); none for a service or counter."""
    if f.service is not None or f.counter is not None:
        return []
    out: list[tuple[UnitGroup, CombinedReport | None]] = []
    for group in groups_of_unit(session, unit):
        try:
            combined: CombinedReport | None = build_combined(
                session, group, members(session, group), f.slug, f.period, f.weights)
        except NoData:
            combined = None
        out.append((group, combined))
    return out


def combined_context(session: Session, unit: Unit, f: Any,
                     args: Mapping[str, str]) -> dict[str, Any]:
    """The dashboard's combined cards: `subunits`, the page of its table of units `args` asks
    for (`subunits_table`), its `subunit_pubs`, and `groups`."""
    subunits = subunit_box(session, unit, f)
    return {"subunits": subunits,
            "subunits_table": table_page(subunits.units, args) if subunits else None,
            "subunit_pubs": combined_revisions(session, subunits) if subunits else [],
            "groups": group_boxes(session, unit, f)}
