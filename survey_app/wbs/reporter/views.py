"""The reporter's pages: report form, receipt, follow-up with the receipt only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as WerkzeugResponse

from ...db import db
from ...extensions import csrf
from ...models import Unit
from ...ratelimit import allow
from .. import settings
from ..config import MB
from ..deadlines import local_date
from ..receipt import display, new_receipt, normalise
from ..retry import Unavailable, retrying, rollback_quietly
from ..routing import reachable_units
from ..states import CATEGORY_LABELS
from ..uploads import Checked, MemoryFormDataParser, check_uploads, reattach_names
from . import forms, formtoken, services
from .pages import case_page, pause_left, record_failure, reset_failures
from .qrcode_svg import inline_svg

bp = Blueprint("wbs", __name__, url_prefix="/wbs")
Page = str | tuple[str, int] | WerkzeugResponse


@dataclass(frozen=True)
class UnitChoice:
    """A unit as the form lists it, when it cannot be read from the database."""

    code: str
    name: str


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
          token: str = "", uploads: Sequence[FileStorage] = ()) -> tuple[str, int]:
    """The report form; after a refusal with the text kept and, since a browser never
    refills a file field, the names of the files to attach again."""
    page = render_template("wbs/form.html", data=data, errors=errors, units=_units(data),
                           categories=CATEGORY_LABELS, cfg=settings(), honeypot=forms.HONEYPOT,
                           form_token=token or formtoken.issue(_secret()),
                           reattach=reattach_names(uploads))
    return page, status


def _units(data: dict[str, str]) -> Sequence[Unit | UnitChoice]:
    """The units a report can be about; when the database does not answer, the one chosen
    (so that the form, text kept, can still be sent again)."""
    try:
        return reachable_units(db.session)
    except DBAPIError:
        rollback_quietly()
        code = data.get("unit", "").strip()[:64]
        return [UnitChoice(code, code)] if code else []


def _unavailable(data: dict[str, str], uploads: Sequence[FileStorage],
                 token: str) -> tuple[str, int]:
    return _form(data, {"_form": _("Your report could not be stored just now: the database "
                                   "did not answer. Nothing was stored. Your text is kept: "
                                   "please wait a minute and press Send again.")}, 503, token,
                 uploads)


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
    try:
        draft, errors = retrying(lambda: forms.check_fields(db.session, settings(), data,
                                                            uploads))
    except Unavailable:
        return _unavailable(data, uploads, token if sealed else "")
    if token and sealed is None:
        errors["_form"] = _("This form could not be checked. Your text is kept: please press "
                            "Send again.")
    if errors:
        return _form(data, errors, 422, token if sealed else "", uploads)
    checked = check_uploads(uploads, settings(), _admit_images)
    if checked.error:
        return _form(data, {"evidence": checked.error}, 429 if checked.busy else 422, token,
                     uploads)
    if _limited("submit"):
        return _form(data, {"_form": _("Many reports are arriving right now. Please wait a "
                                       "minute and press Send again; your text is kept.")}, 429,
                     token, uploads)
    draft.files = checked.files
    receipt = sealed.receipt if sealed else new_receipt()
    try:
        stored, retried = _store(draft, receipt)
    except Unavailable:
        return _unavailable(data, uploads, token)
    # A commit that failed on the way back may have stored the report: a retry then finds it,
    # and this request still shows its receipt.
    if stored or retried or (sealed and sealed.may_show_again()):
        return _receipt_page(receipt, None, again=not (stored or retried))
    return render_template("wbs/already_received.html"), 200


def _store(draft: forms.Draft, receipt: str) -> tuple[bool, bool]:
    """Store and commit the report, retrying on database errors; whether it was stored now,
    and whether it took more than one try (Unavailable when every try failed)."""
    tries: list[int] = []

    def store() -> bool:
        tries.append(1)
        _receipt, stored = services.store_report(db.session, settings(), draft, receipt)
        db.session.commit()
        return stored

    stored = retrying(store)
    return stored, len(tries) > 1


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
    if services.unlock(db.session, settings(), typed) is None:
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
    try:
        opened = retrying(lambda: services.unlock(db.session, settings(),
                                                  request.form.get("receipt", "")))
    except Unavailable:
        return render_template("wbs/follow_up.html", error=_busy_database()), 503
    if opened is None:
        record_failure()
        return render_template("wbs/follow_up.html", error=_unlock_error()), 422
    reset_failures()
    return case_page(opened, request.form.get("receipt", ""))


@bp.post("/follow-up/answer")
def answer() -> Page:
    """The reporter answers the officers and may add evidence."""
    if forged := forms.refuse_forged(request.form):
        return forged
    if (wait := pause_left()) or _limited("unlock"):
        return _unlock_refused(wait)
    typed, text = request.form.get("receipt", ""), request.form.get("message", "").strip()
    try:
        opened = retrying(lambda: services.unlock(db.session, settings(), typed))
    except Unavailable:
        return render_template("wbs/answer_again.html", receipt=typed, draft=text,
                               answer_token=request.form.get("answer_token", ""), cfg=settings(),
                               reattach=reattach_names(request.files.getlist("evidence")),
                               error=_busy_database()), 503
    if opened is None:
        record_failure()
        return render_template("wbs/follow_up.html", error=_unlock_error()), 422
    reset_failures()
    uploads = request.files.getlist("evidence")
    error = forms.answer_error(settings(), text, uploads)  # before any file is read
    checked = Checked(error=error) if error else check_uploads(uploads, settings(),
                                                                _admit_images)
    token = request.form.get("answer_token", "")
    if checked.error:
        return case_page(opened, typed, error=checked.error, draft=text, token=token,
                         status=429 if checked.busy else 422, reattach=reattach_names(uploads))
    tries: list[int] = []

    def store() -> bool:
        tries.append(1)
        stored = services.add_answer(db.session, opened, text, checked.files, token)
        db.session.commit()
        return stored

    try:
        stored = retrying(store) or len(tries) > 1
    except Unavailable:
        return render_template(
            "wbs/answer_again.html", receipt=typed, draft=text, answer_token=token, cfg=settings(),
            reattach=reattach_names(uploads),
            error=_("Your answer could not be stored just now: the database did not answer. "
                    "Nothing was stored. Your text is kept: please wait a minute and press Send "
                    "again.")), 503
    # Reload or a double tap: the answer was stored already, nothing was stored again.
    return case_page(opened, typed, sent=True, repeated=not stored)


def _busy_database() -> str:
    return _("Your report cannot be opened just now: the database did not answer. Nothing was "
             "stored. Please wait a minute and try again.")


def _unlock_error() -> str:
    return _("This receipt does not open a report. Check each character and try again.")


def _refusal(wait: int) -> str:
    return (_("Too many wrong receipts from this browser. Please wait %(m)d minutes.",
              m=max(1, -(-wait // 60))) if wait else
            _("Too many attempts right now. Please wait a minute and try again."))


def _unlock_refused(wait: int) -> tuple[str, int]:
    return render_template("wbs/follow_up.html", error=_refusal(wait)), 429

