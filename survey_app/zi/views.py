"""The ZI team's page: hasil component inputs, result against the targets, XLSX export."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import can_edit, current_unit, login_required, require_editor
from ..db import db
from ..domain_errors import DomainError
from ..inputs import parse_int
from ..models import Unit
from . import forms, services
from .export import hasil_xlsx
from .rules import get_rule_set, rule_sets

bp = Blueprint("zi", __name__, url_prefix="/admin/units/<code>/zi")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(unit_tz: str) -> tuple[int, str | None]:
    """The year asked for, or this year with a message when it is not a year we can show."""
    raw = request.values.get("year", "")
    year = parse_int(raw, 2000, 2100)
    if year is not None:
        return year, None
    now = datetime.now(ZoneInfo(unit_tz)).year
    return now, (_("The evaluation year must be a whole number from 2000 to 2100; "
                   "showing %(y)d.", y=now) if raw.strip() else None)


def _render(unit: Unit, year: int, note: str | None, values: dict[str, str],
            errors: dict[str, str] | None = None) -> str:
    report, problem = None, note
    try:
        report = services.compute(db.session, unit, year)
    except DomainError as exc:  # no data, or a stored value outside what its rule set allows
        problem = exc.message()
    try:
        rules = get_rule_set(values.get("rule") or None)
    except DomainError:
        rules = get_rule_set(None)
    return render_template("zi/page.html", unit=unit, year=year, problem=problem,
                           data=report.to_json() if report else None, rule_sets=rule_sets(),
                           rules=rules, values=values, errors=errors or {},
                           sources=services.SOURCES, can_edit=can_edit())


@bp.route("/", methods=["GET", "POST"])
@login_required()
def page(code: str) -> str | WerkzeugResponse | tuple[str, int]:
    """Inputs and result of the hasil component for a year."""
    unit = current_unit(code)
    year, note = _year(unit.tz)
    saved = services.stored_input(db.session, unit, year)
    if request.method == "GET":
        return _render(unit, year, note, forms.initial(saved, year))
    require_editor()
    if note:  # never save a bad year's inputs under this year
        return _render(unit, year, note, forms.typed(request.form, saved, year)), 422
    try:
        services.save_input(db.session, unit, year, forms.read(request.form, saved, year))
    except services.InputErrors as exc:
        db.session.rollback()
        return _render(unit, year, note, forms.typed(request.form, saved, year),
                       forms.messages(exc)), 422
    db.session.commit()
    flash(_("Saved."), "success@inputs")
    return redirect(url_for("zi.page", code=unit.code, year=year, _anchor="inputs"))


@bp.get("/hasil.xlsx")
@login_required()
def export(code: str) -> Response | WerkzeugResponse:
    """The hasil component as an XLSX sheet with live formulas for the evaluation file."""
    unit = current_unit(code)
    year, _note = _year(unit.tz)
    try:
        report = services.compute(db.session, unit, year)
    except DomainError as exc:
        flash(exc.message())
        return redirect(url_for("zi.page", code=unit.code, year=year))
    buf = io.BytesIO()
    hasil_xlsx(report.to_json(), buf)
    name = f"hasil-{unit.code}-{year}.xlsx"
    return Response(buf.getvalue(), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
