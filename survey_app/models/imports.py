"""Import batches (one per imported file) and the saved column mappings of form exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

# What an import read: the contract's paper CSV, or a form/spreadsheet export through a mapping.
IMPORT_KINDS = ("paper", "form")


class ImportBatch(Base):
    """One imported file: its digest, who imported it, when, how many rows, for which unit."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="paper")
    instrument_slug: Mapped[str] = mapped_column(String(32))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    # The staff e-mail or "cli:<os user>": who ran it, for the integrity audit trail.
    imported_by: Mapped[str] = mapped_column(String(254))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    rows: Mapped[int] = mapped_column(Integer)
    # The batch's uuid as stored in responses.import_batch (the older free-text link).
    batch_key: Mapped[str] = mapped_column(String(36), unique=True)

    __table_args__ = (
        CheckConstraint("rows >= 0", name="rows"),
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in IMPORT_KINDS)})", name="kind"),
    )


class ImportMapping(Base):
    """A unit's saved column-to-element mapping for one instrument's form export (JSON)."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    instrument_slug: Mapped[str] = mapped_column(String(32))
    mapping: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("unit_id", "instrument_slug",
                                       name="uq_import_mappings_unit_instrument"),)


class ImportUpload(Base):
    """An export uploaded on the staff import page, held between its preview and the
    confirmation (in the database, so any app server can finish it); deleted once imported."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(36), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    instrument_slug: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(254))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
