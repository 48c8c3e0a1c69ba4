"""Officers' pages: login with TOTP, queue, recap, and one case (read, change status, assign,
write notes, download evidence). Every view that reads or changes a case adds its audit row and
commits once."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from ... import login_limits
from ...db import db
from ...extensions import csrf
from ...inputs import parse_date
from ...models import User, WbsFile, WbsOfficer, utcnow
from .. import audit, cases, settings, storage
from ..cases import Opened
from ..deadlines import local_date
from ..states import CATEGORY_LABELS, DEADLINE_LABELS, STATUS_LABELS, TRANSITIONS, TransitionError
from ..uploads import file_meta
from . import accounts, services
from .access import channel_key, log_in, log_out, me, officer_required
from .recap import EARLIEST, LATEST, PeriodError, build, check_period
from .recap_export import FORMATS, MIMES, render

bp = Blueprint("wbs_officer", __name__, url_prefix="/wbs/officer")
Page = str | tuple[str, int] | WerkzeugResponse
# Views whose form carries a text of up to max_text_chars characters (see WbsConfig).
LONG_TEXT_VIEWS = frozenset(("wbs_officer.note",))


@bp.before_request
def _limits() -> None:
    """Room for a long note in many-byte characters, then CSRF (checked here, not app-wide,
    so that the body is parsed under the raised limit)."""
    if request.endpoint in LONG_TEXT_VIEWS:
        request.max_content_length = settings().max_text_request_bytes
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def _headers(response: WerkzeugResponse) -> WerkzeugResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"status_labels": STATUS_LABELS, "category_labels": CATEGORY_LABELS,
            "deadline_labels": DEADLINE_LABELS, "local_date": local_date}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """E-mail, password and the authenticator's six-digit code; limited per device cookie or
    per account, never per client address (see login_limits)."""
    if request.method == "GET":
        return render_template("wbs/officer/login.html")
    email = request.form.get("email", "")
    if not login_limits.admit_request(login_limits.OFFICER, email, settings().login_rate):
        abort(429)
    done = log_in(email, request.form.get("password", ""), request.form.get("code", ""))
    db.session.commit()  # a claimed TOTP code stays spent, whether the login succeeded or not
    if not done:
        flash(_("Wrong e-mail, password or authenticator code."))
        return render_template("wbs/officer/login.html"), 401
    response = redirect(url_for("wbs_officer.queue"))
    login_limits.remember_request_device(response, login_limits.OFFICER, email)
    return response


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the session and forget its key."""
    log_out()
    db.session.commit()
    return redirect(url_for("wbs_officer.login"))


@bp.get("/")
@officer_required
def queue() -> str:
    """The channel's reports with filters; metadata only."""
    filters, ignored = services.Filters.from_args(request.args)
    if ignored:
        flash(_("A filter value was not recognised and is ignored."))
    rows = services.queue(db.session, me(), filters)
    audit.record(db.session, me(), "queue")
    db.session.commit()
    few = accounts.active_officers(db.session, me().channel) < accounts.MIN_OFFICERS
    return render_template("wbs/officer/queue.html", rows=rows, filters=filters,
                           channel=me().channel, fingerprint=services.channel_fingerprint(me()),
                           few_officers=few)


def _period(today: date) -> tuple[date, date]:
    """The period asked for; this year so far, with a message, when it is not a valid one."""
    try:
        start = parse_date(request.args.get("from") or f"{today.year}-01-01")
        end = parse_date(request.args.get("to") or today.isoformat())
        check_period(start, end)
        return start, end
    except PeriodError as exc:
        flash(_("Choose dates between %(lo)s and %(hi)s.", lo=EARLIEST.isoformat(),
                hi=LATEST.isoformat()) if exc.out_of_range else
              _("Check the dates (YYYY-MM-DD, from not after to)."))
    except ValueError:
        flash(_("Check the dates (YYYY-MM-DD, from not after to)."))
    return date(today.year, 1, 1), today


@bp.get("/recap")
@officer_required
def recap() -> Page:
    """Counts and times of a period, as a page or a file."""
    unit = me().channel.unit
    start, end = _period(local_date(utcnow(), unit.tz))
    result = build(db.session, unit, start, end, settings().cuti_bersama)
    fmt = request.args.get("format", "")
    services.audit_recap(db.session, me(), f"{start}..{end} {fmt or 'page'}")
    db.session.commit()
    if fmt in FORMATS:
        name = f"rekap-wbs-{result.unit}-{start}-{end}.{fmt}"
        return Response(render(result, fmt), mimetype=MIMES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template("wbs/officer/recap.html", recap=result, start=start, end=end)


def _case(report_id: int) -> Opened:
    opened = services.open_case(db.session, me(), channel_key(), report_id)
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
    key = channel_key()
    report = opened.report
    colleagues = db.session.execute(
        select(WbsOfficer.id, User.email).join(User).where(
            WbsOfficer.channel_id == report.channel_id, User.is_active.is_(True))
        .order_by(User.email)).all()
    page = render_template(
        "wbs/officer/case.html", report=report, text=cases.report_text(opened),
        contact=services.contact(opened, key), notes=services.all_notes(db.session, opened, key),
        files=cases.files(db.session, opened.data_key, report),
        next_statuses=TRANSITIONS[report.status], colleagues=colleagues,
        missed=services.missed(report), log=audit.entries(db.session, report),
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
        services.change_status(db.session, me(), opened.report, request.form.get("status", ""))
        db.session.commit()
    except TransitionError:
        flash(_("That status change is not allowed from the current status."))
    return _back(report_id)


@bp.post("/cases/<int:report_id>/assign")
@officer_required
def assign(report_id: int) -> WerkzeugResponse:
    """Give the case to an officer of the channel, or to nobody."""
    opened = _case(report_id)
    try:
        assignee = services.find_assignee(db.session, request.form.get("officer", ""))
        services.assign(db.session, me(), opened.report, assignee)
        db.session.commit()
    except services.NotAssignable:
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
    services.add_note(db.session, me(), opened, channel_public, text,
                      internal=request.form.get("visibility") != "public")
    db.session.commit()
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
    data = storage.load(db.session, opened.data_key, row, name)
    audit.record(db.session, me(), f"download_{which}", opened.report, f"file {row.id}")
    db.session.commit()
    filename = f"bukti-{report_id}-{row.id}{'-asli' if which == 'original' else ''}.{meta['ext']}"
    return Response(data, mimetype=str(meta["mime"]), headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Content-Security-Policy": "sandbox; default-src 'none'",
    })
