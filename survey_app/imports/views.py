"""Staff import page: upload an export, check the column mapping and first rows, confirm."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

import instruments

from ..access import EDITORS, current_unit, login_required, staff_user
from ..db import db
from ..extensions import csrf
from ..models import ImportUpload, Unit
from ..survey.bulk import SQLITE_MAX_ROWS, LongLock
from ..survey.importer import ImportFailed
from . import services
from .services import MAX_UPLOAD_BYTES, UploadError

bp = Blueprint("imports", __name__, url_prefix="/admin/units/<code>/import")


def _saran_max() -> int:
    return int(current_app.config["SURVEY"].saran_max_chars)


def _page(unit: Unit, **boxes: object) -> str:
    """The import page; `boxes` fills its upload, preview, error and problem parts."""
    return render_template("imports/page.html", unit=unit, slugs=sorted(instruments.available()),
                           **({"upload": None, "error": None} | boxes))


def _held(code: str, key: str) -> tuple[Unit, ImportUpload]:
    """The unit and its held upload `key` (a 404 for an unknown key or another unit's)."""
    unit = current_unit(code)
    return unit, services.find_upload(db.session, unit, key) or abort(404)


def _to_review(unit: Unit, key: str) -> WerkzeugResponse:
    return redirect(url_for("imports.review", code=unit.code, key=key))


@bp.get("/")
@login_required(*EDITORS)
def start(code: str) -> str:
    """The upload form."""
    return _page(current_unit(code))


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
        return _page(unit, error=error), 422
    db.session.commit()
    return _to_review(unit, key)


@bp.get("/<key>")
@login_required(*EDITORS)
def review(code: str, key: str) -> str:
    """The mapping (saved or guessed), the first rows as they will be stored, every problem."""
    unit, held = _held(code, key)
    instrument = instruments.latest(held.instrument_slug)
    try:
        preview, saved = services.preview(db.session, unit, held, _saran_max())
    except ImportFailed as exc:
        return _page(unit, problems=exc.problems)
    return _page(unit, upload=held, preview=preview, saved=saved, instrument=instrument)


@bp.post("/<key>/store")
@login_required(*EDITORS)
def store(code: str, key: str) -> WerkzeugResponse:
    """Store every row with the saved mapping, or nothing."""
    unit, held = _held(code, key)
    try:
        result = services.store(db.session, unit, held, _saran_max(), staff_user().email)
    except (LongLock, ImportFailed) as exc:
        db.session.rollback()
        flash(_("Nothing was imported: on this server (SQLite) a file is imported in parts of "
                "at most %(n)d rows.", n=SQLITE_MAX_ROWS) if isinstance(exc, LongLock) else
              _("Nothing was imported: fix the problems shown and upload the file again."),
              "error")
        return _to_review(unit, key)
    flash(_("%(n)d responses imported.", n=result.count), "success")
    return redirect(url_for("results.dashboard", code=unit.code))


@bp.post("/<key>/mapping")
@login_required(*EDITORS)
def save_mapping(code: str, key: str) -> WerkzeugResponse:
    """Save the mapping chosen on the page for this unit and survey."""
    unit, held = _held(code, key)
    services.save_from_form(db.session, unit, held, request.form, staff_user().email)
    db.session.commit()
    flash(_("Column mapping saved. Check the rows below, then import."), "success")
    return _to_review(unit, key)
