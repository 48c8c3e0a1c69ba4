"""The `export` command: publication files of an index report."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

import instruments

from .. import orgs
from ..db import db
from ..results.downloads import EXPORTS
from ..results.exports.common import atomic_path
from ..results.period import period_from_dates
from ..results.report import build_report
from .common import friendly, weights_option
from .groups import subunits_export

# The same writers the dashboard's download links use (survey_app.results.downloads).
FORMATS: dict[str, Callable[..., Any]] = {name: spec.write for name, spec in EXPORTS.items()}


@click.command("export")
@click.argument("unit")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "json")), required=True,
              help="pdf / docx = the official survey report (docx editable); png / "
                   "infographic-pdf = infographic; json = the index JSON")
@click.option("--out", required=True, help="File to write (replaced only when complete).")
@click.option("--service", default=None, help="Service code; default the whole unit.")
@click.option("--counter", default=None, help="Counter code (with --service).")
@click.option("--instrument", "slug", default="ikm", show_default=True)
@weights_option
@click.option("--with-subunits", is_flag=True,
              help="The combined index over the unit and all units below it (csv, xlsx, json; "
                   "pdf, docx: its official document).")
@friendly
def export_command(unit: str, date_from: str, date_to: str, fmt: str, out: str,
                   service: str | None, counter: str | None, slug: str,
                   weights: str, with_subunits: bool) -> None:
    """Write publication files of an index: xlsx, csv, pdf report, png infographic."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)  # unknown instrument: a clear error before any query
    u = orgs.find_unit(db.session, unit)
    if with_subunits:
        if service or counter:
            raise click.ClickException("--with-subunits is for the whole unit")
        return subunits_export(u, slug, period, weights, fmt, out)
    s = orgs.find_service(db.session, u, service) if service else None
    if counter and s is None:
        raise click.ClickException("--counter needs --service")
    c = orgs.find_counter(s, counter) if s and counter else None
    report = build_report(db.session, u, slug, period, s, c, weights=weights)
    with atomic_path(out) as temp:
        if fmt == "json":
            temp.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                            encoding="utf-8")
        else:
            FORMATS[fmt](db.session, report, temp)
    click.echo(f"wrote {out}")


COMMANDS = (export_command,)
