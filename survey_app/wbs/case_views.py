"""Officers' pages for one case: read, change status, assign, write notes, download files."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ..db import db
from ..inputs import parse_int
from ..models import User, WbsFile, WbsOfficer
from . import audit, evidence, followup, settings, triage
from .followup import Opened
from .officer_views import bp, me, officer_required
from .states import TRANSITIONS, TransitionError
from .uploads import file_meta


def _case(report_id: int) -> Opened:
    opened = triage.open_case(db.session, me(), g.wbs.channel_key, report_id)
    if opened is None:
        abort(404)
    return opened


def _back(report_id: int) -> WerkzeugResponse:
    return redirect(url_for("wbs_officer.case", report_id=report_id))


@bp.get("/cases/<int:report_id>")
@officer_required
def case(report_id: int) -> str:
    """Everything about a case, decrypted for this officer; the view is logged."""
    opened = _case(report_id)
    key = g.wbs.channel_key
    report = opened.report
    colleagues = db.session.execute(
        select(WbsOfficer.id, User.email).join(User).where(
            WbsOfficer.channel_id == report.channel_id, User.is_active.is_(True))
        .order_by(User.email)).all()
    page = render_template(
        "wbs/officer/case.html", report=report, text=followup.report_text(opened),
        contact=triage.contact(opened, key), notes=triage.all_notes(db.session, opened, key),
        files=followup.files(db.session, opened.data_key, report),
        next_statuses=TRANSITIONS[report.status], colleagues=colleagues,
        missed=triage.missed(report), log=audit.entries(db.session, report),
    )
    audit.record(db.session, me(), "view", report)
    db.session.commit()
    return page


@bp.post("/cases/<int:report_id>/status")
@officer_required
def status(report_id: int) -> WerkzeugResponse:
    """Move the case along the allowed transitions."""
    opened = _case(report_id)
    try:
        triage.change_status(db.session, me(), opened.report, request.form.get("status", ""))
    except TransitionError:
        flash(_("That status change is not allowed from the current status."))
    return _back(report_id)


@bp.post("/cases/<int:report_id>/assign")
@officer_required
def assign(report_id: int) -> WerkzeugResponse:
    """Give the case to an officer of the channel, or to nobody."""
    opened = _case(report_id)
    raw = request.form.get("officer", "").strip()
    officer_id = parse_int(raw, lo=1)
    assignee = db.session.get(WbsOfficer, officer_id) if officer_id is not None else None
    try:
        if raw and assignee is None:
            raise ValueError("no such officer")
        triage.assign(db.session, me(), opened.report, assignee)
    except ValueError:
        flash(_("Choose an officer of this channel from the list. Nothing was changed."))
    return _back(report_id)


@bp.post("/cases/<int:report_id>/note")
@officer_required
def note(report_id: int) -> WerkzeugResponse:
    """An internal note, or a note or question the reporter will see."""
    opened = _case(report_id)
    text = request.form.get("text", "").strip()
    if not text or len(text) > settings().max_text_chars:
        flash(_("Write a note of at most %(n)d characters.", n=settings().max_text_chars))
        return _back(report_id)
    channel_public = me().channel.public_key
    assert channel_public is not None
    triage.add_note(db.session, me(), opened, channel_public, text,
                    internal=request.form.get("visibility") != "public")
    return _back(report_id)


@bp.route("/cases/<int:report_id>/files/<int:file_id>/<which>", methods=["GET", "POST"])
@officer_required
def download(report_id: int, file_id: int, which: str) -> Response:
    """The cleaned working copy (GET), or the sealed original (POST, after a warning)."""
    opened = _case(report_id)
    row = db.session.get(WbsFile, file_id)
    if row is None or row.report_id != report_id or which not in ("working", "original"):
        abort(404)
    if which == "original" and request.method != "POST":
        abort(405)
    name = row.working_name if which == "working" else row.original_name
    if name is None:
        abort(404)
    meta = file_meta(opened.data_key, row)
    data = evidence.load(settings().files_dir, opened.data_key, name)
    audit.record(db.session, me(), f"download_{which}", opened.report, f"file {row.id}")
    db.session.commit()
    filename = f"bukti-{report_id}-{row.id}{'-asli' if which == 'original' else ''}.{meta['ext']}"
    return Response(data, mimetype=str(meta["mime"]), headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Content-Security-Policy": "sandbox; default-src 'none'",
    })
