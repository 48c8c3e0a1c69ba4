"""Public results pages of a unit group (a Mal Pelayanan Publik's tenants): its published
combined periods, frozen as published, like a unit's pages in results/public.py."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, url_for

from ..db import db
from ..models import Publication, UnitGroup
from ..models.results import SCOPE_GROUP
from ..orgs import NotFound
from ..unitgroups import find_group
from .public import infographic_response, publication_page
from .scopes import group_publications

bp = Blueprint("group_public", __name__, url_prefix="/kelompok/<code>/hasil")


def _group(code: str) -> UnitGroup:
    try:
        return find_group(db.session, code[:40])
    except NotFound:
        abort(404)


def _publication(group: UnitGroup, pub_id: int) -> Publication:
    pub = db.session.get(Publication, pub_id)
    if pub is None or pub.scope != SCOPE_GROUP or pub.group_id != group.id:
        abort(404)
    return pub


@bp.get("/")
def index(code: str) -> str:
    """A group's published periods, newest first."""
    group = _group(code)
    pubs = [(p, json.loads(p.figures)) for p in group_publications(db.session, group)]
    return render_template("public/index.html", owner=group, pubs=pubs,
                           link=lambda p: url_for("group_public.publication", code=group.code,
                                                  pub_id=p.id))


@bp.get("/<int:pub_id>")
def publication(code: str, pub_id: int) -> str:
    """One published combined period: pooled index, each unit's own, profile, revisions."""
    group = _group(code)
    pub = _publication(group, pub_id)
    tz = json.loads(pub.figures).get("scope", {}).get("tz") or "Asia/Jakarta"
    return publication_page(pub, group.name, tz, url_for("group_public.index", code=group.code),
                            url_for("group_public.infographic", code=group.code, pub_id=pub.id))


@bp.get("/<int:pub_id>/infografis.png")
def infographic(code: str, pub_id: int) -> Response:
    """The infographic of a published combined period."""
    return infographic_response(_publication(_group(code), pub_id))
