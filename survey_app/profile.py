"""Respondent profile fields (domain reference 1.2): nothing that identifies a person."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SEX = {"L": _l("Male"), "P": _l("Female")}
EDUCATION = {
    "tidak_sekolah": _l("No schooling"),
    "SD": _l("Primary school (SD)"),
    "SMP": _l("Junior high school (SMP)"),
    "SMA": _l("Senior high school (SMA/SMK)"),
    "D1-D3": _l("Diploma (D1-D3)"),
    "S1": _l("Bachelor (S1/D4)"),
    "S2": _l("Master (S2)"),
    "S3": _l("Doctorate (S3)"),
}
OCCUPATION = {
    "PNS": _l("Civil servant (PNS)"),
    "TNI": _l("Armed forces (TNI)"),
    "POLRI": _l("Police (POLRI)"),
    "Swasta": _l("Private employee"),
    "Wirausaha": _l("Self-employed"),
    "Lainnya": _l("Other"),
}
AGE_MIN, AGE_MAX = 10, 120
# Age bands as results show them: (label, upper bound exclusive), the last open-ended.
AGE_BANDS = (("<20", 20), ("20-29", 30), ("30-39", 40), ("40-49", 50), ("50-59", 60),
             ("60+", None))
PROFILE_FIELDS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")

_ALIASES = {"tidak sekolah": "tidak_sekolah", "d1": "D1-D3", "d2": "D1-D3", "d3": "D1-D3",
            "d1-d3": "D1-D3", "d4": "S1", "smk": "SMA"}


def normalise_code(value: str, choices: dict[str, object]) -> str | None:
    """Match a profile code case-insensitively (and common spellings); None if unknown."""
    key = value.strip().lower()
    key = _ALIASES.get(key, key)
    for code in choices:
        if code.lower() == key.lower():
            return code
    return None


AGE_LABELS = {"<20": _l("under 20"), "60+": _l("60 and over")}
NOT_STATED = _l("not stated")


def ordered_groups(field: str, counts: dict[str, object]) -> list[tuple[str, object]]:
    """A profile breakdown as (label, count) in a natural order, for people to read.

    Codes follow the reference's order (education SD .. S3, age bands ascending), a stored code
    outside today's list comes after them as it is, "not stated" last.
    """
    labels: dict[str, object] = {"jenis_kelamin": SEX, "pendidikan": EDUCATION,
                                 "pekerjaan": OCCUPATION}.get(field, {})  # type: ignore[assignment]
    order = [band for band, _upper in AGE_BANDS] if field == "usia" else list(labels)
    rank = {code: i for i, code in enumerate(order)}
    codes = sorted(counts, key=lambda c: (c == "-", rank.get(c, len(rank)), c))
    out: list[tuple[str, object]] = []
    for code in codes:
        if code == "-":
            label: object = NOT_STATED
        elif field == "usia":
            label = AGE_LABELS.get(code, code.replace("-", "–"))
        else:
            label = labels.get(code, code)
        out.append((str(label), counts[code]))
    return out
