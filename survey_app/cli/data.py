"""Commands for the database, the demo, the server, QR codes and paper imports."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click
from flask import current_app

import instruments

from .. import letterheads, orgs, poster, qr
from ..db import db
from ..demo import DEMO_ADMIN, DEMO_OFFICER, ensure_demo, ensure_demo_officer
from ..migrations import upgrade
from ..survey.importer import ImportFailed, import_csv
from ..survey.services import instrument_version
from .common import friendly
from .imports import (
    cli_actor,
    form_mapping,
    import_form_command,
    offline_option,
    read_utf8,
    warn_if_imported_before,
)


def init_database() -> None:
    """Apply migrations and record every shipped instrument version."""
    upgrade(db.engine)  # type: ignore[arg-type]
    for versions in instruments.available().values():
        for instrument, _, _ in versions.values():
            instrument_version(db.session, instrument)
    db.session.commit()


@click.command("init-db")
@friendly
def init_db() -> None:
    """Apply all migrations to DATABASE_URL (safe to repeat)."""
    init_database()
    click.echo("database is up to date")


@click.command("demo")
@friendly
def demo() -> None:
    """Set up a demo unit DEMO with services, counters, an admin and sample answers."""
    init_database()
    unit, password = ensure_demo(db.session)
    db.session.commit()
    base = current_app.config["SURVEY"].base_url
    click.echo(f"Demo unit {unit.code}: {unit.name}")
    for service in unit.services:
        codes: list[str | None] = [c.code for c in service.counters] or [None]
        for code in codes:
            click.echo("  survey: " + qr.survey_url(base, unit.code, service.code, code))
    click.echo(f"Staff login: {base}/admin/login")
    click.echo(f"  e-mail:   {DEMO_ADMIN}")
    click.echo(f"  password: {password}   (new each time `demo` runs)")
    click.echo(f"Public results: {base}/hasil/{unit.code}")
    click.echo(f"Anonymous whistle-blowing (WBS): {base}/wbs")
    officer = ensure_demo_officer(db.session, unit)
    db.session.commit()
    if officer is None:
        click.echo(f"  WBS officer {DEMO_OFFICER}: credentials were printed when it was created")
    else:
        officer_password, totp = officer
        click.echo(f"WBS officer login: {base}/wbs/officer/login")
        click.echo(f"  e-mail:   {DEMO_OFFICER}")
        click.echo(f"  password: {officer_password}   (shown once: it unlocks the channel key)")
        click.echo(f"  TOTP secret: {totp}   (add it to an authenticator app)")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Run the web app with the development server (use gunicorn in production)."""
    from werkzeug.serving import run_simple

    run_simple(host, port, current_app._get_current_object(), threaded=True)  # type: ignore[attr-defined]


@click.command("qr")
@click.argument("unit")
@click.argument("service", required=False)
@click.argument("counter", required=False)
@click.option("--format", "fmt", type=click.Choice(qr.FORMATS), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--size", type=click.Choice(tuple(qr.POSTER_SIZES)), default="A4", show_default=True,
              help="Paper size of the pdf poster.")
@friendly
def qr_command(unit: str, service: str | None, counter: str | None, fmt: str, out: Path,
               size: str) -> None:
    """Write a QR code (svg, png) or a printable poster (pdf) that opens that survey."""
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service) if service else None
    c = orgs.find_counter(s, counter) if s and counter else None
    url = qr.survey_url(current_app.config["SURVEY"].base_url, u.code, s.code if s else None,
                        c.code if c else None)
    base = current_app.config["SURVEY"].base_url
    data, _ = qr.render(fmt, url, u.name, s.name if s else None, c.name if c else None, size,
                        logo=letterheads.kop_of(db.session, u).logo, wbs_url=qr.wbs_url(base),
                        **poster.extras(db.session, u, s, c))
    out.write_bytes(data)
    click.echo(f"wrote {out} for {url}")


@click.group("responses")
def responses_group() -> None:
    """Survey responses."""


@responses_group.command("import")
@click.argument("unit")
@click.argument("csv_path", metavar="CSV", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--instrument", "slug", default="ikm", show_default=True)
@offline_option
@friendly
def responses_import(unit: str, csv_path: Path, slug: str, offline: bool) -> None:
    """Import paper questionnaires from CSV: every row or none."""
    u = orgs.find_unit(db.session, unit)
    instrument = instruments.latest(slug)
    raw, text = read_utf8(csv_path)
    digest = hashlib.sha256(raw).hexdigest()
    warn_if_imported_before(u, digest)
    try:
        result = import_csv(db.session, u, instrument, text,
                            current_app.config["SURVEY"].saran_max_chars,
                            actor=cli_actor(), file_sha256=digest, offline=offline)
    except ImportFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"nothing imported: {len(exc.problems)} problem(s)") from None
    click.echo(f"imported {result.count}")


@responses_group.command("delete")
@click.argument("unit")
@click.option("--batch", "batch_id", type=int, default=None,
              help="Delete every response of this import (its id in `integrity` and the log).")
@click.option("--ids", default=None, help="Comma-separated response ids.")
@click.option("--reason", required=True, help="Why: kept in the audit log.")
@friendly
def responses_delete(unit: str, batch_id: int | None, ids: str | None, reason: str) -> None:
    """Delete an import batch or single responses (audited; cannot be undone)."""
    from ..integrity import deletion

    if (batch_id is None) == (ids is None):
        raise click.UsageError("give exactly one of --batch and --ids")
    u = orgs.find_unit(db.session, unit)
    if batch_id is not None:
        count = deletion.delete_batch(db.session, u, batch_id, reason, actor=cli_actor())
    else:
        try:
            wanted = [int(part) for part in (ids or "").split(",") if part.strip()]
        except ValueError:
            raise click.UsageError("--ids takes response ids separated by commas") from None
        count = len(deletion.delete_responses(db.session, u, wanted, reason, actor=cli_actor()))
    db.session.commit()
    click.echo(f"deleted {count}")


responses_group.add_command(form_mapping)
responses_group.add_command(import_form_command)

COMMANDS = (init_db, demo, serve, qr_command, responses_group)
