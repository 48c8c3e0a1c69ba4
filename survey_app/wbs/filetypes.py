"""What an evidence file is, judged by its content (magic bytes), never by its name."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """An allowed file type."""

    mime: str
    ext: str
    is_image: bool = False


JPEG = Kind("image/jpeg", "jpg", True)
PNG = Kind("image/png", "png", True)
PDF = Kind("application/pdf", "pdf")
TEXT = Kind("text/plain; charset=utf-8", "txt")
MP3 = Kind("audio/mpeg", "mp3")
M4A = Kind("audio/mp4", "m4a")
MP4 = Kind("video/mp4", "mp4")
MOV = Kind("video/quicktime", "mov")
OGG = Kind("audio/ogg", "ogg")
WAV = Kind("audio/wav", "wav")
ALLOWED = (JPEG, PNG, PDF, TEXT, MP3, M4A, MP4, MOV, OGG, WAV)

_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
               b"M4V ", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"dash", b"MSNV"}
_M4A_BRANDS = {b"M4A ", b"M4B "}
HEIF_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"hevc", b"avif"}
_TEXT_CONTROLS = (set(range(32)) - {9, 10, 12, 13}) | set(range(0x7F, 0xA0))


class UnsupportedType(ValueError):
    """Content that is not on the allow list; `heif` tells the reporter how to convert it."""

    def __init__(self, heif: bool = False) -> None:
        super().__init__("heif" if heif else "unsupported")
        self.heif = heif


def _mp3_frame(data: bytes) -> bool:
    """An MPEG audio layer III frame header at the start."""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[1] >> 3) & 3, (data[1] >> 1) & 3
    bitrate, rate = data[2] >> 4, (data[2] >> 2) & 3
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


def _iso_media(data: bytes) -> Kind | None:
    if data[4:8] != b"ftyp":
        return None
    brand = data[8:12]
    if brand in HEIF_BRANDS:
        raise UnsupportedType(heif=True)
    if brand in _M4A_BRANDS:
        return M4A
    if brand == b"qt  ":
        return MOV
    return MP4 if brand in _MP4_BRANDS else None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(c) in _TEXT_CONTROLS for c in text)


def detect(data: bytes) -> Kind:
    """The kind of `data`, or UnsupportedType."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"OggS"):
        return OGG
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return WAV
    if (data.startswith(b"ID3") and len(data) > 10 and data[3] < 0xFF) or _mp3_frame(data):
        return MP3
    media = _iso_media(data)
    if media is not None:
        return media
    if data and _is_text(data):
        return TEXT
    raise UnsupportedType()
