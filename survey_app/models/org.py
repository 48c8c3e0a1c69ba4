"""Organisation: units in a hierarchy, their services and counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"


class Unit(Base):
    """A unit kerja; parent_id builds the ministry > regional office > unit tree."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    tz: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    services: Mapped[list[Service]] = relationship(
        back_populates="unit", order_by="Service.code", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )


class Service(Base):
    """A jenis layanan offered by a unit."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    # Instruments its QR code offers, in order (e.g. "ikm,ipk"): one scan, one page each.
    instrument_slugs: Mapped[str] = mapped_column(String(100), default="ikm")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="services")
    counters: Mapped[list[Counter]] = relationship(
        back_populates="service", order_by="Counter.code", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_services_unit_code"),)


class Counter(Base):
    """A loket where a service is delivered and a QR code is displayed."""

    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    # None: offer what the service offers.
    instrument_slugs: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    service: Mapped[Service] = relationship(back_populates="counters")

    __table_args__ = (UniqueConstraint("service_id", "code", name="uq_counters_service_code"),)
