"""Download of a parent unit's combined table (the dashboard card's CSV and XLSX links)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import current_unit, login_required
from ..db import db
from .combined import subunit_box
from .exports.combined import MIMETYPES, RENDERERS
from .filters import read_filters

bp = Blueprint("combined", __name__, url_prefix="/admin/units/<code>/combined")


@bp.get("/export/<fmt>")
@login_required()
def download(code: str, fmt: str) -> WerkzeugResponse:
    """The combined index of the unit and its sub-units, with each unit's own, as CSV or XLSX."""
    unit = current_unit(code)
    if fmt not in RENDERERS:
        abort(404)
    f, _problem = read_filters(unit, request.args)
    combined = subunit_box(db.session, unit, f)
    if combined is None:
        flash(_("Nothing to export for the unit and its sub-units in this selection."))
        return redirect(url_for("results.dashboard", code=unit.code, **f.args()))
    name = f"gabungan-{unit.code}-{f.period.start}-{f.period.end}.{fmt}"
    return send_file(io.BytesIO(RENDERERS[fmt](combined)), mimetype=MIMETYPES[fmt],
                     as_attachment=True, download_name=name)
