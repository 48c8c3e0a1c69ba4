"""The infographic as a vector A4 PDF: the PNG's content drawn with text and shapes.

Text stays text (searchable, sharp at any print size); the layout follows the 1080x1350 PNG
(header band, value and category, respondents, NRR bars, thank-you band) on a 210x297 mm page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import formats
from .common import breakdown
from .fonts import ExportPDF
from .infographic import GRADE, INK, MUTED, NAVY, TRACK, WARN, Figures

if TYPE_CHECKING:
    from ...integrity.stamp import Stamp

W, H, MARGIN = 210.0, 297.0, 18.0
FOOT, FOOT_STAMPED = 276.0, 263.0  # top of the thank-you band (taller with a verification code)
LOCALE = "id"  # the public infographic is printed in Bahasa Indonesia


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


class _Page(ExportPDF):
    def ink(self, colour: str) -> None:
        self.set_text_color(*_rgb(colour))

    def fill(self, colour: str) -> None:
        self.set_fill_color(*_rgb(colour))

    def centred(self, y: float, text: str, size: float, bold: bool = False,
                width: float = W - 2 * MARGIN) -> None:
        """One line centred on the page, shrunk until it fits `width`."""
        self.font(size, bold)
        while size > 7 and self.get_string_width(text) > width:
            size -= 0.5
            self.font(size, bold)
        self.set_xy((W - width) / 2, y)
        self.cell(width, size * 0.45, text, align="C")

    def fitted(self, x: float, y: float, text: str, size: float, width: float,
               bold: bool = False) -> None:
        """Text from (x, y), shrunk (then cut) to `width`."""
        self.font(size, bold)
        while size > 7 and self.get_string_width(text) > width:
            size -= 0.5
            self.font(size, bold)
        while self.get_string_width(text) > width and len(text) > 4:
            text = text[:-2].rstrip() + "…"
        self.set_xy(x, y)
        self.cell(width, size * 0.45, text)


def render_pdf(f: Figures, period: str, stamp: Stamp | None = None) -> bytes:
    """The infographic as A4 PDF bytes; `period` already written out for people. Published
    figures (`stamp`) carry their verification code and a QR code of its page above the
    thank-you band."""
    pdf = _Page(format="A4")
    pdf.set_margin(0)
    pdf.set_auto_page_break(False)
    pdf.set_title(f"{f.title} - {f.unit_name}")
    pdf.set_lang("id-ID")
    if f.notes():
        pdf.set_subject("; ".join(f.notes()))
    pdf.add_page()
    _header(pdf, f)
    top = _value(pdf, f, 58)
    for note in f.notes():
        pdf.ink(WARN)
        pdf.centred(top, note, 9.5, bold=True)
        top += 6
    top = _respondents(pdf, f, top + 4)
    pdf.ink(INK)
    pdf.fitted(MARGIN, top, f"Periode survei: {period}", 12, W - 2 * MARGIN, bold=True)
    foot = FOOT_STAMPED if stamp else FOOT
    _bars(pdf, f, top + 10, foot - (14 if f.omitted else 8))
    if f.omitted:
        pdf.ink(MUTED)
        pdf.fitted(MARGIN, foot - 12, f"{', '.join(f.omitted)}: tidak dijawab, bobotnya dibagi "
                                      "ke unsur lain", 9, W - 2 * MARGIN)
    pdf.fill(NAVY)
    pdf.rect(0, foot, W, H - foot, style="F")
    pdf.ink("#ffffff")
    if stamp:
        _stamp(pdf, stamp, foot)
    else:
        pdf.centred(283.5, "Terima kasih atas partisipasi Anda", 15, bold=True)
    return bytes(pdf.output())


def _stamp(pdf: _Page, stamp: Stamp, top: float) -> None:
    """The thank-you band of published figures: the verification page's QR code (on its own
    white quiet zone), the thanks, the code and the page's address."""
    import io

    side = H - top - 7
    pdf.image(io.BytesIO(stamp.png(box_size=8)), x=MARGIN, y=top + 3.5, w=side, h=side)
    x = MARGIN + side + 6
    room = W - MARGIN - x
    pdf.ink("#ffffff")
    pdf.fitted(x, top + 5, "Terima kasih atas partisipasi Anda", 14, room, bold=True)
    pdf.fitted(x, top + 13, f"Kode verifikasi: {stamp.code}", 12, room, bold=True)
    pdf.ink("#dce4f5")
    pdf.fitted(x, top + 20, "Periksa keaslian angka ini: pindai kode QR atau buka", 9, room)
    pdf.fitted(x, top + 24.5, stamp.url, 9, room)


