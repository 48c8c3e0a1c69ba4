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


def _scope_indexes(name: str, extra: str | None, flag: str | None) -> tuple[Index, Index]:
    """Unique partial indexes over a publication's scope, with and without a service."""
    scope = ["unit_id", "instrument_slug", "period_from", "period_to"]
    tail = [extra] if extra else []
    indexes = []
    for suffix, service, where in (("_unit", [], "service_id IS NULL"),
                                   ("_service", ["service_id"], "service_id IS NOT NULL")):
        condition = text(f"{where} AND {flag}" if flag else where)
        indexes.append(Index(name + suffix, *scope, *service, *tail, unique=True,
                             sqlite_where=condition, postgresql_where=condition))
    return indexes[0], indexes[1]


class Publication(Base):
    """Figures of a period frozen when published; a re-publication adds a revision."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
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
        Index("ix_publications_unit", "unit_id", "instrument_slug", "period_from"),
        # One row per revision of a scope, and one current revision per scope. A NULL service
        # (the whole unit) is a scope of its own: NULLs never collide in a unique index, hence
        # a pair of partial indexes for each rule.
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
