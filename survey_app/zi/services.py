"""The hasil component for a unit and evaluation year, from its survey indices."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from analysis.hasil import HasilResult, compute_hasil

from ..models import HasilInput, Unit
from ..results.period import Period
from ..results.report import IndexReport, NoData, build_report
from .rules import RuleSet, get_rule_set

SOURCES = {"ipak": ("ipk", "spak"), "ipkp": ("ikm", "spkp")}


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

    def to_json(self) -> dict[str, Any]:
        """Each sub-score with its formula, the hasil total and, with pengungkit, the targets."""
        rule = self.rules.rule
        components = []
        for sub in self.result.subscores:
            row: dict[str, Any] = {"code": sub.code, "name": sub.name, "weight": sub.weight,
                                   "score": sub.score, "formula": sub.formula}
            report = self.reports.get(sub.code)
            if report is not None:
                r = report.result
                row |= {"source": self.sources[sub.code], "n": report.n, "index": r.index,
                        "scale": [r.scale_min, r.scale_max], "basis": sub.value,
                        "basis_derived": r.scale_max != 4}
            else:
                row["value"] = sub.value
            components.append(row)
        return {
            "unit": self.unit.code, "year": self.year,
            "rule": {"slug": rule.slug, "name": rule.name, "confidence": self.rules.confidence},
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "components": components, "hasil": self.result.hasil,
            "hasil_max": sum(c.weight for c in rule.components),
            "complete": self.result.complete, "pengungkit": self.result.pengungkit,
            "pengungkit_max": rule.pengungkit_max, "total": self.result.total,
            "targets": [{"name": t.name, "total": t.total, "bases": dict(t.bases), "met": met}
                        for t, (_, met) in zip(rule.targets, self.result.targets, strict=True)],
        }


def stored_input(session: Session, unit: Unit, year: int) -> HasilInput | None:
    """What the ZI team saved for this unit and year."""
    return session.scalar(select(HasilInput).where(HasilInput.unit_id == unit.id,
                                                   HasilInput.year == year))


def compute(session: Session, unit: Unit, year: int, *, rule: str | None = None,
            kinerja: float | None = None, pengungkit: float | None = None,
            sources: dict[str, str] | None = None) -> HasilReport:
    """Compute the hasil component; explicit arguments override what was saved for the year."""
    if not 2000 <= year <= 2100:
        raise ValueError(f"year {year} is out of range")
    saved = stored_input(session, unit, year)
    rules = get_rule_set(rule or (saved.rule_set if saved else None))
    chosen = {"ipak": saved.ipak_source, "ipkp": saved.ipkp_source} if saved else \
        {"ipak": "ipk", "ipkp": "ikm"}
    chosen |= sources or {}
    for role, slug in chosen.items():
        if slug not in SOURCES[role]:
            raise ValueError(f"{role} must come from {' or '.join(SOURCES[role])}, not {slug!r}")
    period = Period(saved.period_from, saved.period_to) if saved else \
        Period(date(year, 1, 1), date(year, 12, 31))
    if kinerja is None and saved is not None:
        kinerja = saved.kinerja
    if pengungkit is None and saved is not None and saved.pengungkit:
        pengungkit = float(json.loads(saved.pengungkit).get("total"))
    reports, bases = {}, {}
    for comp in rules.rule.components:
        if comp.kind != "survey":
            continue
        slug = chosen[comp.code]
        try:
            report = build_report(session, unit, slug, period)
        except NoData as exc:
            raise NoData(f"{comp.code.upper()} cannot be computed for {year}: {exc}") from None
        reports[comp.code] = report
        bases[comp.code] = analysis.zi_basis(report.result.index, report.result.scale_max)
    result = compute_hasil(rules.rule, bases, {"kinerja": kinerja}, pengungkit)
    return HasilReport(unit, year, period, rules, {k: chosen[k] for k in reports}, reports,
                       result)


def save_input(session: Session, unit: Unit, year: int, *, rule: str, ipak_source: str,
               ipkp_source: str, period: Period, kinerja: float | None,
               pengungkit: dict[str, float] | None) -> HasilInput:
    """Store the ZI team's inputs for a year (validated by computing once)."""
    get_rule_set(rule)
    for role, slug in (("ipak", ipak_source), ("ipkp", ipkp_source)):
        if slug not in SOURCES[role]:
            raise ValueError(f"{role} must come from {' or '.join(SOURCES[role])}")
    row = stored_input(session, unit, year) or HasilInput(unit_id=unit.id, year=year)
    row.rule_set, row.ipak_source, row.ipkp_source = rule, ipak_source, ipkp_source
    row.period_from, row.period_to = period.start, period.end
    row.kinerja = kinerja
    row.pengungkit = json.dumps(pengungkit) if pengungkit else None
    session.add(row)
    session.commit()
    return row
