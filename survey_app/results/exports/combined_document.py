"""The official document of a combined index (a parent unit with its sub-units, or a unit
group) as PDF and DOCX.

The content is built once as `official.OfficialReport` and written by the unit report's own
writers (`pdf_report.render`, `docx_report.render`): the same letterhead, tables, signature
block and verification stamp. The text goes through gettext and is rendered in Bahasa Indonesia
(LOCALE) whoever downloads it, like the unit's report; numbers in the same locale.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ... import formats
from ...letterheads import Kop, kop_of
from ...models import Publication, Unit, UnitGroup
from ..combined import SMALL_SAMPLE, CombinedReport, UnitFigure
from ..scopes import combined_revisions
from . import docx_report, pdf_report
from .official import (
    LOCALE,
    Block,
    Heading,
    OfficialReport,
    Para,
    Table,
    element_table,
    num,
    published_parts,
    whole,
)

MEMBERS_IN_BODY = 30  # more member units than this: their table is the annex, not chapter C
MEMBER_WIDTHS = (13.0, 24.0, 75.0, 17.0, 17.0, 14.0)  # mm, the 160 mm text block


def combined_publication(session: Session, combined: CombinedReport) -> Publication | None:
    """The current publication of the combined figure's scope, when its frozen index is exactly
    the figure's (a draft of unpublished or changed figures has none)."""
    from ...integrity.publications import index_differences

    current = [p for p in combined_revisions(session, combined) if p.is_current]
    if not current:
        return None
    frozen = json.loads(current[-1].figures).get("index") or {}
    return None if index_differences(frozen, combined.to_json()) else current[-1]


def build_document(session: Session, combined: CombinedReport,
                   signed_on: date | None = None) -> OfficialReport:
    """The document's content, from the live combined figures."""
    with force_locale(LOCALE):
        return _build(session, combined, signed_on)


def _build(session: Session, combined: CombinedReport, signed_on: date | None) -> OfficialReport:
    report, inst = combined.report, combined.report.instrument
    kop = _kop(session, combined)
    day = signed_on or datetime.now(ZoneInfo(report.unit.tz)).date()
    verification, integrity = published_parts(combined_publication(session, combined))
    members = _members_table(combined)
    in_body = len(combined.units) <= MEMBERS_IN_BODY
    body: list[Block] = [*_scope(combined), *_pooled(combined),
                         Heading(_("C. Each unit's own index")), _members_lead(combined, in_body)]
    body += [members, *_small_note(combined)] if in_body else [_spread(combined)]
    if verification is not None and not integrity:
        integrity = _("The figures in this document can be checked by anyone with "
                      "verification code %(code)s at %(url)s.", code=verification.code,
                      url=verification.url)
    if integrity:
        body += [Heading(_("D. Verification")), Para(integrity)]
    annex: tuple[Block, ...] = () if in_body else (
        Heading(_("Annex. Each unit's own index")), members, *_small_note(combined))
    place = kop.place or "." * 20
    title = _("COMBINED REPORT OF THE %(title)s", title=inst.title.id.upper())
    subtitle = (_whose(combined), _("Period %(period)s", period=_period(combined)))
    return OfficialReport(kop, title, subtitle, tuple(body),
                          f"{place}, {formats.day(day, locale=LOCALE)}", annex, verification)


def _kop(session: Session, combined: CombinedReport) -> Kop:
    """The letterhead of the unit that issues the document: the parent unit, or the unit that
    runs the group (a group run by nobody prints its own name alone)."""
    owner = combined.owner
    if isinstance(owner, UnitGroup):
        runner = session.get(Unit, owner.owner_unit_id) if owner.owner_unit_id else None
        return kop_of(session, runner) if runner is not None else Kop(owner.name)
    return kop_of(session, owner if isinstance(owner, Unit) else combined.report.unit)


def _whose(combined: CombinedReport) -> str:
    k = len(combined.units)
    if combined.kind == "group":
        return _("Unit group %(name)s (%(k)s units)", name=combined.name, k=whole(k))
    return _("%(name)s and the units below it (%(k)s units)", name=combined.name, k=whole(k))


def _period(combined: CombinedReport) -> str:
    period = combined.report.period
    return formats.period(period.start, period.end, locale=LOCALE)


def method_sentence() -> str:
    """How the combined figure is computed, in one sentence (as the README states it)."""
    return _("The combined index is pooled: every respondent of every unit counts once, as if "
             "the units were one unit; each element's NRR is the sum of all its answers over "
             "all units divided by their number, and the index is computed from those NRRs "
             "with the formula of PermenPAN-RB 14/2017, with its own %(level)s%% confidence "
             "interval from all respondent scores.", level=95)


