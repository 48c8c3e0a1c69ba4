"""Staff import page: upload an export, check the column mapping and first rows, confirm."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

import instruments

from ..access import EDITORS, current_unit, login_required, staff_user
from ..db import db
from ..extensions import csrf
from ..survey.bulk import SQLITE_MAX_ROWS, LongLock
from ..survey.importer import ImportFailed
from . import services
from .services import MAX_UPLOAD_BYTES, UploadError

bp = Blueprint("imports", __name__, url_prefix="/admin/units/<code>/import")


def _saran_max() -> int:
    return int(current_app.config["SURVEY"].saran_max_chars)


@bp.get("/")
@login_required(*EDITORS)
def start(code: str) -> str:
    """The upload form."""
    return render_template("imports/page.html", unit=current_unit(code), upload=None,
                           slugs=sorted(instruments.available()), error=None)


@bp.post("/")
@csrf.exempt  # checked below, once the request may be large enough to carry the file
@login_required(*EDITORS)
def upload(code: str) -> str | WerkzeugResponse | tuple[str, int]:
    """Hold the uploaded export and show its preview."""
    unit = current_unit(code)
    request.max_content_length = MAX_UPLOAD_BYTES + 64 * 1024
    csrf.protect()
    file = request.files.get("file")
    try:
        key = services.hold_upload(db.session, unit, request.form.get("instrument", "ikm"),
                                   file.filename or "" if file else "",
                                   file.read(MAX_UPLOAD_BYTES + 1) if file else b"",
                                   staff_user().email)
    except (UploadError, instruments.InstrumentError) as exc:
        db.session.rollback()
        error = exc.message() if isinstance(exc, UploadError) else _("Unknown survey.")
        return render_template("imports/page.html", unit=unit, upload=None, error=error,
                               slugs=sorted(instruments.available())), 422
    db.session.commit()
    return redirect(url_for("imports.review", code=unit.code, key=key))


@bp.get("/<key>")
@login_required(*EDITORS)
def review(code: str, key: str) -> str:
    """The mapping (saved or guessed), the first rows as they will be stored, every problem."""
    unit = current_unit(code)
    held = services.find_upload(db.session, unit, key) or abort(404)
    try:
        preview, saved = services.preview(db.session, unit, held, _saran_max())
    except ImportFailed as exc:
        return render_template("imports/page.html", unit=unit, upload=None, error=None,
                               problems=exc.problems, slugs=sorted(instruments.available()))
    inst = instruments.latest(held.instrument_slug)
    return render_template("imports/page.html", unit=unit, upload=held, preview=preview,
                           saved=saved, instrument=inst, error=None,
                           slugs=sorted(instruments.available()))


@bp.post("/<key>/mapping")
@login_required(*EDITORS)
def save_mapping(code: str, key: str) -> WerkzeugResponse:
    """Save the mapping chosen on the page for this unit and survey."""
    unit = current_unit(code)
    held = services.find_upload(db.session, unit, key) or abort(404)
    services.save_from_form(db.session, unit, held, request.form, staff_user().email)
    db.session.commit()
    flash(_("Column mapping saved. Check the rows below, then import."), "success")
    return redirect(url_for("imports.review", code=unit.code, key=key))


@bp.post("/<key>/store")
@login_required(*EDITORS)
def store(code: str, key: str) -> WerkzeugResponse:
    """Store every row with the saved mapping, or nothing."""
    unit = current_unit(code)
    held = services.find_upload(db.session, unit, key) or abort(404)
    try:
        result = services.store(db.session, unit, held, _saran_max(), staff_user().email)
    except LongLock:
        db.session.rollback()
        flash(_("Nothing was imported: on this server (SQLite) a file is imported in parts of "
                "at most %(n)d rows.", n=SQLITE_MAX_ROWS), "error")
        return redirect(url_for("imports.review", code=unit.code, key=key))
    except ImportFailed:
        db.session.rollback()
        flash(_("Nothing was imported: fix the problems shown and upload the file again."),
              "error")
        return redirect(url_for("imports.review", code=unit.code, key=key))
    flash(_("%(n)d responses imported.", n=result.count), "success")
    return redirect(url_for("results.dashboard", code=unit.code))
