"""A unit's letterhead and signatory: the page that edits them and the stored logo.

Registered on the admin blueprint (imported at the end of admin/views.py). Every staff member of
the unit may look; only admins and unit admins may change (checked here, on the server).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import letterheads
from ..access import EDITORS, can_edit, current_unit, login_required
from ..db import db
from ..extensions import csrf
from ..models import Letterhead, Unit
from .views import bp

MAX_FORM_BYTES = letterheads.LOGO_MAX_BYTES + 64 * 1024  # the logo plus the text fields


def _page(unit: Unit, values: dict[str, str], errors: dict[str, str] | None = None) -> str:
    row = db.session.get(Letterhead, unit.id)
    return render_template("admin/letterhead.html", unit=unit, values=values,
                           errors=errors or {}, has_logo=bool(row and row.logo),
                           labels=letterheads.LABELS, limits=letterheads.FIELDS,
                           can_edit=can_edit(), logo_max_mb=letterheads.LOGO_MAX_BYTES // 2**20)


def _messages(exc: letterheads.LetterheadErrors) -> dict[str, str]:
    """Each bad field's message in the page's language."""
    out: dict[str, str] = {}
    for err in exc.errors:
        params = dict(err.params)
        if "field" in params:
            params["field"] = _(params["field"])
        out.setdefault(err.name, _(err.msgid, **params))
    return out


@bp.get("/units/<code>/letterhead")
@login_required()
def letterhead(code: str) -> str:
    """The unit's letterhead and signatory as the official report prints them."""
    unit = current_unit(code)
    kop = letterheads.kop_of(db.session, unit)
    return _page(unit, {name: getattr(kop, name) for name in letterheads.FIELDS})


@bp.post("/units/<code>/letterhead")
@csrf.exempt  # checked below, once the request may be large enough to carry a logo
@login_required(*EDITORS)
def save_letterhead(code: str) -> str | WerkzeugResponse | tuple[str, int]:
    """Save the letterhead; a new logo replaces the old one, "remove" drops it."""
    unit = current_unit(code)
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return _page(unit, {}, {"logo": _(letterheads.TOO_BIG)}), 413
    request.max_content_length = MAX_FORM_BYTES
    csrf.protect()
    values = {name: request.form.get(name, "") for name in letterheads.FIELDS}
    upload = request.files.get("logo")
    data = upload.read(letterheads.LOGO_MAX_BYTES + 1) if upload and upload.filename else None
    try:
        letterheads.save(db.session, unit, values, data,
                         remove_logo=request.form.get("remove_logo") == "1")
    except letterheads.LetterheadErrors as exc:
        db.session.rollback()
        return _page(unit, values, _messages(exc)), 422
    db.session.commit()
    flash(_("Letterhead saved: the official report prints it."), "success")
    return redirect(url_for("admin.letterhead", code=unit.code))


@bp.get("/units/<code>/letterhead/logo")
@login_required()
def letterhead_logo(code: str) -> Response:
    """The stored logo (always an image this app re-encoded)."""
    unit = current_unit(code)
    row = db.session.get(Letterhead, unit.id)
    if row is None or row.logo is None or row.logo_type is None:
        abort(404)
    return Response(row.logo, mimetype=row.logo_type,
                    headers={"Cache-Control": "private, no-cache",
                             "X-Content-Type-Options": "nosniff"})
