"""The official survey report as an editable Word document (python-docx).

Built-in heading styles (restyled) so the navigation pane and a table of contents work in Word
and LibreOffice; tables with a repeated heading row; the letterhead in the first page's body
(a unit edits it like any text) and page numbers in the footer.
"""

from __future__ import annotations

import io
from copy import deepcopy

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from sqlalchemy.orm import Session

from ..report import IndexReport
from .common import Out, binary_out
from .official import Block, Heading, OfficialReport, PageBreak, Para, Table, Verification, build

FONT = "Arial"  # Liberation Sans stands in where Arial is missing (same metrics)
NOTE_COLOUR = RGBColor(0x8A, 0x4B, 0x00)
HEAD_FILL = "D9E2F3"


def write_docx_report(session: Session, report: IndexReport, out: Out) -> None:
    """Write the Laporan Hasil SKM as DOCX."""
    buffer = io.BytesIO()
    render(build(session, report)).save(buffer)
    with binary_out(out) as handle:
        handle.write(buffer.getvalue())


def render(doc_content: OfficialReport) -> DocxDocument:
    """The python-docx document of the report's content."""
    doc = Document()
    _page_and_styles(doc)
    _letterhead(doc, doc_content)
    title = doc.add_paragraph(style="Title")
    title.add_run(doc_content.title)
    for line in doc_content.subtitle:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(1)
        p.add_run(line).font.size = Pt(11.5)
    doc.add_paragraph()
    for block in doc_content.body:
        _block(doc, block)
    _signature(doc, doc_content)
    if doc_content.annex:
        doc.add_section(WD_SECTION.NEW_PAGE)
        for block in doc_content.annex:
            _block(doc, block)
    doc.core_properties.title = f"{doc_content.title} - {doc_content.kop.unit_name}"
    doc.core_properties.language = "id-ID"
    doc.core_properties.author = doc_content.kop.unit_name
    return doc


def _page_and_styles(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    _language(normal, "id-ID")
    for name, size, centred in (("Title", 14, True), ("Heading 1", 12.5, False),
                                ("Heading 2", 11.5, False)):
        style = styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), True
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        rfonts = style.element.rPr.rFonts
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        fmt = style.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
        fmt.space_before = Pt({"Title": 12, "Heading 1": 18}.get(name, 10))
        fmt.space_after = Pt(6)
        fmt.keep_with_next = True
    _no_title_border(styles["Title"])
    _page_numbers(section)


def _language(style: object, tag: str) -> None:
    rpr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    rpr.append(lang)


def _no_title_border(style: object) -> None:
    ppr = style.element.get_or_add_pPr()  # type: ignore[attr-defined]
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _page_numbers(section: object) -> None:
    p = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("Halaman ").font.size = Pt(9)
    _field(p, "PAGE")


def _field(paragraph: object, code: str) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run.font.size = Pt(9)
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {code} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _letterhead(doc: DocxDocument, content: OfficialReport) -> None:
    kop = content.kop
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _widths(table, (28, 132) if kop.logo else (0.5, 159.5))
    logo_cell, text_cell = table.rows[0].cells
    if kop.logo:
        run = logo_cell.paragraphs[0].add_run()
        run.add_picture(io.BytesIO(kop.logo), width=Mm(24))
    lines: list[tuple[str, float, bool]] = [(kop.agency.upper(), 12, False)] if kop.agency \
        else []
    lines.append((kop.unit_name.upper(), 14, True))
    lines += [(line, 9.5, False) for line in kop.address.splitlines() if line.strip()]
    first = True
    for text, size, bold in lines:
        p = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        run = p.add_run(text)
        run.font.size, run.bold = Pt(size), bold
    rule = doc.add_paragraph()
    rule.paragraph_format.space_after = Pt(12)
    _bottom_border(rule)


