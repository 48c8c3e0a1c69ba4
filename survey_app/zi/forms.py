"""The ZI page's form: what it shows, and the typed text read back into checked values.

A field the request does not carry keeps what was saved; a field sent empty clears it. So a
form re-saved with only the kinerja changed keeps the stored pengungkit areas.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .. import inputs
from ..domain_errors import DomainError
from ..models import HasilInput
from ..results.period import Period
from .rules import DEFAULT_RULE, RuleSet, get_rule_set
from .services import (
    LABELS,
    NOT_A_DATE,
    NOT_A_NUMBER,
    PERIOD_ORDER,
    UNKNOWN_RULE,
    YEAR_RANGE,
    FieldError,
    HasilInputs,
    InputErrors,
    check_input,
    stored_pengungkit,
)

FIELDS = ("rule", "ipak_source", "ipkp_source", "from", "to", "kinerja", "pengungkit_total",
          "tlhp", "conversion")
_NUMBER = re.compile(r"-?[0-9]{1,7}(?:[.,][0-9]{1,8})?")  # ASCII digits; comma or point


def _text(value: float | None) -> str:
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def initial(saved: HasilInput | None, year: int) -> dict[str, str]:
    """The fields as saved for the year (or the defaults), as the form shows them."""
    if saved is None:
        return {"rule": DEFAULT_RULE, "ipak_source": "ipk", "ipkp_source": "ikm",
                "from": f"{year}-01-01", "to": f"{year}-12-31", "kinerja": "",
                "pengungkit_total": "", "tlhp": "", "conversion": ""}
    areas, total = stored_pengungkit(saved)
    return {"rule": saved.rule_set, "ipak_source": saved.ipak_source,
            "ipkp_source": saved.ipkp_source, "from": saved.period_from.isoformat(),
            "to": saved.period_to.isoformat(), "kinerja": _text(saved.kinerja),
            "tlhp": _text(saved.tlhp), "conversion": saved.conversion or "",
            **{f"area-{code}": _text(v) for code, v in areas.items()},
            "pengungkit_total": "" if areas else _text(total)}


def typed(form: Mapping[str, str], saved: HasilInput | None, year: int) -> dict[str, str]:
    """What the form holds after a submission: the saved fields overlaid with those sent."""
    sent = {k: v for k, v in form.items() if k in FIELDS or k.startswith("area-")}
    return initial(saved, year) | sent


def _number(raw: dict[str, str], name: str, label: str, errors: list[FieldError]) -> float | None:
    text = raw.get(name, "").strip()
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        errors.append(FieldError(name, NOT_A_NUMBER, field=label, value=text[:20]))
        return None
    return float(text.replace(",", "."))


def _rules(raw: dict[str, str], errors: list[FieldError]) -> RuleSet:
    try:
        return get_rule_set(raw.get("rule") or None)
    except DomainError:
        errors.append(FieldError("rule", UNKNOWN_RULE, field=LABELS["rule"],
                                 value=raw.get("rule", "")[:40]))
        return get_rule_set(None)


def _period(raw: dict[str, str], errors: list[FieldError]) -> Period | None:
    ends = []
    for name in ("from", "to"):
        try:
            value = inputs.parse_date(raw.get(name, ""))
        except DomainError:
            errors.append(FieldError(name, NOT_A_DATE, field=LABELS[name],
                                     value=raw.get(name, "")[:20]))
            continue
        if not inputs.FIRST_YEAR <= value.year <= inputs.LAST_YEAR:
            errors.append(FieldError(name, YEAR_RANGE, field=LABELS[name],
                                     first=str(inputs.FIRST_YEAR), last=str(inputs.LAST_YEAR)))
            continue
        ends.append(value)
    if len(ends) < 2:
        return None
    if ends[0] > ends[1]:
        errors.append(FieldError("to", PERIOD_ORDER, field=LABELS["to"],
                                 start=ends[0].isoformat(), end=ends[1].isoformat()))
        return None
    return Period(ends[0], ends[1])


def read(form: Mapping[str, str], saved: HasilInput | None, year: int) -> HasilInputs:
    """Checked inputs from a submission; InputErrors listing every bad field otherwise."""
    raw = typed(form, saved, year)
    errors: list[FieldError] = []
    rules = _rules(raw, errors)
    kinerja = _number(raw, "kinerja", LABELS["kinerja"], errors)
    areas = {code: v for code, name, _w in rules.areas
             if (v := _number(raw, f"area-{code}", name, errors)) is not None}
    total = _number(raw, "pengungkit_total", LABELS["pengungkit_total"], errors)
    tlhp = _number(raw, "tlhp", LABELS["tlhp"], errors)
    conversion = raw.get("conversion", "").strip()[:16] or None
    period = _period(raw, errors)
    ipak, ipkp = raw.get("ipak_source", ""), raw.get("ipkp_source", "")
    errors += check_input(rules, ipak_source=ipak, ipkp_source=ipkp, kinerja=kinerja,
                          areas=areas, total=total, tlhp=tlhp, conversion=conversion)
    if errors or period is None:
        raise InputErrors(errors)
    return HasilInputs(rules.rule.slug, ipak, ipkp, period, kinerja, areas, total, tlhp,
                       conversion)


def messages(exc: InputErrors) -> dict[str, str]:
    """Each bad field's message in the page's language (the first one per field)."""
    out: dict[str, str] = {}
    for err in exc.errors:
        out.setdefault(err.name, err.message())
    return out
