"""Survey integrity: the audit log, opening hours, services delivered, quarantined responses.

Nothing here describes a respondent: the checks read what `responses` already holds (channel,
counter, time, answers, profile, the coarse completion-time bucket and the import batch).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

AUDIT_ACTIONS = ("quarantine", "release", "import", "delete", "publish", "hours", "transactions")


class IntegrityAudit(Base):
    """Append-only log of acts on a unit's survey data (database triggers refuse UPDATE/DELETE)."""

    __tablename__ = "integrity_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Plain ids, no foreign keys: the log outlives the rows it names.
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str] = mapped_column(String(254))  # staff e-mail, or "cli"
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON object


class OpeningInterval(Base):
    """One opening interval of a unit on a weekday (Monday 0), minutes after local midnight.

    A unit without rows has the default week (analysis.integrity.DEFAULT_WEEK); once it has
    rows, a weekday without rows is closed.
    """

    __tablename__ = "unit_opening_hours"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens: Mapped[int] = mapped_column(SmallInteger)
    closes: Mapped[int] = mapped_column(SmallInteger)

    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        CheckConstraint("opens >= 0 AND opens < closes AND closes <= 1440", name="interval"),
    )


class ServiceTransactions(Base):
    """Services delivered by a service on a local day (entered or imported by a unit admin)."""

    __tablename__ = "service_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    delivered: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("delivered >= 0", name="delivered"),
        UniqueConstraint("service_id", "day", name="uq_service_transactions_service_day"),
    )


class Quarantine(Base):
    """A response set aside by a unit admin: left out of the index until released."""

    __tablename__ = "response_quarantine"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(32))  # the flag it came from, if any
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
