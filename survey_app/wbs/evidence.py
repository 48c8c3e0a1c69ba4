"""Evidence files: checked by content, images cleaned of metadata (storage.py keeps them)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from PIL import Image

from .filetypes import JPEG, PNG, Kind, UnsupportedType, detect


class EvidenceError(ValueError):
    """A file we refuse; `reason` is one of: empty, too_large, unsupported, heif, damaged,
    too_many_pixels (then `size` holds the width and height when the header gave them)."""

    def __init__(self, reason: str, size: tuple[int, int] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size


@dataclass(frozen=True)
class Upload:
    """A file read and typed by its content, not yet cleaned; `size` is an image's pixel
    width and height as its header states them (None for other files)."""

    kind: Kind
    data: bytes
    size: tuple[int, int] | None = None

    @property
    def megapixels(self) -> int:
        """What decoding it costs, in whole megapixels (rounded up; 0 for non-images)."""
        return -(-self.size[0] * self.size[1] // 1_000_000) if self.size else 0


@dataclass(frozen=True)
class Evidence:
    """An accepted file: the untouched original and, for images, a metadata-free copy."""

    kind: Kind
    original: bytes
    working: bytes | None


# What the EXIF Orientation tag (0x0112) asks for to show the pixels upright.
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}
_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """At most `limit` bytes of an upload, or EvidenceError('too_large')."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError("too_large")
    return data


def image_size(data: bytes, kind: Kind, max_pixels: int) -> tuple[int, int]:
    """Width and height from the image's header, checked against `max_pixels` before any pixel
    is decoded (a 6 KB PNG can declare 49 megapixels: 1.4 s and 320 MB to decode)."""
    try:
        with Image.open(io.BytesIO(data), formats=[_FORMATS[kind]]) as probe:
            width, height = probe.size
            if width * height > max_pixels:
                raise EvidenceError("too_many_pixels", (width, height))
            probe.verify()  # structure and checksums, without decoding the pixels
    except EvidenceError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own, higher bound
        raise EvidenceError("too_many_pixels") from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types on hostile headers
        raise EvidenceError("damaged") from exc
    return width, height


def inspect(data: bytes, max_pixels: int) -> Upload:
    """Type a file by its content and, for an image, read its size; nothing is decoded yet."""
    if not data:
        raise EvidenceError("empty")
    try:
        kind = detect(data)
    except UnsupportedType as exc:
        raise EvidenceError("heif" if exc.heif else "unsupported") from None
    return Upload(kind, data, image_size(data, kind, max_pixels) if kind.is_image else None)


def _upright(img: Image.Image) -> Image.Transpose | None:
    """The turn that shows the photo as the camera did, or None when there is none or the
    EXIF cannot be read (malformed EXIF makes Pillow raise struct.error, TypeError and more:
    the copy then keeps the stored orientation, and the original is kept untouched)."""
    try:
        value = img.getexif().get(0x0112)
    except Exception:  # noqa: BLE001 - see the docstring
        return None
    return _UPRIGHT.get(value) if type(value) is int else None


def clean_image(upload: Upload) -> bytes:
    """Re-encode pixels only: no EXIF (GPS, camera serial), comments, text chunks or ICC.

    Pillow's own exif_transpose is not used: it rewrites the EXIF it was handed, and fails on
    tags of the wrong type. Any failure to decode becomes EvidenceError('damaged').
    """
    kind = upload.kind
    try:
        with Image.open(io.BytesIO(upload.data), formats=[_FORMATS[kind]]) as img:
            if img.size != upload.size:  # not the file whose header was checked
                raise EvidenceError("damaged")
            turn = _upright(img)
            alpha = kind is PNG and (img.has_transparency_data or "A" in img.getbands())
            clean = img.convert("RGBA" if alpha else "RGB")
        if turn is not None:
            clean = clean.transpose(turn)
        clean.info = {}
        out = io.BytesIO()
        if kind is JPEG:
            clean.save(out, format="JPEG", quality=90)
        else:
            clean.save(out, format="PNG")
    except EvidenceError:
        raise
    except Exception as exc:  # noqa: BLE001 - truncated or hostile data, even MemoryError's kin
        raise EvidenceError("damaged") from exc
    return out.getvalue()


def accept(upload: Upload) -> Evidence:
    """The stored form of an inspected file: images get their cleaned working copy."""
    working = clean_image(upload) if upload.kind.is_image else None
    return Evidence(upload.kind, upload.data, working)


def check(data: bytes, max_pixels: int) -> Evidence:
    """Accept or refuse one file by its content."""
    return accept(inspect(data, max_pixels))
