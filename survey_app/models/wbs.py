"""Whistle-blowing (WBS): channels, officers, encrypted reports, messages, files, audit log.

Only triage metadata is stored in clear (unit, channel, category, status, dates, deadlines);
every text and file is ciphertext (see survey_app/wbs/crypto.py and the README's threat model).

Rows a reporter writes (reports, messages, files) must not betray their order: a sequence would
place a report among rows that carry exact times (audit, sessions, survey responses). Their ids
are random, messages and files are ordered by a per-report `seq`, and `sealed` marks the rows
survey_app/wbs/reseal.py has rewritten so that a finished hour's rows share one PostgreSQL xmin.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    event,
    false,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, object_session, relationship

from .base import Base, UTCDateTime, utcnow
from .org import Unit
from .user import User

CATEGORIES = (
    "korupsi", "suap", "gratifikasi", "pungli", "penggelapan", "kecurangan",
    "benturan_kepentingan", "penyalahgunaan_wewenang", "disiplin", "percaloan", "kkn", "lainnya",
)
STATUSES = (
    "new", "verification", "need_info", "investigation",
    "closed_proven", "closed_not_proven", "closed_not_eligible",
    "forwarded_apip", "forwarded_aph", "forwarded_kpk", "forwarded_ombudsman",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class WbsChannel(Base):
    """A unit's WBS channel: its X25519 public key (None until the first officer is added)."""

    __tablename__ = "wbs_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), unique=True)
    public_key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()


class WbsOfficer(Base):
    """A WBS officer: the channel private key wrapped under a key derived from the password."""

    __tablename__ = "wbs_officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("wbs_channels.id", ondelete="CASCADE"), index=True
    )
    key_salt: Mapped[bytes] = mapped_column(LargeBinary(16))
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    totp_secret: Mapped[bytes] = mapped_column(LargeBinary(128))  # encrypted, see crypto.py
    totp_last_step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    channel: Mapped[WbsChannel] = relationship()


class WbsSession(Base):
    """An officer's login: the channel key encrypted under a key held only in their cookie."""

    __tablename__ = "wbs_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # BLAKE2b of the session id
    officer_id: Mapped[int] = mapped_column(ForeignKey("wbs_officers.id", ondelete="CASCADE"),
                                            index=True)
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    officer: Mapped[WbsOfficer] = relationship()


class WbsReport(Base):
    """A report: ciphertext plus the clear metadata triage and the ZI recap need."""

    __tablename__ = "wbs_reports"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # random, see below
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("wbs_channels.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24), default="new")
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbs_officers.id", ondelete="SET NULL")
    )
    # Argon2id of the receipt, then keyed BLAKE2b: no readable copy of the receipt.
    lookup_id: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_key: Mapped[bytes] = mapped_column(LargeBinary(128))  # data key under receipt key
    channel_key: Mapped[bytes] = mapped_column(LargeBinary(128))  # data key sealed to channel
    body: Mapped[bytes] = mapped_column(LargeBinary())  # 5W1H, SecretBox(data key)
    contact: Mapped[bytes | None] = mapped_column(LargeBinary())  # sealed to the channel only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ack_due: Mapped[date] = mapped_column(Date)
    verify_due: Mapped[date] = mapped_column(Date)
    resolve_due: Mapped[date] = mapped_column(Date)
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())

    unit: Mapped[Unit] = relationship()
    channel: Mapped[WbsChannel] = relationship()
    assignee: Mapped[WbsOfficer | None] = relationship()

    __table_args__ = (
        CheckConstraint(_in("category", CATEGORIES), name="category"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        Index("ix_wbs_reports_queue", "channel_id", "status", "created_at"),
    )


class WbsMessage(Base):
    """A note or answer: public (reporter-readable, data key) or internal (channel only)."""

    __tablename__ = "wbs_messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    report_id: Mapped[int] = mapped_column(ForeignKey("wbs_reports.id", ondelete="CASCADE"),
                                           index=True)
    author: Mapped[str] = mapped_column(String(16))
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbs_officers.id", ondelete="SET NULL")
    )
    is_internal: Mapped[bool] = mapped_column(default=False)
    body: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seq: Mapped[int] = mapped_column(Integer)  # order within the report's conversation
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        CheckConstraint("author IN ('reporter', 'officer')", name="author"),
        CheckConstraint("author = 'officer' OR NOT is_internal", name="internal_by_officer"),
    )


