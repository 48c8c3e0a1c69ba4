"""Who may see and change what: staff login state, role sets, the units a user may see.

Every staff blueprint takes its access rules from here, and refuses the one way this module
does: `abort(403)` (the error page of `errors.py`), or 404 for a unit the user may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import staff_sessions
from .db import db
from .models import Unit, User

# Roles that log in on /admin (WBS officers log in through /wbs/officer, with TOTP).
STAFF_ROLES = ("admin", "unit_admin", "analyst")
# Roles that may change a unit's settings, figures and plans; analysts only read.
EDITORS = ("admin", "unit_admin")


def current_user() -> User | None:
    """The logged-in staff member of this request, if any: a live server-side login."""
    if "user" not in g:
        g.user = staff_sessions.resume(db.session, session.get("staff"))
    return g.user  # type: ignore[no-any-return]


def login_required(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Require a logged-in user, with one of `roles` when given."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.path))
            if roles and user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def begin_login(user: User) -> None:
    """Start `user`'s login in a fresh cookie session (the caller commits the login row)."""
    session.clear()
    session["staff"] = staff_sessions.start(db.session, user)


def end_login() -> None:
    """End this browser's login on the server and in its cookie (the caller commits)."""
    staff_sessions.end(db.session, session.get("staff"))
    session.clear()


def staff_user() -> User:
    """The logged-in user of a login_required view."""
    user = current_user()
    if user is None:  # login_required ran first; this only narrows the type
        abort(401)
    return user


def can_edit(user: User | None = None) -> bool:
    """Whether `user` (default: the logged-in one) may change things."""
    user = user if user is not None else current_user()
    return user is not None and user.role in EDITORS


def require_editor() -> None:
    """Refuse (403) a user who may only read, inside a view open to all staff."""
    if not can_edit():
        abort(403)


def visible_units(session: Session, user: User) -> list[Unit]:
    """Units a user may see: all for the instance admin, else their unit and its sub-units."""
    units = list(session.scalars(select(Unit).order_by(Unit.code)))
    if user.role == "admin":
        return units
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    seen, stack = [], [u for u in units if u.id == user.unit_id]
    while stack:
        unit = stack.pop()
        seen.append(unit)
        stack.extend(children.get(unit.id, []))
    return sorted(seen, key=lambda u: u.code)


def find_visible_unit(session: Session, user: User, code: str) -> Unit | None:
    """A unit by code if the user may see it."""
    for unit in visible_units(session, user):
        if unit.code.upper() == code.upper():
            return unit
    return None


def current_unit(code: str) -> Unit:
    """The unit in the URL, if the user may see it; 404 otherwise."""
    unit = find_visible_unit(db.session, staff_user(), code)
    if unit is None:
        abort(404)
    return unit
