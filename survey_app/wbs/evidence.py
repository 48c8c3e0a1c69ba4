"""Evidence files: checked by content, images cleaned of metadata, stored encrypted."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from . import crypto
from .filetypes import JPEG, Kind, UnsupportedType, detect


class EvidenceError(ValueError):
    """A file we refuse; `reason` is one of: empty, too_large, unsupported, heif, damaged."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Evidence:
    """An accepted file: the untouched original and, for images, a metadata-free copy."""

    kind: Kind
    original: bytes
    working: bytes | None


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes of an upload, or EvidenceError('too_large')."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError("too_large")
    return data


def clean_image(data: bytes, kind: Kind, max_pixels: int) -> bytes:
    """Re-encode pixels only: no EXIF (GPS, camera serial), comments, text chunks or ICC."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.width * probe.height > max_pixels:
                raise EvidenceError("damaged")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            upright = ImageOps.exif_transpose(img)  # keep what the camera's rotation showed
            clean = upright.convert("RGB" if kind is JPEG else "RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise EvidenceError("damaged") from exc
    clean.info = {}
    out = io.BytesIO()
    if kind is JPEG:
        clean.save(out, format="JPEG", quality=90)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def check(data: bytes, max_pixels: int) -> Evidence:
    """Accept or refuse one file by its content."""
    if not data:
        raise EvidenceError("empty")
    try:
        kind = detect(data)
    except UnsupportedType as exc:
        raise EvidenceError("heif" if exc.heif else "unsupported") from None
    working = clean_image(data, kind, max_pixels) if kind.is_image else None
    return Evidence(kind, data, working)


def store(folder: Path, key: bytes, data: bytes, when: datetime) -> str:
    """Encrypt `data` into a new randomly named file dated `when`; return the name.

    `when` is the report's coarse (hour) time: the file's modification and access times, and
    the folder's, must not give the second of submission to whoever copies the folder (the
    inode change time, which no program can set, still does on this disk; see the README).
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16)
    tmp = folder / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(crypto.encrypt(key, data))
    stamp = when.timestamp()
    os.utime(tmp, (stamp, stamp))
    tmp.replace(folder / name)
    with contextlib.suppress(PermissionError):  # a folder the app does not own keeps its time
        os.utime(folder, (stamp, stamp))
    return name


def load(folder: Path, key: bytes, name: str) -> bytes:
    """Decrypt a stored file."""
    if not name.isalnum():
        raise ValueError("bad storage name")
    return crypto.decrypt(key, (folder / name).read_bytes())


def remove(folder: Path, names: list[str]) -> None:
    """Delete stored files (when the database refused what referred to them)."""
    for name in names:
        (folder / name).unlink(missing_ok=True)
