"""`rollups rebuild` and `rollups check`: the roll-ups recomputed from, or compared with, the
stored responses (after a restore of an old dump, or to prove nothing drifted)."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from .. import orgs
from ..db import db
from ..rollups import check as rollup_check
from ..rollups import maintain
from .common import friendly


@click.group("rollups")
def rollups_group() -> None:
    """Roll-ups (per-day and per-month aggregates the results read)."""


@rollups_group.command("rebuild")
@click.option("--unit", "unit_code", default=None, help="Only this unit (default: all).")
@friendly
def rollups_rebuild(unit_code: str | None) -> None:
    """Recompute the roll-ups from the stored responses, in one transaction."""
    units = None if unit_code is None else [orgs.find_unit(db.session, unit_code).id]
    maintain.rebuild(db.session, units)
    db.session.commit()
    click.echo("roll-ups rebuilt" + (f" for {unit_code}" if unit_code else ""))


@rollups_group.command("check")
@click.option("--unit", "unit_code", default=None, help="Only this unit (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@friendly
def rollups_check(unit_code: str | None, as_json: bool) -> None:
    """Compare the roll-ups with the stored responses; exit 1 on any difference."""
    units = None if unit_code is None else [orgs.find_unit(db.session, unit_code).id]
    found = rollup_check.differences(db.session, units)
    if as_json:
        click.echo(json.dumps([asdict(d) for d in found], default=str))
    else:
        for d in found:
            click.echo(f"{d.table} {d.key}: roll-up {d.rollup}, responses {d.raw}")
        click.echo("roll-ups match the responses" if not found
                   else f"{len(found)} difference(s)")
    if found:
        raise SystemExit(1)


COMMANDS = (rollups_group,)
