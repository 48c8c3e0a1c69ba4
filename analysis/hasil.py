"""The hasil (results) component of the Zona Integritas evaluation, from a rule set.

PermenPAN-RB 90/2021: total 100 = pengungkit 60 + hasil 40, hasil = IPAK 17.5 + capaian
kinerja 5 + IPKP 17.5. A survey index enters on a 0..4 basis and is turned into points by the
rule set's conversion: ``x/4`` (score = basis / 4 x weight, the default) or ``(x-1)/3``
(score = (basis - 1) / 3 x weight, as one public LKE implementation encodes it). A "percent"
component (PermenPAN-RB 52/2014's TLHP, the share of audit findings followed up) scores
percent / 100 x weight. Rule sets are data (see ``survey_app/zi/rules``); this module only does
the arithmetic.

Targets are compared on values rounded half-up to 2 decimals (:func:`analysis.round_half_up`),
as the IKM categories are classified: a total printed as 75.00 meets a ">= 75" target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .index import round_half_up

__all__ = ["CONVERSIONS", "HasilComponent", "HasilResult", "HasilRule", "SubScore", "Target",
           "compute_hasil", "survey_points"]

# How a survey basis (0..4) becomes a share of its weight.
CONVERSIONS = ("x/4", "(x-1)/3")
KINDS = ("survey", "input", "percent")


def survey_points(basis: float, weight: float, conversion: str = "x/4") -> float:
    r"""Points of a survey component.

    .. math:: s = \frac{x}{4} w \quad\text{(x/4)}, \qquad
              s = \max\left(0, \frac{x - 1}{3}\right) w \quad\text{((x-1)/3)}

    ``(x-1)/3`` maps a 1..4 index onto 0..1 (4 -> 1.00, 3 -> 0.67, 1 -> 0); a basis below 1,
    possible only from a derived 6-point conversion, scores 0.

    Raises
    ------
    ValueError
        An unknown conversion, or a basis outside 0..4.
    """
    if conversion not in CONVERSIONS:
        raise ValueError(f"conversion must be one of {', '.join(CONVERSIONS)}, not {conversion!r}")
    if not (math.isfinite(basis) and 0 <= basis <= 4):
        raise ValueError(f"basis (0..4) out of range: {basis!r}")
    share = basis / 4 if conversion == "x/4" else max(0.0, (basis - 1) / 3)
    return share * weight


@dataclass(frozen=True)
class HasilComponent:
    """A part of the hasil component: a survey index (by role) or a score entered as is."""

    code: str
    name: str
    weight: float
    kind: str  # "survey", "input" (points as entered) or "percent" (0..100 of the weight)


@dataclass(frozen=True)
class Target:
    """A threshold shown as a target: total score and/or survey bases (0..4)."""

    name: str
    total: float
    bases: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class HasilRule:
    """A rule set: pengungkit maximum, hasil components and targets."""

    slug: str
    name: str
    pengungkit_max: float
    components: tuple[HasilComponent, ...]
    targets: tuple[Target, ...]
    conversion: str = "x/4"  # the default conversion of a survey basis to points


@dataclass(frozen=True)
class SubScore:
    """One component's score and how it was computed."""

    code: str
    name: str
    weight: float
    value: float | None  # None: an input that was not entered (scored 0)
    score: float
    formula: str


@dataclass(frozen=True)
class HasilResult:
    """Hasil sub-scores and total; with pengungkit, the grand total and the targets met."""

    rule: str
    subscores: tuple[SubScore, ...]
    hasil: float
    pengungkit: float | None
    total: float | None
    targets: tuple[tuple[str, bool | None], ...]
    conversion: str = "x/4"  # the conversion the survey scores were computed with

    @property
    def complete(self) -> bool:
        """Every input component was entered."""
        return all(s.value is not None for s in self.subscores)