def _scope(combined: CombinedReport) -> list[Block]:
    answered = sum(1 for u in combined.units if u.result is not None)
    return [Heading(_("A. Scope and method")),
            Para(_("This report gives the combined index of %(name)s in the period "
                   "%(period)s: %(answered)s of its %(k)s units had answers. Each unit's "
                   "responses are taken by its own local dates.", name=combined.name,
                   period=_period(combined), answered=whole(answered),
                   k=whole(len(combined.units)))),
            Para(method_sentence())]


def _pooled(combined: CombinedReport) -> list[Block]:
    report, r = combined.report, combined.report.result
    name = report.instrument.index_name
    ci = (f"{num(report.ci95[0])} – {num(report.ci95[1])}" if report.ci95
          else _("not computable (fewer than 2 respondents)"))
    rows = ((_("Combined %(index)s (converted value)", index=name), num(r.converted)),
            (_("Service quality grade"), r.category.mutu),
            (_("Unit performance"), r.category.kinerja_id),
            (_("Respondents (n)"), whole(report.n)),
            (_("%(level)s%% confidence interval", level=95), ci),
            (_("Units"), whole(len(combined.units))))
    blocks: list[Block] = [
        Heading(_("B. Combined index")),
        Table((_("Figure"), _("Value")), rows, (100, 60), right=(1,)),
        Para(_("The combined %(index)s of %(name)s is %(value)s, service quality grade "
               "%(grade)s (performance %(performance)s), from %(n)s respondents.", index=name,
               name=combined.name, value=num(r.converted), grade=r.category.mutu,
               performance=r.category.kinerja_id, n=whole(report.n)), bold=True)]
    if combined.mean_of_units is not None:
        blocks.append(Para(_("For reading only: the plain mean of the units' own indices is "
                             "%(mean)s; it gives every unit the same weight whatever its number "
                             "of respondents, so it is not the combined index.",
                             mean=num(combined.mean_of_units)), note=True))
    blocks += [Heading(_("Each element of the combined index"), 2), element_table(report)]
    return blocks


def _members_lead(combined: CombinedReport, in_body: bool) -> Para:
    text = _("Each unit's own index is computed from its own respondents only.")
    if not in_body:
        text += " " + _("The table of the %(k)s units is the annex of this report.",
                        k=whole(len(combined.units)))
    return Para(text)


def _spread(combined: CombinedReport) -> Table:
    """How many units have each grade (and a small sample, or no answers): the body's summary
    when the units' own table is the annex."""
    grades = [c.letter for c in sorted(combined.report.instrument.categories,
                                       key=lambda c: c.lower, reverse=True)]
    count = {g: sum(1 for u in combined.units if u.result and u.result.category.mutu == g)
             for g in grades}
    rows = tuple((_("Grade %(grade)s", grade=g), whole(count[g])) for g in grades)
    rows += ((_("No answers in the period"),
              whole(sum(1 for u in combined.units if u.result is None))),
             (_("Small sample (*, fewer than %(n)s respondents)", n=SMALL_SAMPLE),
              whole(sum(1 for u in combined.units if u.small))),
             (_("Units"), whole(len(combined.units))))
    return Table((_("Units' own index"), _("Units")), rows, (100, 60), right=(1,), total=1)


def _small_note(combined: CombinedReport) -> list[Block]:
    """The footnote of the small-sample mark, under the table (none when no unit has it)."""
    if not any(u.small for u in combined.units):
        return []
    return [Para(_("* fewer than %(n)s respondents: a small sample, the unit's own index is "
                   "imprecise.", n=SMALL_SAMPLE), note=True)]


def _members_table(combined: CombinedReport) -> Table:
    name = combined.report.instrument.index_name
    return Table((_("No."), _("Code"), _("Unit"), "n", name, _("Grade")),
                 tuple(_member_row(i, u) for i, u in enumerate(combined.units, start=1)),
                 MEMBER_WIDTHS, right=(3, 4))


def _member_row(i: int, u: UnitFigure) -> tuple[str, ...]:
    r = u.result
    return (str(i), u.unit.code, u.unit.name, whole(u.n) + (" *" if u.small else ""),
            num(r.converted) if r else formats.DASH, r.category.mutu if r else formats.DASH)


def pdf_bytes(session: Session, combined: CombinedReport) -> bytes:
    """The document as PDF."""
    return bytes(pdf_report.render(build_document(session, combined)).output())


def docx_bytes(session: Session, combined: CombinedReport) -> bytes:
    """The document as DOCX (editable)."""
    buffer = io.BytesIO()
    docx_report.render(build_document(session, combined)).save(buffer)
    return buffer.getvalue()


DOCUMENTS = {"pdf": pdf_bytes, "docx": docx_bytes}
