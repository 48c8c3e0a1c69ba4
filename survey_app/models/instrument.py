"""Instrument versions as answered, and per-service rewording of items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class InstrumentVersion(Base):
    """A frozen copy of one instrument file version; responses point here."""

    __tablename__ = "instrument_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    checksum: Mapped[str] = mapped_column(String(64))
    definition: Mapped[str] = mapped_column(Text)
    # Number of elements: a response answering this many is complete (roll-ups, alpha).
    items: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("slug", "version", name="uq_instrument_versions_slug"),)


class ItemOverride(Base):
    """A unit's own wording of an item for one service; the element code stays."""

    __tablename__ = "item_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    instrument_slug: Mapped[str] = mapped_column(String(32))
    item_code: Mapped[str] = mapped_column(String(40))
    text_id: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500))

    __table_args__ = (
        UniqueConstraint(
            "service_id", "instrument_slug", "item_code", name="uq_item_overrides_service_item"
        ),
    )
