"""The respondent's pages: counter survey form(s) and thank-you page."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..db import db
from ..orgs import NotFound, find_unit
from ..profile import EDUCATION, OCCUPATION, SEX
from ..ratelimit import allow
from . import services, tokens
from .flow import flow_for, styled
from .validation import check_submission

bp = Blueprint("survey", __name__, url_prefix="/s")


@bp.context_processor
def _profile_choices() -> dict[str, object]:
    return {"sex_choices": SEX, "education_choices": EDUCATION, "occupation_choices": OCCUPATION}


def _client_key(scope: str) -> str:
    """Rate-limit key: a keyed hash of the client address, never the address itself."""
    secret = current_app.config["SECRET_KEY"].encode()
    addr = (request.remote_addr or "-").encode()
    return "survey:" + hmac.new(secret, addr + scope.encode(), hashlib.sha256).hexdigest()[:24]


def _target(unit: str, service: str, counter: str | None) -> services.Target:
    try:
        return services.resolve_target(db.session, unit, service, counter)
    except NotFound:
        abort(404)


@bp.get("/<unit>")
def choose_service(unit: str) -> str:
    """A unit-level QR code: the respondent picks the service."""
    try:
        u = find_unit(db.session, unit)
    except NotFound:
        abort(404)
    return render_template("survey/choose.html", unit=u)


def _next_url(target: services.Target, flow: list[str], slug: str) -> str:
    """The next survey of the flow, or the thank-you page."""
    later = flow[flow.index(slug) + 1:]
    if not later:
        return url_for("survey.thanks", unit=target.unit.code)
    args = {"unit": target.unit.code, "service": target.service.code, "instrument": later[0]}
    if target.counter:
        args["counter"] = target.counter.code
    return url_for("survey.form", **args)


@bp.route("/<unit>/<service>", methods=["GET", "POST"], defaults={"counter": None})
@bp.route("/<unit>/<service>/<counter>", methods=["GET", "POST"])
def form(unit: str, service: str, counter: str | None) -> str | WerkzeugResponse | tuple[str, int]:
    """Show one survey of the flow; on POST validate, store once, and go on."""
    target = _target(unit, service, counter)
    flow = flow_for(target)
    slug = request.args.get("instrument", flow[0])
    if slug not in flow:
        abort(404)
    instrument = styled(db.session, target.unit, slug)
    config = current_app.config["SURVEY"]
    data: dict[str, str] = {}
    errors: dict[str, str] = {}
    token = request.form.get("form_token", "")
    if request.method == "POST":
        if not allow(current_app.extensions["rate_store"], _client_key(target.scope(slug)),
                     config.survey_rate_limit):
            abort(429)
        data = request.form.to_dict()
        try:
            nonce = tokens.spend(config.secret_key, token, target.scope(slug))
        except tokens.TokenError:
            message = _("This form has expired or was already used. Please open the survey again.")
            return render_template("errors/error.html", code=400, message=message), 400
        sub, errors = check_submission(instrument, data, require_all=True,
                                       saran_max=config.saran_max_chars)
        if not errors:
            try:
                services.store_web_response(db.session, target, instrument, sub, nonce)
            except services.AlreadySubmitted:
                return render_template("survey/thanks.html", unit=target.unit, repeated=True)
            return redirect(_next_url(target, flow, slug))
    else:
        token = tokens.issue(config.secret_key, target.scope(slug))
    position = flow.index(slug)
    page = render_template(
        "survey/form.html", target=target, instrument=instrument, data=data, errors=errors,
        token=token, overrides=services.item_texts(db.session, target.service, instrument.slug),
        saran_max=config.saran_max_chars, step=position + 1, steps=len(flow),
        skip_url=url_for("survey.thanks", unit=target.unit.code) if position else None,
    )
    return (page, 422) if errors else page


@bp.get("/<unit>/terima-kasih")
def thanks(unit: str) -> str:
    """Shown after the last (or a skipped) survey."""
    try:
        u = find_unit(db.session, unit)
    except NotFound:
        abort(404)
    return render_template("survey/thanks.html", unit=u, repeated=False)
