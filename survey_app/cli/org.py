"""Commands that create units, services, counters and staff accounts."""

from __future__ import annotations

import sys

import click
from flask import current_app

from .. import orgs, qr
from ..admin import wording
from ..admin.services import create_user
from ..db import db
from .common import friendly


@click.group("unit")
def unit_group() -> None:
    """Units (unit kerja)."""


@unit_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="Full name of the unit.")
@click.option("--parent", default=None, help="Code of the parent unit.")
@click.option("--tz", default="Asia/Jakarta", show_default=True, help="IANA time zone.")
@friendly
def unit_add(code: str, name: str, parent: str | None, tz: str) -> None:
    """Create a unit."""
    unit = orgs.add_unit(db.session, code, name, parent, tz)
    db.session.commit()
    click.echo(f"unit {unit.code} created")


@unit_group.command("set-tz")
@click.argument("code")
@click.argument("tz")
@friendly
def unit_set_tz(code: str, tz: str) -> None:
    """Change a unit's time zone (its periods and roll-ups follow its local days)."""
    unit = orgs.find_unit(db.session, code)
    changed = orgs.set_unit_tz(db.session, unit, tz)
    db.session.commit()
    click.echo(f"unit {unit.code}: time zone {unit.tz}" + ("" if changed else " (unchanged)"))


@click.group("service")
def service_group() -> None:
    """Services (jenis layanan)."""


@service_group.command("add")
@click.argument("unit")
@click.argument("service")
@click.option("--name", required=True)
@friendly
def service_add(unit: str, service: str, name: str) -> None:
    """Create a service of a unit."""
    created = orgs.add_service(db.session, orgs.find_unit(db.session, unit), service, name)
    db.session.commit()
    click.echo(f"service {created.code} created in unit {created.unit.code}")


@click.group("counter")
def counter_group() -> None:
    """Counters (loket)."""


@counter_group.command("add")
@click.argument("unit")
@click.argument("service")
@click.argument("counter")
@click.option("--name", default=None)
@friendly
def counter_add(unit: str, service: str, counter: str, name: str | None) -> None:
    """Create a counter; the last line printed is its public survey URL."""
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service)
    c = orgs.add_counter(db.session, s, counter, name)
    db.session.commit()
    click.echo(f"counter {c.code} created in service {s.code}")
    click.echo(qr.survey_url(current_app.config["SURVEY"].base_url, u.code, s.code, c.code))


@click.group("user")
def user_group() -> None:
    """Staff accounts."""


@user_group.command("add")
@click.argument("email")
@click.option("--role", required=True, help="admin, unit_admin or analyst")
@click.option("--unit", "unit_code", default=None)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@friendly
def user_add(email: str, role: str, unit_code: str | None, password_stdin: bool) -> None:
    """Create a staff account (argon2 password hash)."""
    if not password_stdin:
        raise click.ClickException("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    unit = orgs.find_unit(db.session, unit_code) if unit_code else None
    user = create_user(db.session, email, password, role, unit)
    db.session.commit()
    click.echo(f"user {user.email} created with role {user.role}")


@click.group("item")
def item_group() -> None:
    """Questions (items) of the surveys."""


@item_group.command("reword")
@click.argument("unit")
@click.argument("service")
@click.argument("item")
@click.option("--instrument", "slug", default="ikm", show_default=True,
              help="Survey the item belongs to (ikm, ipk, spkp, spak).")
@click.option("--text-id", default=None, help="The question in Bahasa Indonesia.")
@click.option("--text-en", default=None, help="The question in English.")
@click.option("--remove", is_flag=True, help="Go back to the survey's own wording.")
@friendly
def item_reword(unit: str, service: str, item: str, slug: str, text_id: str | None,
                text_en: str | None, remove: bool) -> None:
    """Ask ITEM in the service's own words; the element code and the index stay the same."""
    s = orgs.find_service(db.session, orgs.find_unit(db.session, unit), service)
    if remove:
        if text_id is not None or text_en is not None:
            raise click.ClickException("--remove takes no --text-id or --text-en")
        wording.remove_wording(db.session, s, slug, item)
        db.session.commit()
        click.echo(f"{slug} item {item} of service {s.code} uses the survey's wording again")
        return
    if text_id is None or text_en is None:
        raise click.ClickException("give both --text-id and --text-en (or --remove)")
    wording.set_wording(db.session, s, slug, item, text_id, text_en)
    db.session.commit()
    click.echo(f"{slug} item {item} of service {s.code} reworded")


COMMANDS = (unit_group, service_group, counter_group, user_group, item_group)
