"""Staff dashboard: results per unit, service, counter and period; RTL; publishing; exports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as WerkzeugResponse

import instruments

from .. import formats
from ..access import EDITORS, can_edit, current_unit, login_required, require_editor, staff_user
from ..db import db
from ..domain_errors import DomainError, NoData
from ..inputs import parse_int
from ..models import Unit
from . import downloads, services
from .combined_boxes import combined_context
from .dashboard import dashboard_context, dashboard_report
from .filters import Filters, presets, read_filters
from .followup import plan_rows, shown_plan
from .report import IndexReport, build_report

bp = Blueprint("results", __name__, url_prefix="/admin/units/<code>/results")


def _context(unit: Unit) -> tuple[Filters, dict[str, object]]:
    filters, problem = read_filters(unit, request.values)
    ctx: dict[str, object] = {"unit": unit, "f": filters, "problem": problem,
                              "instruments": sorted(instruments.available()),
                              "presets": presets(unit), "can_edit": can_edit(),
                              "round2": formats.number}
    return filters, ctx


def _report(unit: Unit, f: Filters, problem: str | None) -> IndexReport:
    """The selection's report; a DomainError for a bad selection or nothing to compute."""
    if problem is not None:
        raise DomainError(problem)  # already in the page's language
    return dashboard_report(db.session, unit, f)


@bp.get("/")
@login_required()
def dashboard(code: str) -> str:
    """The results dashboard."""
    unit = current_unit(code)
    f, ctx = _context(unit)
    ctx.update(combined_context(db.session, unit, f, request.args))
    try:
        report = dashboard_report(db.session, unit, f)
    except NoData as exc:  # no answers, or compat weights without nine answered elements
        return render_template("results/dashboard.html", report=None, no_data=exc.message(),
                               **ctx)
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
        report = _report(unit, f, problem)
    except DomainError as exc:
        flash(_("Nothing to export: %(why)s", why=exc.message()))
        return redirect(url_for("results.dashboard", code=unit.code, **f.args()))
    body = downloads.render(db.session, report, fmt)
    return send_file(body, mimetype=downloads.EXPORTS[fmt].mimetype, as_attachment=True,
                     download_name=downloads.filename(report, fmt))


@bp.post("/population")
@login_required(*EDITORS)
def population(code: str) -> WerkzeugResponse:
    """Record the number of service users for the period (the sample check's N)."""
    unit = current_unit(code)
    f, problem = read_filters(unit, request.values)
    population = parse_int(request.form.get("population", ""), lo=1)
    if problem or population is None:
        flash(_("Enter the number of service users as a whole number of at least 1."),
              "error@sample")
    else:
        services.set_population(db.session, unit, f.service, f.period, population)
        db.session.commit()
        flash(_("Number of service users saved."), "success@sample")
    return redirect(url_for("results.dashboard", code=unit.code, _anchor="sample", **f.args()))


@bp.route("/rtl", methods=["GET", "POST"])
@login_required()
def rtl(code: str) -> str | WerkzeugResponse:
    """The follow-up plan of the period, pre-filled with the two lowest elements."""
    unit = current_unit(code)
    f, ctx = _context(unit)
    try:
        report = build_report(db.session, unit, f.slug, f.period, f.service)
    except NoData as exc:
        return render_template("results/rtl.html", report=None, no_data=exc.message(), **ctx)
    if request.method == "POST":
        require_editor()
        services.update_plan(db.session, report, plan_rows(request.form))
        db.session.commit()
        flash(_("Follow-up plan saved."), "success")
        return redirect(url_for("results.rtl", code=unit.code, **f.args()))
    plan, saved = shown_plan(db.session, report)
    return render_template("results/rtl.html", report=report, no_data=None, plan=plan,
                           saved=saved, progress=services.plan_progress(db.session, report),
                           **ctx)


@bp.post("/publish")
@login_required(*EDITORS)
def publish(code: str) -> WerkzeugResponse:
    """Freeze and publish the period's figures (a second time needs a reason)."""
    unit = current_unit(code)
    f, problem = read_filters(unit, request.values)
    try:
        report = _report(unit, f, problem)
        pub = services.publish(db.session, report, staff_user(),
                               request.form.get("reason", "")[:500])
        db.session.commit()
        flash(_("Published as revision %(n)d.", n=pub.revision), "success@publish")
    except services.NotPublishable as exc:
        flash(_("A counter's figures are not published: choose all counters to publish the "
                "service.") if exc.why == "counter" else
              _("Only exact weights are published: choose exact weights to publish."),
              "error@publish")
    except services.PublishError:
        flash(_("This period is already published. To publish it again, give a reason."),
              "error@publish")
    except IntegrityError:  # published at the same moment by another request (one current)
        db.session.rollback()
        flash(_("This period was just published by someone else: check the revisions below."),
              "error@publish")
    except DomainError as exc:
        flash(exc.message(), "error@publish")
    return redirect(url_for("results.dashboard", code=unit.code, _anchor="publish", **f.args()))

