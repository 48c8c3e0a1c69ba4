"""Public results pages: each unit's published periods, frozen as published."""

from __future__ import annotations

from flask import Blueprint, Response, url_for

from ..models import Publication, Unit, UnitGroup
from ..orgs import find_unit
from .public_pages import PublicPages
from .services import publications_of

bp = Blueprint("public", __name__, url_prefix="/hasil")

PAGES: PublicPages[Unit] = PublicPages(
    "public", find_unit, lambda unit, pub: pub.unit_id == unit.id, publications_of,
    lambda unit, _pub: unit.tz)


@bp.get("/<code>")
def index(code: str) -> str:
    """A unit's published periods, newest first."""
    return PAGES.index(code)


@bp.get("/<code>/<int:pub_id>")
def publication(code: str, pub_id: int) -> str:
    """One published period: index, per-element table, profile, follow-up plan, revisions."""
    return PAGES.publication(code, pub_id)


@bp.get("/<code>/<int:pub_id>/infografis.png")
def infographic(code: str, pub_id: int) -> Response:
    """The standard infographic of a published period, drawn from its frozen figures."""
    return PAGES.infographic(code, pub_id)


def public_url(pub: Publication, owner: Unit | UnitGroup | None) -> str | None:
    """The public page of a current publication (a unit's or a group's), else None."""
    if owner is None or not pub.is_current:
        return None
    if isinstance(owner, UnitGroup):
        return url_for("group_public.publication", code=owner.code, pub_id=pub.id)
    return url_for("public.publication", code=owner.code, pub_id=pub.id)
