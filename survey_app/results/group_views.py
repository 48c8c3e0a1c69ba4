"""Unit groups on the web: instance admins define a group and change its units; the group's
page (its combined figure for a period, each unit's own, downloads, publishing) is open to the
staff of its units and of the unit that runs it (results/combined_boxes.py `group_access`)."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import formats
from ..access import login_required, staff_user
from ..db import db
from ..domain_errors import DomainError
from ..models import Unit, UnitGroup
from ..orgs import NotFound, OrgError
from ..unitgroups import add_group, all_groups, change_members, find_group, members, set_owner
from .combined import CombinedReport, build_combined
from .combined_boxes import GroupAccess, group_access
from .combined_publish import publish_combined
from .exports.combined import FORMATS, MIMETYPES, filename, render
from .group_page import GroupSelection, read_group_selection
from .period import parse_period
from .publish_flash import publish_and_say
from .scopes import combined_revisions
from .unit_table import table_page

bp = Blueprint("groups", __name__, url_prefix="/admin/groups")


def _codes(text: str) -> list[str]:
    return [c for c in text.replace(",", " ").split() if c][:5000]


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    groups = [(g, members(db.session, g)) for g in all_groups(db.session)]
    owners = {u.id: u.code for u in db.session.scalars(select(Unit).where(
        Unit.id.in_([g.owner_unit_id for g, _units in groups if g.owner_unit_id])))}
    return render_template("groups/index.html", groups=groups, owners=owners,
                           error=error), status


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
                  _codes(form.get("units", "")), form.get("owner", "").strip() or None)
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
        if "owner" in request.form:
            set_owner(db.session, group, request.form["owner"].strip() or None)
        db.session.commit()
    except NotFound as exc:
        db.session.rollback()
        return _page(exc.message(), 422)
    return redirect(url_for("groups.index"))


def _group(code: str) -> tuple[UnitGroup, GroupAccess]:
    """The group in the URL and what the user may do with it (404 when nothing)."""
    try:
        group = find_group(db.session, code[:40])
    except NotFound:
        abort(404)
    access = group_access(db.session, staff_user(), group)
    if access is None:
        abort(404)
    return group, access


def _combined(group: UnitGroup, sel: GroupSelection) -> CombinedReport | None:
    try:
        return build_combined(db.session, group, members(db.session, group), sel.slug,
                              sel.period, sel.weights)
    except DomainError:
        return None


@bp.get("/<code>/")
@login_required()
def page(code: str) -> tuple[str, int]:
    """The group's combined figure for the selection, each unit's own, publishing."""
    group, access = _group(code)
    sel, problem = read_group_selection(db.session, group, request.args)
    combined = _combined(group, sel)
    return render_template(
        "groups/page.html", group=group, access=access, sel=sel, problem=problem,
        round2=formats.number,
        combined=combined, units=members(db.session, group),
        table=table_page(combined.units, request.args, lambda u: access.shows(u.unit))
        if combined else None,
        pubs=combined_revisions(db.session, combined) if combined else []), 200


@bp.post("/<code>/publish")
@login_required()
def publish(code: str) -> WerkzeugResponse:
    """Freeze and publish the group's combined figure of the period (again: with a reason)."""
    group, access = _group(code)
    if not access.manage:
        abort(403)
    sel, _problem = read_group_selection(db.session, group, request.values)
    combined = _combined(group, sel)
    if combined is None:
        flash(_("Nothing to publish for this group and period."), "error@publish")
    else:
        publish_and_say(lambda: publish_combined(db.session, combined, staff_user(),
                                                 request.form.get("reason", "")[:500]),
                        "publish")
    return redirect(url_for("groups.page", code=group.code, **sel.args()))


@bp.get("/<code>/export/<fmt>")
@login_required()
def download(code: str, fmt: str) -> WerkzeugResponse:
    """The group's combined table (pooled index and each unit's own) for `period`, or its
    official document (pdf, docx)."""
    group, access = _group(code)
    if fmt not in FORMATS or not access.full:
        abort(404)
    try:
        period = parse_period(request.args.get("period", ""))
        slug = request.args.get("instrument", "ikm")
        combined = build_combined(db.session, group, members(db.session, group), slug, period)
    except (DomainError, ValueError):
        flash(_("Nothing to export for this group and period."))
        return redirect(url_for("groups.page", code=group.code))
    return send_file(io.BytesIO(render(db.session, combined, fmt)), mimetype=MIMETYPES[fmt],
                     as_attachment=True, download_name=filename(combined, fmt))
