"""Checks a submission against its instrument: shared by the web form and the paper import.

Errors are `Msg` values (message id and parameters): the form page words them in the visitor's
language (`worded`), the import names them per line, the CLI and the kiosk API print English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from instruments import Instrument

from ..domain_errors import N_, Msg
from ..inputs import parse_int
from ..profile import AGE_MAX, AGE_MIN, EDUCATION, OCCUPATION, SEX, normalise_code


@dataclass
class Submission:
    """A checked response, ready to store."""

    answers: dict[str, int] = field(default_factory=dict)
    jenis_kelamin: str | None = None
    usia: int | None = None
    pendidikan: str | None = None
    pekerjaan: str | None = None
    saran: str | None = None


def worded(errors: Mapping[str, Msg]) -> dict[str, str]:
    """The errors in the current request's language, by field."""
    return {field: msg.message() for field, msg in errors.items()}


def _profile(data: Mapping[str, str], sub: Submission, errors: dict[str, Msg]) -> None:
    sex = (data.get("jenis_kelamin") or "").strip().upper()
    if sex:
        if sex in SEX:
            sub.jenis_kelamin = sex
        else:
            errors["jenis_kelamin"] = Msg(N_("Choose male (L), female (P) or prefer not to say."))
    age = (data.get("usia") or "").strip()
    if age:
        years = parse_int(age, AGE_MIN, AGE_MAX)
        if years is not None:
            sub.usia = years
        else:
            errors["usia"] = Msg(N_("Age must be a whole number from %(lo)d to %(hi)d."),
                                 lo=AGE_MIN, hi=AGE_MAX)
    for name, choices in (("pendidikan", EDUCATION), ("pekerjaan", OCCUPATION)):
        raw = (data.get(name) or "").strip()
        if raw:
            code = normalise_code(raw, choices)
            if code is None:
                errors[name] = Msg(N_("Unknown choice '%(value)s'."), value=raw[:40])
            else:
                setattr(sub, name, code)


def check_submission(
    instrument: Instrument,
    data: Mapping[str, str],
    *,
    require_all: bool,
    saran_max: int,
) -> tuple[Submission, dict[str, Msg]]:
    """Validate answers, profile and saran; return the submission and errors by field."""
    sub = Submission()
    errors: dict[str, Msg] = {}
    for item in instrument.items:
        raw = (data.get(item.code) or "").strip()
        if not raw:
            if require_all:
                errors[item.code] = Msg(N_("Please choose an answer."))
            continue
        value = parse_int(raw, instrument.scale_min, instrument.scale_max)
        if value is not None:
            sub.answers[item.code] = value
        else:
            errors[item.code] = Msg(N_("Answer must be from %(lo)d to %(hi)d."),
                                    lo=instrument.scale_min, hi=instrument.scale_max)
    if not sub.answers and not errors:
        errors["_form"] = Msg(N_("No answers were given."))
    if instrument.profile:
        _profile(data, sub, errors)
    saran = (data.get("saran") or "").strip()
    if saran:
        if len(saran) > saran_max:
            errors["saran"] = Msg(N_("Suggestion is too long (%(n)d characters; at most "
                                     "%(max)d)."), n=len(saran), max=saran_max)
        else:
            sub.saran = saran
    return sub, errors
