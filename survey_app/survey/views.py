"""The respondent's pages: counter survey form(s) and thank-you page."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from werkzeug.wrappers import Response as WerkzeugResponse

from instruments import Instrument

from ..clientaddr import request_key
from ..db import db
from ..i18n import current_lang
from ..orgs import NotFound, find_unit
from ..profile import EDUCATION, OCCUPATION, SEX
from ..ratelimit import allow
from . import services, tokens
from .cache import page_cache
from .flow import flow_for, styled
from .validation import check_submission

bp = Blueprint("survey", __name__, url_prefix="/s")
CSRF_MARK, TOKEN_MARK = "@@csrf-token@@", "@@form-token@@"


@bp.context_processor
def _profile_choices() -> dict[str, object]:
    return {"sex_choices": SEX, "education_choices": EDUCATION, "occupation_choices": OCCUPATION}


def _client_key(scope: str) -> str:
    """Rate-limit key: one of 2^16 buckets per counter, never the address (see clientaddr)."""
    return request_key("survey", scope)


def _target(unit: str, service: str, counter: str | None) -> services.Target:
    key = ("target", unit.upper(), service.upper(), counter.upper() if counter else None)
    try:
        return page_cache().get_or_set(
            key, lambda: services.resolve_target(db.session, unit, service, counter))
    except NotFound:
        abort(404)


def _instrument(target: services.Target, slug: str) -> Instrument:
    return page_cache().get_or_set(("styled", target.unit.id, slug),
                                   lambda: styled(db.session, target.unit.id, slug))


def _version_id(instrument: Instrument) -> int:
    key = ("version", instrument.slug, instrument.version)
    return page_cache().get_or_set(
        key, lambda: services.recorded_version_id(db.session, instrument))


def _questions(instrument: Instrument, data: dict[str, str], errors: dict[str, str],
               overrides: dict[str, tuple[str, str]]) -> Markup:
    """The questions, profile and saran fields with the answers given so far."""
    return Markup(render_template(  # noqa: S704 - autoescaped template output
        "survey/_questions.html", instrument=instrument, data=data, errors=errors,
        overrides=overrides, saran_max=current_app.config["SURVEY"].saran_max_chars))


@bp.get("/<unit>")
def choose_service(unit: str) -> str:
    """A unit-level QR code: the respondent picks the service."""
    try:
        u = find_unit(db.session, unit)
    except NotFound:
        abort(404)
    return render_template("survey/choose.html", unit=u)


def _thanks_url(target: services.Target, *, repeated: bool = False) -> str:
    """The thank-you page, with a signed marker of the counter (never the answers)."""
    marker = tokens.thanks_marker(
        current_app.config["SURVEY"].secret_key, target.unit.code, target.service.code,
        target.counter.code if target.counter else None, repeated=repeated)
    return url_for("survey.thanks", unit=target.unit.code, t=marker)


def _next_url(target: services.Target, flow: list[str], slug: str) -> str:
    """The next survey of the flow, or the thank-you page."""
    later = flow[flow.index(slug) + 1:]
    if not later:
        return _thanks_url(target)
    args: dict[str, Any] = {"unit": target.unit.code, "service": target.service.code,
                            "instrument": later[0]}
    if target.counter:
        args["counter"] = target.counter.code
    return url_for("survey.form", **args)


def _forget_respondent() -> None:
    """Give the next person on this device a new CSRF token. The rewritten session cookie also
    makes Chromium drop this tab's survey pages from its back-forward cache (it restores
    `no-store` pages only while no HttpOnly cookie changed), so Back cannot bring a filled form
    back even without JavaScript. Rewritten, not deleted: in our Chromium tests the deletion of
    a cookie set by the page's own load did not always count as a change."""
    field = current_app.config["WTF_CSRF_FIELD_NAME"]
    session.pop(field, None)
    g.pop(field, None)  # Flask-WTF keeps this request's token there
    generate_csrf()


def _done(url: str) -> WerkzeugResponse:
    """After a form was stored (now or before): redirect, so Reload and Back never re-post."""
    _forget_respondent()
    return redirect(url)


@bp.route("/<unit>/<service>", methods=["GET", "POST"], defaults={"counter": None})
@bp.route("/<unit>/<service>/<counter>", methods=["GET", "POST"])
def form(unit: str, service: str, counter: str | None) -> str | WerkzeugResponse | tuple[str, int]:
    """Show one survey of the flow; on POST validate, store once, and go on."""
    target = _target(unit, service, counter)
    flow = flow_for(target)
    slug = request.args.get("instrument", flow[0])
    if slug not in flow:
        abort(404)
    instrument = _instrument(target, slug)
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
                services.store_web_response(db.session, target, _version_id(instrument), sub,
                                            nonce, instrument.label_style)
            except services.AlreadySubmitted:
                return _done(_thanks_url(target, repeated=True))
            return _done(_next_url(target, flow, slug))
        if services.nonce_spent(db.session, nonce):
            # An earlier, invalid post of a form since stored, sent again by Back on a shared
            # device: the answers kept for that person must not be shown to the next one.
            return _done(_thanks_url(target, repeated=True))
    else:
        token = tokens.issue(config.secret_key, target.scope(slug))
    position = flow.index(slug)

    def render(csrf_value: str, form_token: str) -> str:
        return render_template(
            "survey/form.html", target=target, instrument=instrument, data=data, errors=errors,
            token=form_token, csrf_value=csrf_value,
            questions=_questions(instrument, data, errors, services.item_texts(
                db.session, target.service, instrument.slug)),
            step=position + 1, steps=len(flow),
            skip_url=_next_url(target, flow, slug) if position else None,
        )

    if errors:
        return render(generate_csrf(), token), 422
    if session.get("_flashes") or set(request.args) - {"instrument", "lang"}:
        return render(generate_csrf(), token)  # a page only this visitor should see: no cache
    # A fresh form is the same page for everyone but its two tokens: render it once per worker.
    key = ("page", target.scope(slug), current_lang())
    page = page_cache().get_or_set(key, lambda: render(CSRF_MARK, TOKEN_MARK))
    return page.replace(CSRF_MARK, generate_csrf()).replace(TOKEN_MARK, token)


@bp.get("/<unit>/terima-kasih")
def thanks(unit: str) -> str:
    """Shown after the last (or a skipped) survey, with a link to a new, empty form."""
    try:
        u = find_unit(db.session, unit)
    except NotFound:
        abort(404)
    marker = tokens.read_thanks(current_app.config["SURVEY"].secret_key,
                                request.args.get("t", ""), u.code)
    _forget_respondent()
    if marker is None:  # no, an old or a forged marker: the unit's list of services
        again = url_for("survey.choose_service", unit=u.code)
    elif marker.counter:
        again = url_for("survey.form", unit=u.code, service=marker.service,
                        counter=marker.counter)
    else:
        again = url_for("survey.form", unit=u.code, service=marker.service)
    return render_template("survey/thanks.html", unit=u, again_url=again,
                           repeated=marker is not None and marker.repeated)
