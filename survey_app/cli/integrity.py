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
from ..models import Publication
from ..results.period import period_from_dates
from ..results.report import build_report
from ..results.services import PublishError, publications_of, publish
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
@friendly
def publish_command(unit: str, date_from: str, date_to: str, slug: str, service: str | None,
                    reason: str) -> None:
    """Publish (freeze) a period's figures, as the dashboard's Publish does."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service) if service else None
    report = build_report(db.session, u, slug, period, s)
    try:
        pub = publish(db.session, report, None, reason, actor="cli")
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"revision {pub.revision}, verification code {verification_code(pub.digest or '')}")
    click.echo(str(pub.id))


@click.group("publication")
def publication_group() -> None:
    """Published periods."""


@publication_group.command("verify")
@click.argument("unit")
@click.option("--id", "pub_id", type=int, default=None, help="One publication (any revision).")
@friendly
def verify_command(unit: str, pub_id: int | None) -> None:
    """Recompute current publications (or one) from the stored responses; check digests."""
    u = orgs.find_unit(db.session, unit)
    if pub_id is not None:
        pub = db.session.scalar(select(Publication).where(Publication.id == pub_id,
                                                          Publication.unit_id == u.id))
        if pub is None:
            raise click.ClickException(f"no publication {pub_id} of unit {u.code}")
        pubs = [pub]
    else:
        pubs = publications_of(db.session, u)
    problems = []
    for pub in pubs:
        label = (f"publication {pub.id} ({pub.instrument_slug} {pub.period_from}..{pub.period_to}"
                 f" revision {pub.revision})")
        problems += [f"{label}: {d.text()}" for d in verify(db.session, pub)]
    db.session.rollback()  # verifying reads only
    if problems:
        for line in problems:
            click.echo(line)
        raise click.exceptions.Exit(1)
    click.echo(f"ok {len(pubs)}")


COMMANDS = (integrity_command, publish_command, publication_group)
