"""The reporter's pages: report form, receipt, follow-up with the receipt only."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..db import db
from ..extensions import csrf
from ..ratelimit import allow
from . import followup, formtoken, intake, settings
from .config import MB
from .deadlines import local_date
from .qrcode_svg import inline_svg
from .receipt import display, normalise
from .reporter import (
    answer_error,
    case_page,
    pause_left,
    record_failure,
    refuse_forged,
    reset_failures,
)
from .routing import reachable_units
from .states import CATEGORY_LABELS
from .uploads import Checked, MemoryFormDataParser, check_uploads

bp = Blueprint("wbs", __name__, url_prefix="/wbs")
Page = str | tuple[str, int] | WerkzeugResponse


@bp.before_request
def _limits() -> None:
    """Room for evidence files and long texts (checked field by field), then CSRF."""
    cfg = settings()
    request.max_content_length = cfg.max_request_bytes
    request.max_form_memory_size = 2 * MB  # so a too-long text gets a clear message
    request.form_data_parser_class = MemoryFormDataParser  # evidence never spooled to disk
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
    """Spend one hit of an instance-wide bucket (never keyed on the client); True when over.

    Only work worth bounding spends: a report about to be stored (Argon2id, encryption, disk)
    and a receipt about to be derived (Argon2id). Refusals that cost no more than showing a
    page are answered first and spend nothing, so they cannot lock genuine reporters out."""
    cfg = settings()
    limit = cfg.submit_rate if bucket == "submit" else cfg.unlock_rate
    return not allow(current_app.extensions["rate_store"], f"wbs:{bucket}", limit)


def _admit_images(megapixels: int) -> bool:
    """Spend the image budget (megapixels decoded per minute, whole instance)."""
    return allow(current_app.extensions["rate_store"], "wbs:images", settings().image_rate,
                 megapixels)


def _form(data: dict[str, str], errors: dict[str, str], status: int = 200,
          token: str = "") -> tuple[str, int]:
    page = render_template("wbs/form.html", data=data, errors=errors,
                           units=reachable_units(db.session), categories=CATEGORY_LABELS,
                           cfg=settings(), honeypot=intake.HONEYPOT,
                           form_token=token or formtoken.issue(_secret()))
    return page, status


def _secret() -> str:
    return str(current_app.config["SURVEY"].secret_key)


@bp.get("")
def form() -> Page:
    """The anonymous report form (?unit=CODE preselects the unit)."""
    return _form({"unit": request.args.get("unit", "")}, {})


@bp.post("")
def submit() -> Page:
    """Check, store once and show the receipt; on a problem show the form again, text kept."""
    data, uploads = request.form.to_dict(), request.files.getlist("evidence")
    token = data.pop("form_token", "")
    sealed = formtoken.read(_secret(), token)
    draft, errors = intake.check_fields(db.session, settings(), data, uploads)
    if token and sealed is None:
        errors["_form"] = _("This form could not be checked. Your text is kept: please press "
                            "Send again.")
    if errors:
        return _form(data, errors, 422, token if sealed else "")
    checked = check_uploads(uploads, settings(), _admit_images)
    if checked.error:
        return _form(data, {"evidence": checked.error}, 429 if checked.busy else 422, token)
    if _limited("submit"):
        return _form(data, {"_form": _("Many reports are arriving right now. Please wait a "
                                       "minute and press Send again; your text is kept.")}, 429,
                     token)
    draft.files = checked.files
    receipt, stored = intake.store_report(db.session, settings(), draft,
                                          sealed.receipt if sealed else None)
    if stored or (sealed and sealed.may_show_again()):
        return _receipt_page(receipt, None, again=not stored)
    return render_template("wbs/already_received.html"), 200


def _receipt_page(receipt: str, error: str | None, confirmed: bool = False,
                  status: int = 200, again: bool = False) -> tuple[str, int]:
    shown = display(receipt)
    return render_template("wbs/receipt.html", receipt=shown, qr=inline_svg(shown), error=error,
                           confirmed=confirmed, again=again), status


@bp.post("/receipt")
def confirm_receipt() -> Page:
    """The reporter retypes the receipt; it must open the case, and match the one shown."""
    shown, typed = normalise(request.form.get("receipt", "")), request.form.get("typed", "")
    if wait := pause_left():
        return _receipt_page(shown, _refusal(wait), status=429)
    # A copy that differs from the code shown is wrong whatever the database holds: said
    # without an Argon2id run, so it spends no guess from the instance's bucket.
    if normalise(typed) != shown:
        return _not_the_same(shown)
    if _limited("unlock"):
        return _receipt_page(shown, _refusal(0), status=429)
    if followup.unlock(db.session, settings(), typed) is None:
        return _not_the_same(shown)
    reset_failures()
    return _receipt_page(shown, None, confirmed=True)


def _not_the_same(shown: str) -> tuple[str, int]:
    record_failure()
    return _receipt_page(shown, _("That is not the same receipt. Compare it character by "
                                  "character and type it again."), status=422)


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
    typed, text = request.form.get("receipt", ""), request.form.get("message", "").strip()
    opened = followup.unlock(db.session, settings(), typed)
    if opened is None:
        record_failure()
        return render_template("wbs/follow_up.html", error=_unlock_error()), 422
    reset_failures()
    uploads = request.files.getlist("evidence")
    error = answer_error(text, uploads)  # before any file is read
    checked = Checked(error=error) if error else check_uploads(uploads, settings(),
                                                                _admit_images)
    token = request.form.get("answer_token", "")
    if checked.error:
        return case_page(opened, typed, error=checked.error, draft=text, token=token,
                         status=429 if checked.busy else 422)
    if not _first_send(token):  # Reload or a double tap: the answer is stored already
        return case_page(opened, typed, sent=True, repeated=True)
    followup.add_answer(db.session, settings(), opened, text, checked.files)
    return case_page(opened, typed, sent=True)


def _first_send(token: str) -> bool:
    """Spend an answer form's token; False when it was spent before. (A form without one,
    from a script, is taken as new.)"""
    store = current_app.extensions["rate_store"]
    return not token or store.hit(formtoken.answer_key(token), 24 * 3600) == 1


def _unlock_error() -> str:
    return _("This receipt does not open a report. Check each character and try again.")


def _refusal(wait: int) -> str:
    return (_("Too many wrong receipts from this browser. Please wait %(m)d minutes.",
              m=max(1, -(-wait // 60))) if wait else
            _("Too many attempts right now. Please wait a minute and try again."))


def _unlock_refused(wait: int) -> tuple[str, int]:
    return render_template("wbs/follow_up.html", error=_refusal(wait)), 429