def _header(pdf: _Page, f: Figures) -> None:
    pdf.fill(NAVY)
    pdf.rect(0, 0, W, 38, style="F")
    pdf.ink("#ffffff")
    pdf.centred(10, f.title, 17, bold=True)
    pdf.centred(23, f.unit_name, 13.5)
    pdf.ink(INK)
    pdf.centred(45, f"Layanan: {f.service}", 12.5, bold=True)


def _value(pdf: _Page, f: Figures, top: float) -> float:
    """The value box with the category disc; return the next free y."""
    colour = GRADE[min(f.rank, len(GRADE) - 1)]
    pdf.set_draw_color(*_rgb(colour))
    pdf.set_line_width(1.2)
    pdf.rect(MARGIN + 4, top, W - 2 * MARGIN - 8, 56, style="D", round_corners=True,
             corner_radius=7)
    pdf.set_line_width(0.2)
    pdf.ink(colour)
    pdf.font(50, bold=True)
    value = formats.number(f.converted, 2, locale=LOCALE)
    pdf.set_xy(MARGIN + 8, top + 9)
    pdf.cell(100, 24, value, align="C")
    pdf.ink(MUTED)
    pdf.font(12)
    pdf.set_xy(MARGIN + 8, top + 38)
    pdf.cell(100, 6, f"Nilai {f.index_name}", align="C")
    cx = W - MARGIN - 38
    pdf.fill(colour)
    pdf.ellipse(cx - 16, top + 6, 32, 32, style="F")
    pdf.ink("#ffffff")
    pdf.font(40, bold=True)
    pdf.set_xy(cx - 16, top + 12)
    pdf.cell(32, 20, f.mutu, align="C")
    pdf.ink(INK)
    pdf.font(12, bold=True)
    pdf.set_xy(cx - 32, top + 42)
    pdf.cell(64, 6, f"Kinerja: {f.kinerja}", align="C")
    return top + 64


def _respondents(pdf: _Page, f: Figures, top: float) -> float:
    """Total, by sex and by education (small groups hidden); return the next free y."""
    pdf.ink(NAVY)
    pdf.fitted(MARGIN, top, f"RESPONDEN: {formats.integer(f.n, locale=LOCALE)}", 14,
               W - 2 * MARGIN, bold=True)
    if f.profile is None:
        return top + 11
    pdf.ink(INK)
    sex = "     ".join(f"{label}: {n}" for label, n in
                       breakdown("jenis_kelamin", f.profile.get("jenis_kelamin", {})))
    pdf.fitted(MARGIN, top + 8, sex, 11, W - 2 * MARGIN)
    education = breakdown("pendidikan", f.profile.get("pendidikan", {}))
    col = (W - 2 * MARGIN) / 3
    for i, (label, n) in enumerate(education):
        pdf.fitted(MARGIN + (i % 3) * col, top + 15 + (i // 3) * 6, f"{label}: {n}", 10.5,
                   col - 3)
    return top + 17 + ((len(education) + 2) // 3) * 6 + 3


def _bars(pdf: _Page, f: Figures, top: float, bottom: float) -> None:
    """NRR per element as horizontal bars on the answer scale."""
    lo, hi = f.scale
    pdf.ink(NAVY)
    pdf.fitted(MARGIN, top, "Nilai rata-rata per unsur (NRR)", 12.5, 120, bold=True)
    top += 9
    step = min(11.0, (bottom - top) / max(len(f.elements), 1))
    size = max(7.5, min(10.5, step * 1.2))
    pdf.font(size)
    while size > 7.5 and max(pdf.get_string_width(n) for n, _ in f.elements) > 78:
        size -= 0.25  # one size for every name, as long as the longest fits
        pdf.font(size)
    widest = max(pdf.get_string_width(name) for name, _ in f.elements)
    x0, x1 = min(MARGIN + 82, max(MARGIN + 45, MARGIN + widest + 4)), W - MARGIN - 16
    for i, (name, nrr) in enumerate(f.elements):
        y = top + i * step
        pdf.ink(INK)
        pdf.fitted(MARGIN, y + step / 2 - size * 0.22, name, size, x0 - MARGIN - 3)
        bar = step * 0.55
        pdf.fill(TRACK)
        pdf.rect(x0, y + (step - bar) / 2, x1 - x0, bar, style="F", round_corners=True,
                 corner_radius=1.2)
        if nrr is not None:
            share = max(0.02, (nrr - lo) / (hi - lo))
            pdf.fill(NAVY)
            pdf.rect(x0, y + (step - bar) / 2, share * (x1 - x0), bar, style="F",
                     round_corners=True, corner_radius=1.2)
        value = formats.DASH if nrr is None else formats.number(nrr, 2, locale=LOCALE)
        pdf.fitted(x1 + 2.5, y + step / 2 - size * 0.22, value, size, 14)


def period_text(start: object, end: object) -> str:
    """The survey period in words (both ends inclusive)."""
    return formats.period(start, end, locale=LOCALE)  # type: ignore[arg-type]

