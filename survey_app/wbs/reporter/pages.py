"""The reporter's case page, and the pause a browser gets after too many wrong receipts."""

from __future__ import annotations

import time

from flask import render_template, session

from ...db import db
from .. import cases, settings
from ..cases import Opened
from ..states import CATEGORY_LABELS, STATUS_LABELS
from . import formtoken
from .services import public_notes


def case_page(opened: Opened, receipt: str, *, error: str | None = None, draft: str = "",
              sent: bool = False, repeated: bool = False, token: str = "",
              status: int = 200, reattach: list[str] | None = None) -> tuple[str, int]:
    """What the reporter sees: status, their report, public notes, files, the answer form."""
    report = opened.report
    page = render_template(
        "wbs/case.html", report=report, text=cases.report_text(opened),
        notes=public_notes(db.session, opened),
        files=[meta for _row, meta in cases.files(db.session, opened.data_key, report)],
        status_label=STATUS_LABELS[report.status], category_label=CATEGORY_LABELS[report.category],
        receipt=receipt, error=error, draft=draft, sent=sent, repeated=repeated, cfg=settings(),
        answer_token=token or formtoken.answer_token(),
        contact_given=report.contact is not None, reattach=reattach or [],
    )
    return page, status


def pause_left() -> int:
    """Seconds this browser must still wait after too many wrong receipts (0: none)."""
    until = session.get("wbs_pause")
    left = int(until - time.time()) if isinstance(until, int | float) else 0
    if left <= 0 and until is not None:
        session.pop("wbs_pause", None)
        session.pop("wbs_fails", None)
    return max(left, 0)


def record_failure() -> None:
    """Count a wrong receipt; pause the browser session after too many."""
    fails = int(session.get("wbs_fails", 0)) + 1
    session["wbs_fails"] = fails
    cfg = settings()
    if fails >= cfg.session_fails:
        session["wbs_pause"] = int(time.time()) + cfg.session_pause


def reset_failures() -> None:
    """A right receipt clears the count."""
    session.pop("wbs_fails", None)
    session.pop("wbs_pause", None)
