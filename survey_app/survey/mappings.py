"""Saved column mappings of form exports (one per unit and instrument), and the form import."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import Instrument

from ..domain_errors import N_, Msg
from ..models import ImportMapping, Unit, utcnow
from .bulk import BatchInfo, ImportResult, store_rows
from .formimport import FormMapping, Preview, check_form
from .importer import ImportFailed


def saved_mapping(session: Session, unit: Unit, slug: str) -> FormMapping | None:
    """The unit's saved mapping for this instrument, if any."""
    row = session.scalar(select(ImportMapping).where(
        ImportMapping.unit_id == unit.id, ImportMapping.instrument_slug == slug))
    return FormMapping.from_json(row.mapping) if row else None


def save_mapping(session: Session, unit: Unit, slug: str, mapping: FormMapping,
                 actor: str) -> None:
    """Save (or replace) the unit's mapping for this instrument (the caller commits)."""
    row = session.scalar(select(ImportMapping).where(
        ImportMapping.unit_id == unit.id, ImportMapping.instrument_slug == slug))
    if row is None:
        row = ImportMapping(unit_id=unit.id, instrument_slug=slug)
        session.add(row)
    row.mapping, row.updated_by, row.updated_at = mapping.to_json(), actor[:254], utcnow()
    session.flush()


def preview_form(unit: Unit, instrument: Instrument, text: str, mapping: FormMapping,
                 saran_max: int) -> Preview:
    """The mapping, the first rows as they would be stored and every problem; stores nothing."""
    return check_form(unit, instrument, text, mapping, saran_max, preview=True)[1]


def import_form(session: Session, unit: Unit, instrument: Instrument, text: str,
                saran_max: int, *, actor: str, file_sha256: str | None = None,
                offline: bool = False) -> ImportResult:
    """Import an export with the unit's SAVED mapping: every row or none (ImportFailed)."""
    mapping = saved_mapping(session, unit, instrument.slug)
    if mapping is None:
        raise ImportFailed([Msg(N_("no saved column mapping for %(unit)s (%(survey)s): check "
                                   "and save one first"), unit=unit.code,
                                survey=instrument.slug)])
    rows, _ = check_form(unit, instrument, text, mapping, saran_max)
    digest = file_sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return store_rows(session, BatchInfo(unit, instrument, actor, digest, "form"), rows,
                      offline=offline)
