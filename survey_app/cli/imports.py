"""Helpers of the import commands: reading the file, naming who ran it, repeated files."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

import instruments

from .. import orgs
from ..db import db
from ..models import ImportBatch, Unit
from ..survey.formimport import DATE_ORDERS, Preview, guess_mapping, read_table
from ..survey.importer import ImportFailed
from ..survey.mappings import import_form, preview_form, save_mapping, saved_mapping
from .common import friendly

offline_option = click.option(
    "--offline", is_flag=True,
    help="SQLite: allow more than 20,000 rows in one write transaction (the site waits).")


def read_utf8(path: Path) -> tuple[bytes, str]:
    """The file's bytes and its UTF-8 text (a BOM dropped); a one-line error otherwise."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror or 'cannot be read'}") from None
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None


def cli_actor() -> str:
    """Who ran a command, for the import batch and the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


def warn_if_imported_before(unit: Unit, digest: str) -> None:
    """Say on stderr when the very same file was imported into this unit before."""
    earlier = db.session.scalars(select(ImportBatch).where(
        ImportBatch.unit_id == unit.id, ImportBatch.file_sha256 == digest)
        .order_by(ImportBatch.id)).first()
    if earlier is not None:
        click.echo(f"note: this file was already imported on {earlier.imported_at:%Y-%m-%d %H:%M} "
                   f"UTC (batch {earlier.id}, {earlier.rows} rows); importing it again",
                   err=True)


def _echo_preview(preview: Preview) -> None:
    mapping = preview.mapping
    click.echo(f"mapping (date order {mapping.date_order}"
               + (f", service {mapping.service}" if mapping.service else "") + "):")
    for heading in preview.header:
        target = mapping.columns.get(heading)
        shown = "(not in the mapping)" if target is None else (target or "(ignored)")
        click.echo(f"  {heading[:70]!r} -> {shown}")
    if preview.rows:
        click.echo(f"first rows as they will be stored ({preview.count} rows in the file):")
    for line, row in preview.rows:
        click.echo(f"  line {line}: " + ", ".join(f"{k}={v}" for k, v in row.items() if v))
    for problem in preview.problems:
        click.echo(str(problem), err=True)


def _parse_pairs(pairs: tuple[str, ...], what: str) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        key, sep, value = pair.rpartition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"{what} must be written TEXT=VALUE, got {pair[:60]!r}")
        out.append((key.strip(), value.strip()))
    return out


@click.command("form-mapping")
@click.argument("unit")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--map", "maps", multiple=True, metavar="HEADING=TARGET",
              help="Column heading to submitted_at, service, a profile field, an element code, "
                   "saran, or nothing (ignore the column). Repeatable.")
@click.option("--value", "values", multiple=True, metavar="TARGET:TEXT=VALUE",
              help="An extra answer text for an element or profile field. Repeatable.")
@click.option("--service", default=None, help="Service code when there is no service column.")
@click.option("--date-order", type=click.Choice(DATE_ORDERS), default=None)
@click.option("--save", is_flag=True, help="Save the mapping for this unit and instrument.")
@friendly
def form_mapping(unit: str, path: Path, slug: str, maps: tuple[str, ...],
                 values: tuple[str, ...], service: str | None, date_order: str | None,
                 save: bool) -> None:
    """Show (and with --save keep) how a Google Forms or spreadsheet export maps to elements."""
    u = orgs.find_unit(db.session, unit)
    instrument = instruments.latest(slug)
    _, text = read_utf8(path)
    header, _rows = read_table(text)
    mapping = saved_mapping(db.session, u, slug) or guess_mapping(header, instrument, u)
    for heading in header:
        mapping.columns.setdefault(heading, "")
    for heading, target in _parse_pairs(maps, "--map"):
        if heading not in header:
            raise click.ClickException(f"--map: no column {heading[:60]!r} in {path.name}")
        mapping.columns[heading] = target
    for pair, value in _parse_pairs(values, "--value"):
        target, sep, label = pair.partition(":")
        if not sep:
            raise click.ClickException(f"--value must be TARGET:TEXT=VALUE, got {pair[:60]!r}")
        mapping.values.setdefault(target.strip(), {})[label.strip()] = value
    if service is not None:
        mapping.service = orgs.find_service(db.session, u, service).code
    if date_order:
        mapping.date_order = date_order
    saran_max = current_app.config["SURVEY"].saran_max_chars
    preview = preview_form(u, instrument, text, mapping, saran_max)
    _echo_preview(preview)
    head_problems = mapping.problems(header, instrument)
    if save and head_problems:
        raise click.ClickException("mapping not saved: fix the problems above")
    if save:
        save_mapping(db.session, u, slug, mapping, cli_actor())
        db.session.commit()
        click.echo(f"mapping saved for {u.code} ({slug})")
    else:
        click.echo("nothing saved: check the mapping and rows above, then run again with --save")


@click.command("import-form")
@click.argument("unit")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show the mapping and first rows; store nothing.")
@offline_option
@friendly
def import_form_command(unit: str, path: Path, slug: str, dry_run: bool, offline: bool) -> None:
    """Import a Google Forms or spreadsheet export with the unit's saved mapping: all or none."""
    u = orgs.find_unit(db.session, unit)
    instrument = instruments.latest(slug)
    raw, text = read_utf8(path)
    mapping = saved_mapping(db.session, u, slug)
    if mapping is None:
        raise click.ClickException(f"no saved mapping for {u.code} ({slug}): run `responses "
                                   "form-mapping UNIT FILE --save` first")
    saran_max = current_app.config["SURVEY"].saran_max_chars
    preview = preview_form(u, instrument, text, mapping, saran_max)
    _echo_preview(preview)
    if preview.problems:
        raise click.ClickException(f"nothing imported: {len(preview.problems)} problem(s)")
    if dry_run:
        click.echo(f"dry run: {preview.count} rows would be imported; nothing stored")
        return
    digest = hashlib.sha256(raw).hexdigest()
    warn_if_imported_before(u, digest)
    try:
        result = import_form(db.session, u, instrument, text, saran_max, actor=cli_actor(),
                             file_sha256=digest, offline=offline)
    except ImportFailed as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"nothing imported: {len(exc.problems)} problem(s)") from None
    click.echo(f"imported {result.count}")
