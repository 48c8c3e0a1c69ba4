"""The respondent's pages: counter survey form(s) and thank-you page.

Failure modes: the lookups a page needs are cached per worker and, when the database does not
answer, an expired copy is used, so a worker that served a form can still show it again with the
answers kept and can thank the respondent. Once an answer is stored the respondent is sent to the
thank-you page, which needs no database.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as WerkzeugResponse

from instruments import Instrument

from ..clientaddr import request_key
from ..db import db
from ..i18n import current_lang
from ..orgs import NotFound, find_unit
from ..profile import EDUCATION, OCCUPATION, SEX
from ..signing import csrf_token, renew_csrf
from . import page, services, submit, tokens
from .cache import page_cache
from .flow import flow_for, styled
from .validation import worded

bp = Blueprint("survey", __name__, url_prefix="/s")
DB_DOWN = (SQLAlchemyError,)


@bp.context_processor
def _profile_choices() -> dict[str, object]:
    return {"sex_choices": SEX, "education_choices": EDUCATION, "occupation_choices": OCCUPATION}


def _client_key(scope: str) -> str:
    """Rate-limit key: one of 2^16 buckets per counter, never the address (see clientaddr)."""
    return request_key("survey", scope)


def _target(unit: str, service: str, counter: str | None) -> services.Target:
    key = ("target", unit.upper(), service.upper(), counter.upper() if counter else None)
    try:
        return page_cache().get_or_stale(
            key, lambda: services.resolve_target(db.session, unit, service, counter), DB_DOWN)
    except NotFound:
        abort(404)


def _instrument(target: services.Target, slug: str) -> Instrument:
    return page_cache().get_or_stale(("styled", target.unit.id, slug),
                                     lambda: styled(db.session, target.unit.id, slug), DB_DOWN)


def _version_id(instrument: Instrument) -> int:
    key = ("version", instrument.slug, instrument.version)
    return page_cache().get_or_set(
        key, lambda: services.recorded_version_id(db.session, instrument))


def _texts(target: services.Target, slug: str) -> dict[str, tuple[str, str]]:
    """The service's own wording of the questions."""
    return page_cache().get_or_stale(
        ("texts", target.service.id, slug),
        lambda: services.item_texts(db.session, target.service, slug), DB_DOWN)


def _unit_place(code: str) -> services.Place:
    """A unit's snapshot for the pages that only show its name."""
    def lookup() -> services.Place:
        u = find_unit(db.session, code)
        return services.Place(u.id, u.code, u.name, tz=u.tz)

    try:
        return page_cache().get_or_stale(("unit", code.upper()), lookup, DB_DOWN)
    except NotFound:
        abort(404)
    except DB_DOWN:  # never seen here and the database is away: its code stands for its name
        submit.rollback_quietly(db.session)
        return services.Place(0, code.upper(), code.upper())


@bp.get("/<unit>")
def choose_service(unit: str) -> str:
    """A unit-level QR code: the respondent picks the service."""
    try:
        choices = page_cache().get_or_stale(
            ("services", unit.upper()), lambda: services.unit_services(db.session, unit), DB_DOWN)
    except NotFound:
        abort(404)
    return render_template("survey/choose.html", unit=choices)


def _thanks_url(target: services.Target, *, repeated: bool = False) -> str:
    """The thank-you page, with a signed marker of the counter (never the answers). Kept in the
    page cache: everyone sent there from this counter within its TTL gets the same URL (signing
    and building it was a fifth of a submit's own work), and the marker's time then tells even
    less about when one form was sent."""
    counter = target.counter.code if target.counter else None

    def build() -> str:
        marker = tokens.thanks_marker(current_app.config["SURVEY"].secret_key, target.unit.code,
                                      target.service.code, counter, repeated=repeated)
        return url_for("survey.thanks", unit=target.unit.code, t=marker)

    key = ("thanks", target.unit.code, target.service.code, counter, repeated,
           request.script_root)
    return page_cache().get_or_set(key, build)


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
    renew_csrf()


def _done(url: str) -> WerkzeugResponse:
    """After a form was stored (now or before): redirect, so Reload and Back never re-post."""
    _forget_respondent()
    return redirect(url)


