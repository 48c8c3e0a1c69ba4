"""The reporter's pages: report form, receipt, follow-up with the receipt only."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..db import db
from ..extensions import csrf
from ..ratelimit import allow
from . import followup, intake, settings
from .config import MB
from .deadlines import local_date
from .qrcode_svg import inline_svg
from .receipt import display, normalise
from .reporter import case_page, pause_left, record_failure, refuse_forged, reset_failures
from .routing import reachable_units
from .states import CATEGORY_LABELS
from .uploads import check_uploads

bp = Blueprint("wbs", __name__, url_prefix="/wbs")
Page = str | tuple[str, int] | WerkzeugResponse


@bp.before_request
def _limits() -> None:
    """Room for evidence files and long texts (checked field by field), then CSRF."""
    cfg = settings()
    request.max_content_length = cfg.max_request_bytes
    request.max_form_memory_size = 2 * MB  # so a too-long text gets a clear message
    if request.method == "POST":
        csrf.protect()


@bp.errorhandler(413)
def _too_large(_exc: Exception) -> tuple[str, int]:
    cfg = settings()
    message = _("What you sent is too large: at most %(n)d files of %(mb)d MB each. Go back "
                "(your browser usually keeps what you typed), remove a file and send again.",
                n=cfg.max_files, mb=cfg.max_file_bytes // MB)
    return render_template("errors/error.html", code=413, message=message), 413


@bp.after_request
def _headers(response: WerkzeugResponse) -> WerkzeugResponse:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.context_processor
def _calendar() -> dict[str, object]:
    return {"local_date": local_date}  # dates as the unit's clock shows them, not UTC


def _limited(bucket: str) -> bool:
    cfg = settings()
    limit = cfg.submit_rate if bucket == "submit" else cfg.unlock_rate
    return not allow(current_app.extensions["rate_store"], f"wbs:{bucket}", limit)


def _form(data: dict[str, str], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    page = render_template("wbs/form.html", data=data, errors=errors,
                           units=reachable_units(db.session), categories=CATEGORY_LABELS,
                           cfg=settings(), honeypot=intake.HONEYPOT)
    return page, status


@bp.get("")
def form() -> Page:
    """The anonymous report form (?unit=CODE preselects the unit)."""
    return _form({"unit": request.args.get("unit", "")}, {})


@bp.post("")
def submit() -> Page:
    """Check, store and show the receipt; on a problem show the form again, text kept."""
    data = request.form.to_dict()
    if _limited("submit"):
        return _form(data, {"_form": _("Many reports are arriving right now. Please wait a "
                                       "minute and press Send again; your text is kept.")}, 429)
    draft, errors = intake.check_report(db.session, settings(), data,
                                        request.files.getlist("evidence"))
    if errors:
        return _form(data, errors, 422)
    receipt = intake.store_report(db.session, settings(), draft)
    return _receipt_page(receipt, None)


def _receipt_page(receipt: str, error: str | None, confirmed: bool = False,
                  status: int = 200) -> tuple[str, int]:
    shown = display(receipt)
    return render_template("wbs/receipt.html", receipt=shown, qr=inline_svg(shown), error=error,
                           confirmed=confirmed), status


@bp.post("/receipt")
def confirm_receipt() -> Page:
    """The reporter retypes the receipt; it must open the case, and match the one shown."""
    shown, typed = normalise(request.form.get("receipt", "")), request.form.get("typed", "")
    if (wait := pause_left()) or _limited("unlock"):
        return _receipt_page(shown, _refusal(wait), status=429)
    opened = followup.unlock(db.session, settings(), typed)
    if opened is None or normalise(typed) != shown:
        record_failure()
        return _receipt_page(shown, _("That is not the same receipt. Compare it character by "
                                      "character and type it again."), status=422)
    reset_failures()
    return _receipt_page(shown, None, confirmed=True)


@bp.get("/receipt")
@bp.get("/follow-up/answer")
def to_follow_up() -> WerkzeugResponse:
    """A reload or language switch on a page reached by POST: back to the receipt form."""
    return redirect(url_for("wbs.follow_up", lang=request.args.get("lang")))


@bp.get("/follow-up")
def follow_up() -> Page:
    """Where a reporter enters the receipt."""
    return render_template("wbs/follow_up.html", error=None)


@bp.post("/follow-up")
def open_case() -> Page:
    """Open the case of a receipt; a wrong one learns nothing and costs the same."""
    if (wait := pause_left()) or _limited("unlock"):
        return _unlock_refused(wait)
    opened = followup.unlock(db.session, settings(), request.form.get("receipt", ""))
    if opened is None:
        record_failure()
        return render_template("wbs/follow_up.html", error=_unlock_error()), 422
    reset_failures()
    return case_page(opened, request.form.get("receipt", ""))


@bp.post("/follow-up/answer")
def answer() -> Page:
    """The reporter answers the officers and may add evidence."""
    if forged := refuse_forged(request.form):
        return forged
    if (wait := pause_left()) or _limited("unlock"):
        return _unlock_refused(wait)
    typed = request.form.get("receipt", "")
    opened = followup.unlock(db.session, settings(), typed)
    if opened is None:
        record_failure()
        return render_template("wbs/follow_up.html", error=_unlock_error()), 422
    reset_failures()
    text = request.form.get("message", "").strip()
    files, error = check_uploads(request.files.getlist("evidence"), settings())
    error = error or intake.too_long(text, settings().max_text_chars) or (
        "" if text or files else _("Write an answer or choose a file."))
    if error:
        return case_page(opened, typed, error=error, draft=text, status=422)
    followup.add_answer(db.session, settings(), opened, text, files)
    return case_page(opened, typed, sent=True)


def _unlock_error() -> str:
    return _("This receipt does not open a report. Check each character and try again.")


def _refusal(wait: int) -> str:
    return (_("Too many wrong receipts from this browser. Please wait %(m)d minutes.",
              m=max(1, -(-wait // 60))) if wait else
            _("Too many attempts right now. Please wait a minute and try again."))


def _unlock_refused(wait: int) -> tuple[str, int]:
    return render_template("wbs/follow_up.html", error=_refusal(wait)), 429

