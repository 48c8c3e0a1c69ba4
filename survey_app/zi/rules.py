"""ZI rule sets as data files, validated on load.

Every number in a rule file (pengungkit maximum, area and component weights, target thresholds,
the survey conversion) carries `source` (where it comes from, in Bahasa Indonesia), `source_en`
(the same in English: the rule files are data, not gettext catalogs, so they carry both languages)
and `confirmed` (whether that was checked against the regulation's own text); the ZI page lists
the unconfirmed ones.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from analysis.hasil import CONVERSIONS, KINDS, HasilComponent, HasilRule, Target

from ..domain_errors import N_, DomainError

RULES_DIR = Path(__file__).parent / "rules"
DEFAULT_RULE = "permenpanrb-90-2021"


@dataclass(frozen=True)
class RuleSet:
    """A rule set with what the page shows besides the arithmetic."""

    rule: HasilRule
    confidence: str
    areas: tuple[tuple[str, str, float], ...]  # code, name, weight
    sources: tuple[NumberSource, ...] = ()
    conversions: tuple[str, ...] = ("x/4",)  # the conversions a unit may choose

    @property
    def unconfirmed(self) -> tuple[NumberSource, ...]:
        """The numbers whose source could not be checked against the regulation text."""
        return tuple(s for s in self.sources if not s.confirmed)


@dataclass(frozen=True)
class NumberSource:
    """Where one number of a rule set comes from."""

    what: str
    value: float | None  # the weight or threshold; None for the conversion
    text: str  # what else the page prints with it (target bases, the conversions)
    source: str
    confirmed: bool
    kind: str = "weight"  # "weight", "target" or "conversion"
    bases: tuple[tuple[str, float], ...] = ()
    source_en: str = ""

    def source_in(self, lang: str) -> str:
        """The source note in a page language ("id" or "en")."""
        return self.source_en if lang == "en" and self.source_en else self.source


def _sources(data: dict[str, Any]) -> tuple[NumberSource, ...]:
    """Each number with its source; KeyError when one does not name it."""
    def one(what: str, value: float | None, entry: dict[str, Any], kind: str = "weight",
            text: str = "", bases: tuple[tuple[str, float], ...] = ()) -> NumberSource:
        texts = (str(entry["source"]).strip(), str(entry["source_en"]).strip())
        if not all(texts) or not isinstance(entry["confirmed"], bool):
            raise ValueError(f"{what}: source and source_en must be texts and confirmed true or "
                             "false")
        return NumberSource(what, value, text, texts[0], entry["confirmed"], kind, bases,
                            texts[1])

    out = [one("pengungkit", float(data["pengungkit_max"]), data["pengungkit"])]
    out += [one(a["name"], float(a["weight"]), a) for a in data["areas"]]
    out += [one(c["name"], float(c["weight"]), c) for c in data["hasil"]]
    out += [one(t["name"], float(t["total"]), t, "target",
                bases=tuple((k, float(v)) for k, v in t.get("bases", {}).items()))
            for t in data.get("targets", [])]
    conv = data["conversion"]
    out.append(one("conversion", None, conv, "conversion", ", ".join(conv["options"])))
    return tuple(out)


def _parse(data: dict[str, Any], name: str) -> RuleSet:
    try:
        comps = tuple(HasilComponent(c["code"], c["name"], float(c["weight"]), c["kind"])
                      for c in data["hasil"])
        areas = tuple((a["code"], a["name"], float(a["weight"])) for a in data["areas"])
        targets = tuple(Target(t["name"], float(t["total"]),
                               tuple((k, float(v)) for k, v in t.get("bases", {}).items()))
                        for t in data.get("targets", []))
        conversion = data["conversion"]
        rule = HasilRule(data["slug"], data["name"], float(data["pengungkit_max"]), comps, targets,
                         str(conversion["default"]))
        sources = _sources(data)
        options = tuple(str(o) for o in conversion["options"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{name}: invalid rule set ({exc})") from exc
    if rule.conversion not in options or any(o not in CONVERSIONS for o in options):
        raise ValueError(f"{name}: conversions must be among {', '.join(CONVERSIONS)}, "
                         "the default one of the options")
    if any(c.kind not in KINDS for c in comps):
        raise ValueError(f"{name}: component kind must be one of {', '.join(KINDS)}")
    if not math.isclose(sum(a[2] for a in areas), rule.pengungkit_max):
        raise ValueError(f"{name}: area weights do not sum to {rule.pengungkit_max:g}")
    if not math.isclose(sum(c.weight for c in comps) + rule.pengungkit_max, 100):
        raise ValueError(f"{name}: pengungkit and hasil weights do not sum to 100")
    return RuleSet(rule, str(data.get("confidence", "L")), areas, sources, options)


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
        raise DomainError(N_("unknown rule set %(slug)s: use one of %(choices)s"),
                          slug=repr(slug), choices=", ".join(sorted(sets)))
    return sets[slug or DEFAULT_RULE]
