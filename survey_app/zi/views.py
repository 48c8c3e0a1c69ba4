"""The ZI team's page: hasil component inputs, result against the targets, XLSX export."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..admin.views import current_unit, staff_user
from ..db import db
from ..results.period import period_from_dates
from ..results.report import NoData
from ..security import login_required
from . import services
from .export import hasil_xlsx
from .rules import get_rule_set, rule_sets

bp = Blueprint("zi", __name__, url_prefix="/admin/units/<code>/zi")
EDITORS = ("admin", "unit_admin")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year(unit_tz: str) -> int:
    raw = request.values.get("year", "")
    return int(raw) if raw.isdigit() else datetime.now(ZoneInfo(unit_tz)).year


def _float(name: str) -> float | None:
    raw = request.form.get(name, "").strip().replace(",", ".")
    return float(raw) if raw else None


@bp.route("/", methods=["GET", "POST"])
@login_required()
def page(code: str) -> str | WerkzeugResponse | tuple[str, int]:
    """Inputs and result of the hasil component for a year."""
    unit = current_unit(code)
    year = _year(unit.tz)
    if request.method == "POST":
        if staff_user().role not in EDITORS:
            return render_template("errors/error.html", code=403,
                                   message=_("You do not have access to this page.")), 403
        try:
            rules = get_rule_set(request.form.get("rule"))
            areas = {c: v for c, _n, _w in rules.areas if (v := _float(f"area-{c}")) is not None}
            total = _float("pengungkit_total")
            pengungkit = ({"total": total if total is not None else sum(areas.values()), **areas}
                          if areas or total is not None else None)
            services.save_input(
                db.session, unit, year, rule=rules.rule.slug,
                ipak_source=request.form.get("ipak_source", "ipk"),
                ipkp_source=request.form.get("ipkp_source", "ikm"),
                period=period_from_dates(request.form.get("from", f"{year}-01-01"),
                                         request.form.get("to", f"{year}-12-31")),
                kinerja=_float("kinerja"), pengungkit=pengungkit)
            flash(_("Saved."))
        except ValueError as exc:
            flash(str(exc))
        return redirect(url_for("zi.page", code=unit.code, year=year))
    saved = services.stored_input(db.session, unit, year)
    report, problem = None, None
    try:
        report = services.compute(db.session, unit, year)
    except (NoData, ValueError) as exc:
        problem = str(exc)
    return render_template("zi/page.html", unit=unit, year=year, saved=saved, problem=problem,
                           data=report.to_json() if report else None, rule_sets=rule_sets(),
                           rules=get_rule_set(saved.rule_set if saved else None),
                           can_edit=staff_user().role in EDITORS)


@bp.get("/hasil.xlsx")
@login_required()
def export(code: str) -> Response | WerkzeugResponse:
    """The hasil component as an XLSX sheet with live formulas for the evaluation file."""
    unit = current_unit(code)
    year = _year(unit.tz)
    try:
        report = services.compute(db.session, unit, year)
    except (NoData, ValueError) as exc:
        flash(str(exc))
        return redirect(url_for("zi.page", code=unit.code, year=year))
    buf = io.BytesIO()
    hasil_xlsx(report.to_json(), buf)
    name = f"hasil-{unit.code}-{year}.xlsx"
    return Response(buf.getvalue(), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
