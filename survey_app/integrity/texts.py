"""Words of the integrity checks: each flag kind and its detail, and the input errors.

Messages are English msgids translated where they are shown (the dashboard, in the reader's
language); the command line shows them in English. Input errors are DomainErrors (settings.py,
quarantine.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker babel extracts
    """Mark a message for translation where it is shown."""
    return msgid


KIND_NAMES = {
    "burst": N_("Burst of responses"),
    "outside_hours": N_("Outside opening hours"),
    "near_duplicates": N_("Near-identical responses"),
    "straight_lining": N_("Same answer to every question"),
    "fast_completion": N_("Implausibly fast answers"),
    "bulk_import": N_("Paper import unlike the other answers"),
    "rate_above_transactions": N_("More responses than services delivered"),
    "nrr_jump": N_("Sudden rise of a counter's scores"),
}

DETAILS = {
    "burst": N_("%(observed)s responses in %(window_minutes)s minutes (at most %(threshold)s "
                "can be served; usual rate %(usual)s an hour, p = %(p)s)"),
    "outside_hours": N_("%(observed)s web or kiosk responses outside opening hours on "
                        "%(date)s (flagged from %(threshold)s)"),
    "near_duplicates": N_("%(observed)s near-identical responses among %(window)s that day "
                          "(about %(expected)s expected from the period's own answers, "
                          "p = %(p)s)"),
    "straight_lining": N_("%(observed)s of %(window)s responses that day give the same answer "
                          "to every question (about %(expected)s expected, p = %(p)s)"),
    "fast_completion": N_("%(observed)s responses sent within seconds of opening the form on "
                          "%(date)s (flagged from %(threshold)s)"),
    "bulk_import_distribution": N_("paper batch %(batch)s answers unlike the web and kiosk "
                                   "answers (Cramér's V %(observed)s, p = %(p)s)"),
    "bulk_import_capacity": N_("paper batch %(batch)s dates %(observed)s forms on %(date)s, "
                               "more than could be served (%(threshold)s)"),
    "rate_above_transactions": N_("%(observed)s responses on %(date)s, but %(expected)s "
                                  "services delivered"),
    "nrr_jump": N_("mean score rose to %(observed)s from %(expected)s before (p = %(p)s)"),
}

def _plain_number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def detail_text(kind: str, detail: Mapping[str, object],
                translate: Callable[[str], str] = str,
                number: Callable[[float, int], str] = _plain_number) -> str:
    """One sentence for a flag's machine-readable detail, through `translate` (and `number`
    for decimals: the page passes the reader's locale's, the command line plain ones)."""

    def _num(value: object, digits: int = 2) -> str:
        if isinstance(value, float):
            if value != 0 and abs(value) < 0.001:
                return f"{value:.1e}"  # a p-value: scientific notation is clearer
            return number(value, digits)
        return "-" if value is None else str(value)

    key = kind
    if kind == "bulk_import":
        key = f"bulk_import_{detail.get('reason', 'distribution')}"
    template = DETAILS.get(key)
    if template is None:
        return ""
    params = {name: _num(value) for name, value in detail.items()}
    params.setdefault("date", "-")
    params["p"] = _num(detail.get("p_value"))
    params["usual"] = _num(detail.get("usual_per_hour"), 1)
    params["window"] = _num(detail.get("window_responses"))
    params["expected"] = _num(detail.get("expected"), 1)
    params.setdefault("batch", "-")
    batch = str(detail.get("batch") or "-")
    params["batch"] = batch[:8]
    try:
        return translate(template) % params
    except (KeyError, ValueError, TypeError):
        return translate(template)
