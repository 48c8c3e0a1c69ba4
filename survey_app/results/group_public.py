"""Public results pages of a unit group (a Mal Pelayanan Publik's tenants): its published
combined periods, frozen as published, like a unit's pages in results/public.py."""

from __future__ import annotations

import json

from flask import Blueprint, Response
from sqlalchemy.orm import Session

from ..models import Publication, UnitGroup
from ..models.results import SCOPE_GROUP
from ..unitgroups import find_group
from .public_pages import PublicPages
from .scopes import group_publications

bp = Blueprint("group_public", __name__, url_prefix="/kelompok/<code>/hasil")


def _find(session: Session, code: str) -> UnitGroup:
    return find_group(session, code[:40])


def _owns(group: UnitGroup, pub: Publication) -> bool:
    return pub.scope == SCOPE_GROUP and pub.group_id == group.id


def _tz(_group: UnitGroup, pub: Publication) -> str:
    """A group has no clock of its own: the one frozen with the publication."""
    return json.loads(pub.figures).get("scope", {}).get("tz") or "Asia/Jakarta"


PAGES: PublicPages[UnitGroup] = PublicPages("group_public", _find, _owns,
                                            lambda s, g: group_publications(s, g), _tz)


@bp.get("/")
def index(code: str) -> str:
    """A group's published periods, newest first."""
    return PAGES.index(code)


@bp.get("/<int:pub_id>")
def publication(code: str, pub_id: int) -> str:
    """One published combined period: pooled index, each unit's own, profile, revisions."""
    return PAGES.publication(code, pub_id)


@bp.get("/<int:pub_id>/infografis.png")
def infographic(code: str, pub_id: int) -> Response:
    """The infographic of a published combined period."""
    return PAGES.infographic(code, pub_id)
