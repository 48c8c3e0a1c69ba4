"""`survey-app wbs ...`: channels, officers and the recap."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from .. import orgs
from ..db import db
from ..models import WbsChannel
from ..wbs import crypto, reseal, settings
from ..wbs.officer import accounts
from ..wbs.officer.recap import build
from ..wbs.officer.recap_export import FORMATS, render
from ..wbs.reseal import RESEALED_TABLES
from .common import friendly, parse_date


@click.group("wbs")
def wbs_group() -> None:
    """Whistle-blowing system (WBS)."""


@wbs_group.group("channel")
def channel_group() -> None:
    """WBS channels (one per unit)."""


@channel_group.command("create")
@click.argument("unit")
@friendly
def channel_create(unit: str) -> None:
    """Open a channel for a unit; its first officer creates the key pair."""
    u = orgs.find_unit(db.session, unit)
    accounts.create_channel(db.session, u)
    db.session.commit()
    click.echo(f"WBS channel of {u.code} created; add its first officer with `wbs officer add`")


@wbs_group.group("officer")
def officer_group() -> None:
    """WBS officers (password + TOTP; each holds a wrapped copy of the channel key)."""


def _stdin_line(what: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise click.ClickException(f"expected {what} on standard input")
    return line.rstrip("\r\n")


@officer_group.command("add")
@click.argument("email")
@click.option("--unit", "unit_code", required=True, help="Unit whose channel the officer joins.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--by", "by_email", default=None,
              help="An existing officer of the channel; their password is stdin's second line.")
@friendly
def officer_add(email: str, unit_code: str, password_stdin: bool, by_email: str | None) -> None:
    """Create an officer, or renew one (forgotten password, lost authenticator, removed).

    Prints the TOTP secret and URI once (scan it into an authenticator).
    """
    if not password_stdin:
        raise click.ClickException("give the password on standard input with --password-stdin")
    password = _stdin_line("the new officer's password")
    by_password = _stdin_line(f"the password of {by_email}") if by_email else None
    unit = orgs.find_unit(db.session, unit_code)
    renewing = accounts.find_account(db.session, email) is not None
    officer, totp = accounts.add_officer(db.session, settings(), current_app.config["SECRET_KEY"],
                                         email, password, unit, by_email, by_password)
    db.session.commit()
    assert officer.channel.public_key is not None
    click.echo(f"officer {officer.user.email} renewed in the WBS channel of {unit.code}: new "
               "password and TOTP secret, account active, old sessions ended" if renewing else
               f"officer {officer.user.email} added to the WBS channel of {unit.code}")
    click.echo(f"channel key fingerprint: {crypto.fingerprint(officer.channel.public_key)}")
    click.echo(f"TOTP secret (shown once): {totp}")
    click.echo(accounts.provisioning_uri(totp, officer.user.email))
    _warn_if_few(officer.channel)


@officer_group.command("remove")
@click.argument("email")
@click.option("--force", is_flag=True,
              help="Remove even the last active officer (the channel's reports become "
                   "unreadable for good).")
@friendly
def officer_remove(email: str, force: bool) -> None:
    """Deactivate an officer and delete their copy of the channel key."""
    channel = accounts.remove_officer(db.session, email, force=force)
    db.session.commit()
    click.echo(f"officer {email} removed")
    _warn_if_few(channel)


def _warn_if_few(channel: WbsChannel) -> None:
    if warning := accounts.few_officers_warning(db.session, channel):
        click.echo(warning)


@wbs_group.command("recap")
@click.argument("unit")
@click.option("--from", "date_from", required=True)
@click.option("--to", "date_to", required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write; standard output when left out.")
@friendly
def recap(unit: str, date_from: str, date_to: str, fmt: str, out: Path | None) -> None:
    """Counts by category and status, times to acknowledge and close, overdue cases."""
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to")
    result = build(db.session, orgs.find_unit(db.session, unit), start, end,
                   settings().cuti_bersama)
    data = render(result, fmt)
    if out is None:
        if fmt != "json":
            raise click.ClickException(f"--format {fmt} needs --out PATH")
        click.echo(data.decode())
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out}")


@wbs_group.command("reseal")
@click.option("--vacuum", is_flag=True,
              help="Then VACUUM the WBS tables (PostgreSQL): drop the old row versions now.")
@friendly
def reseal_command(vacuum: bool) -> None:
    """Rewrite finished hours' report rows in one transaction (run from cron after each hour)."""
    count = reseal.reseal(db.session)
    db.session.commit()
    click.echo(f"resealed {count} rows")
    engine = db.engine
    assert engine is not None
    if vacuum and engine.dialect.name == "postgresql":
        # VACUUM refuses to run inside a transaction block.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {', '.join(RESEALED_TABLES)}")
        click.echo(f"vacuumed {', '.join(RESEALED_TABLES)}")


COMMANDS = (wbs_group,)
