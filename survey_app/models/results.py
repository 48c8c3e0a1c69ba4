"""Results: the number of service users per period, published periods, follow-up plans."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .user import User


class ServicePopulation(Base):
    """N for the sample check: service users in a period (service_id NULL = the whole unit)."""

    __tablename__ = "service_populations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    population: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("population >= 1", name="positive"),
        CheckConstraint("period_from <= period_to", name="period_order"),
        Index("ix_service_populations_lookup", "unit_id", "service_id", "period_from", "period_to"),
    )


# What a publication covers: one unit (or one of its services), a unit with every unit below it
# (its combined index), or a unit group (survey_app/unitgroups.py). Written here only.
SCOPE_UNIT, SCOPE_SUBTREE, SCOPE_GROUP = "unit", "subtree", "group"
PUBLICATION_SCOPES = (SCOPE_UNIT, SCOPE_SUBTREE, SCOPE_GROUP)
PERIOD_KEY = ["instrument_slug", "period_from", "period_to"]
# (suffix, columns before and after the period's, condition) of each partial unique index of a
# scope's key.
SCOPE_KEYS: tuple[tuple[str, list[str], list[str], str], ...] = (
    ("_unit", ["unit_id", "scope"], [], "service_id IS NULL AND scope <> 'group'"),
    ("_service", ["unit_id"], ["service_id"], "service_id IS NOT NULL"),
    ("_group", ["group_id"], [], "scope = 'group'"),
)


def _scope_indexes(name: str, extra: str | None, flag: str | None) -> tuple[Index, ...]:
    """Unique partial indexes over a publication's scope: a whole unit or its subtree (told
    apart by `scope`), a service, a group."""
    tail = [extra] if extra else []
    indexes = []
    for suffix, owner, after, where in SCOPE_KEYS:
        condition = text(f"{where} AND {flag}" if flag else where)
        indexes.append(Index(name + suffix, *owner, *PERIOD_KEY, *after, *tail, unique=True,
                             sqlite_where=condition, postgresql_where=condition))
    return tuple(indexes)


class Publication(Base):
    """Figures of a period frozen when published; a re-publication adds a revision."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL only for a group's publication (scope "group"), which names its group instead.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_UNIT,
                                       server_default=SCOPE_UNIT)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("unit_groups.id", ondelete="RESTRICT"), index=True)
    instrument_slug: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    figures: Mapped[str] = mapped_column(Text)  # the index JSON, follow-up plan and profile
    reason: Mapped[str | None] = mapped_column(String(500))
    is_current: Mapped[bool] = mapped_column(default=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    # SHA-256 of the canonical frozen figures chained to the previous revision's digest
    # (survey_app/integrity/publications.py); NULL only on rows published before migration 0009.
    digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    prev_digest: Mapped[str | None] = mapped_column(String(64))
    # Whether quarantined responses were left out of the frozen figures.
    excludes_quarantined: Mapped[bool] = mapped_column(default=False, server_default=false())

    published_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("revision >= 1", name="revision"),
        CheckConstraint("scope IN ('unit', 'subtree', 'group')", name="scope"),
        # A group's publication names the group and no unit; the others a unit and no group.
        CheckConstraint("(scope = 'group' AND group_id IS NOT NULL AND unit_id IS NULL) OR "
                        "(scope <> 'group' AND group_id IS NULL AND unit_id IS NOT NULL)",
                        name="scope_owner"),
        # Combined figures are over whole units: only a unit's own publication has a service.
        CheckConstraint("scope = 'unit' OR service_id IS NULL", name="scope_service"),
        Index("ix_publications_unit", "unit_id", "instrument_slug", "period_from"),
        # One row per revision of a scope, and one current revision per scope. A NULL service
        # (the whole unit) is a scope of its own, and so is a NULL unit (a group's): NULLs never
        # collide in a unique index, hence partial indexes for each rule (SCOPE_KEYS).
        *_scope_indexes("uq_publications_revision", "revision", None),
        *_scope_indexes("uq_publications_current", None, "is_current"),
    )


class FollowUpItem(Base):
    """A row of the rencana tindak lanjut (RTL) for a unit, instrument and period."""

    __tablename__ = "follow_up_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    instrument_slug: Mapped[str] = mapped_column(String(32))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(Integer)
    element_code: Mapped[str] = mapped_column(String(40))
    program: Mapped[str] = mapped_column(String(500), default="")
    waktu: Mapped[str] = mapped_column(String(200), default="")
    penanggung_jawab: Mapped[str] = mapped_column(String(200), default="")

    __table_args__ = (
        Index("ix_follow_up_items_period", "unit_id", "instrument_slug", "period_from"),
    )
