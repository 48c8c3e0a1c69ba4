"""Combined-index exports (a parent unit's subtree or a unit group): CSV and XLSX tables, the
combined index JSON, and the official document as PDF and DOCX (exports/combined_document.py).

The tables: one row per member unit with its own n and index, then the pooled figure over all of
them, then the pooled NRR per element. Numbers unrounded, as the index JSON gives them. The JSON
is what `index ... --with-subunits --json` and `group index ... --json` print.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import xlsxwriter
from sqlalchemy.orm import Session

from ..combined import CombinedReport
from .combined_document import DOCUMENTS

HEADER = ["kode_unit", "unit", "n", "indeks", "nilai_konversi", "mutu"]


def rows(combined: CombinedReport) -> list[list[object]]:
    """The table: member units, the pooled row, then element NRRs of the pooled figure."""
    out: list[list[object]] = [list(HEADER)]
    for u in combined.units:
        r = u.result
        out.append([u.unit.code, u.unit.name, u.n, r.index if r else "",
                    r.converted if r else "", r.category.mutu if r else ""])
    r = combined.report.result
    out.append([combined.code, f"{combined.name} (gabungan / pooled)", combined.report.n,
                r.index, r.converted, r.category.mutu])
    out.append([])
    out.append(["unsur", "nama", "n", "nrr", "nrr_tertimbang"])
    inst = combined.report.instrument
    for e in r.elements:
        out.append([e.code, inst.item(e.code).name.id, e.n, e.nrr if e.nrr is not None else "",
                    e.nrr_weighted if e.nrr_weighted is not None else ""])
    return out


def csv_bytes(combined: CombinedReport) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read it as UTF-8)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows(combined))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(combined: CombinedReport) -> bytes:
    """One sheet with the same table."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Gabungan")
    for i, row in enumerate(rows(combined)):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    book.close()
    return out.getvalue()


def json_bytes(combined: CombinedReport) -> bytes:
    """The combined index JSON, UTF-8."""
    return json.dumps(combined.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


RENDERERS = {"csv": csv_bytes, "xlsx": xlsx_bytes, "json": json_bytes}
FORMATS = (*RENDERERS, *DOCUMENTS)  # what the CLI and the download links offer
MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf",
             "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def render(session: Session, combined: CombinedReport, fmt: str) -> bytes:
    """The table (csv, xlsx, json) or the document (pdf, docx); KeyError for another format."""
    if fmt in DOCUMENTS:
        return DOCUMENTS[fmt](session, combined)
    return RENDERERS[fmt](combined)


def filename(combined: CombinedReport, fmt: str) -> str:
    """e.g. `gabungan-P-2026-01-01-2026-03-31.csv`, `...-laporan.pdf`: codes only, a safe name."""
    period = combined.report.period
    suffix = "-laporan" if fmt in DOCUMENTS else ""
    return f"gabungan-{combined.code}-{period.start}-{period.end}{suffix}.{fmt}"


def write(session: Session, combined: CombinedReport, fmt: str, path: Path) -> None:
    """Write `fmt` (csv, xlsx, json, pdf or docx) to `path`."""
    path.write_bytes(render(session, combined, fmt))
