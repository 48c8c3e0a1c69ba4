"""Officers' pages: login with TOTP, queue, case, actions, evidence downloads, recap."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import login_limits
from ..db import db
from ..extensions import csrf
from ..inputs import parse_date
from ..models import WbsOfficer, utcnow
from . import auth, officers, settings, triage
from .deadlines import local_date
from .recap import EARLIEST, LATEST, PeriodError, build, check_period
from .recap_export import FORMATS, MIMES, render
from .states import CATEGORY_LABELS, DEADLINE_LABELS, STATUS_LABELS

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


def officer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A live WBS session (password + TOTP login); its channel key goes to g.wbs."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        unlocked = auth.resume(db.session, session.get("wbs"))
        if unlocked is None:
            session.pop("wbs", None)
            return redirect(url_for("wbs_officer.login"))
        g.wbs = unlocked
        return view(*args, **kwargs)

    return wrapped


def me() -> WbsOfficer:
    """The officer of this request."""
    officer: WbsOfficer = g.wbs.officer
    return officer


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    """E-mail, password and the authenticator's six-digit code; limited per device cookie or
    per account, never per client address (see login_limits)."""
    if request.method == "GET":
        return render_template("wbs/officer/login.html")
    email, secret = request.form.get("email", ""), current_app.config["SECRET_KEY"]
    device = request.cookies.get(login_limits.OFFICER.cookie)
    if not login_limits.admit(current_app.extensions["rate_store"], secret, login_limits.OFFICER,
                              email, device, settings().login_rate):
        abort(429)
    ticket = auth.login(db.session, settings(), secret, email, request.form.get("password", ""),
                        request.form.get("code", ""))
    if ticket is None:
        flash(_("Wrong e-mail, password or authenticator code."))
        return render_template("wbs/officer/login.html"), 401
    lang = session.get("lang")
    session.clear()
    session["wbs"] = {"sid": ticket.sid, "key": ticket.key}
    if lang:
        session["lang"] = lang
    response = redirect(url_for("wbs_officer.queue"))
    login_limits.remember_device(response, secret, login_limits.OFFICER, email, device,
                                 current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the session and forget its key."""
    auth.logout(db.session, session.pop("wbs", None))
    return redirect(url_for("wbs_officer.login"))


@bp.get("/")
@officer_required
def queue() -> str:
    """The channel's reports with filters; metadata only."""
    filters, ignored = triage.Filters.from_args(request.args)
    if ignored:
        flash(_("A filter value was not recognised and is ignored."))
    rows = triage.queue(db.session, me(), filters)
    few = officers.active_officers(db.session, me().channel) < officers.MIN_OFFICERS
    return render_template("wbs/officer/queue.html", rows=rows, filters=filters,
                           channel=me().channel, fingerprint=triage.channel_fingerprint(me()),
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
    triage.audit_recap(db.session, me(), f"{start}..{end} {fmt or 'page'}")
    if fmt in FORMATS:
        name = f"rekap-wbs-{result.unit}-{start}-{end}.{fmt}"
        return Response(render(result, fmt), mimetype=MIMES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render_template("wbs/officer/recap.html", recap=result, start=start, end=end)
