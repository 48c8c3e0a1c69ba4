"""A unit's letterhead (kop surat) and signatory, printed on its official documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

LOGO_TYPES = ("image/png", "image/jpeg")


class Letterhead(Base):
    """Kop surat and signature block of a unit; the logo lives in the database.

    The logo is stored here, not on disk, so every app server behind a load balancer prints the
    same one. It is always an image this app re-encoded itself (see admin/letterhead.py).
    """

    __tablename__ = "letterheads"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"),
                                         primary_key=True)
    agency: Mapped[str] = mapped_column(String(200), default="")  # line above the unit name
    address: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(100), default="")  # where the report is signed
    head_title: Mapped[str] = mapped_column(String(200), default="")  # e.g. "Kepala Kantor"
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_nip: Mapped[str] = mapped_column(String(32), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("(logo IS NULL) = (logo_type IS NULL)", name="logo_with_type"),
        CheckConstraint("logo_type IS NULL OR logo_type IN ('image/png', 'image/jpeg')",
                        name="logo_type"),
    )
