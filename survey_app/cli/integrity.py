"""Commands of the survey integrity work: checks, publishing, verifying publications."""

from __future__ import annotations

import json

import click
from sqlalchemy import select

import instruments

from .. import orgs
from ..db import db
from ..integrity import checks
from ..integrity.publications import verification_code, verify
from ..models import Publication, UnitGroup
from ..models.results import SCOPE_UNIT
from ..results.combined import build_combined, subtree
from ..results.combined_publish import publish_combined
from ..results.period import period_from_dates
from ..results.report import build_report
from ..results.scopes import group_publications
from ..results.services import PublishError, publications_of, publish
from ..unitgroups import find_group
from .common import friendly


@click.command("integrity")
@click.argument("unit")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--service", default=None)
@click.option("--json", "as_json", is_flag=True)
@friendly
def integrity_command(unit: str, date_from: str, date_to: str, slug: str, service: str | None,
                      as_json: bool) -> None:
    """Integrity checks over a unit's responses of a period."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service) if service else None
    result = checks.run(db.session, u, slug, period, s)
    data = result.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{u.code} {slug} {period.label()}: checked {data['checked']}, flagged "
               f"{data['flagged']}, quarantined {data['quarantined']}")
    for flag in data["flags"]:
        where = "/".join(p for p in (flag["service"], flag["counter"]) if p) or "-"
        click.echo(f"  {flag['kind']:<24} {where:<16} {flag['start']} .. {flag['end']}  "
                   f"{flag['responses']} responses: {flag['detail']}")


@click.command("publish")
@click.argument("unit")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--service", default=None)
@click.option("--reason", default="", help="Required to publish a period again.")
@click.option("--with-subunits", is_flag=True,
              help="Publish the combined index over the unit and every unit below it.")
@friendly
def publish_command(unit: str, date_from: str, date_to: str, slug: str, service: str | None,
                    reason: str, with_subunits: bool) -> None:
    """Publish (freeze) a period's figures, as the dashboard's Publish does."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service) if service else None
    if with_subunits and s is not None:
        raise click.ClickException("--with-subunits is for the whole unit: leave out --service")
    try:
        pub = (publish_combined(db.session, build_combined(db.session, u, subtree(db.session, u),
                                                           slug, period), None, reason, "cli")
               if with_subunits else
               publish(db.session, build_report(db.session, u, slug, period, s), None, reason,
                       actor="cli"))
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo_published(pub)


def echo_published(pub: Publication) -> None:
    """The publish commands' output: revision and code, then the id on the last line."""
    click.echo(f"revision {pub.revision}, verification code {verification_code(pub.digest or '')}")
    click.echo(str(pub.id))


@click.group("publication")
def publication_group() -> None:
    """Published periods."""


@publication_group.command("verify")
@click.argument("unit")
@click.option("--id", "pub_id", type=int, default=None, help="One publication (any revision).")
@click.option("--group", "is_group", is_flag=True, help="UNIT is a unit group's code.")
@friendly
def verify_command(unit: str, pub_id: int | None, is_group: bool) -> None:
    """Recompute current publications (or one) from the stored responses; check digests."""
    owner = find_group(db.session, unit) if is_group else orgs.find_unit(db.session, unit)
    mine = (Publication.group_id == owner.id if is_group else Publication.unit_id == owner.id)
    if pub_id is not None:
        pub = db.session.scalar(select(Publication).where(Publication.id == pub_id, mine))
        if pub is None:
            raise click.ClickException(f"no publication {pub_id} of {owner.code}")
        pubs = [pub]
    elif isinstance(owner, UnitGroup):
        pubs = group_publications(db.session, owner)
    else:
        pubs = publications_of(db.session, owner)
    problems = []
    for pub in pubs:
        label = (f"publication {pub.id} ({pub.instrument_slug} {pub.period_from}..{pub.period_to}"
                 f"{'' if pub.scope == SCOPE_UNIT else ' ' + pub.scope} revision {pub.revision})")
        problems += [f"{label}: {d.text()}" for d in verify(db.session, pub)]
    db.session.rollback()  # verifying reads only
    if problems:
        for line in problems:
            click.echo(line)
        raise click.exceptions.Exit(1)
    click.echo(f"ok {len(pubs)}")


COMMANDS = (integrity_command, publish_command, publication_group)
