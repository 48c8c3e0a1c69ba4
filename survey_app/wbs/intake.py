"""A new report: checked, routed, encrypted and stored; the reporter gets the receipt."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..models import Unit, WbsReport
from ..orgs import NotFound, find_unit
from . import crypto
from .config import WbsConfig
from .deadlines import due_dates, local_date
from .evidence import Evidence
from .receipt import new_receipt
from .routing import NoChannel, route
from .states import CATEGORY_LABELS
from .uploads import count_error, save_files

TEXT_FIELDS = ("apa", "siapa", "di_mana", "kapan", "bagaimana")
HONEYPOT = "situs_web"


@dataclass
class Draft:
    """A checked report, ready to store."""

    unit: Unit | None = None
    category: str = ""
    head_involved: bool = False
    text: dict[str, str] = field(default_factory=dict)
    contact: str = ""
    files: list[Evidence] = field(default_factory=list)


def coarse_now() -> datetime:
    """Now, truncated to the hour: reporter-made timestamps must not match access logs."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


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


def store_report(session: Session, cfg: WbsConfig, draft: Draft,
                 receipt: str | None = None) -> tuple[str, bool]:
    """Encrypt and store a checked report with its files; return the receipt and whether it
    was stored now. A report form sent again brings the receipt it already has (see
    formtoken): then the stored report is found by it and nothing is stored a second time."""
    assert draft.unit is not None
    channel = route(session, draft.unit, draft.head_involved)
    assert channel.public_key is not None
    receipt = receipt or new_receipt()
    keys = crypto.receipt_keys(receipt, cfg.kdf_ops, cfg.kdf_mem)
    if session.scalar(select(WbsReport.id).where(WbsReport.lookup_id == keys.lookup_id)):
        return receipt, False
    data_key = crypto.random_bytes()
    now = coarse_now()
    due = due_dates(local_date(now, draft.unit.tz), cfg.ack_days, cfg.verify_days,
                    cfg.resolve_days, cfg.cuti_bersama)
    body = json.dumps({**draft.text, "head_involved": draft.head_involved}).encode()
    report = WbsReport(
        unit_id=draft.unit.id, channel_id=channel.id, category=draft.category, status="new",
        lookup_id=keys.lookup_id, receipt_key=crypto.encrypt(keys.wrap_key, data_key),
        channel_key=crypto.seal(channel.public_key, data_key),
        body=crypto.encrypt(data_key, body),
        contact=crypto.seal(channel.public_key, draft.contact.encode()) if draft.contact
        else None,
        created_at=now, updated_at=now, ack_due=due.acknowledge, verify_due=due.verify,
        resolve_due=due.resolve,
    )
    session.add(report)
    try:
        session.flush()
    except IntegrityError:  # the same form sent twice at once: the other request stored it
        session.rollback()
        return receipt, False
    save_files(session, cfg, report, data_key, draft.files, now)
    return receipt, True
