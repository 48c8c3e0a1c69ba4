"""Helpers of the reporter's follow-up pages: the case page, wrong-receipt pauses, forgeries."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from flask import render_template, session
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from ..db import db
from . import followup, formtoken, settings
from .followup import Opened
from .intake import too_long
from .states import CATEGORY_LABELS, STATUS_LABELS
from .uploads import chosen, count_error

# Fields of the answer form; anything else (a status, an assignee...) is a forgery.
ANSWER_FIELDS = frozenset(("csrf_token", "receipt", "message", "answer_token"))


def case_page(opened: Opened, receipt: str, *, error: str | None = None, draft: str = "",
              sent: bool = False, repeated: bool = False, token: str = "",
              status: int = 200) -> tuple[str, int]:
    """What the reporter sees: status, their report, public notes, files, the answer form."""
    report = opened.report
    page = render_template(
        "wbs/case.html", report=report, text=followup.report_text(opened),
        notes=followup.public_notes(db.session, opened),
        files=[meta for _row, meta in followup.files(db.session, opened.data_key, report)],
        status_label=STATUS_LABELS[report.status], category_label=CATEGORY_LABELS[report.category],
        receipt=receipt, error=error, draft=draft, sent=sent, repeated=repeated, cfg=settings(),
        answer_token=token or formtoken.answer_token(),
        contact_given=report.contact is not None,
    )
    return page, status


def answer_error(text: str, uploads: Sequence[FileStorage]) -> str:
    """What is wrong with an answer before any file is read ('' when nothing is)."""
    cfg = settings()
    return (count_error(uploads, cfg) or too_long(text, cfg.max_text_chars) or
            ("" if text or chosen(uploads) else _("Write an answer or choose a file.")))


def refuse_forged(form: Mapping[str, str]) -> tuple[str, int] | None:
    """A 400 page when the answer form carries fields only officers may set."""
    extra = set(form) - ANSWER_FIELDS
    if not extra:
        return None
    message = _("Only the officers can change a report's status or assignment. Nothing was "
                "changed or stored.")
    return render_template("errors/error.html", code=400, message=message), 400


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
