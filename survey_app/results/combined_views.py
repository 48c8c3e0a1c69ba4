"""A parent unit's combined figure on the web: download its table, publish it."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import EDITORS, current_unit, login_required, staff_user
from ..db import db
from .combined import subunit_box
from .combined_publish import publish_combined
from .exports.combined import FORMATS, MIMETYPES, filename, render
from .filters import read_filters
from .publish_flash import publish_and_say

bp = Blueprint("combined", __name__, url_prefix="/admin/units/<code>/combined")


@bp.get("/export/<fmt>")
@login_required()
def download(code: str, fmt: str) -> WerkzeugResponse:
    """The combined index of the unit and its sub-units, with each unit's own, as CSV, XLSX
    or JSON, or the official document as PDF or DOCX."""
    unit = current_unit(code)
    if fmt not in FORMATS:
        abort(404)
    f, _problem = read_filters(unit, request.args)
    combined = subunit_box(db.session, unit, f)
    if combined is None:
        flash(_("Nothing to export for the unit and its sub-units in this selection."))
        return redirect(url_for("results.dashboard", code=unit.code, **f.args()))
    return send_file(io.BytesIO(render(db.session, combined, fmt)), mimetype=MIMETYPES[fmt],
                     as_attachment=True, download_name=filename(combined, fmt))


@bp.post("/publish")
@login_required(*EDITORS)
def publish(code: str) -> WerkzeugResponse:
    """Freeze and publish the combined figure of the period (a second time needs a reason)."""
    unit = current_unit(code)
    f, _problem = read_filters(unit, request.values)
    combined = subunit_box(db.session, unit, f)
    back = url_for("results.dashboard", code=unit.code, _anchor="subunits", **f.args())
    if combined is None:
        flash(_("Nothing to publish for the unit and its sub-units in this selection."),
              "error@subunits")
        return redirect(back)
    publish_and_say(lambda: publish_combined(db.session, combined, staff_user(),
                                             request.form.get("reason", "")[:500]), "subunits")
    return redirect(back)
