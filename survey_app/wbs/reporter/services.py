"""Storing a report or an answer, and opening a report by its receipt.

Everything here adds to the session and flushes; the view commits (one transaction per
request), so a report is stored with its files, or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...models import WbsAnswerToken, WbsMessage, WbsReport
from .. import crypto
from ..cases import Note, Opened
from ..config import WbsConfig
from ..deadlines import due_dates, local_date
from ..evidence import Evidence
from ..receipt import new_receipt, normalise
from ..routing import route
from ..uploads import save_files
from .forms import Draft
from .formtoken import answer_digest


def coarse_now() -> datetime:
    """Now, truncated to the hour: reporter-made timestamps must not match access logs."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def store_report(session: Session, cfg: WbsConfig, draft: Draft,
                 receipt: str | None = None) -> tuple[str, bool]:
    """Encrypt and add a checked report with its files to the session (flushed; the caller
    commits); return the receipt and whether it was stored now. A report form sent again
    brings the receipt it already has (see formtoken): then the stored report is found by it
    and nothing is stored a second time."""
    assert draft.unit is not None
    channel = route(session, draft.unit, draft.head_involved)
    assert channel.public_key is not None
    receipt = receipt or new_receipt()
    keys = crypto.receipt_keys(receipt, cfg.kdf_ops, cfg.kdf_mem)
    if session.scalar(select(WbsReport.id).where(WbsReport.lookup_id == keys.lookup_id)):
        return receipt, False
    data_key = crypto.random_bytes()
    now = coarse_now()
    due = due_dates(local_date(now, draft.unit.tz), cfg.ack_days, cfg.verify_days,
                    cfg.resolve_days, cfg.cuti_bersama)
    body = json.dumps({**draft.text, "head_involved": draft.head_involved}).encode()
    report = WbsReport(
        unit_id=draft.unit.id, channel_id=channel.id, category=draft.category, status="new",
        lookup_id=keys.lookup_id, receipt_key=crypto.encrypt(keys.wrap_key, data_key),
        channel_key=crypto.seal(channel.public_key, data_key),
        body=crypto.encrypt(data_key, body),
        contact=crypto.seal(channel.public_key, draft.contact.encode()) if draft.contact
        else None,
        created_at=now, updated_at=now, ack_due=due.acknowledge, verify_due=due.verify,
        resolve_due=due.resolve,
    )
    session.add(report)
    try:
        session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request stored it
        session.rollback()
        return receipt, False
    save_files(session, report, data_key, draft.files, now)
    return receipt, True


def unlock(session: Session, cfg: WbsConfig, typed: str) -> Opened | None:
    """The report a receipt opens, or None.

    Right, wrong and malformed receipts take the same steps: one Argon2id derivation (the
    cost that slows guessing), one indexed lookup, one decryption attempt.
    """
    keys = crypto.receipt_keys(normalise(typed), cfg.kdf_ops, cfg.kdf_mem)
    report = session.scalar(select(WbsReport).where(WbsReport.lookup_id == keys.lookup_id))
    if report is None:
        crypto.dummy_unwrap(keys.wrap_key)
        return None
    try:
        return Opened(report, crypto.decrypt(keys.wrap_key, report.receipt_key))
    except crypto.CryptoError:
        return None


def public_notes(session: Session, opened: Opened) -> list[Note]:
    """Messages the reporter may read: their own and the officers' public notes."""
    rows = session.scalars(select(WbsMessage).where(
        WbsMessage.report_id == opened.report.id, WbsMessage.is_internal.is_(False),
    ).order_by(WbsMessage.seq))
    return [Note(m.author, m.created_at, crypto.decrypt(opened.data_key, m.body).decode())
            for m in rows]


def add_answer(session: Session, opened: Opened, text: str, evidence: Sequence[Evidence],
               token: str = "") -> bool:
    """Add the reporter's answer and files (flushed; the caller commits, all or nothing).

    False, and nothing added, when this answer form (`token`) was stored before: a Reload or
    a double tap, on whichever app server. A form without a token (a script) is taken as new.
    """
    now = coarse_now()
    report = opened.report
    digest = answer_digest(token) if token else None
    if digest is not None:
        if session.get(WbsAnswerToken, digest) is not None:
            return False
        session.add(WbsAnswerToken(digest=digest, report_id=report.id, created_at=now))
    if text:
        session.add(WbsMessage(report_id=report.id, author="reporter", is_internal=False,
                               body=crypto.encrypt(opened.data_key, text.encode()),
                               created_at=now))
    report.updated_at = max(report.updated_at, now)
    report.sealed = False  # rewritten by this answer: reseal it with its hour's rows
    session.flush()
    save_files(session, report, opened.data_key, evidence, now)
    return True