class WbsFile(Base):
    """Evidence: the sealed original and, for images, a metadata-free working copy."""

    __tablename__ = "wbs_files"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    report_id: Mapped[int] = mapped_column(ForeignKey("wbs_reports.id", ondelete="CASCADE"),
                                           index=True)
    original_name: Mapped[str] = mapped_column(String(64))  # random storage names
    working_name: Mapped[str | None] = mapped_column(String(64))
    meta: Mapped[bytes] = mapped_column(LargeBinary())  # type and size, SecretBox(data key)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seq: Mapped[int] = mapped_column(Integer)  # upload order within the report
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())


class WbsBlob(Base):
    """An evidence file's bytes: SecretBox(report data key) ciphertext, named by WbsFile's
    `original_name` or `working_name` (before revision 0011 they were files of that name)."""

    __tablename__ = "wbs_blobs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, see storage.py
    file_id: Mapped[int] = mapped_column(ForeignKey("wbs_files.id", ondelete="CASCADE"),
                                         index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the report's hour
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())


class WbsAnswerToken(Base):
    """A reporter's answer form that was stored: a resent form finds it and stores nothing."""

    __tablename__ = "wbs_answer_tokens"

    digest: Mapped[str] = mapped_column(String(32), primary_key=True)  # BLAKE2b of the token
    report_id: Mapped[int] = mapped_column(ForeignKey("wbs_reports.id", ondelete="CASCADE"),
                                           index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the answer's hour
    sealed: Mapped[bool] = mapped_column(default=False, server_default=false())


class WbsAudit(Base):
    """Append-only log of officer actions (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "wbs_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Plain ids, no foreign keys: the log outlives the rows it names.
    officer_id: Mapped[int | None] = mapped_column(Integer)
    channel_id: Mapped[int | None] = mapped_column(Integer, index=True)
    report_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(200), default="")


# Ids of reporter-written rows: random in the positive 32-bit range, so they fit every integer
# column and URL that names them and say nothing about which row came first. Assigned in a
# mapper event so that every writer (intake, answers, officers' notes, tests) gets them.
ID_SPACE = 2**31 - 1


def _pending(target: Any) -> list[Any]:
    """Other new objects of the target's class in its session (inserted in the same flush)."""
    owner = object_session(target)
    return [o for o in (owner.new if owner else ()) if type(o) is type(target) and o is not target]


def _random_id(connection: Connection, target: Any) -> int:
    table = type(target).__table__
    taken = {o.id for o in _pending(target)}
    while True:
        candidate = secrets.randbelow(ID_SPACE) + 1
        if candidate not in taken and connection.scalar(
                select(table.c.id).where(table.c.id == candidate)) is None:
            return candidate


def _next_seq(connection: Connection, target: Any) -> int:
    # An officer's note and a reporter's answer written at the same instant may share a number;
    # they then show in either order. No unique constraint: that race must not become an error.
    table = type(target).__table__
    stored = connection.scalar(select(func.max(table.c.seq))
                               .where(table.c.report_id == target.report_id)) or 0
    earlier = [o.seq for o in _pending(target)
               if o.report_id == target.report_id and o.seq is not None]
    return max([stored, *earlier]) + 1


@event.listens_for(WbsReport, "before_insert")
@event.listens_for(WbsMessage, "before_insert")
@event.listens_for(WbsFile, "before_insert")
def _number_reporter_rows(_mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    if target.id is None:
        target.id = _random_id(connection, target)
    if hasattr(target, "seq") and target.seq is None:
        target.seq = _next_seq(connection, target)