def compute_hasil(rule: HasilRule, bases: Mapping[str, float],
                  inputs: Mapping[str, float | None],
                  pengungkit: float | None = None,
                  conversion: str | None = None) -> HasilResult:
    r"""Score each component and add them up.

    .. math:: s_c = \frac{b_c}{4} w_c \ \text{(survey, x/4)}, \qquad
              s_c = x_c \ \text{(input)}, \qquad s_c = \frac{p_c}{100} w_c \ \text{(percent)}

    Parameters
    ----------
    rule : HasilRule
    bases : mapping
        Survey component code -> index on the 0..4 basis (``analysis.zi_basis``).
    inputs : mapping
        Input component code -> score already on the component's scale (0..weight). A missing
        input scores 0 and makes the result incomplete (``HasilResult.complete``); a value for a
        code the rule set has no input component for is refused, not ignored.
    pengungkit : float, optional
        Pengungkit total (0..rule.pengungkit_max); needed for the grand total and targets.
    conversion : str, optional
        ``"x/4"`` or ``"(x-1)/3"`` (:func:`survey_points`); default the rule's own.

    Raises
    ------
    ValueError
        A missing or out-of-range basis or input, an input the rule set does not have, or
        pengungkit outside its range.

    Notes
    -----
    A target is met when ``round_half_up(total, 2) >= target.total`` and, for each base it
    names, ``round_half_up(basis, 2) >= threshold``.
    """
    how = conversion or rule.conversion
    if how not in CONVERSIONS:
        raise ValueError(f"conversion must be one of {', '.join(CONVERSIONS)}, not {how!r}")
    known = {c.code for c in rule.components if c.kind in ("input", "percent")}
    for code, value in inputs.items():
        if value is not None and code not in known:
            raise ValueError(f"{code}: {rule.name} has no such component")
    subs = []
    for comp in rule.components:
        if comp.kind == "survey":
            basis = _checked(bases, comp.code, 0, 4, "basis (0..4)")
            formula = (f"{basis:.4f} / 4 x {comp.weight:g}" if how == "x/4"
                       else f"({basis:.4f} - 1) / 3 x {comp.weight:g}")
            subs.append(SubScore(comp.code, comp.name, comp.weight, basis,
                                 survey_points(basis, comp.weight, how), formula))
        elif inputs.get(comp.code) is None:
            subs.append(SubScore(comp.code, comp.name, comp.weight, None, 0.0, "not entered"))
        elif comp.kind == "percent":
            value = _checked(inputs, comp.code, 0, 100, "percentage (0..100)")
            subs.append(SubScore(comp.code, comp.name, comp.weight, value,
                                 value / 100 * comp.weight,
                                 f"{value:g}% x {comp.weight:g}"))
        else:
            value = _checked(inputs, comp.code, 0, comp.weight, f"score (0..{comp.weight:g})")
            subs.append(SubScore(comp.code, comp.name, comp.weight, value, value,
                                 f"entered {value:g} of {comp.weight:g}"))
    hasil = math.fsum(s.score for s in subs)
    total = None
    if pengungkit is not None:
        if not (math.isfinite(pengungkit) and 0 <= pengungkit <= rule.pengungkit_max):
            raise ValueError(f"pengungkit must be between 0 and {rule.pengungkit_max:g}")
        total = hasil + pengungkit
    met = tuple((t.name, _met(t, total, bases)) for t in rule.targets)
    return HasilResult(rule.slug, tuple(subs), hasil, pengungkit, total, met, how)


def _checked(values: Mapping[str, float | None], code: str, lo: float, hi: float,
             what: str) -> float:
    raw = values.get(code)
    if raw is None:
        raise ValueError(f"{code}: no value given")
    value = float(raw)
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ValueError(f"{code}: {what} out of range: {value:g}")
    return value


def _met(target: Target, total: float | None, bases: Mapping[str, float]) -> bool | None:
    """Whether a target is met, on values rounded half-up to 2 decimals; None without a total."""
    if total is None:
        return None
    return round_half_up(total, 2) >= target.total and all(
        round_half_up(bases.get(c, 0.0), 2) >= b for c, b in target.bases)

