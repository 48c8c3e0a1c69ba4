"""Evidence uploads of a report or an answer: checked together, stored all or nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from ..models import WbsFile, WbsReport
from . import crypto, evidence
from .config import MB, WbsConfig
from .evidence import Evidence, EvidenceError


def _reason(reason: str, cfg: WbsConfig) -> str:
    messages = {
        "empty": _("the file is empty."),
        "too_large": _("the file is larger than %(mb)d MB.", mb=cfg.max_file_bytes // MB),
        "unsupported": _("this type of file is not accepted (its content is not a photo, PDF, "
                         "plain text, audio or video file we accept, whatever its name says)."),
        "heif": _("HEIC/HEIF photos are not accepted: choose \"Most compatible\" (JPEG) in "
                  "the camera settings or send a screenshot."),
        "damaged": _("the image is damaged or too large to open."),
    }
    return messages[reason]


def check_uploads(uploads: Sequence[FileStorage], cfg: WbsConfig) -> tuple[list[Evidence], str]:
    """Accepted files and, if any is refused, one message naming each problem."""
    chosen = [f for f in uploads if f.filename]
    if len(chosen) > cfg.max_files:
        return [], _("At most %(n)d files per report.", n=cfg.max_files)
    accepted, problems = [], []
    for number, upload in enumerate(chosen, start=1):
        try:
            data = evidence.read_limited(upload.stream, cfg.max_file_bytes)
            accepted.append(evidence.check(data, cfg.max_image_pixels))
        except EvidenceError as exc:
            problems.append(_("File %(n)d (%(name)s): %(reason)s", n=number,
                              name=(upload.filename or "")[:80], reason=_reason(exc.reason, cfg)))
    if problems:
        problems.append(_("Nothing was sent. Please choose your files again."))
        return [], " ".join(problems)
    return accepted, ""


def save_files(session: Session, cfg: WbsConfig, report: WbsReport, data_key: bytes,
               files: Sequence[Evidence], when: datetime) -> None:
    """Encrypt the files to disk, add their rows and commit; remove the files if that fails."""
    written: list[str] = []
    try:
        for item in files:
            original = evidence.store(cfg.files_dir, data_key, item.original, when)
            written.append(original)
            working = None
            if item.working is not None:
                working = evidence.store(cfg.files_dir, data_key, item.working, when)
                written.append(working)
            meta = {"mime": item.kind.mime, "ext": item.kind.ext, "size": len(item.original),
                    "cleaned": item.working is not None}
            session.add(WbsFile(report_id=report.id, original_name=original,
                                working_name=working, created_at=when,
                                meta=crypto.encrypt(data_key, json.dumps(meta).encode())))
        session.commit()
    except BaseException:
        session.rollback()
        evidence.remove(cfg.files_dir, written)
        raise


def file_meta(data_key: bytes, row: WbsFile) -> dict[str, object]:
    """The decrypted type and size of a stored file."""
    meta: dict[str, object] = json.loads(crypto.decrypt(data_key, row.meta))
    return meta