def _bottom_border(paragraph: object) -> None:
    ppr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "thickThinSmallGap"), ("w:sz", "18"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _block(doc: DocxDocument, block: Block) -> None:
    if isinstance(block, Heading):
        doc.add_paragraph(block.text, style=f"Heading {block.level}")
    elif isinstance(block, PageBreak):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, Para):
        _para(doc, block)
    elif isinstance(block, Table):
        _table(doc, block)


def _para(doc: DocxDocument, block: Para) -> None:
    if block.items:
        for i, item in enumerate(block.items, start=1):
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Mm(7)
            p.paragraph_format.first_line_indent = Mm(-7)
            p.paragraph_format.space_after = Pt(2)
            p.add_run(f"{i}.\t{item}")
            p.paragraph_format.tab_stops.add_tab_stop(Mm(7))
        return
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    run = p.add_run(block.text)
    run.bold = block.bold
    if block.note:
        run.italic = True
        run.font.color.rgb = NOTE_COLOUR


def _table(doc: DocxDocument, block: Table) -> None:
    body = len(block.rows)
    table = doc.add_table(rows=1 + min(body, 1), cols=len(block.head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for r, (row, line) in enumerate(zip((block.head, *block.rows[:1]), table.rows, strict=True)):
        _keep_whole(line)  # the copies below inherit it
        for c, (cell, text) in enumerate(zip(line.cells, row, strict=True)):
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            if r == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c in block.right:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = p.add_run(text)
            run.font.size = Pt(9.5)
            if r == 0:
                run.bold = True
                _shade(cell, HEAD_FILL)
    _widths(table, block.widths)
    _copy_rows(table, block.rows[1:])
    for line in list(table.rows)[1 + body - block.total:] if block.total else ():
        for cell in line.cells:
            for run in cell.paragraphs[0].runs:
                run.bold = True
    _cell_margins(table)
    _repeat_header(table.rows[0])
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _copy_rows(table: DocxTable, rows: tuple[tuple[str, ...], ...]) -> None:
    """Append `rows` as copies of the first body row (its widths, alignment and font), only
    the text replaced: formatting each of 30,000 cells anew takes python-docx a minute."""
    if not rows:
        return
    tbl = table._tbl
    proto = tbl.tr_lst[1]
    for row in rows:
        tr = deepcopy(proto)
        tbl.append(tr)
        for tc, text in zip(tr.tc_lst, row, strict=True):
            _Cell(tc, table).paragraphs[0].runs[0].text = text


def _widths(table: object, widths: tuple[float, ...]) -> None:
    """Column widths in mm, in the grid (LibreOffice reads it) and in every cell (Word)."""
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _cell_margins(table: object) -> None:
    tblpr = table._tbl.tblPr  # type: ignore[attr-defined]
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("bottom", 40), ("left", 90), ("right", 90)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tblpr.append(margins)


def _shade(cell: object, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


def _keep_whole(row: object) -> None:
    """A row is never split across two pages (a wrapped unit name stays with its figures)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # type: ignore[attr-defined]


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _signature(doc: DocxDocument, content: OfficialReport) -> None:
    title, name, nip = content.signatory
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, (80, 80))
    right = table.rows[0].cells[1]
    if content.verification is not None:
        _verification(table.rows[0].cells[0], content.verification)
    lines = [(content.signed_at, False, 0), (title, False, 0), ("", False, 0), ("", False, 0),
             ("", False, 0), (name, True, 0), (nip, False, 0)]
    for i, (text, bold, _) in enumerate(lines):
        p = right.paragraphs[0] if i == 0 else right.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.keep_with_next = i < len(lines) - 1
        run = p.add_run(text)
        run.bold = bold
        run.underline = bold


def _verification(cell: object, stamp: Verification) -> None:
    """The QR code of the public verification page and its code, beside the signature."""
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(stamp.qr_png), width=Mm(26))
    for text, size in (("Kode verifikasi", 8.5), (stamp.code, 10), (stamp.url, 7.5)):
        line = cell.add_paragraph()  # type: ignore[attr-defined]
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.space_after = Pt(0)
        run = line.add_run(text)
        run.font.size = Pt(size)
        run.bold = text == stamp.code
