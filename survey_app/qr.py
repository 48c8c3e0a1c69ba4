"""QR codes (SVG, PNG), and the printable poster (PDF, survey_app/poster.py) that opens a survey
page."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg

FORMATS = ("svg", "png", "pdf")
POSTER_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}  # mm
INK, NAVY_RGB, MUTED_RGB = (31, 41, 51), (11, 61, 145), (82, 96, 109)


def survey_url(base_url: str, unit: str, service: str | None = None,
               counter: str | None = None) -> str:
    """Public survey URL of a unit, service or counter."""
    parts = [p for p in (unit, service, counter) if p]
    return base_url.rstrip("/") + "/s/" + "/".join(quote(p, safe="") for p in parts)


def wbs_url(base_url: str) -> str:
    """The anonymous whistle-blowing form (the poster points to it)."""
    return base_url.rstrip("/") + "/wbs"


def _qr(url: str) -> qrcode.QRCode:  # type: ignore[type-arg]
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(url: str) -> bytes:
    """Standalone SVG."""
    img = _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()


def qr_png(url: str, box_size: int = 10) -> bytes:
    """PNG, black on white."""
    code = _qr(url)
    code.box_size = box_size
    buf = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def render(fmt: str, url: str, unit_name: str, service_name: str | None = None,
           counter_name: str | None = None, size: str = "A4", *, logo: bytes | None = None,
           wbs_url: str | None = None, **poster: Any) -> tuple[bytes, str]:
    """Bytes and MIME type of a QR code or poster in `fmt` (`poster`: the flow and published
    figure of survey_app/poster.py)."""
    from .poster import poster_pdf

    if fmt == "svg":
        return qr_svg(url), "image/svg+xml"
    if fmt == "png":
        return qr_png(url), "image/png"
    if fmt == "pdf":
        return (poster_pdf(url, unit_name, service_name, counter_name, size, logo=logo,
                           wbs_url=wbs_url, **poster), "application/pdf")
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
