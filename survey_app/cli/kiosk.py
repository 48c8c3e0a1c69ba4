"""`survey-app kiosk enroll|list|revoke`: counter tablets."""

from __future__ import annotations

import click
from flask import current_app

from .. import orgs
from ..db import db
from ..kiosk import services
from ..kiosk.services import local_minute
from ..models.kiosk import IDLE_DEFAULT, IDLE_MAX, IDLE_MIN
from .common import friendly


@click.group("kiosk")
def kiosk_group() -> None:
    """Counter tablets (kiosks)."""


@kiosk_group.command("enroll")
@click.argument("unit")
@click.argument("service")
@click.argument("counter")
@click.option("--name", default=None, help="A name staff recognise the tablet by.")
@click.option("--idle", "idle_seconds", type=click.IntRange(IDLE_MIN, IDLE_MAX),
              default=IDLE_DEFAULT, show_default=True,
              help="Seconds without a touch before a half-filled survey is discarded.")
@friendly
def enroll(unit: str, service: str, counter: str, name: str | None, idle_seconds: int) -> None:
    """Make a one-time enrolment link (last line): opening it makes that browser the kiosk."""
    u = orgs.find_unit(db.session, unit)
    c = orgs.find_counter(orgs.find_service(db.session, u, service), counter)
    kiosk, token = services.enrol(db.session, c, name, idle_seconds)
    db.session.commit()
    click.echo(f"kiosk {kiosk.id} for counter {c.service.code}/{c.code}: open this link once on "
               f"the tablet within 24 hours")
    click.echo(services.enrol_url(current_app.config["SURVEY"].base_url, token))


@kiosk_group.command("list")
@click.argument("unit")
@friendly
def list_kiosks(unit: str) -> None:
    """One line per kiosk: id, counter, last seen (unit time), queued answers, status."""
    u = orgs.find_unit(db.session, unit)
    click.echo("id\tcounter\tlast_seen\tqueued\tstatus")
    for k in services.kiosks_of(db.session, u):
        seen = local_minute(k.last_seen_at, u.tz) if k.last_seen_at else "-"
        click.echo(f"{k.id}\t{k.counter.service.code}/{k.counter.code}\t{seen}\t{k.queued}\t"
                   f"{services.status(k)}")


@kiosk_group.command("revoke")
@click.argument("unit")
@click.argument("kiosk_id", type=int)
@friendly
def revoke(unit: str, kiosk_id: int) -> None:
    """Stop a kiosk: its next submission is refused and it shows that it was switched off."""
    kiosk = services.find_kiosk(db.session, orgs.find_unit(db.session, unit), kiosk_id)
    services.revoke(kiosk)
    db.session.commit()
    click.echo(f"kiosk {kiosk_id} revoked")


COMMANDS = (kiosk_group,)
