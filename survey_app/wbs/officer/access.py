"""The officer of a request: a live WBS session (password + TOTP login) or the login page.

This module alone reads and writes the session cookie's "wbs" entry and `g.wbs`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, redirect, session, url_for

from ...db import db
from ...models import WbsOfficer
from .. import settings
from . import auth


def officer_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A live WBS session (password + TOTP login); its channel key goes to g.wbs."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        unlocked = auth.resume(db.session, session.get("wbs"))
        if unlocked is None:
            session.pop("wbs", None)
            return redirect(url_for("wbs_officer.login"))
        g.wbs = unlocked
        return view(*args, **kwargs)

    return wrapped


def me() -> WbsOfficer:
    """The officer of this request."""
    officer: WbsOfficer = g.wbs.officer
    return officer


def channel_key() -> bytes:
    """The channel key this request's session unlocked."""
    key: bytes = g.wbs.channel_key
    return key


def log_in(email: str, password: str, code: str) -> bool:
    """Check password and authenticator code and, if right, start a fresh cookie session (the
    language kept). The caller commits either way: a claimed code stays spent."""
    ticket = auth.login(db.session, settings(), current_app.config["SECRET_KEY"], email,
                        password, code)
    if ticket is None:
        return False
    lang = session.get("lang")
    session.clear()
    session["wbs"] = {"sid": ticket.sid, "key": ticket.key}
    if lang:
        session["lang"] = lang
    return True


def log_out() -> None:
    """End this browser's session on the server and forget its key (the caller commits)."""
    auth.logout(db.session, session.pop("wbs", None))
