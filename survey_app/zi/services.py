"""The hasil component for a unit and evaluation year, from its survey indices."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from analysis.hasil import HasilResult, compute_hasil

from ..domain_errors import N_, DomainError, Msg, NoData
from ..models import HasilInput, Unit
from ..results.period import Period
from ..results.report import IndexReport, build_report
from .rules import RuleSet, get_rule_set

SOURCES = {"ipak": ("ipk", "spak"), "ipkp": ("ikm", "spkp")}
ROUNDING = 2  # targets are compared on values rounded half-up to this many decimals
LABELS = {
    "rule": N_("Rule set"), "ipak_source": N_("IPAK from"), "ipkp_source": N_("IPKP from"),
    "from": N_("Survey period from"), "to": N_("Survey period to"),
    "kinerja": N_("Performance score (kinerja)"),
    "tlhp": N_("Audit findings followed up (TLHP), in percent"),
    "conversion": N_("Conversion of a survey value to points"),
    "pengungkit_total": N_("Levers total (pengungkit)"),
}
NOT_A_NUMBER = N_("%(field)s: “%(value)s” is not a number; write digits, e.g. 4.5")
OUT_OF_RANGE = N_("%(field)s must be between 0 and %(max)s, not %(value)s")
NOT_IN_RULE = N_("%(field)s: %(rule)s has no such component, so it cannot be entered")
NOT_THE_SUM = N_("%(field)s: %(value)s is not the sum of the areas (%(sum)s); "
                 "leave it empty or correct it")
BAD_SOURCE = N_("%(field)s: choose %(choices)s")
UNKNOWN_RULE = N_("%(field)s: unknown rule set “%(value)s”")
NOT_A_DATE = N_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD)")
BAD_CONVERSION = N_("%(field)s: choose %(choices)s")
PERIOD_ORDER = N_("%(field)s: the period ends (%(end)s) before it starts (%(start)s)")
YEAR_RANGE = N_("%(field)s: use a date in the years %(first)s to %(last)s")


class FieldError(DomainError):
    """One value that cannot be used: the form field, an English msgid and its parameters.

    A `field` parameter is a label msgid (LABELS) or a rule set's own area name; it is
    translated with the message (a name with no translation stays as it is).
    """

    def __init__(self, name: str, msgid: str, **params: Any) -> None:
        if isinstance(params.get("field"), str):
            params["field"] = Msg(params["field"])
        super().__init__(msgid, **params)
        self.name = name


class InputErrors(DomainError):
    """Every bad value of one submission; nothing was saved."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def message(self) -> str:
        """Each bad value's message in the page's language."""
        return "; ".join(e.message() for e in self.errors)


@dataclass(frozen=True)
class HasilInputs:
    """What the ZI team enters for a year: areas, or a pengungkit total, or neither."""

    rule: str
    ipak_source: str
    ipkp_source: str
    period: Period
    kinerja: float | None = None
    areas: Mapping[str, float] = field(default_factory=dict)
    pengungkit_total: float | None = None
    tlhp: float | None = None  # percent of audit findings followed up (52/2014)
    conversion: str | None = None  # None: the rule set's default


@dataclass(frozen=True)
class AreaScore:
    """One pengungkit area: its maximum under the rule set and the score entered (or None)."""

    code: str
    name: str
    max: float
    value: float | None


