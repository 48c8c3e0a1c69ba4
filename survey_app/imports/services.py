"""The web import's steps: hold an upload, map its columns, store it (all rows or none)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import instruments

from ..domain_errors import N_, DomainError
from ..models import ImportUpload, Unit, utcnow
from ..survey.bulk import ImportResult
from ..survey.formimport import DATE_ORDERS, FormMapping, Preview, guess_mapping, read_table
from ..survey.mappings import import_form, preview_form, save_mapping, saved_mapping

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
KEEP = timedelta(days=1)  # an upload not confirmed within a day is dropped


class UploadError(DomainError):
    """A file the import page cannot take."""


def hold_upload(session: Session, unit: Unit, slug: str, name: str, raw: bytes,
                actor: str) -> str:
    """Keep an uploaded export until it is confirmed; its key. Commits."""
    instruments.latest(slug)
    if not raw:
        raise UploadError(N_("Choose a file to import."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(N_("The file is not UTF-8 text: save it as CSV UTF-8.")) from None
    if "\x00" in text:
        raise UploadError(N_("The file is not a CSV export."))
    session.execute(delete(ImportUpload).where(ImportUpload.uploaded_at < utcnow() - KEEP))
    key = str(uuid.uuid4())
    session.add(ImportUpload(key=key, unit_id=unit.id, instrument_slug=slug,
                             file_name=(name or "export.csv")[:200],
                             file_sha256=hashlib.sha256(raw).hexdigest(), content=text,
                             uploaded_by=actor[:254]))
    session.flush()
    return key


def find_upload(session: Session, unit: Unit, key: str) -> ImportUpload | None:
    """A held upload of this unit."""
    return session.scalar(select(ImportUpload).where(ImportUpload.key == key[:36],
                                                     ImportUpload.unit_id == unit.id))


def current_mapping(session: Session, unit: Unit, upload: ImportUpload
                    ) -> tuple[FormMapping, bool]:
    """The saved mapping (True) or a guess from the headings (False), covering every column."""
    instrument = instruments.latest(upload.instrument_slug)
    header, _ = read_table(upload.content)
    mapping = saved_mapping(session, unit, upload.instrument_slug)
    saved = mapping is not None
    mapping = mapping or guess_mapping(header, instrument, unit)
    for heading in header:
        if heading not in mapping.columns:
            mapping.columns[heading] = ""
            saved = False
    return mapping, saved


def preview(session: Session, unit: Unit, upload: ImportUpload, saran_max: int
            ) -> tuple[Preview, bool]:
    """What the current mapping makes of the upload, and whether that mapping is saved."""
    mapping, saved = current_mapping(session, unit, upload)
    instrument = instruments.latest(upload.instrument_slug)
    return preview_form(unit, instrument, upload.content, mapping, saran_max), saved


def save_from_form(session: Session, unit: Unit, upload: ImportUpload,
                   form: Mapping[str, str], actor: str) -> None:
    """Save the mapping chosen on the page (col-N: target, date_order, service). Commits."""
    instrument = instruments.latest(upload.instrument_slug)
    header, _ = read_table(upload.content)
    mapping, _saved = current_mapping(session, unit, upload)
    targets = {"", "submitted_at", "service", "saran", "jenis_kelamin", "usia", "pendidikan",
               "pekerjaan", *instrument.codes}
    for i, heading in enumerate(header):
        chosen = form.get(f"col-{i}", "")
        mapping.columns[heading] = chosen if chosen in targets else ""
    order = form.get("date_order", "")
    mapping.date_order = order if order in DATE_ORDERS else mapping.date_order
    service = form.get("service", "")
    codes = {s.code for s in unit.services}
    mapping.service = service if service in codes else None
    save_mapping(session, unit, upload.instrument_slug, mapping, actor)


def store(session: Session, unit: Unit, upload: ImportUpload, saran_max: int,
          actor: str) -> ImportResult:
    """Import the upload with the saved mapping and drop it, in one transaction."""
    instrument = instruments.latest(upload.instrument_slug)
    text, digest = upload.content, upload.file_sha256
    session.delete(upload)  # committed with the rows, rolled back with them
    return import_form(session, unit, instrument, text, saran_max, actor=actor,
                       file_sha256=digest)
