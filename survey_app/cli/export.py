"""The `export` command: publication files of an index report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

import instruments

from .. import orgs
from ..db import db
from ..results.exports import (
    write_csv,
    write_infographic_pdf,
    write_pdf_report,
    write_png,
    write_xlsx,
)
from ..results.exports.common import atomic_path
from ..results.period import period_from_dates
from ..results.report import build_report
from .common import friendly

# pdf is the survey report (the contract's format); infographic-pdf is an extension.
FORMATS: dict[str, Callable[..., Any]] = {
    "xlsx": write_xlsx, "csv": write_csv, "pdf": write_pdf_report, "png": write_png,
    "infographic-pdf": write_infographic_pdf,
}


@click.command("export")
@click.argument("unit")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--format", "fmt", type=click.Choice(tuple(FORMATS)), required=True,
              help="pdf = survey report; png / infographic-pdf = infographic")
@click.option("--out", required=True, help="File to write (replaced only when complete).")
@click.option("--service", default=None, help="Service code; default the whole unit.")
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--weights", type=click.Choice(("exact", "compat-0.111")), default="exact",
              show_default=True, help="compat-0.111 reproduces old reports (caps at 99.9).")
@friendly
def export_command(unit: str, date_from: str, date_to: str, fmt: str, out: str,
                   service: str | None, slug: str, weights: str) -> None:
    """Write publication files of an index: xlsx, csv, pdf report, png infographic."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)  # unknown instrument: a clear error before any query
    u = orgs.find_unit(db.session, unit)
    s = orgs.find_service(db.session, u, service) if service else None
    report = build_report(db.session, u, slug, period, s, weights=weights)
    with atomic_path(out) as temp:
        FORMATS[fmt](db.session, report, temp)
    click.echo(f"wrote {out}")


COMMANDS = (export_command,)
