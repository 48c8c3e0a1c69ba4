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
