"""QR codes (SVG, PNG) and a printable poster (PDF) that open a survey page."""

from __future__ import annotations

import io
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from fpdf import FPDF

FORMATS = ("svg", "png", "pdf")
POSTER_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}  # mm


def survey_url(base_url: str, unit: str, service: str | None = None,
               counter: str | None = None) -> str:
    """Public survey URL of a unit, service or counter."""
    parts = [p for p in (unit, service, counter) if p]
    return base_url.rstrip("/") + "/s/" + "/".join(quote(p, safe="") for p in parts)


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


def poster_pdf(url: str, unit_name: str, service_name: str | None, counter_name: str | None,
               size: str = "A4") -> bytes:
    """A printable poster: title, unit, service, QR, instructions and the URL as text."""
    if size not in POSTER_SIZES:
        raise ValueError(f"poster size must be one of {', '.join(POSTER_SIZES)}")
    pdf = FPDF(format=POSTER_SIZES[size])
    pdf.set_auto_page_break(False)
    pdf.add_page()
    k = 1.0 if size == "A4" else 0.72

    def line(text: str, points: float, style: str = "", family: str = "Helvetica") -> None:
        pdf.set_font(family, style, points * k)
        pdf.multi_cell(0, points * k * 0.5, _latin1(text), align="C", new_x="LMARGIN",
                       new_y="NEXT")

    line("SURVEI KEPUASAN MASYARAKAT", 26, "B")
    line("Public Satisfaction Survey", 14)
    pdf.ln(4 * k)
    line(unit_name, 18, "B")
    for text in (service_name, counter_name):
        if text:
            line(text, 15)
    side = 120 * k
    pdf.image(io.BytesIO(qr_png(url, box_size=20)), x=(pdf.w - side) / 2, y=pdf.get_y() + 4 * k,
              w=side, h=side)
    pdf.set_y(pdf.get_y() + side + 8 * k)
    line("Pindai kode QR dengan kamera ponsel Anda dan isi survei (sekitar 1 menit). "
         "Tanpa nama, tanpa nomor telepon.", 14, "B")
    line("Scan the QR code with your phone camera and answer the survey (about one minute). "
         "Anonymous.", 12)
    pdf.ln(4 * k)
    line("Tidak bisa memindai? Buka alamat ini / Cannot scan? Open:", 11)
    line(url, 13, "B", "Courier")
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    """Core PDF fonts are Latin-1: replace what they cannot draw."""
    return text.encode("latin-1", "replace").decode("latin-1")


def render(fmt: str, url: str, unit_name: str, service_name: str | None = None,
           counter_name: str | None = None, size: str = "A4") -> tuple[bytes, str]:
    """Bytes and MIME type of a QR code or poster in `fmt`."""
    if fmt == "svg":
        return qr_svg(url), "image/svg+xml"
    if fmt == "png":
        return qr_png(url), "image/png"
    if fmt == "pdf":
        return poster_pdf(url, unit_name, service_name, counter_name, size), "application/pdf"
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