def _num(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else str(value)


def check_input(rules: RuleSet, *, ipak_source: str | None = None,
                ipkp_source: str | None = None, kinerja: float | None = None,
                areas: Mapping[str, float] | None = None,
                total: float | None = None, tlhp: float | None = None,
                conversion: str | None = None) -> list[FieldError]:
    """Every value outside what the rule set allows, each naming its field."""
    errors = _check_tlhp_and_conversion(rules, tlhp, conversion)
    for name, role, slug in (("ipak_source", "ipak", ipak_source),
                             ("ipkp_source", "ipkp", ipkp_source)):
        if slug is not None and slug not in SOURCES[role]:
            errors.append(FieldError(name, BAD_SOURCE, field=LABELS[name],
                                     choices=" / ".join(s.upper() for s in SOURCES[role])))
    if kinerja is not None:
        comp = next((c for c in rules.rule.components if c.code == "kinerja"), None)
        if comp is None:
            errors.append(FieldError("kinerja", NOT_IN_RULE, field=LABELS["kinerja"],
                                     rule=rules.rule.name))
        elif not (math.isfinite(kinerja) and 0 <= kinerja <= comp.weight):
            errors.append(FieldError("kinerja", OUT_OF_RANGE, field=LABELS["kinerja"],
                                     max=_num(comp.weight), value=_num(kinerja)))
    given = dict(areas or {})
    for code, name, weight in rules.areas:
        value = given.get(code)
        if value is not None and not (math.isfinite(value) and 0 <= value <= weight):
            errors.append(FieldError(f"area-{code}", OUT_OF_RANGE, field=name, max=_num(weight),
                                     value=_num(value)))
    if total is not None:
        top = rules.rule.pengungkit_max
        if not (math.isfinite(total) and 0 <= total <= top):
            errors.append(FieldError("pengungkit_total", OUT_OF_RANGE,
                                     field=LABELS["pengungkit_total"], max=_num(top),
                                     value=_num(total)))
        elif given and abs(total - math.fsum(given.values())) > 0.005:
            errors.append(FieldError("pengungkit_total", NOT_THE_SUM,
                                     field=LABELS["pengungkit_total"], value=_num(total),
                                     sum=_num(math.fsum(given.values()))))
    return errors


@dataclass(frozen=True)
class HasilReport:
    """A hasil computation with the survey reports behind it."""

    unit: Unit
    year: int
    period: Period
    rules: RuleSet
    sources: dict[str, str]
    reports: dict[str, IndexReport]
    result: HasilResult
    areas: tuple[AreaScore, ...] = ()  # the pengungkit per area, when it was entered so

    def to_json(self) -> dict[str, Any]:
        """Each sub-score with its formula, the hasil total and, with pengungkit, the targets."""
        rule = self.rules.rule
        kinds = {c.code: c.kind for c in rule.components}
        components = []
        for sub in self.result.subscores:
            row: dict[str, Any] = {"code": sub.code, "name": sub.name, "weight": sub.weight,
                                   "score": sub.score, "formula": sub.formula,
                                   "kind": kinds[sub.code]}
            report = self.reports.get(sub.code)
            if report is not None:
                r = report.result
                row |= {"source": self.sources[sub.code], "n": report.n, "index": r.index,
                        "scale": [r.scale_min, r.scale_max], "basis": sub.value,
                        "basis_derived": r.scale_max != 4,
                        "sample": {"population": report.sample.population,
                                   "required": report.sample.required,
                                   "adequate": report.sample.adequate}}
            else:
                row["value"] = sub.value
            components.append(row)
        total = self.result.total
        return {
            "unit": self.unit.code, "year": self.year,
            "rule": {"slug": rule.slug, "name": rule.name, "confidence": self.rules.confidence},
            "conversion": {"used": self.result.conversion, "default": rule.conversion,
                           "options": list(self.rules.conversions)},
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "components": components, "hasil": self.result.hasil,
            "hasil_max": sum(c.weight for c in rule.components),
            "complete": self.result.complete, "pengungkit": self.result.pengungkit,
            "pengungkit_max": rule.pengungkit_max,
            "pengungkit_areas": [{"code": a.code, "name": a.name, "max": a.max,
                                  "value": a.value} for a in self.areas],
            "total": total,
            "total_rounded": None if total is None else analysis.round_half_up(total, ROUNDING),
            "targets_rounded_to": ROUNDING,
            "targets": [{"name": t.name, "total": t.total, "bases": dict(t.bases), "met": met}
                        for t, (_, met) in zip(rule.targets, self.result.targets, strict=True)],
        }


def stored_input(session: Session, unit: Unit, year: int) -> HasilInput | None:
    """What the ZI team saved for this unit and year."""
    return session.scalar(select(HasilInput).where(HasilInput.unit_id == unit.id,
                                                   HasilInput.year == year))


def stored_pengungkit(saved: HasilInput | None) -> tuple[dict[str, float], float | None]:
    """The saved pengungkit: scores per area (may be empty) and the total (None if not saved)."""
    if saved is None or not saved.pengungkit:
        return {}, None
    data = json.loads(saved.pengungkit)
    total = data.pop("total", None)
    return {k: float(v) for k, v in data.items()}, None if total is None else float(total)


def _check_tlhp_and_conversion(rules: RuleSet, tlhp: float | None,
                               conversion: str | None) -> list[FieldError]:
    errors = []
    if tlhp is not None:
        if not any(c.code == "tlhp" for c in rules.rule.components):
            errors.append(FieldError("tlhp", NOT_IN_RULE, field=LABELS["tlhp"],
                                     rule=rules.rule.name))
        elif not (math.isfinite(tlhp) and 0 <= tlhp <= 100):
            errors.append(FieldError("tlhp", OUT_OF_RANGE, field=LABELS["tlhp"], max="100",
                                     value=_num(tlhp)))
    if conversion is not None and conversion not in rules.conversions:
        errors.append(FieldError("conversion", BAD_CONVERSION, field=LABELS["conversion"],
                                 choices=" / ".join(rules.conversions)))
    return errors


def _year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise DomainError(N_("year %(year)d is out of range (2000..2100)"), year=year)


def compute(session: Session, unit: Unit, year: int, *, rule: str | None = None,
            kinerja: float | None = None, pengungkit: float | None = None,
            sources: dict[str, str] | None = None, tlhp: float | None = None,
            conversion: str | None = None) -> HasilReport:
    """Compute the hasil component; explicit arguments override what was saved for the year.

    An explicit value the rule set cannot take (out of range, or a kinerja score under a rule
    set without that component) is an error; a saved kinerja under such a rule set is unused.
    """
    _year(year)
    saved = stored_input(session, unit, year)
    rules = get_rule_set(rule or (saved.rule_set if saved else None))
    chosen = {"ipak": saved.ipak_source, "ipkp": saved.ipkp_source} if saved else \
        {"ipak": "ipk", "ipkp": "ikm"}
    chosen |= sources or {}
    errors = check_input(rules, ipak_source=chosen["ipak"], ipkp_source=chosen["ipkp"],
                         kinerja=kinerja, total=pengungkit, tlhp=tlhp, conversion=conversion)
    period = Period(saved.period_from, saved.period_to) if saved else \
        Period(date(year, 1, 1), date(year, 12, 31))
    has_kinerja = any(c.code == "kinerja" for c in rules.rule.components)
    if kinerja is None and saved is not None and has_kinerja:
        kinerja = saved.kinerja
    has_tlhp = any(c.code == "tlhp" for c in rules.rule.components)
    if tlhp is None and saved is not None and has_tlhp:
        tlhp = saved.tlhp
    if conversion is None and saved is not None and saved.conversion in rules.conversions:
        conversion = saved.conversion
    areas: tuple[AreaScore, ...] = ()
    if pengungkit is None:
        entered, pengungkit = stored_pengungkit(saved)
        if entered:
            errors += check_input(rules, areas=entered)
            areas = tuple(AreaScore(c, n, w, entered.get(c)) for c, n, w in rules.areas)
    if errors:
        raise InputErrors(errors)
    reports, bases = {}, {}
    for comp in rules.rule.components:
        if comp.kind != "survey":
            continue
        slug = chosen[comp.code]
        try:
            report = build_report(session, unit, slug, period)
        except NoData as exc:
            raise NoData(N_("%(component)s cannot be computed for %(year)d: %(reason)s"),
                         component=comp.code.upper(), year=year, reason=exc) from None
        reports[comp.code] = report
        bases[comp.code] = analysis.zi_basis(report.result.index, report.result.scale_max)
    inputs = {"kinerja": kinerja} if has_kinerja else {}
    if has_tlhp:
        inputs["tlhp"] = tlhp
    result = compute_hasil(rules.rule, bases, inputs, pengungkit, conversion)
    return HasilReport(unit, year, period, rules, {k: chosen[k] for k in reports}, reports,
                       result, areas)


def save_input(session: Session, unit: Unit, year: int, values: HasilInputs) -> HasilInput:
    """Store the ZI team's inputs for a year after checking each against the rule set.

    Raises InputErrors (nothing written) when any value is outside what the rule set allows.
    With areas entered the stored pengungkit total is their sum.
    """
    _year(year)
    try:
        rules = get_rule_set(values.rule)
    except DomainError:
        raise InputErrors([FieldError("rule", UNKNOWN_RULE, field=LABELS["rule"],
                                      value=values.rule)]) from None
    errors = check_input(rules, ipak_source=values.ipak_source,
                         ipkp_source=values.ipkp_source, kinerja=values.kinerja,
                         areas=values.areas, total=values.pengungkit_total,
                         tlhp=values.tlhp, conversion=values.conversion)
    if errors:
        raise InputErrors(errors)
    areas = {c: values.areas[c] for c, _n, _w in rules.areas if c in values.areas}
    total = math.fsum(areas.values()) if areas else values.pengungkit_total
    row = stored_input(session, unit, year) or HasilInput(unit_id=unit.id, year=year)
    row.rule_set, row.ipak_source, row.ipkp_source = rules.rule.slug, values.ipak_source, \
        values.ipkp_source
    row.period_from, row.period_to = values.period.start, values.period.end
    row.kinerja, row.tlhp = values.kinerja, values.tlhp
    row.conversion = values.conversion if values.conversion != rules.rule.conversion else None
    row.pengungkit = json.dumps({"total": total, **areas}) if total is not None else None
    session.add(row)
    session.flush()
    return row
