"""Anonymous survey responses: no IP, no user agent, no name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

# How a response came in (`source`): the phone form, a counter kiosk, or a paper import.
CHANNELS = ("web", "kiosk", "paper")


class Response(Base):
    """One filled questionnaire, from the web form, a counter kiosk or a paper import."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id", ondelete="SET NULL"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(8), default="web")
    jenis_kelamin: Mapped[str | None] = mapped_column(String(1))
    usia: Mapped[int | None] = mapped_column(SmallInteger)
    pendidikan: Mapped[str | None] = mapped_column(String(16))
    pekerjaan: Mapped[str | None] = mapped_column(String(16))
    saran: Mapped[str | None] = mapped_column(Text)
    # Digest of the one-time form token: a replayed or double-tapped submit hits this constraint.
    form_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    import_batch: Mapped[str | None] = mapped_column(String(36), index=True)
    # The import_batches row of an imported response (NULL for web and kiosk answers).
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True)
    # Count and sum of this response's answers, kept with the row so respondent-level statistics
    # (confidence interval, change between periods) aggregate one row per respondent, not nine.
    answer_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    answer_sum: Mapped[int] = mapped_column(SmallInteger, default=0)
    # The label wording the respondent saw (e.g. IPK "occurrence" or "agreement"); NULL on paper.
    label_style: Mapped[str | None] = mapped_column(String(32))
    # Form shown -> form sent, as the lower bound in seconds of its bucket
    # (analysis.integrity.DURATION_BUCKETS); never the exact time. NULL on paper or unmeasured.
    duration_bucket: Mapped[int | None] = mapped_column(SmallInteger)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint(f"source IN ({', '.join(repr(c) for c in CHANNELS)})", name="source"),
        CheckConstraint("jenis_kelamin IS NULL OR jenis_kelamin IN ('L', 'P')", name="sex"),
        CheckConstraint("usia IS NULL OR (usia >= 10 AND usia <= 120)", name="usia"),
        CheckConstraint("answer_count >= 0 AND answer_sum >= answer_count", name="answer_totals"),
        Index("ix_responses_unit_submitted", "unit_id", "submitted_at"),
        Index("ix_responses_service_submitted", "service_id", "submitted_at"),
    )


class Answer(Base):
    """One element's answer; an unanswered element has no row."""

    __tablename__ = "answers"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)

    response: Mapped[Response] = relationship(back_populates="answers")

    # SQLite: the primary key is the table (no rowid b-tree beside it); see migration 0005.
    __table_args__ = (CheckConstraint("value >= 1 AND value <= 9", name="value_range"),
                      {"sqlite_with_rowid": False})
