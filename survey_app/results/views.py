"""Staff dashboard: results per unit, service, counter and period; RTL; publishing; exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

import analysis
import instruments

from ..admin.views import current_unit, staff_user
from ..db import db
from ..inputs import parse_int
from ..models import Unit
from ..security import login_required
from . import downloads, services
from .dashboard import dashboard_context, dashboard_report
from .filters import Filters, presets, read_filters
from .followup import ensure_plan, plan_rows
from .report import NoData, build_report

bp = Blueprint("results", __name__, url_prefix="/admin/units/<code>/results")
EDITORS = ("admin", "unit_admin")


def _context(unit: Unit) -> tuple[Filters, dict[str, object]]:
    filters, problem = read_filters(unit, request.values)
    ctx: dict[str, object] = {"unit": unit, "f": filters, "problem": problem,
                              "instruments": sorted(instruments.available()),
                              "presets": presets(unit), "can_edit": staff_user().role in EDITORS,
                              "round2": lambda x: f"{analysis.round_half_up(x, 2):.2f}"}
    return filters, ctx


@bp.get("/")
@login_required()
def dashboard(code: str) -> str:
    """The results dashboard."""
    unit = current_unit(code)
    f, ctx = _context(unit)
    try:
        report = dashboard_report(db.session, unit, f)
    except ValueError as exc:  # NoData, or compat weights without nine answered elements
        return render_template("results/dashboard.html", report=None, no_data=str(exc), **ctx)
    return render_template("results/dashboard.html", **dashboard_context(
        db.session, report, f, search=request.args.get("q", "").strip()[:100],
        page=request.args.get("page"), want_reliability=bool(request.args.get("reliability"))),
        **ctx)


@bp.get("/export/<fmt>")
@login_required()
def download(code: str, fmt: str) -> WerkzeugResponse:
    """The selection as XLSX, CSV, PDF report, PNG or PDF infographic (as `survey-app export`)."""
    unit = current_unit(code)
    if fmt not in downloads.EXPORTS:
        abort(404)
    f, problem = read_filters(unit, request.args)
    try:
        if problem:
            raise ValueError(problem)
        report = dashboard_report(db.session, unit, f)
        body = downloads.render(db.session, report, fmt)
    except ValueError as exc:
        flash(_("Nothing to export: %(why)s", why=str(exc)))
        return redirect(url_for("results.dashboard", code=unit.code, **f.args()))
    return send_file(body, mimetype=downloads.EXPORTS[fmt].mimetype, as_attachment=True,
                     download_name=downloads.filename(report, fmt))


@bp.post("/population")
@login_required(*EDITORS)
def population(code: str) -> WerkzeugResponse:
    """Record the number of service users for the period (the sample check's N)."""
    unit = current_unit(code)
    f, problem = read_filters(unit, request.values)
    population = parse_int(request.form.get("population", ""), lo=1)
    try:
        if problem or population is None:
            raise ValueError(problem)
        services.set_population(db.session, unit, f.service, f.period, population)
    except ValueError:
        flash(_("Enter the number of service users as a whole number of at least 1."))
    return redirect(url_for("results.dashboard", code=unit.code, **f.args()))


@bp.route("/rtl", methods=["GET", "POST"])
@login_required()
def rtl(code: str) -> str | WerkzeugResponse:
    """The follow-up plan of the period, pre-filled with the two lowest elements."""
    unit = current_unit(code)
    f, ctx = _context(unit)
    try:
        report = build_report(db.session, unit, f.slug, f.period, f.service)
    except NoData as exc:
        return render_template("results/rtl.html", report=None, no_data=str(exc), **ctx)
    if request.method == "POST":
        if staff_user().role not in EDITORS:
            abort(403)
        services.update_plan(db.session, report, plan_rows(request.form))
        flash(_("Follow-up plan saved."))
        return redirect(url_for("results.rtl", code=unit.code, **f.args()))
    return render_template("results/rtl.html", report=report, no_data=None,
                           plan=ensure_plan(db.session, report),
                           progress=services.plan_progress(db.session, report), **ctx)


@bp.post("/publish")
@login_required(*EDITORS)
def publish(code: str) -> WerkzeugResponse:
    """Freeze and publish the period's figures (a second time needs a reason)."""
    unit = current_unit(code)
    f, problem = read_filters(unit, request.values)
    try:
        if problem:
            raise ValueError(problem)
        report = dashboard_report(db.session, unit, f)
        pub = services.publish(db.session, report, staff_user(),
                               request.form.get("reason", "")[:500])
        flash(_("Published as revision %(n)d.", n=pub.revision))
    except services.NotPublishable as exc:
        flash(_("A counter's figures are not published: choose all counters to publish the "
                "service.") if exc.why == "counter" else
              _("Only exact weights are published: choose exact weights to publish."))
    except services.PublishError:
        flash(_("This period is already published. To publish it again, give a reason."))
    except ValueError as exc:
        flash(str(exc))
    return redirect(url_for("results.dashboard", code=unit.code, **f.args()))

