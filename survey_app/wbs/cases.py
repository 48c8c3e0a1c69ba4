"""A report opened with its data key (by the reporter's receipt or an officer's channel key):
its text and evidence, as both sides read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import WbsFile, WbsReport
from . import crypto
from .uploads import file_meta


@dataclass(frozen=True)
class Opened:
    """A report with its data key."""

    report: WbsReport
    data_key: bytes


@dataclass(frozen=True)
class Note:
    """A message as shown on a case page."""

    author: str
    at: datetime
    text: str
    internal: bool = False
    officer: str | None = None


def report_text(opened: Opened) -> dict[str, object]:
    """The 5W1H and the head-involved flag."""
    text: dict[str, object] = json.loads(crypto.decrypt(opened.data_key, opened.report.body))
    return text


def files(session: Session, data_key: bytes,
          report: WbsReport) -> list[tuple[WbsFile, dict[str, object]]]:
    """The report's evidence rows with their decrypted type and size."""
    rows = session.scalars(select(WbsFile).where(WbsFile.report_id == report.id)
                           .order_by(WbsFile.seq))
    return [(row, file_meta(data_key, row)) for row in rows]
