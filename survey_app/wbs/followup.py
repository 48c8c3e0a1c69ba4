"""The reporter's side after submitting: unlock with the receipt, read, answer, add evidence."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WbsFile, WbsMessage, WbsReport
from . import crypto
from .config import WbsConfig
from .evidence import Evidence
from .intake import coarse_now
from .receipt import normalise
from .uploads import file_meta, save_files


@dataclass(frozen=True)
class Opened:
    """A report unlocked by its receipt."""

    report: WbsReport
    data_key: bytes


@dataclass(frozen=True)
class Note:
    """A message as shown on the case page."""

    author: str
    at: datetime
    text: str
    internal: bool = False
    officer: str | None = None


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


def report_text(opened: Opened) -> dict[str, object]:
    """The 5W1H and the head-involved flag."""
    text: dict[str, object] = json.loads(crypto.decrypt(opened.data_key, opened.report.body))
    return text


def public_notes(session: Session, opened: Opened) -> list[Note]:
    """Messages the reporter may read: their own and the officers' public notes."""
    rows = session.scalars(select(WbsMessage).where(
        WbsMessage.report_id == opened.report.id, WbsMessage.is_internal.is_(False),
    ).order_by(WbsMessage.seq))
    return [Note(m.author, m.created_at, crypto.decrypt(opened.data_key, m.body).decode())
            for m in rows]


def files(session: Session, data_key: bytes,
          report: WbsReport) -> list[tuple[WbsFile, dict[str, object]]]:
    """The report's evidence rows with their decrypted type and size."""
    rows = session.scalars(select(WbsFile).where(WbsFile.report_id == report.id)
                           .order_by(WbsFile.seq))
    return [(row, file_meta(data_key, row)) for row in rows]


def add_answer(session: Session, cfg: WbsConfig, opened: Opened, text: str,
               evidence: Sequence[Evidence]) -> None:
    """Store the reporter's answer and files (all or nothing)."""
    now = coarse_now()
    report = opened.report
    if text:
        session.add(WbsMessage(report_id=report.id, author="reporter", is_internal=False,
                               body=crypto.encrypt(opened.data_key, text.encode()),
                               created_at=now))
    report.updated_at = max(report.updated_at, now)
    report.sealed = False  # rewritten by this answer: reseal it with its hour's rows
    session.flush()
    save_files(session, cfg, report, opened.data_key, evidence, now)
