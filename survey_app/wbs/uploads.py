"""Evidence uploads of a report or an answer: checked together, stored with it (all or nothing)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.formparser import FormDataParser

from ..models import WbsFile, WbsReport
from . import crypto, evidence, storage
from .config import MB, WbsConfig
from .evidence import Evidence, EvidenceError


def _reason(exc: EvidenceError, cfg: WbsConfig) -> str:
    if exc.reason == "too_many_pixels":
        limit = cfg.max_image_pixels // 1_000_000
        if exc.size:
            return _("the image is %(w)d × %(h)d pixels; at most %(max)d megapixels are "
                     "accepted. Send a smaller photo or a screenshot of it.",
                     w=exc.size[0], h=exc.size[1], max=limit)
        return _("the image has too many pixels; at most %(max)d megapixels are accepted. "
                 "Send a smaller photo or a screenshot of it.", max=limit)
    messages = {
        "empty": _("the file is empty."),
        "too_large": _("the file is larger than %(mb)d MB.", mb=cfg.max_file_bytes // MB),
        "unsupported": _("this type of file is not accepted (its content is not a photo, PDF, "
                         "plain text, audio or video file we accept, whatever its name says)."),
        "heif": _("HEIC/HEIF photos are not accepted: choose \"Most compatible\" (JPEG) in "
                  "the camera settings or send a screenshot."),
        "damaged": _("the image is damaged or too large to open."),
    }
    return messages[exc.reason]


@dataclass
class Checked:
    """The outcome of checking a submission's files: the accepted files, or one message
    naming each refused file; `busy` when the instance's image budget is spent for now."""

    files: list[Evidence] = field(default_factory=list)
    error: str = ""
    busy: bool = False


def chosen(uploads: Sequence[FileStorage]) -> list[FileStorage]:
    """The file inputs that carry a file (an empty input still sends a nameless part)."""
    return [f for f in uploads if f.filename]


def reattach_names(uploads: Sequence[FileStorage]) -> list[str]:
    """The names of the files a refused form carried: a browser never refills a file field,
    so the page lists them to be attached again (names as the reporter's device gave them)."""
    return [(f.filename or "")[:80] for f in chosen(uploads)]


def count_error(uploads: Sequence[FileStorage], cfg: WbsConfig) -> str:
    """The error for too many files, read from the parts alone (no file is opened)."""
    if len(chosen(uploads)) > cfg.max_files:
        return _("At most %(n)d files per report.", n=cfg.max_files)
    return ""


def check_uploads(uploads: Sequence[FileStorage], cfg: WbsConfig,
                  admit: Callable[[int], bool] = lambda _mp: True) -> Checked:
    """Check every file by its content; images are decoded (to clean them) only once all
    headers passed and `admit` granted their megapixels from the instance's budget."""
    files = chosen(uploads)
    if error := count_error(files, cfg):
        return Checked(error=error)
    inspected, problems = [], []

    def refuse(number: int, upload: FileStorage, exc: EvidenceError) -> None:
        problems.append(_("File %(n)d (%(name)s): %(reason)s", n=number,
                          name=(upload.filename or "")[:80], reason=_reason(exc, cfg)))

    for number, upload in enumerate(files, start=1):
        try:
            data = evidence.read_limited(upload.stream, cfg.max_file_bytes)
            inspected.append((number, upload, evidence.inspect(data, cfg.max_image_pixels)))
        except EvidenceError as exc:
            refuse(number, upload, exc)
    if problems:
        return Checked(error=_summary(problems))
    megapixels = sum(item.megapixels for _n, _u, item in inspected)
    if megapixels and not admit(megapixels):
        return Checked(error=_("Many photos are being checked right now. Please wait a minute, "
                               "choose your files again and send again; your text is kept."),
                       busy=True)
    accepted = []
    for number, upload, item in inspected:
        try:
            accepted.append(evidence.accept(item))
        except EvidenceError as exc:
            refuse(number, upload, exc)
    return Checked(error=_summary(problems)) if problems else Checked(files=accepted)


def _summary(problems: list[str]) -> str:
    return " ".join([*problems, _("Nothing was sent. Please choose your files again.")])


def _memory_stream(total_content_length: int | None, content_type: str | None,
                   filename: str | None = None, content_length: int | None = None) -> IO[bytes]:
    return io.BytesIO()


class MemoryFormDataParser(FormDataParser):
    """Multipart parsing that keeps every part in memory.

    Werkzeug spools a part over 500 KB to a temporary file: plaintext evidence would reach
    the disk (unlinked, not wiped) before we encrypt it. The request's max_content_length,
    set before parsing, bounds what is held.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs["stream_factory"] = _memory_stream
        super().__init__(**kwargs)


def save_files(session: Session, report: WbsReport, data_key: bytes,
               files: Sequence[Evidence], when: datetime) -> None:
    """Add the files' rows and encrypted bytes to the session (flushed, not committed: the
    request that stores the report or answer commits them with it, all or nothing)."""
    for item in files:
        original = storage.new_name()
        working = storage.new_name() if item.working is not None else None
        meta = {"mime": item.kind.mime, "ext": item.kind.ext, "size": len(item.original),
                "cleaned": item.working is not None}
        row = WbsFile(report_id=report.id, original_name=original, working_name=working,
                      created_at=when, meta=crypto.encrypt(data_key, json.dumps(meta).encode()))
        session.add(row)
        session.flush()  # the row's random id, which its blobs refer to
        storage.put(session, row, original, data_key, item.original, when)
        if working is not None and item.working is not None:
            storage.put(session, row, working, data_key, item.working, when)
    session.flush()


def file_meta(data_key: bytes, row: WbsFile) -> dict[str, object]:
    """The decrypted type and size of a stored file."""
    meta: dict[str, object] = json.loads(crypto.decrypt(data_key, row.meta))
    return meta
