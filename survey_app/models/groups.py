"""Groups of units that are not a subtree (a Mal Pelayanan Publik's tenants), reported together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .org import CODE_PATTERN, Unit

__all__ = ["CODE_PATTERN", "UnitGroup", "UnitGroupMember"]


class UnitGroup(Base):
    """A named set of units whose combined index is reported like a parent unit's."""

    __tablename__ = "unit_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The unit that runs the group (a Mal Pelayanan Publik's managing office), if any: its staff
    # see the group's figures on their dashboard and its editors publish them.
    owner_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="SET NULL"), index=True)

    members: Mapped[list[UnitGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True)


class UnitGroupMember(Base):
    """One unit in a group (a unit may be in several groups)."""

    __tablename__ = "unit_group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("unit_groups.id", ondelete="CASCADE"),
                                          primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)

    group: Mapped[UnitGroup] = relationship(back_populates="members")
    unit: Mapped[Unit] = relationship()
