"""ZI rule sets as data files, validated on load."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from analysis.hasil import HasilComponent, HasilRule, Target

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_RULE = "permenpanrb-90-2021"


@dataclass(frozen=True)
class RuleSet:
    """A rule set with what the page shows besides the arithmetic."""

    rule: HasilRule
    confidence: str
    areas: tuple[tuple[str, str, float], ...]  # code, name, weight


def _parse(data: dict[str, Any], name: str) -> RuleSet:
    try:
        comps = tuple(HasilComponent(c["code"], c["name"], float(c["weight"]), c["kind"])
                      for c in data["hasil"])
        areas = tuple((a["code"], a["name"], float(a["weight"])) for a in data["areas"])
        targets = tuple(Target(t["name"], float(t["total"]),
                               tuple((k, float(v)) for k, v in t.get("bases", {}).items()))
                        for t in data.get("targets", []))
        rule = HasilRule(data["slug"], data["name"], float(data["pengungkit_max"]), comps, targets)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{name}: invalid rule set ({exc})") from exc
    if any(c.kind not in ("survey", "input") for c in comps):
        raise ValueError(f"{name}: component kind must be 'survey' or 'input'")
    if not math.isclose(sum(a[2] for a in areas), rule.pengungkit_max):
        raise ValueError(f"{name}: area weights do not sum to {rule.pengungkit_max:g}")
    if not math.isclose(sum(c.weight for c in comps) + rule.pengungkit_max, 100):
        raise ValueError(f"{name}: pengungkit and hasil weights do not sum to 100")
    return RuleSet(rule, str(data.get("confidence", "L")), areas)


@cache
def rule_sets() -> dict[str, RuleSet]:
    """Every shipped rule set by slug."""
    out = {}
    for path in sorted(RULES_DIR.glob("*.toml")):
        rs = _parse(tomllib.loads(path.read_text("utf-8")), path.name)
        out[rs.rule.slug] = rs
    return out


def get_rule_set(slug: str | None) -> RuleSet:
    """A rule set by slug (default PermenPAN-RB 90/2021)."""
    sets = rule_sets()
    if (slug or DEFAULT_RULE) not in sets:
        raise ValueError(f"unknown rule set {slug!r}: use one of {', '.join(sorted(sets))}")
    return sets[slug or DEFAULT_RULE]
