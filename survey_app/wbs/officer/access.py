"""The officer of a request: a live WBS session (password + TOTP login) or the login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, redirect, session, url_for

from ...db import db
from ...models import WbsOfficer
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
