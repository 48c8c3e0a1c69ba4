"""Staff dashboard: results per unit, service, counter and period; RTL; publishing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

import analysis
import instruments

from .. import orgs
from ..admin.views import current_unit, staff_user
from ..db import db
from ..models import Counter, Service, Unit
from ..security import login_required
from . import services
from .followup import ensure_plan
from .period import Period, parse_period, period_from_dates
from .queries import profile_counts, suggestions
from .report import NoData, build_report, reliability_for, selection

bp = Blueprint("results", __name__, url_prefix="/admin/units/<code>/results")
EDITORS = ("admin", "unit_admin")


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows, from the query string."""

    slug: str
    period: Period
    service: Service | None
    counter: Counter | None

    def args(self) -> dict[str, Any]:
        """Query-string form, for links and redirects."""
        out: dict[str, Any] = {"instrument": self.slug,
               "period": f"{self.period.start.isoformat()}..{self.period.end.isoformat()}"}
        if self.service:
            out["service"] = self.service.code
        if self.counter:
            out["counter"] = self.counter.code
        return out


def default_period(unit: Unit) -> Period:
    """The current quarter in the unit's time zone."""
    today = datetime.now(ZoneInfo(unit.tz)).date()
    return parse_period(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def read_filters(unit: Unit) -> tuple[Filters, str | None]:
    """Filters from the request; on bad input the defaults and a message."""
    args = request.values
    slug = args.get("instrument", "ikm")
    try:
        instruments.latest(slug)
        if args.get("from") or args.get("to"):
            period = period_from_dates(args.get("from", ""), args.get("to", ""))
        elif args.get("period"):
            period = parse_period(args["period"])
        else:
            period = default_period(unit)
        service = orgs.find_service(db.session, unit, args["service"]) \
            if args.get("service") else None
        counter = orgs.find_counter(service, args["counter"]) \
            if service and args.get("counter") else None
    except (ValueError, instruments.InstrumentError) as exc:
        return Filters("ikm", default_period(unit), None, None), str(exc)
    return Filters(slug, period, service, counter), None


def _context(unit: Unit) -> tuple[Filters, dict[str, object]]:
    filters, problem = read_filters(unit)
    ctx: dict[str, object] = {"unit": unit, "f": filters, "problem": problem,
                              "instruments": sorted(instruments.available()),
                              "presets": presets(unit), "can_edit": staff_user().role in EDITORS}
    return filters, ctx


def presets(unit: Unit) -> list[tuple[str, str]]:
    """Period choices for this and last year."""
    year = datetime.now(ZoneInfo(unit.tz)).year
    out = []
    for y in (year, year - 1):
        out.append((str(y), str(y)))
        out += [(f"{y}-S{s}", f"Semester {s} {y}") for s in (1, 2)]
        out += [(f"{y}-Q{q}", f"Triwulan {q} {y}") for q in (1, 2, 3, 4)]
    return out


@bp.get("/")
@login_required()
def dashboard(code: str) -> str:
    """The results dashboard."""
    unit = current_unit(code)
    f, ctx = _context(unit)
    try:
        report = build_report(db.session, unit, f.slug, f.period, f.service, f.counter)
    except NoData as exc:
        return render_template("results/dashboard.html", report=None, no_data=str(exc), **ctx)
    sel = selection(unit, f.slug, f.period, f.service, f.counter)
    trend = services.trend(db.session, report)
    # Alpha needs a pass over every answer pair: computed when asked for, not on every view.
    reliability = reliability_for(db.session, report) if request.args.get("reliability") else None
    search = request.args.get("q", "").strip()[:100]
    total, saran = suggestions(db.session, sel, search or None)
    return render_template(
        "results/dashboard.html", report=report, no_data=None, trend=trend,
        change=services.change_since(trend[-2][1], report),
        comparison=services.comparison(db.session, report),
        others=services.other_indices(db.session, unit, f.slug, f.period, f.service, f.counter),
        reliability=reliability,
        reading=analysis.interpret_alpha(reliability.alpha) if reliability else None,
        asked_reliability=bool(request.args.get("reliability")),
        profile=profile_counts(db.session, sel), saran=saran, saran_total=total, q=search,
        publications=[p for p in services.publications_of(db.session, unit, current_only=False)
                      if p.instrument_slug == f.slug and p.period_from == f.period.start
                      and p.period_to == f.period.end],
        round2=lambda x: f"{analysis.round_half_up(x, 2):.2f}", **ctx)


@bp.post("/population")
@login_required(*EDITORS)
def population(code: str) -> WerkzeugResponse:
    """Record the number of service users for the period (the sample check's N)."""
    unit = current_unit(code)
    f, problem = read_filters(unit)
    try:
        if problem:
            raise ValueError(problem)
        services.set_population(db.session, unit, f.service, f.period,
                                int(request.form.get("population", "")))
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
        rows = {int(k.split("-")[1]): {field: request.form.get(f"{field}-{k.split('-')[1]}", "")
                                       for field in ("program", "waktu", "penanggung_jawab")}
                for k in request.form if k.startswith("program-") and k.split("-")[1].isdigit()}
        services.update_plan(db.session, report, rows)
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
    f, problem = read_filters(unit)
    try:
        if problem:
            raise ValueError(problem)
        report = build_report(db.session, unit, f.slug, f.period, f.service)
        pub = services.publish(db.session, report, staff_user(),
                               request.form.get("reason", "")[:500])
        flash(_("Published as revision %(n)d.", n=pub.revision))
    except services.PublishError:
        flash(_("This period is already published. To publish it again, give a reason."))
    except ValueError as exc:
        flash(str(exc))
    return redirect(url_for("results.dashboard", code=unit.code, **f.args()))

