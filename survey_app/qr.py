"""QR codes (SVG, PNG) and a printable poster (PDF) that open a survey page."""

from __future__ import annotations

import io
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


def poster_pdf(url: str, unit_name: str, service_name: str | None, counter_name: str | None,
               size: str = "A4", *, logo: bytes | None = None,
               wbs_url: str | None = None) -> bytes:
    """A printable poster: the unit's logo and name, the service, the QR code, short
    instructions, the URL as text and, at the foot, where to report corruption anonymously."""
    from .results.exports.fonts import ExportPDF  # the exports' fonts (DejaVu when installed)

    if size not in POSTER_SIZES:
        raise ValueError(f"poster size must be one of {', '.join(POSTER_SIZES)}")
    pdf = ExportPDF(format=POSTER_SIZES[size])
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"Survei Kepuasan Masyarakat - {unit_name}")
    pdf.set_lang("id-ID")
    pdf.add_page()
    k = 1.0 if size == "A4" else 0.705
    width = pdf.w - 36 * k

    def line(text: str, points: float, bold: bool = False, colour: tuple[int, int, int] = INK,
             gap: float = 1.5) -> None:
        pdf.font(points * k, bold)
        pdf.set_text_color(*colour)
        pdf.set_x(18 * k)
        pdf.multi_cell(width, points * k * 0.45, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap * k)

    pdf.set_y(14 * k)
    if logo:
        side = 26 * k
        pdf.image(io.BytesIO(logo), x=(pdf.w - side) / 2, y=pdf.get_y(), w=side, h=side,
                  keep_aspect_ratio=True)
        pdf.set_y(pdf.get_y() + side + 4 * k)
    line(unit_name.upper(), 19, True, NAVY_RGB)
    for text in (service_name, counter_name):
        if text:
            line(text, 14, gap=0.5)
    pdf.ln(4 * k)
    line("SURVEI KEPUASAN MASYARAKAT", 25, True)
    line("Public Satisfaction Survey", 12, colour=MUTED_RGB, gap=3)
    side = (104 if wbs_url else 112) * k
    x, y = (pdf.w - side) / 2, pdf.get_y() + 2 * k
    pdf.set_draw_color(*NAVY_RGB)
    pdf.set_line_width(0.8 * k)
    pdf.rect(x - 3 * k, y - 3 * k, side + 6 * k, side + 6 * k, style="D", round_corners=True,
             corner_radius=5 * k)
    pdf.image(io.BytesIO(qr_png(url, box_size=20)), x=x, y=y, w=side, h=side)
    pdf.set_y(y + side + 9 * k)
    line("Pindai kode QR dengan kamera ponsel, lalu jawab beberapa pertanyaan singkat "
         "(sekitar 1 menit). Tanpa nama, tanpa nomor telepon.", 14, True)
    line("Scan the QR code with your phone camera and answer a few short questions "
         "(about one minute). Anonymous.", 11, colour=MUTED_RGB, gap=3)
    line("Tidak bisa memindai? Buka alamat ini / Cannot scan? Open:", 10.5, gap=0.5)
    line(url, 12.5, True, NAVY_RGB)
    if wbs_url:
        band = 27 * k
        pdf.set_fill_color(*NAVY_RGB)
        pdf.rect(0, pdf.h - band, pdf.w, band, style="F")
        pdf.set_y(pdf.h - band + 5 * k)
        line("Mengetahui pungutan liar, suap, atau penyalahgunaan wewenang? Laporkan tanpa nama: "
             f"{wbs_url}", 11.5, True, (255, 255, 255), gap=0.5)
        line(f"Seen bribery or illegal fees? Report anonymously: {wbs_url}", 9.5,
             colour=(220, 228, 245))
    return bytes(pdf.output())


def render(fmt: str, url: str, unit_name: str, service_name: str | None = None,
           counter_name: str | None = None, size: str = "A4", *, logo: bytes | None = None,
           wbs_url: str | None = None) -> tuple[bytes, str]:
    """Bytes and MIME type of a QR code or poster in `fmt`."""
    if fmt == "svg":
        return qr_svg(url), "image/svg+xml"
    if fmt == "png":
        return qr_png(url), "image/png"
    if fmt == "pdf":
        return (poster_pdf(url, unit_name, service_name, counter_name, size, logo=logo,
                           wbs_url=wbs_url), "application/pdf")
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