class _Page:
    """One survey page of a flow: where it sends answers, and which instrument it shows."""

    def __init__(self, unit: str, service: str, counter: str | None) -> None:
        self.target = _target(unit, service, counter)
        self.flow = flow_for(self.target)
        self.slug = request.args.get("instrument", self.flow[0])
        if self.slug not in self.flow:
            abort(404)
        self.instrument = _instrument(self.target, self.slug)

    def render(self, csrf_value: str, form_token: str, data: dict[str, str] | None = None,
               errors: dict[str, str] | None = None, notice: str | None = None) -> str:
        """The form page, with the answers given so far."""
        data, errors = data or {}, errors or {}
        position = self.flow.index(self.slug)
        questions = Markup(render_template(  # noqa: S704 - autoescaped template output
            "survey/_questions.html", instrument=self.instrument, data=data, errors=errors,
            overrides=_texts(self.target, self.slug),
            saran_max=current_app.config["SURVEY"].saran_max_chars))
        return render_template(
            "survey/form.html", target=self.target, instrument=self.instrument, data=data,
            errors=errors, notice=notice, token=form_token, csrf_value=csrf_value,
            questions=questions, step=position + 1, steps=len(self.flow),
            skip_url=_next_url(self.target, self.flow, self.slug) if position else None)

    def again(self, data: dict[str, str], *, errors: dict[str, str] | None = None,
              notice: str | None = None) -> str:
        """The form shown again with what was sent, for the same one-time token."""
        return self.render(csrf_token(), data.get("form_token", ""), data, errors, notice)


@bp.get("/<unit>/<service>", defaults={"counter": None})
@bp.get("/<unit>/<service>/<counter>")
def form(unit: str, service: str, counter: str | None) -> str:
    """Show one survey of the flow with a fresh one-time token."""
    here = _Page(unit, service, counter)
    token = tokens.issue(current_app.config["SURVEY"].secret_key, here.target.scope(here.slug))
    if not page.is_shared(set(request.args), bool(session.get("_flashes"))):
        return here.render(csrf_token(), token)  # a page only this visitor should see
    key = (here.target.scope(here.slug), current_lang())
    return page.fresh_page(page_cache(), key, here.render, csrf_token(), token)


@bp.post("/<unit>/<service>", defaults={"counter": None})
@bp.post("/<unit>/<service>/<counter>")
def submit_form(unit: str, service: str, counter: str | None
                ) -> str | WerkzeugResponse | tuple[str, int]:
    """Store the answers once and go on; otherwise say why, keeping every answer."""
    here = _Page(unit, service, counter)
    data = request.form.to_dict()
    config = current_app.config["SURVEY"]
    rules = submit.Rules(config.secret_key, config.saran_max_chars,
                         current_app.extensions["rate_store"], config.survey_rate_limit)
    try:
        submit.submit(db.session, here.target, here.instrument, data, data.get("form_token", ""),
                      _client_key(here.target.scope(here.slug)), rules,
                      lambda: _version_id(here.instrument))
    except submit.RateLimited:
        return here.again(data, notice=_(
            "Too many forms were sent from your network at this counter just now. Your answers "
            "are kept below: please press Send again in a few minutes.")), 429
    except submit.InvalidToken:
        message = _("This form has expired or was already used. Please open the survey again.")
        return render_template("errors/error.html", code=400, message=message), 400
    except submit.InvalidAnswers as exc:
        return here.again(data, errors=worded(exc.errors)), 422
    except submit.AlreadyStored:
        return _done(_thanks_url(here.target, repeated=True))
    except submit.StoreUnavailable:
        return here.again(data, notice=_(
            "We could not confirm that your answers were saved: the service is busy for a "
            "moment. Your answers are kept below: please press Send again in a minute. They "
            "will be counted only once.")), 503
    return _done(_next_url(here.target, here.flow, here.slug))


@bp.get("/<unit>/terima-kasih")
def thanks(unit: str) -> str:
    """Shown after the last (or a skipped) survey, with a link to a new, empty form. Needs no
    database once this worker knows the unit (the answer is already stored)."""
    u = _unit_place(unit)
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
