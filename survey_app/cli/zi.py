"""`survey-app hasil`: the ZI hasil component as JSON."""

from __future__ import annotations

import json

import click

from analysis.hasil import CONVERSIONS

from .. import orgs
from ..db import db
from ..zi.services import compute
from .common import friendly


@click.command("hasil")
@click.argument("unit")
@click.option("--year", type=int, required=True)
@click.option("--kinerja", type=float, default=None,
              help="'Capaian kinerja lebih baik' score (0..5 under 90/2021); refused under a "
                   "rule set without it (52/2014).")
@click.option("--pengungkit", type=float, default=None, help="Pengungkit total (0..60).")
@click.option("--rules", "rule", default=None, help="Rule set, default permenpanrb-90-2021.")
@click.option("--ipak-source", type=click.Choice(("ipk", "spak")), default=None)
@click.option("--ipkp-source", type=click.Choice(("ikm", "spkp")), default=None)
@click.option("--tlhp", type=float, default=None,
              help="Percentage (0..100) of audit findings followed up; rule sets scoring it "
                   "(52/2014).")
@click.option("--conversion", type=click.Choice(CONVERSIONS), default=None,
              help="Survey value to points: x/4 (default) or (x-1)/3.")
@click.option("--json", "as_json", is_flag=True)
@friendly
def hasil(unit: str, year: int, kinerja: float | None, pengungkit: float | None,
          rule: str | None, ipak_source: str | None, ipkp_source: str | None,
          tlhp: float | None, conversion: str | None, as_json: bool) -> None:
    """Compute the hasil component of the ZI evaluation for a unit and year."""
    sources = {k: v for k, v in (("ipak", ipak_source), ("ipkp", ipkp_source)) if v}
    report = compute(db.session, orgs.find_unit(db.session, unit), year, rule=rule,
                     kinerja=kinerja, pengungkit=pengungkit, sources=sources, tlhp=tlhp,
                     conversion=conversion)
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"Hasil {data['unit']} {year} ({data['rule']['name']})")
    for c in data["components"]:
        click.echo(f"  {c['name']}: {c['score']:.2f} / {c['weight']:g}   [{c['formula']}]")
    click.echo(f"  hasil {data['hasil']:.2f} / {data['hasil_max']:g}")
    for a in data["pengungkit_areas"]:
        value = "not entered" if a["value"] is None else f"{a['value']:g}"
        click.echo(f"  pengungkit {a['name']}: {value} / {a['max']:g}")
    if data["total"] is not None:
        click.echo(f"  total {data['total_rounded']:.2f} (pengungkit {data['pengungkit']:g})")
        for t in data["targets"]:
            click.echo(f"  target {t['name']}: {'met' if t['met'] else 'not met'}")
        click.echo("  (targets compared on values rounded half-up to 2 decimals)")


COMMANDS = (hasil,)
