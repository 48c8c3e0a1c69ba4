"""Combined indices: a unit with its sub-units (`--with-subunits`) and unit groups (`group`)."""

from __future__ import annotations

import json

import click

import analysis
import instruments

from ..db import db
from ..models import Unit, UnitGroup
from ..results.combined import CombinedReport, build_combined, subtree
from ..results.exports.combined import FORMATS, write
from ..results.exports.common import atomic_path
from ..results.period import Period, period_from_dates
from ..unitgroups import (
    add_group,
    all_groups,
    change_members,
    find_group,
    members,
    remove_group,
    set_owner,
)
from .common import friendly, weights_option


def _combined(owner: Unit | UnitGroup, slug: str, period: Period, weights: str
              ) -> CombinedReport:
    units = subtree(db.session, owner) if isinstance(owner, Unit) else members(db.session, owner)
    return build_combined(db.session, owner, units, slug, period, weights)


def _echo(combined: CombinedReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(combined.to_json(), ensure_ascii=False, indent=2))
        return
    r, report = combined.report.result, combined.report
    click.echo(f"{report.instrument.index_name} {combined.code} (pooled over "
               f"{len(combined.units)} units) {report.period.label()}: n={report.n} "
               f"converted {analysis.round_half_up(r.converted, 2):.2f} mutu {r.category.mutu}")
    for u in combined.units:
        value = "-" if u.result is None else f"{analysis.round_half_up(u.result.converted, 2):.2f}"
        click.echo(f"  {u.unit.code:<16} n={u.n:<7} converted={value}")


def subunits_index(unit: Unit, slug: str, period: Period, narrower: str | None, weights: str,
                   as_json: bool) -> None:
    """`index/ikm ... --with-subunits`: the combined index over the unit and its subtree."""
    if narrower:
        raise click.ClickException("--with-subunits is for the whole unit: leave out "
                                   "--service and --counter")
    _echo(_combined(unit, slug, period, weights), as_json)


def subunits_export(unit: Unit | UnitGroup, slug: str, period: Period, weights: str, fmt: str,
                    out: str) -> None:
    """`export ... --with-subunits` (and `group export`): the combined table (csv, xlsx,
    json) or the official document (pdf, docx)."""
    if fmt not in FORMATS:
        *first, last = FORMATS
        raise click.ClickException(f"the combined index is exported as {', '.join(first)} or "
                                   f"{last}")
    combined = _combined(unit, slug, period, weights)
    with atomic_path(out) as temp:
        write(db.session, combined, fmt, temp)
    click.echo(f"wrote {out}")


@click.group("group")
def group_group() -> None:
    """Unit groups that are not a subtree (a Mal Pelayanan Publik's tenants)."""


@group_group.command("add")
@click.argument("code")
@click.argument("units", nargs=-1, required=True)
@click.option("--name", required=True)
@click.option("--owner", default=None, help="The unit that runs the group (its staff publish).")
@friendly
def group_add(code: str, units: tuple[str, ...], name: str, owner: str | None) -> None:
    """Create a group of units: group add CODE UNIT... --name NAME [--owner UNIT]."""
    group = add_group(db.session, code, name, units, owner)
    db.session.commit()
    click.echo(f"group {group.code}: {len(group.members)} units")


@group_group.command("members")
@click.argument("code")
@click.option("--add", "added", multiple=True, help="Unit code to add (repeatable).")
@click.option("--remove", "removed", multiple=True, help="Unit code to remove (repeatable).")
@click.option("--owner", default=None, help="Set the unit that runs the group ('-': none).")
@friendly
def group_members(code: str, added: tuple[str, ...], removed: tuple[str, ...],
                  owner: str | None) -> None:
    """Change (with --add/--remove, --owner) and list a group's units."""
    group = find_group(db.session, code)
    change_members(db.session, group, added, removed)
    if owner is not None:
        set_owner(db.session, group, None if owner == "-" else owner)
    db.session.commit()
    for unit in members(db.session, group):
        click.echo(f"{unit.code}\t{unit.name}")


@group_group.command("list")
@friendly
def group_list() -> None:
    """Every group with its number of units."""
    for group in all_groups(db.session):
        click.echo(f"{group.code}\t{len(group.members)} units\t{group.name}")


@group_group.command("remove")
@click.argument("code")
@friendly
def group_remove(code: str) -> None:
    """Delete a group (its units and their responses stay)."""
    remove_group(db.session, find_group(db.session, code))
    db.session.commit()
    click.echo(f"removed group {code}")


_period = [click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive"),
           click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive"),
           click.option("--instrument", "slug", default="ikm", show_default=True),
           weights_option]


def _with_period(func):  # type: ignore[no-untyped-def]
    for option in reversed(_period):
        func = option(func)
    return func


@group_group.command("index")
@click.argument("code")
@_with_period
@click.option("--json", "as_json", is_flag=True)
@friendly
def group_index(code: str, date_from: str, date_to: str, slug: str, weights: str,
                as_json: bool) -> None:
    """The combined index over a group's units, with each unit's own."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    _echo(_combined(find_group(db.session, code), slug, period, weights), as_json)


@group_group.command("export")
@click.argument("code")
@_with_period
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv / xlsx / json = the combined table; pdf / docx = the official document")
@click.option("--out", required=True, help="File to write (replaced only when complete).")
@friendly
def group_export(code: str, date_from: str, date_to: str, slug: str, weights: str, fmt: str,
                 out: str) -> None:
    """The combined table of a group (csv, xlsx, json) or its document (pdf, docx)."""
    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    subunits_export(find_group(db.session, code), slug, period, weights, fmt, out)


@group_group.command("publish")
@click.argument("code")
@click.option("--from", "date_from", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--to", "date_to", required=True, help="YYYY-MM-DD, inclusive")
@click.option("--instrument", "slug", default="ikm", show_default=True)
@click.option("--reason", default="", help="Required to publish a period again.")
@friendly
def group_publish(code: str, date_from: str, date_to: str, slug: str, reason: str) -> None:
    """Publish (freeze) the group's combined index of a period, as `publish` does a unit's."""
    from ..results.combined_publish import publish_combined
    from ..results.services import PublishError
    from .integrity import echo_published

    period = period_from_dates(date_from, date_to)
    instruments.latest(slug)
    try:
        pub = publish_combined(db.session, _combined(find_group(db.session, code), slug, period,
                                                     analysis.Weights.EXACT), None, reason, "cli")
    except PublishError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo_published(pub)


COMMANDS = (group_group,)
