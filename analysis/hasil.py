"""The hasil (results) component of the Zona Integritas evaluation, from a rule set.

PermenPAN-RB 90/2021: total 100 = pengungkit 60 + hasil 40, hasil = IPAK 17.5 + capaian
kinerja 5 + IPKP 17.5. A survey index enters on a 0..4 basis: score = basis / 4 x weight.
Rule sets are data (see ``survey_app/zi/rules``); this module only does the arithmetic.

Targets are compared on values rounded half-up to 2 decimals (:func:`analysis.round_half_up`),
as the IKM categories are classified: a total printed as 75.00 meets a ">= 75" target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .index import round_half_up

__all__ = ["HasilComponent", "HasilResult", "HasilRule", "SubScore", "Target", "compute_hasil"]


@dataclass(frozen=True)
class HasilComponent:
    """A part of the hasil component: a survey index (by role) or a score entered as is."""

    code: str
    name: str
    weight: float
    kind: str  # "survey" or "input"


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

    @property
    def complete(self) -> bool:
        """Every input component was entered."""
        return all(s.value is not None for s in self.subscores)


def compute_hasil(rule: HasilRule, bases: Mapping[str, float],
                  inputs: Mapping[str, float | None],
                  pengungkit: float | None = None) -> HasilResult:
    r"""Score each component and add them up.

    .. math:: s_c = \frac{b_c}{4} w_c \ \text{(survey)}, \qquad s_c = x_c \ \text{(input)}

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
    known = {c.code for c in rule.components if c.kind == "input"}
    for code, value in inputs.items():
        if value is not None and code not in known:
            raise ValueError(f"{code}: {rule.name} has no such component")
    subs = []
    for comp in rule.components:
        if comp.kind == "survey":
            basis = _checked(bases, comp.code, 0, 4, "basis (0..4)")
            subs.append(SubScore(comp.code, comp.name, comp.weight, basis,
                                 basis / 4 * comp.weight, f"{basis:.4f} / 4 x {comp.weight:g}"))
        elif inputs.get(comp.code) is None:
            subs.append(SubScore(comp.code, comp.name, comp.weight, None, 0.0, "not entered"))
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
    return HasilResult(rule.slug, tuple(subs), hasil, pengungkit, total, met)


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

