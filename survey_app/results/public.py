"""Public results pages: each unit's published periods, frozen as published."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template
from sqlalchemy import select

from ..db import db
from ..integrity.stamp import stamp_for_publication, stamped_png
from ..models import Publication, Unit
from ..orgs import NotFound, find_unit
from .exports.infographic import figures_frozen, render_png
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
    return render_template("public/index.html", unit=unit, pubs=pubs)


@bp.get("/<code>/<int:pub_id>")
def publication(code: str, pub_id: int) -> str:
    """One published period: index, per-element table, profile, follow-up plan, revisions."""
    unit = _unit(code)
    pub = _publication(unit, pub_id)
    revisions = db.session.scalars(select(Publication).where(
        Publication.unit_id == unit.id, Publication.instrument_slug == pub.instrument_slug,
        Publication.service_id.is_(pub.service_id) if pub.service_id is None
        else Publication.service_id == pub.service_id,
        Publication.period_from == pub.period_from, Publication.period_to == pub.period_to,
    ).order_by(Publication.revision)).all()
    fig = json.loads(pub.figures)
    return render_template("public/publication.html", unit=unit, pub=pub, fig=fig,
                           profile=public_profile(fig), revisions=revisions)


@bp.get("/<code>/<int:pub_id>/infografis.png")
def infographic(code: str, pub_id: int) -> Response:
    """The standard infographic of a published period, drawn from its frozen figures."""
    pub = _publication(_unit(code), pub_id)
    png = stamped_png(render_png(figures_frozen(json.loads(pub.figures))),
                      stamp_for_publication(pub))
    return Response(png, mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=3600"})
