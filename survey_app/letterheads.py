"""A unit's letterhead (kop surat) and signatory: read for documents, checked when saved.

The logo an admin uploads is decoded and drawn again by Pillow (metadata, scripts hidden in
chunks and odd encodings do not survive), scaled to at most LOGO_MAX_SIDE pixels, and stored in
the database so that every app server prints the same one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from .models import Letterhead, Unit


def N_(msgid: str) -> str:  # noqa: N802 - the gettext marker babel extracts
    """Mark a message for translation where it is shown."""
    return msgid


LOGO_MAX_BYTES = 2 * 1024 * 1024  # what an upload may weigh
LOGO_MAX_PIXELS = 40_000_000  # refused before decoding: a small file can unpack to gigabytes
LOGO_MAX_SIDE = 600  # pixels; a kop surat logo prints at about 2.5 cm
FIELDS = {"agency": 200, "address": 400, "place": 100, "head_title": 200, "head_name": 200,
          "head_nip": 32}
NIP_CHARS = set("0123456789 ")

TOO_BIG = N_("The logo is larger than 2 MB.")
NOT_AN_IMAGE = N_("The logo must be a PNG or JPEG image.")
TOO_LONG = N_("%(field)s is too long (at most %(max)d characters).")
BAD_NIP = N_("The NIP may only hold digits and spaces.")
LABELS = {"agency": N_("Agency (line above the unit name)"), "address": N_("Address"),
          "place": N_("Place of signing"), "head_title": N_("Title of the head of unit"),
          "head_name": N_("Name of the head of unit"), "head_nip": N_("NIP of the head of unit")}


class LetterheadError(ValueError):
    """A value that cannot be saved: the field, an English msgid and its parameters."""

    def __init__(self, name: str, msgid: str, **params: Any) -> None:
        self.name, self.msgid, self.params = name, msgid, params
        super().__init__(msgid % params if params else msgid)


@dataclass(frozen=True)
class Kop:
    """What a document prints: the unit's name and, when entered, the rest."""

    unit_name: str
    agency: str = ""
    address: str = ""
    place: str = ""
    head_title: str = ""
    head_name: str = ""
    head_nip: str = ""
    logo: bytes | None = None
    logo_type: str | None = None


def kop_of(session: Session, unit: Unit) -> Kop:
    """The unit's letterhead for a document (only the name when nothing was entered)."""
    row = session.get(Letterhead, unit.id)
    if row is None:
        return Kop(unit.name)
    return Kop(unit.name, row.agency, row.address, row.place, row.head_title, row.head_name,
               row.head_nip, row.logo, row.logo_type)


def encode_logo(data: bytes) -> tuple[bytes, str]:
    """The uploaded logo decoded and re-encoded (PNG keeps transparency, JPEG stays JPEG)."""
    if len(data) > LOGO_MAX_BYTES:
        raise LetterheadError("logo", TOO_BIG)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise LetterheadError("logo", NOT_AN_IMAGE)
            if probe.width * probe.height > LOGO_MAX_PIXELS:
                raise LetterheadError("logo", NOT_AN_IMAGE)
            fmt = probe.format
            probe.load()
            image = probe.copy()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, LetterheadError):
            raise
        raise LetterheadError("logo", NOT_AN_IMAGE) from None
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    out = io.BytesIO()
    if fmt == "PNG":
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        image.convert("RGBA" if has_alpha else "RGB").save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, format="JPEG", quality=88)
    return out.getvalue(), "image/jpeg"


def check_fields(values: dict[str, str]) -> tuple[dict[str, str], list[LetterheadError]]:
    """The text fields trimmed, and every value that cannot be saved."""
    clean, errors = {}, []
    for name, limit in FIELDS.items():
        text = " ".join(values.get(name, "").split()) if name != "address" else \
            "\n".join(" ".join(line.split()) for line in values.get(name, "").strip().splitlines())
        if len(text) > limit:
            errors.append(LetterheadError(name, TOO_LONG, field=LABELS[name], max=limit))
        clean[name] = text
    if not set(clean["head_nip"]) <= NIP_CHARS:
        errors.append(LetterheadError("head_nip", BAD_NIP))
    return clean, errors


def save(session: Session, unit: Unit, values: dict[str, str], logo: bytes | None = None,
         remove_logo: bool = False) -> Letterhead:
    """Store the letterhead (the caller commits); LetterheadErrors, nothing changed, when a
    value cannot be used."""
    clean, errors = check_fields(values)
    encoded = None
    if logo:
        try:
            encoded = encode_logo(logo)
        except LetterheadError as exc:
            errors.append(exc)
    if errors:
        raise LetterheadErrors(errors)
    row = session.get(Letterhead, unit.id) or Letterhead(unit_id=unit.id)
    for name, text in clean.items():
        setattr(row, name, text)
    if encoded:
        row.logo, row.logo_type = encoded
    elif remove_logo:
        row.logo = row.logo_type = None
    session.add(row)
    return row


class LetterheadErrors(ValueError):
    """Every bad value of one submission."""

    def __init__(self, errors: list[LetterheadError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in errors))
