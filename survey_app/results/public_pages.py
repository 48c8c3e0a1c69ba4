"""What a unit's and a unit group's public results pages share (results/public.py,
results/group_public.py): the owner named in the URL, its published periods, one published
period frozen as published, and its infographic. Each blueprint keeps its own URLs and only
says how to find its owner and which publications are the owner's."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Response, abort, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..integrity.stamp import stamp_for_publication, stamped_png
from ..models import Publication, Unit, UnitGroup
from ..orgs import NotFound
from .exports.infographic import figures_frozen, render_png
from .scopes import same_scope
from .services import public_profile
from .unit_table import table_page

Owner = TypeVar("Owner", Unit, UnitGroup)


@dataclass(frozen=True)
class PublicPages(Generic[Owner]):
    """The public pages of one kind of owner; `endpoint` is its blueprint's name, whose views
    are `index`, `publication` and `infographic`."""

    endpoint: str
    find: Callable[[Session, str], Owner]  # NotFound for an unknown code
    owns: Callable[[Owner, Publication], bool]
    publications: Callable[[Session, Owner], list[Publication]]  # current ones, newest first
    tz: Callable[[Owner, Publication], str]  # whose clock the page's times are read on

    def owner(self, code: str) -> Owner:
        """The owner in the URL (404 when there is none)."""
        try:
            return self.find(db.session, code)
        except NotFound:
            abort(404)

    def publication_of(self, owner: Owner, pub_id: int) -> Publication:
        """One of the owner's publications (404 for anybody else's)."""
        pub = db.session.get(Publication, pub_id)
        if pub is None or not self.owns(owner, pub):
            abort(404)
        return pub

    def index(self, code: str) -> str:
        """The owner's published periods, newest first."""
        owner = self.owner(code)
        pubs = [(p, json.loads(p.figures)) for p in self.publications(db.session, owner)]
        return render_template("public/index.html", owner=owner, pubs=pubs,
                               link=lambda p: url_for(f"{self.endpoint}.publication",
                                                      code=owner.code, pub_id=p.id))

    def publication(self, code: str, pub_id: int) -> str:
        """One published period of the owner."""
        owner = self.owner(code)
        pub = self.publication_of(owner, pub_id)
        return publication_page(
            pub, owner.name, self.tz(owner, pub),
            url_for(f"{self.endpoint}.index", code=owner.code),
            url_for(f"{self.endpoint}.infographic", code=owner.code, pub_id=pub.id),
            (f"{self.endpoint}.publication", {"code": owner.code, "pub_id": pub.id}))

    def infographic(self, code: str, pub_id: int) -> Response:
        """The infographic of one published period of the owner."""
        return infographic_response(self.publication_of(self.owner(code), pub_id))


def publication_page(pub: Publication, owner_name: str, tz: str, index_url: str,
                     png_url: str, page_link: tuple[str, dict[str, Any]]) -> str:
    """A published period's page, for a unit's publication or a group's; a combined one pages
    its table of units (`page_link`: the page's endpoint and arguments, for the links)."""
    revisions = db.session.scalars(select(Publication).where(*same_scope(pub))
                                   .order_by(Publication.revision)).all()
    fig = json.loads(pub.figures)
    units = (fig.get("index") or {}).get("units") or []
    units_table = table_page(units, request.args, code=lambda u: str(u.get("code")),
                             value=lambda u: u.get("converted")) if units else None
    return render_template("public/publication.html", owner_name=owner_name, tz=tz,
                           index_url=index_url, png_url=png_url, pub=pub, fig=fig,
                           profile=public_profile(fig), revisions=revisions,
                           units_table=units_table, page_link=page_link)


def infographic_response(pub: Publication) -> Response:
    """A publication's infographic, drawn from its frozen figures, with its stamp."""
    png = stamped_png(render_png(figures_frozen(json.loads(pub.figures))),
                      stamp_for_publication(pub))
    return Response(png, mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=3600"})
