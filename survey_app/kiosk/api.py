"""The kiosk's JSON API, authenticated by `Authorization: Kiosk <credential>`.

No cookie identifies a kiosk, so a page on another site cannot make a browser send as one (no
CSRF token needed); a JSON body is required, which a plain cross-site form cannot send."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from ..db import db
from ..models import Kiosk
from ..ratelimit import allow
from . import answers, services
from .screens import kiosk_config

bp = Blueprint("kiosk_api", __name__, url_prefix="/kiosk/api")


def _body() -> dict[str, Any] | None:
    data = request.get_json(silent=True) if request.is_json else None
    return data if isinstance(data, dict) else None


def _error(code: int, error: str, **extra: object) -> ResponseReturnValue:
    return jsonify(error=error, **extra), code


def _kiosk() -> Kiosk:
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    return services.authenticate(db.session, key.strip() if scheme == "Kiosk" else None)


@bp.errorhandler(services.UnknownKiosk)
def _unknown(_exc: Exception) -> ResponseReturnValue:
    return _error(401, "unknown_kiosk")


@bp.errorhandler(services.KioskRevoked)
def _revoked(_exc: Exception) -> ResponseReturnValue:
    return _error(403, "revoked")


@bp.post("/enrol")
def enrol() -> ResponseReturnValue:
    """Spend an enrolment token: the new credential and the kiosk's screens."""
    body = _body()
    token = body.get("token") if body else None
    try:
        kiosk, key = services.activate(db.session, token if isinstance(token, str) else "")
    except services.EnrolmentUnusable:
        db.session.rollback()
        return _error(410, "enrolment_unusable")
    config = kiosk_config(db.session, kiosk)
    db.session.commit()
    return jsonify(key=key, config=config)


@bp.post("/hello")
def hello() -> ResponseReturnValue:
    """A contact from the kiosk (with its count of waiting answers): its current screens."""
    kiosk = _kiosk()
    services.touch(kiosk, (_body() or {}).get("queued"))
    config = kiosk_config(db.session, kiosk)
    db.session.commit()
    return jsonify(config=config)


@bp.post("/responses")
def submit() -> ResponseReturnValue:
    """Store one finished survey once: 201 stored, 200 already stored before."""
    kiosk = _kiosk()
    config = current_app.config["SURVEY"]
    if not allow(current_app.extensions["rate_store"], f"kiosk:{kiosk.id}:{kiosk.counter_id}",
                 config.kiosk_rate_limit):
        return _error(429, "rate_limited")
    body = _body()
    try:
        sub = answers.parse(body)
        stored = answers.store(db.session, kiosk, sub, config.saran_max_chars)
    except answers.PayloadError as exc:
        db.session.rollback()
        return _error(422, "invalid", fields=exc.errors)
    services.touch(kiosk, (body or {}).get("queued"))
    db.session.commit()
    return jsonify(stored=stored, id=sub.submission_id), 201 if stored else 200
