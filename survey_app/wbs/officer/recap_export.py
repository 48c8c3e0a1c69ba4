"""The recap as XLSX, PDF or JSON files."""

from __future__ import annotations

import io
import json

import xlsxwriter

from ...results.exports.fonts import ExportPDF
from ..states import CATEGORY_LABELS, STATUS_LABELS
from .recap import Duration, Recap

FORMATS = ("xlsx", "pdf", "json")
MIMES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "json": "application/json"}
LATE = {"acknowledge": "Terlambat ditanggapi", "verify": "Terlambat diverifikasi",
        "resolve": "Terlambat diselesaikan"}


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def rows(recap: Recap) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of (label, value) pairs shared by every format."""
    def duration(d: Duration) -> list[tuple[str, str]]:
        return [("n", str(d.n)), ("Median (hari kerja)", _num(d.median)),
                ("Rata-rata (hari kerja)", _num(d.mean)),
                ("Maksimum (hari kerja)", "-" if d.max is None else str(d.max))]

    return [
        ("Ringkasan", [
            ("Unit", f"{recap.unit_name} ({recap.unit})"),
            ("Periode", f"{recap.period_from.isoformat()} s.d. {recap.period_to.isoformat()}"),
            ("Jumlah laporan", str(recap.total)),
            ("Lewat tenggat saat ini", str(recap.overdue_now)),
            *[(LATE[k], str(v)) for k, v in recap.late.items()],
        ]),
        ("Per kategori",
         [(str(CATEGORY_LABELS[k]), str(v)) for k, v in recap.by_category.items()]),
        ("Per status",
         [(str(STATUS_LABELS[k]), str(v)) for k, v in recap.by_status.items()]),
        ("Waktu sampai ditanggapi", duration(recap.to_acknowledge)),
        ("Waktu sampai ditutup", duration(recap.to_close)),
    ]


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
            if _is_number(value):
                sheet.write_number(line, 1, float(value))
            else:
                sheet.write(line, 1, value)
            line += 1
        line += 1
    sheet.write(line, 0, f"Dibuat {recap.generated_on.isoformat()}; tanpa identitas pelapor.")
    book.close()
    return buf.getvalue()


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


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
            pdf.cell(60, 6, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(pdf.face, "", 9)
    pdf.multi_cell(0, 5, f"Dibuat {recap.generated_on.isoformat()}. Hanya angka; tanpa identitas "
                   "pelapor atau isi laporan (figures only, no identities).")
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
