"""Counter tablets (kiosks): a revocable credential bound to one counter, kept as a digest.

Nothing here describes a respondent: a kiosk row knows its counter, when it last called in and
how many answers it said were waiting on the device; responses never point to a kiosk.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .org import Counter

IDLE_MIN, IDLE_MAX, IDLE_DEFAULT = 15, 3600, 60  # seconds without a touch before a reset


class Kiosk(Base):
    """One enrolled (or waiting to be enrolled) counter tablet."""

    __tablename__ = "kiosks"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(100))
    # SHA-256 of the one-time enrolment token; NULL once spent (or revoked before use).
    enrol_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # SHA-256 of the kiosk credential the enrolled browser holds; NULL until enrolment.
    key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    idle_seconds: Mapped[int] = mapped_column(SmallInteger, default=IDLE_DEFAULT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Answers the device reported as waiting to be sent at its last contact.
    queued: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    counter: Mapped[Counter] = relationship()

    __table_args__ = (
        CheckConstraint(f"idle_seconds >= {IDLE_MIN} AND idle_seconds <= {IDLE_MAX}",
                        name="idle_seconds"),
        CheckConstraint("queued >= 0", name="queued"),
    )

    @property
    def is_revoked(self) -> bool:
        """Staff switched this kiosk off."""
        return self.revoked_at is not None

    @property
    def is_enrolled(self) -> bool:
        """A browser holds this kiosk's credential."""
        return self.key_hash is not None
