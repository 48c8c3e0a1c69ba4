"""Evidence bytes in the database, so every app server opens what any other one stored.

Each stored form of a file (the original, and an image's cleaned working copy) is one
`wbs_blobs` row holding SecretBox(report data key) ciphertext, named by a random storage name
that `wbs_files` refers to. Nothing reaches a disk of the app server: a backup of the database
is a backup of the evidence, and no file carries a time stamp. The rows are written in the
caller's transaction (nothing here commits) and resealed every hour like the report's own rows
(reseal.py).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import WbsBlob, WbsFile
from . import crypto


class MissingBlob(LookupError):
    """A file row names stored bytes that are not there."""


def new_name() -> str:
    """A random storage name (32 hex digits), as evidence files had before revision 0011."""
    return secrets.token_hex(16)


def put(session: Session, row: WbsFile, name: str, key: bytes, data: bytes,
        when: datetime) -> None:
    """Encrypt `data` under the report's data key into the blob `name` of the flushed `row`;
    `when` is the report's coarse (hour) time. The caller commits."""
    session.add(WbsBlob(name=name, file_id=row.id, data=crypto.encrypt(key, data),
                        created_at=when))


def load(session: Session, key: bytes, row: WbsFile, name: str) -> bytes:
    """Decrypt the stored blob `name` of `row` (MissingBlob if it is not one of that row's)."""
    blob = session.get(WbsBlob, name)
    if blob is None or blob.file_id != row.id:
        raise MissingBlob(name)
    return crypto.decrypt(key, blob.data)
