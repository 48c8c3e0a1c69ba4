"""Staff pages: login, the unit list, a unit's services, counters, QR codes and wording."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

import instruments

from .. import access, letterheads, login_limits, orgs, poster, qr
from ..access import EDITORS, can_edit, current_unit, login_required, staff_user, visible_units
from ..clientaddr import request_key
from ..db import db
from ..i18n import current_lang
from ..models import Service, Unit
from ..redirects import safe_next
from ..survey import flow
from ..survey.services import response_counts
from . import services, wording
from .forms import LoginForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | WerkzeugResponse | tuple[str, int]:
    """Staff login; its limits cannot lock the owner's browser out (see login_limits)."""
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form)
    email = form.email.data or ""
    if not login_limits.admit_request(login_limits.STAFF, email,
                                      current_app.config["SURVEY"].login_rate_limit,
                                      client=request_key("login")):
        abort(429)
    user = services.authenticate(db.session, email, form.password.data or "")
    if user is None:
        flash(_("Wrong e-mail or password."))
        return render_template("admin/login.html", form=form), 401
    access.begin_login(user)
    db.session.commit()
    response = redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    login_limits.remember_request_device(response, login_limits.STAFF, email)
    return response


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the staff session, on the server too: a copy of the cookie opens nothing after."""
    access.end_login()
    db.session.commit()
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required()
def index() -> str:
    """Units the user may see."""
    return render_template("admin/index.html",
                           units=visible_units(db.session, staff_user()))


def _unit_page(u: Unit, entered: dict[str, str] | None = None,
               error: str | None = None) -> str:
    """The unit page; `entered` and `error` re-show a rewording form that was refused."""
    base = current_app.config["SURVEY"].base_url
    styles = {slug: flow.styled(db.session, u.id, slug).label_style
              for slug in instruments.available()}
    lang = current_lang()
    return render_template("admin/unit.html", unit=u, base=base, survey_url=qr.survey_url,
                           counts=response_counts(db.session, u), order=flow.ORDER,
                           all_instruments={s: instruments.latest(s) for s in flow.ORDER},
                           styles=styles, can_edit=can_edit(),
                           wordings=wording.unit_wordings(db.session, u, lang),
                           wording_choices=wording.choices(lang), wording_max=wording.MAX_TEXT,
                           entered=entered or {}, wording_error=error,
                           poster_sizes=tuple(qr.POSTER_SIZES))


@bp.get("/units/<code>")
@login_required()
def unit(code: str) -> str:
    """Services, counters, survey links and response counts of a unit."""
    return _unit_page(current_unit(code))


@bp.post("/units/<code>/instruments")
@login_required(*EDITORS)
def set_instruments(code: str) -> WerkzeugResponse:
    """Choose the surveys a service's or counter's QR code offers."""
    u = current_unit(code)
    try:
        service = orgs.find_service(db.session, u, request.form.get("service", ""))
        counter_code = request.form.get("counter")
        item = orgs.find_counter(service, counter_code) if counter_code else service
        chosen = request.form.getlist("slugs")
        if counter_code and request.form.get("inherit") and chosen and set(chosen) != set(
                service.instrument_slugs.split(",")):
            # never drop a choice silently: the box and the ticked surveys disagree
            flash(_("Nothing was changed: untick \"same as the service\" to give this counter "
                    "its own surveys, or tick exactly the service's surveys."))
            return redirect(url_for("admin.unit", code=u.code))
        flow.set_flow(db.session, item, None if request.form.get("inherit") else chosen)
        db.session.commit()
        flash(_("Surveys updated."), "success")
    except orgs.OrgError as exc:
        flash(exc.message())
    except flow.FlowError as exc:
        flash(exc.message())
    return redirect(url_for("admin.unit", code=u.code))


@bp.post("/units/<code>/styles")
@login_required(*EDITORS)
def set_styles(code: str) -> WerkzeugResponse:
    """Choose the label style the unit uses per instrument."""
    u = current_unit(code)
    try:
        for slug, style in request.form.items():
            if slug != "csrf_token":
                flow.set_style(db.session, u, slug, style)
        db.session.commit()
        flash(_("Surveys updated."), "success")
    except flow.FlowError as exc:
        flash(exc.message())
    except instruments.InstrumentError:  # a slug no form offers
        flash(_("Unknown survey."))
    return redirect(url_for("admin.unit", code=u.code))


def _wording_message(exc: wording.WordingError) -> str:
    """What a staff member reads for a refused rewording, in the page's language."""
    if isinstance(exc, wording.TextRequired):
        return _("Enter the question in Bahasa Indonesia and in English.")
    if isinstance(exc, wording.TextTooLong):
        return _("Each text may have at most %(max)d characters.", max=wording.MAX_TEXT)
    if isinstance(exc, wording.NoOverride):
        return _("This question has no own wording to remove.")
    return _("Choose a question of one of the surveys.")


