"""The official survey report as PDF: the same content and letterhead as the DOCX."""

from __future__ import annotations

import io

from fpdf.fonts import FontFace
from sqlalchemy.orm import Session

from ..report import IndexReport
from .common import Out, binary_out
from .fonts import ExportPDF
from .official import (
    Block,
    Heading,
    OfficialReport,
    PageBreak,
    Para,
    Table,
    Verification,
    build,
)

NOTE_RGB = (138, 75, 0)
HEAD_FILL = (217, 226, 243)
LEFT, TEXT_WIDTH = 25.0, 160.0  # mm, as the DOCX page
HEAD_STYLE = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
BOLD = FontFace(emphasis="BOLD")


class ReportPDF(ExportPDF):
    """A4 with the DOCX's margins and a page number in the footer."""

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Halaman {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)


def write_pdf_report(session: Session, report: IndexReport, out: Out) -> None:
    """Write the Laporan Hasil (Bahasa Indonesia) with letterhead and signature block."""
    pdf = render(build(session, report))
    with binary_out(out) as handle:
        handle.write(bytes(pdf.output()))


def render(content: OfficialReport) -> ReportPDF:
    """The fpdf2 document of the report's content."""
    pdf = ReportPDF(format="A4")
    pdf.set_margins(LEFT, 20, LEFT)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(f"{content.title} - {content.kop.unit_name}")
    pdf.set_lang("id-ID")
    pdf.add_page()
    _letterhead(pdf, content)
    pdf.font(14, bold=True)
    pdf.multi_cell(0, 7, content.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.font(11.5)
    for line in content.subtitle:
        pdf.multi_cell(0, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for block in content.body:
        _block(pdf, block)
    _signature(pdf, content)
    if content.annex:
        pdf.add_page()
        for block in content.annex:
            _block(pdf, block)
    return pdf


def _letterhead(pdf: ReportPDF, content: OfficialReport) -> None:
    kop, top = content.kop, pdf.get_y()
    text_x, text_w = LEFT, TEXT_WIDTH
    if kop.logo:
        pdf.image(io.BytesIO(kop.logo), x=LEFT, y=top, w=24, keep_aspect_ratio=True, h=24)
        text_x, text_w = LEFT + 28, TEXT_WIDTH - 28
    pdf.set_xy(text_x, top + (1 if kop.logo else 0))
    lines: list[tuple[str, float, bool]] = [(kop.agency.upper(), 12, False)] if kop.agency \
        else []
    lines.append((kop.unit_name.upper(), 14, True))
    lines += [(line, 9.5, False) for line in kop.address.splitlines() if line.strip()]
    for text, size, bold in lines:
        pdf.font(size, bold)
        pdf.set_x(text_x)
        pdf.multi_cell(text_w, size * 0.48, text, align="C", new_x="LEFT", new_y="NEXT")
    y = max(pdf.get_y(), top + (25 if kop.logo else 0)) + 2
    pdf.set_line_width(0.9)
    pdf.line(LEFT, y, LEFT + TEXT_WIDTH, y)
    pdf.set_line_width(0.25)
    pdf.line(LEFT, y + 1.3, LEFT + TEXT_WIDTH, y + 1.3)
    pdf.set_line_width(0.2)
    pdf.set_xy(LEFT, y + 6)


def _block(pdf: ReportPDF, block: Block) -> None:
    if isinstance(block, Heading):
        _heading(pdf, block)
    elif isinstance(block, PageBreak):
        pdf.add_page()
    elif isinstance(block, Para):
        _para(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)


def _heading(pdf: ReportPDF, block: Heading) -> None:
    size, before = (12.5, 5.0) if block.level == 1 else (11.5, 2.5)
    if pdf.get_y() > pdf.h - 50:  # never a title alone at the foot of a page
        pdf.add_page()
    pdf.ln(before)
    pdf.font(size, bold=True)
    pdf.multi_cell(0, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.font(10.5)


def _para(pdf: ReportPDF, block: Para) -> None:
    pdf.font(10.5, block.bold)
    if block.items:
        for i, item in enumerate(block.items, start=1):
            pdf.set_x(LEFT)
            pdf.cell(7, 5.4, f"{i}.")
            pdf.multi_cell(TEXT_WIDTH - 7, 5.4, item, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
        return
    if block.note:
        pdf.set_text_color(*NOTE_RGB)
    pdf.multi_cell(0, 5.4, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.font(10.5)
    pdf.ln(2)


def _table(pdf: ReportPDF, block: Table) -> None:
    pdf.font(9.5)
    total_w = sum(block.widths)
    aligns = tuple("RIGHT" if c in block.right else "LEFT" for c in range(len(block.head)))
    last = len(block.rows)
    with pdf.table(col_widths=block.widths, width=total_w, align="CENTER", line_height=4.8,
                   text_align=aligns, headings_style=HEAD_STYLE, padding=1.2,
                   first_row_as_headings=True, v_align="TOP") as table:
        for r, row in enumerate((block.head, *block.rows)):
            style = BOLD if r > 0 and r > last - block.total else None
            cells = table.row()
            for c, text in enumerate(row):
                cells.cell(text, style=style, align="CENTER" if r == 0 else aligns[c])
    pdf.font(10.5)
    pdf.ln(3)


def _signature(pdf: ReportPDF, content: OfficialReport) -> None:
    title, name, nip = content.signatory
    if pdf.get_y() > pdf.h - 70:  # the block stays whole
        pdf.add_page()
    pdf.ln(8)
    x, w = LEFT + TEXT_WIDTH / 2, TEXT_WIDTH / 2
    if content.verification is not None:
        _verification(pdf, content.verification, pdf.get_y())
    pdf.font(10.5)
    for text in (content.signed_at, title):
        pdf.set_x(x)
        pdf.multi_cell(w, 5.4, text, align="C", new_x="LEFT", new_y="NEXT")
    pdf.ln(22)
    pdf.set_x(x)
    pdf.font(10.5, bold=True)
    pdf.multi_cell(w, 5.4, name, align="C", new_x="LEFT", new_y="NEXT")
    pdf.font(10.5)
    pdf.set_x(x)
    pdf.multi_cell(w, 5.4, nip, align="C", new_x="LMARGIN", new_y="NEXT")


def _verification(pdf: ReportPDF, stamp: Verification, top: float) -> None:
    """The QR code of the public verification page and its code, left of the signature."""
    w = TEXT_WIDTH / 2
    pdf.image(io.BytesIO(stamp.qr_png), x=LEFT + (w - 26) / 2, y=top, w=26, h=26)
    pdf.set_xy(LEFT, top + 27)
    for text, size, bold in (("Kode verifikasi", 8.5, False), (stamp.code, 10, True),
                             (stamp.url, 7.5, False)):
        pdf.font(size, bold=bold)
        pdf.set_x(LEFT)
        pdf.multi_cell(w, 4.2, text, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_xy(LEFT, top)
