"""Commands that compute indices and sample sizes."""

from __future__ import annotations

import json

import click

import analysis
import instruments

from .. import orgs
from ..db import db
from ..inputs import INT32_MAX, parse_int
from ..results.basis import conversion_derived, conversion_text
from ..results.period import period_from_dates
from ..results.report import build_report
from .common import friendly, weights_option
from .groups import subunits_index


@click.command("sample-size", context_settings={"ignore_unknown_options": True})
@click.argument("population", nargs=-1, metavar="N")
@friendly
def sample_size(population: tuple[str, ...]) -> None:
    """Krejcie & Morgan minimum sample for a population of N service users."""
    # Taken as text (and "-5" not read as an option) so every bad N gets one line, exit 1.
    n = parse_int(population[0], lo=1) if len(population) == 1 else None
    if n is None:
        given = " ".join(population) or "nothing"
        raise click.ClickException(
            f"N must be one positive whole number (digits 0-9, at most {INT32_MAX}), "
            f"got {given[:40]!r}")
    click.echo(analysis.krejcie_morgan(n))


def _index(unit: str, slug: str, date_from: str, date_to: str, service: str | None,
           counter: str | None, weights: str, as_json: bool, with_subunits: bool = False) -> None:
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)  # unknown instrument: a clear error before any query
    u = orgs.find_unit(db.session, unit)
    if with_subunits:
        return subunits_index(u, slug, period, service or counter, weights, as_json)
    s = orgs.find_service(db.session, u, service) if service else None
    if counter and s is None:
        raise click.ClickException("--counter needs --service")
    c = orgs.find_counter(s, counter) if s and counter else None
    report = build_report(db.session, u, slug, period, s, c, weights)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    r = report.result
    click.echo(f"{report.instrument.index_name} {u.code} {period.label()}: n={report.n}")
    for e in r.elements:
        nrr = "-" if e.nrr is None else f"{analysis.round_half_up(e.nrr, 2):.2f}"
        click.echo(f"  {e.code:<12} n={e.n:<6} NRR={nrr}")
    inst = report.instrument
    derived = " (derived)" if conversion_derived(inst.scale_max) else ""
    click.echo(f"  index {analysis.round_half_up(r.index, 2):.2f}  converted{derived} "
               f"{analysis.round_half_up(r.converted, 2):.2f}  mutu {r.category.mutu} "
               f"({r.category.kinerja_id}){derived}")
    if r.weights == analysis.Weights.COMPAT:
        click.echo("  weights compat-0.111: 0.111 per element, for reproducing old reports only "
                   "(a perfect score is 99.90)")
    elif r.weights == analysis.Weights.DECLARED:
        click.echo("  weights declared by the instrument, renormalised over the answered elements")
    if derived:
        formula = conversion_text(inst.scale_max, inst.conversion_factor, "index")
        click.echo(f"  derived: converted = {formula}, classified with the IKM bounds by "
                   "analogy (no official table)")
    if r.omitted:
        click.echo(f"  not answered, weight spread over the others: {', '.join(r.omitted)}")


_options = [
    click.argument("unit"),
    click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive"),
    click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive"),
    click.option("--service", default=None),
    click.option("--counter", default=None, help="Counter code (with --service)."),
    weights_option,
    click.option("--json", "as_json", is_flag=True),
    click.option("--with-subunits", is_flag=True,
                 help="The combined index over the unit and all units below it."),
]


def _with_options(func):  # type: ignore[no-untyped-def]
    for option in reversed(_options):
        func = option(func)
    return func


@click.command("index")
@_with_options
@click.option("--instrument", "slug", required=True, help="ikm, ipk, spak, spkp")
@friendly
def index_command(unit: str, date_from: str, date_to: str, service: str | None,
                  counter: str | None, weights: str, as_json: bool, with_subunits: bool,
                  slug: str) -> None:
    """Compute an index (IKM, IPK, ...) for a unit and period."""
    _index(unit, slug, date_from, date_to, service, counter, weights, as_json, with_subunits)


@click.command("ikm")
@_with_options
@friendly
def ikm_command(unit: str, date_from: str, date_to: str, service: str | None,
                counter: str | None, weights: str, as_json: bool, with_subunits: bool) -> None:
    """Compute IKM (the same as `index --instrument ikm`)."""
    _index(unit, "ikm", date_from, date_to, service, counter, weights, as_json, with_subunits)


COMMANDS = (sample_size, index_command, ikm_command)