def _wording_target(u: Unit) -> tuple[Service, str, str]:
    """The service (404 if the unit has no such code), instrument slug and element code posted."""
    try:
        service = orgs.find_service(db.session, u, request.form.get("service", ""))
    except orgs.NotFound:
        abort(404)
    slug, _sep, item = request.form.get("item", "").partition(":")
    return service, slug, item


@bp.post("/units/<code>/wording")
@login_required(*EDITORS)
def save_wording(code: str) -> WerkzeugResponse | tuple[str, int]:
    """Create or change a service's own wording of one question."""
    u = current_unit(code)
    service, slug, item = _wording_target(u)
    try:
        wording.set_wording(db.session, service, slug, item, request.form.get("text_id", ""),
                            request.form.get("text_en", ""))
    except wording.WordingError as exc:
        db.session.rollback()
        return _unit_page(u, request.form.to_dict(), _wording_message(exc)), 422
    db.session.commit()
    flash(_("Wording saved."), "success")
    return redirect(url_for("admin.unit", code=u.code, _anchor=f"wording-{service.code}"))


@bp.post("/units/<code>/wording/remove")
@login_required(*EDITORS)
def remove_wording(code: str) -> WerkzeugResponse | tuple[str, int]:
    """Go back to the survey's own wording of one question for a service."""
    u = current_unit(code)
    service, slug, item = _wording_target(u)
    try:
        wording.remove_wording(db.session, service, slug, item)
    except wording.WordingError as exc:
        db.session.rollback()
        return _unit_page(u, {"service": service.code}, _wording_message(exc)), 422
    db.session.commit()
    flash(_("Wording removed: the survey's own question is used again."), "success")
    return redirect(url_for("admin.unit", code=u.code, _anchor=f"wording-{service.code}"))


@bp.get("/units/<code>/qr.<fmt>")
@login_required()
def qr_code(code: str, fmt: str) -> WerkzeugResponse:
    """QR image or poster (?size=A4|A5) for the unit, a service (?service=) or a counter
    (?service=&counter=); an unknown code or size is a 404, never another code's QR."""
    u = current_unit(code)
    size = request.args.get("size", "A4").upper()
    if fmt not in qr.FORMATS or size not in qr.POSTER_SIZES:
        abort(404)
    try:
        service, counter = services.qr_target(db.session, u, request.args.get("service"),
                                              request.args.get("counter"))
    except orgs.NotFound:
        abort(404)
    url = qr.survey_url(current_app.config["SURVEY"].base_url, u.code,
                        service.code if service else None, counter.code if counter else None)
    data, mime = qr.render(fmt, url, u.name, service.name if service else None,
                           counter.name if counter else None, size=size,
                           logo=letterheads.kop_of(db.session, u).logo,
                           wbs_url=qr.wbs_url(current_app.config["SURVEY"].base_url),
                           **poster.extras(db.session, u, service, counter))
    parts = (u.code, service and service.code, counter and counter.code,
             size if fmt == "pdf" and size != "A4" else None)
    name = "-".join(p for p in parts if p)
    return WerkzeugResponse(data, mimetype=mime,
                            headers={"Content-Disposition": f'inline; filename="qr-{name}.{fmt}"'})


from . import letterhead as _letterhead  # noqa: E402, F401 - its routes join this blueprint
