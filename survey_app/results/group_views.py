"""Unit groups on the web (instance admins): define a group, change its units, download its
combined table for a period."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import login_required
from ..db import db
from ..domain_errors import DomainError
from ..orgs import NotFound, OrgError
from ..unitgroups import add_group, all_groups, change_members, find_group, members
from .combined import build_combined
from .exports.combined import MIMETYPES, RENDERERS
from .period import parse_period

bp = Blueprint("groups", __name__, url_prefix="/admin/groups")


def _codes(text: str) -> list[str]:
    return [c for c in text.replace(",", " ").split() if c][:5000]


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    groups = [(g, members(db.session, g)) for g in all_groups(db.session)]
    return render_template("groups/index.html", groups=groups, error=error), status


@bp.get("/")
@login_required("admin")
def index() -> tuple[str, int]:
    """Every group with its units, and the form to add one."""
    return _page()


@bp.post("/")
@login_required("admin")
def create() -> WerkzeugResponse | tuple[str, int]:
    """Create a group from a code, a name and unit codes."""
    form = request.form
    try:
        add_group(db.session, form.get("code", "").strip(), form.get("name", ""),
                  _codes(form.get("units", "")))
        db.session.commit()
    except OrgError as exc:
        db.session.rollback()
        return _page(exc.message(), 422)
    return redirect(url_for("groups.index"))


@bp.post("/<code>/members")
@login_required("admin")
def edit(code: str) -> WerkzeugResponse | tuple[str, int]:
    """Add and remove units of a group."""
    try:
        group = find_group(db.session, code)
        change_members(db.session, group, _codes(request.form.get("add", "")),
                       _codes(request.form.get("remove", "")))
        db.session.commit()
    except NotFound as exc:
        db.session.rollback()
        return _page(exc.message(), 422)
    return redirect(url_for("groups.index"))


@bp.get("/<code>/export/<fmt>")
@login_required("admin")
def download(code: str, fmt: str) -> WerkzeugResponse:
    """The group's combined table (pooled index and each unit's own) for `period`."""
    if fmt not in RENDERERS:
        abort(404)
    try:
        group = find_group(db.session, code)
        period = parse_period(request.args.get("period", ""))
        slug = request.args.get("instrument", "ikm")
        combined = build_combined(db.session, group, members(db.session, group), slug, period)
    except NotFound:
        abort(404)
    except (DomainError, ValueError):
        flash(_("Nothing to export for this group and period."))
        return redirect(url_for("groups.index"))
    name = f"gabungan-{group.code}-{period.start}-{period.end}.{fmt}"
    return send_file(io.BytesIO(RENDERERS[fmt](combined)), mimetype=MIMETYPES[fmt],
                     as_attachment=True, download_name=name)
