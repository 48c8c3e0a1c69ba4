"""What a reporter sends, checked before anything costly: the report form and the answer form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ...models import Unit
from ...orgs import NotFound, find_unit
from ..config import WbsConfig
from ..evidence import Evidence
from ..routing import NoChannel, route
from ..states import CATEGORY_LABELS
from ..uploads import chosen, count_error

TEXT_FIELDS = ("apa", "siapa", "di_mana", "kapan", "bagaimana")
HONEYPOT = "situs_web"
# Fields of the answer form; anything else (a status, an assignee...) is a forgery.
ANSWER_FIELDS = frozenset(("csrf_token", "receipt", "message", "answer_token"))


@dataclass
class Draft:
    """A checked report, ready to store."""

    unit: Unit | None = None
    category: str = ""
    head_involved: bool = False
    text: dict[str, str] = field(default_factory=dict)
    contact: str = ""
    files: list[Evidence] = field(default_factory=list)


def too_long(value: str, limit: int) -> str | None:
    """The error for a text over `limit` characters, else None."""
    if len(value) <= limit:
        return None
    return _("Too long: %(n)d characters; at most %(max)d. Please shorten it.",
             n=len(value), max=limit)


def check_fields(session: Session, cfg: WbsConfig, form: Mapping[str, str],
                 uploads: Sequence[FileStorage]) -> tuple[Draft, dict[str, str]]:
    """Validate everything but the files' contents; errors by field name ('_form' for the
    whole report). Cheap: no file is read, so a refused form costs what showing it costs."""
    draft, errors = Draft(), {}
    if form.get(HONEYPOT):
        errors["_form"] = _("The form could not be accepted. Please try again.")
    try:
        draft.unit = find_unit(session, form.get("unit", ""))
    except NotFound:
        errors["unit"] = _("Choose the unit the report is about.")
    draft.category = form.get("category", "")
    if draft.category not in CATEGORY_LABELS:
        errors["category"] = _("Choose a category.")
    draft.head_involved = form.get("head_involved") == "yes"
    for name in TEXT_FIELDS:
        value = form.get(name, "").strip()
        draft.text[name] = value
        if problem := too_long(value, cfg.max_text_chars):
            errors[name] = problem
    if not draft.text["apa"] and "apa" not in errors:
        errors["apa"] = _("Describe what happened.")
    draft.contact = form.get("contact", "").strip()
    if problem := too_long(draft.contact, cfg.max_contact_chars):
        errors["contact"] = problem
    if file_error := count_error(uploads, cfg):
        errors["evidence"] = file_error
    if draft.unit is not None and "unit" not in errors:
        try:
            route(session, draft.unit, draft.head_involved)
        except NoChannel as exc:
            errors["unit"] = (_("There is no inspectorate channel above this unit yet, so a "
                                "report about its head cannot be received here.") if exc.above
                              else _("This unit has no whistle-blowing channel yet."))
    return draft, errors


def answer_error(cfg: WbsConfig, text: str, uploads: Sequence[FileStorage]) -> str:
    """What is wrong with an answer before any file is read ('' when nothing is)."""
    return (count_error(uploads, cfg) or too_long(text, cfg.max_text_chars) or
            ("" if text or chosen(uploads) else _("Write an answer or choose a file.")))


def refuse_forged(form: Mapping[str, str]) -> tuple[str, int] | None:
    """A 400 page when the answer form carries fields only officers may set."""
    extra = set(form) - ANSWER_FIELDS
    if not extra:
        return None
    message = _("Only the officers can change a report's status or assignment. Nothing was "
                "changed or stored.")
    return render_template("errors/error.html", code=400, message=message), 400
