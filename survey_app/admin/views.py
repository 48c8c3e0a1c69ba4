"""Staff pages: login, the unit list, a unit's services, counters and QR codes."""

from __future__ import annotations

import hashlib
import hmac

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import qr
from ..db import db
from ..models import Unit, User
from ..ratelimit import allow
from ..security import current_user, login_required
from ..survey.services import response_counts
from . import services
from .forms import LoginForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else \
        url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | WerkzeugResponse | tuple[str, int]:
    """Staff login, rate-limited per client."""
    form = LoginForm()
    if form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"].encode()
        key = hmac.new(secret, (request.remote_addr or "-").encode(), hashlib.sha256).hexdigest()
        if not allow(current_app.extensions["rate_store"], "login:" + key[:24],
                     current_app.config["SURVEY"].login_rate_limit):
            abort(429)
        user = services.authenticate(db.session, form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            session["uid"] = user.id
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."))
        return render_template("admin/login.html", form=form), 401
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout() -> WerkzeugResponse:
    """End the staff session."""
    session.clear()
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required()
def index() -> str:
    """Units the user may see."""
    return render_template("admin/index.html",
                           units=services.visible_units(db.session, staff_user()))


def staff_user() -> User:
    """The logged-in user of a login_required view."""
    user = current_user()
    if user is None:  # login_required ran first; this only narrows the type
        abort(401)
    return user


def current_unit(code: str) -> Unit:
    """The unit in the URL, if the user may see it; 404 otherwise."""
    unit = services.find_visible_unit(db.session, staff_user(), code)
    if unit is None:
        abort(404)
    return unit


@bp.get("/units/<code>")
@login_required()
def unit(code: str) -> str:
    """Services, counters, survey links and response counts of a unit."""
    u = current_unit(code)
    base = current_app.config["SURVEY"].base_url
    return render_template("admin/unit.html", unit=u, base=base, survey_url=qr.survey_url,
                           counts=response_counts(db.session, u))


@bp.get("/units/<code>/qr.<fmt>")
@login_required()
def qr_code(code: str, fmt: str) -> Response:
    """QR image or poster for the unit, a service (?service=) or a counter (?counter=)."""
    u = current_unit(code)
    if fmt not in qr.FORMATS:
        abort(404)
    service = next((s for s in u.services if s.code == request.args.get("service")), None)
    counter = None
    if service is not None:
        counter = next((c for c in service.counters if c.code == request.args.get("counter")),
                       None)
    url = qr.survey_url(current_app.config["SURVEY"].base_url, u.code,
                        service.code if service else None, counter.code if counter else None)
    data, mime = qr.render(fmt, url, u.name, service.name if service else None,
                           counter.name if counter else None)
    name = "-".join(p for p in (u.code, service and service.code, counter and counter.code) if p)
    return Response(data, mimetype=mime,
                    headers={"Content-Disposition": f'inline; filename="qr-{name}.{fmt}"'})
