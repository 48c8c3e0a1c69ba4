"""The recap as XLSX, PDF or JSON files.

XLSX and PDF are documents in Bahasa Indonesia whoever downloads them (labels, dates and
decimals), like the survey reports; JSON is for programs: ISO dates and dot decimals.
"""

from __future__ import annotations

import io
import json

import xlsxwriter
from flask_babel import force_locale

from ... import formats
from ...results.exports.fonts import ExportPDF
from ..states import CATEGORY_LABELS, STATUS_LABELS
from .recap import Duration, Recap

FORMATS = ("xlsx", "pdf", "json")
MIMES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "json": "application/json"}
LATE = {"acknowledge": "Terlambat ditanggapi", "verify": "Terlambat diverifikasi",
        "resolve": "Terlambat diselesaikan"}


LOCALE = "id"
Value = str | int | float | None  # a number stays a number until a format writes it


def rows(recap: Recap) -> list[tuple[str, list[tuple[str, Value]]]]:
    """Sections of (label, value) pairs shared by XLSX and PDF, labels in Bahasa Indonesia."""
    def duration(d: Duration) -> list[tuple[str, Value]]:
        return [("n", d.n), ("Median (hari kerja)", d.median),
                ("Rata-rata (hari kerja)", d.mean), ("Maksimum (hari kerja)", d.max)]

    with force_locale(LOCALE):  # the status and category labels, whatever the page language
        categories: list[tuple[str, Value]] = [(str(CATEGORY_LABELS[k]), v)
                                               for k, v in recap.by_category.items()]
        statuses: list[tuple[str, Value]] = [(str(STATUS_LABELS[k]), v)
                                             for k, v in recap.by_status.items()]
    return [
        ("Ringkasan", [
            ("Unit", f"{recap.unit_name} ({recap.unit})"),
            ("Periode", formats.period(recap.period_from, recap.period_to, locale=LOCALE)),
            ("Jumlah laporan", recap.total),
            ("Lewat tenggat saat ini", recap.overdue_now),
            *[(LATE[k], v) for k, v in recap.late.items()],
        ]),
        ("Per kategori", categories),
        ("Per status", statuses),
        ("Waktu sampai ditanggapi", duration(recap.to_acknowledge)),
        ("Waktu sampai ditutup", duration(recap.to_close)),
    ]


def shown(value: Value) -> str:
    """A value as the PDF prints it: 2,5 and 1.250, a dash for none."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return formats.number(value, 1, locale=LOCALE)
    if isinstance(value, int):
        return formats.integer(value, locale=LOCALE)
    return value


def to_xlsx(recap: Recap) -> bytes:
    """A one-sheet workbook."""
    buf = io.BytesIO()
    # write() of a text starting with "=" would store a formula: names typed by staff stay text
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet, bold = book.add_worksheet("Rekap WBS"), book.add_format({"bold": True})
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 28)
    sheet.write(0, 0, "Rekapitulasi Whistle-Blowing System", bold)
    line = 2
    for title, pairs in rows(recap):
        sheet.write(line, 0, title, bold)
        line += 1
        for label, value in pairs:
            sheet.write(line, 0, label)
            if isinstance(value, int | float):
                sheet.write_number(line, 1, value)
            else:
                sheet.write(line, 1, shown(value))
            line += 1
        line += 1
    sheet.write(line, 0, f"Dibuat {formats.day(recap.generated_on, locale=LOCALE)}; tanpa "
                         "identitas pelapor.")
    book.close()
    return buf.getvalue()


def to_pdf(recap: Recap) -> bytes:
    """An A4 page."""
    pdf = ExportPDF(format="A4")
    pdf.add_page()
    pdf.set_font(pdf.face, "B", 14)
    pdf.multi_cell(0, 8, "REKAPITULASI WHISTLE-BLOWING SYSTEM", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    for title, pairs in rows(recap):
        pdf.ln(3)
        pdf.set_font(pdf.face, "B", 11)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.face, "", 10)
        for label, value in pairs:
            pdf.cell(120, 6, label, border=1)
            pdf.cell(60, 6, shown(value), border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(pdf.face, "", 9)
    pdf.multi_cell(0, 5, f"Dibuat {formats.day(recap.generated_on, locale=LOCALE)}. Hanya "
                   "angka; tanpa identitas pelapor atau isi laporan.")
    return bytes(pdf.output())


def render(recap: Recap, fmt: str) -> bytes:
    """The recap in one of FORMATS."""
    if fmt == "xlsx":
        return to_xlsx(recap)
    if fmt == "pdf":
        return to_pdf(recap)
    if fmt == "json":
        return json.dumps(recap.as_dict(), indent=2, ensure_ascii=False).encode()
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
