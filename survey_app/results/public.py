"""Public results pages: each unit's published periods, frozen as published."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, url_for
from sqlalchemy import select

from ..db import db
from ..integrity.stamp import stamp_for_publication, stamped_png
from ..models import Publication, Unit, UnitGroup
from ..orgs import NotFound, find_unit
from .exports.infographic import figures_frozen, render_png
from .scopes import same_scope
from .services import public_profile, publications_of

bp = Blueprint("public", __name__, url_prefix="/hasil")


def _unit(code: str) -> Unit:
    try:
        return find_unit(db.session, code)
    except NotFound:
        abort(404)


def _publication(unit: Unit, pub_id: int) -> Publication:
    pub = db.session.get(Publication, pub_id)
    if pub is None or pub.unit_id != unit.id:
        abort(404)
    return pub


@bp.get("/<code>")
def index(code: str) -> str:
    """A unit's published periods, newest first."""
    unit = _unit(code)
    pubs = [(p, json.loads(p.figures)) for p in publications_of(db.session, unit)]
    return render_template("public/index.html", owner=unit, pubs=pubs,
                           link=lambda p: url_for("public.publication", code=unit.code,
                                                  pub_id=p.id))


@bp.get("/<code>/<int:pub_id>")
def publication(code: str, pub_id: int) -> str:
    """One published period: index, per-element table, profile, follow-up plan, revisions."""
    unit = _unit(code)
    pub = _publication(unit, pub_id)
    return publication_page(pub, unit.name, unit.tz,
                            url_for("public.index", code=unit.code),
                            url_for("public.infographic", code=unit.code, pub_id=pub.id))


def publication_page(pub: Publication, owner_name: str, tz: str, index_url: str,
                     png_url: str) -> str:
    """A published period's page, for a unit's publication or a group's."""
    revisions = db.session.scalars(select(Publication).where(*same_scope(pub))
                                   .order_by(Publication.revision)).all()
    fig = json.loads(pub.figures)
    return render_template("public/publication.html", owner_name=owner_name, tz=tz,
                           index_url=index_url, png_url=png_url, pub=pub, fig=fig,
                           profile=public_profile(fig), revisions=revisions)


@bp.get("/<code>/<int:pub_id>/infografis.png")
def infographic(code: str, pub_id: int) -> Response:
    """The standard infographic of a published period, drawn from its frozen figures."""
    return infographic_response(_publication(_unit(code), pub_id))


def infographic_response(pub: Publication) -> Response:
    """A publication's infographic, drawn from its frozen figures, with its stamp."""
    png = stamped_png(render_png(figures_frozen(json.loads(pub.figures))),
                      stamp_for_publication(pub))
    return Response(png, mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=3600"})


def public_url(pub: Publication, owner: Unit | UnitGroup | None) -> str | None:
    """The public page of a current publication (a unit's or a group's), else None."""
    if owner is None or not pub.is_current:
        return None
    if isinstance(owner, UnitGroup):
        return url_for("group_public.publication", code=owner.code, pub_id=pub.id)
    return url_for("public.publication", code=owner.code, pub_id=pub.id)
