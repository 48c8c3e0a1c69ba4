"""Inputs of the Zona Integritas hasil component, per unit and evaluation year."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class InstrumentOption(Base):
    """A unit's choice for an instrument, e.g. the IPK label style."""

    __tablename__ = "instrument_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    instrument_slug: Mapped[str] = mapped_column(String(32))
    label_style: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        UniqueConstraint("unit_id", "instrument_slug", name="uq_instrument_options_unit_slug"),
    )


class HasilInput(Base):
    """What the ZI team entered for a unit's evaluation year."""

    __tablename__ = "hasil_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    rule_set: Mapped[str] = mapped_column(String(32))
    ipak_source: Mapped[str] = mapped_column(String(32))
    ipkp_source: Mapped[str] = mapped_column(String(32))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    kinerja: Mapped[float | None] = mapped_column(Float)
    pengungkit: Mapped[str | None] = mapped_column(Text)  # JSON: area -> score, or total
    # Percentage (0..100) of audit findings followed up (TLHP), for rule sets scoring it.
    tlhp: Mapped[float | None] = mapped_column(Float)
    # How a 1..4 survey index becomes its points ("x/4", "(x-1)/3"); None: the rule set's default.
    conversion: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("unit_id", "year", name="uq_hasil_inputs_unit_year"),
        CheckConstraint("period_from <= period_to", name="period_order"),
        CheckConstraint("tlhp IS NULL OR (tlhp >= 0 AND tlhp <= 100)", name="tlhp_percent"),
    )
