"""Officers' work on reports: queue, reading, status, assignment, notes.

Changes add their audit row to the same session and flush; the view commits both in one
transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ...domain_errors import N_, DomainError
from ...inputs import parse_int
from ...models import User, WbsMessage, WbsOfficer, WbsReport, utcnow
from ...models.wbs import CATEGORIES, STATUSES
from .. import audit, crypto
from ..cases import Note, Opened
from ..deadlines import Due, local_date, next_due, overdue
from ..states import CLOSED, check_transition

STATUS_FILTERS = frozenset(("", "open", "closed", *STATUSES))


@dataclass(frozen=True)
class Filters:
    """Queue filters; empty strings mean 'any'."""

    status: str = ""  # a status, or "open" / "closed"
    category: str = ""
    overdue: bool = False
    mine: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple[Filters, bool]:
        """Filters from query arguments; True when a status or category was not known (and
        is ignored)."""
        status, category = args.get("status", "").strip(), args.get("category", "").strip()
        ignored = False
        if status not in STATUS_FILTERS:
            status, ignored = "", True
        if category and category not in CATEGORIES:
            category, ignored = "", True
        return cls(status, category, args.get("overdue") == "1", args.get("mine") == "1"), ignored


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    report: WbsReport
    missed: list[str]
    next_due: tuple[str, date] | None = None  # the next deadline that falls due


def due_of(report: WbsReport) -> Due:
    """A report's three deadlines."""
    return Due(report.ack_due, report.verify_due, report.resolve_due)


def missed(report: WbsReport, today: date | None = None) -> list[str]:
    """Deadlines the report has missed, in its unit's calendar."""
    today = today or local_date(utcnow(), report.unit.tz)
    return overdue(report.status, report.acknowledged_at is not None, due_of(report), today)


def _filtered(query: Select[tuple[WbsReport]], officer: WbsOfficer,
              filters: Filters) -> Select[tuple[WbsReport]]:
    if filters.status == "open":
        query = query.where(WbsReport.status.not_in(CLOSED))
    elif filters.status == "closed":
        query = query.where(WbsReport.status.in_(CLOSED))
    elif filters.status:
        query = query.where(WbsReport.status == filters.status)
    if filters.category:
        query = query.where(WbsReport.category == filters.category)
    if filters.mine:
        query = query.where(WbsReport.assignee_id == officer.id)
    return query


def queue(session: Session, officer: WbsOfficer, filters: Filters) -> list[QueueRow]:
    """The channel's reports (metadata only), newest hour first."""
    query = select(WbsReport).where(WbsReport.channel_id == officer.channel_id)
    query = _filtered(query, officer, filters).order_by(  # ids are random: no order in an hour
        WbsReport.created_at.desc(), WbsReport.id.desc())
    rows = []
    for report in session.scalars(query):
        today = local_date(utcnow(), report.unit.tz)
        rows.append(QueueRow(report, missed(report, today), next_due(
            report.status, report.acknowledged_at is not None, due_of(report), today)))
    return [r for r in rows if r.missed] if filters.overdue else rows


def open_case(session: Session, officer: WbsOfficer, channel_key: bytes,
              report_id: int) -> Opened | None:
    """A report of the officer's channel, with its data key; None for any other report."""
    report = session.get(WbsReport, report_id)
    if report is None or report.channel_id != officer.channel_id:
        return None
    return Opened(report, crypto.unseal(channel_key, report.channel_key))


def all_notes(session: Session, opened: Opened, channel_key: bytes) -> list[Note]:
    """Every message, internal ones included, with the officer who wrote it."""
    rows = session.execute(
        select(WbsMessage, User.email).outerjoin(WbsOfficer, WbsMessage.officer_id == WbsOfficer.id)
        .outerjoin(User, WbsOfficer.user_id == User.id)
        .where(WbsMessage.report_id == opened.report.id).order_by(WbsMessage.seq))
    return [Note(m.author, m.created_at,
                 (crypto.unseal(channel_key, m.body) if m.is_internal
                  else crypto.decrypt(opened.data_key, m.body)).decode(), m.is_internal, email)
            for m, email in rows]


def contact(opened: Opened, channel_key: bytes) -> str:
    """The reporter's optional contact, sealed to the channel."""
    blob = opened.report.contact
    return crypto.unseal(channel_key, blob).decode() if blob else ""


def change_status(session: Session, officer: WbsOfficer, report: WbsReport, new: str) -> None:
    """Move along the state machine (TransitionError otherwise), stamping the clocks."""
    old = report.status
    check_transition(old, new)
    now = utcnow()
    report.status, report.updated_at = new, now
    if report.acknowledged_at is None:
        report.acknowledged_at = now
    if report.verified_at is None and new not in ("verification", "need_info"):
        report.verified_at = now
    if new in CLOSED:
        report.closed_at = now
    audit.record(session, officer, "status", report, f"{old} -> {new}")
    session.flush()


class NotAssignable(DomainError):
    """The officer chosen for a case is no active officer of its channel."""


def find_assignee(session: Session, raw: str) -> WbsOfficer | None:
    """The officer an assignment form names by id; None for nobody (an empty field)."""
    if not raw.strip():
        return None
    officer_id = parse_int(raw, lo=1)
    assignee = session.get(WbsOfficer, officer_id) if officer_id is not None else None
    if assignee is None:
        raise NotAssignable(N_("no such officer"))
    return assignee


def assign(session: Session, officer: WbsOfficer, report: WbsReport,
           assignee: WbsOfficer | None) -> None:
    """Give the case to an officer of the same channel (or to nobody)."""
    if assignee is not None and (assignee.channel_id != report.channel_id
                                 or not assignee.user.is_active):
        raise NotAssignable(N_("assignee is not an active officer of this channel"))
    report.assignee_id = assignee.id if assignee else None
    report.updated_at = utcnow()
    audit.record(session, officer, "assign", report, f"officer {assignee.id if assignee else '-'}")
    session.flush()


def add_note(session: Session, officer: WbsOfficer, opened: Opened, channel_public: bytes,
             text: str, internal: bool) -> None:
    """An internal note (sealed to the channel) or a note the reporter can read."""
    body = (crypto.seal(channel_public, text.encode()) if internal
            else crypto.encrypt(opened.data_key, text.encode()))
    session.add(WbsMessage(report_id=opened.report.id, author="officer", officer_id=officer.id,
                           is_internal=internal, body=body, created_at=utcnow()))
    opened.report.updated_at = utcnow()
    if not internal and opened.report.acknowledged_at is None:
        opened.report.acknowledged_at = utcnow()  # a question to the reporter is a response
    audit.record(session, officer, "note", opened.report, "internal" if internal else "public")
    session.flush()


def channel_fingerprint(officer: WbsOfficer) -> str:
    """Fingerprint of the channel key, to compare with the one printed at set-up."""
    key = officer.channel.public_key
    return crypto.fingerprint(key) if key else ""


def audit_recap(session: Session, officer: WbsOfficer, detail: str) -> None:
    """Log that the officer looked at or downloaded a recap."""
    audit.record(session, officer, "recap", None, detail)
    session.flush()
