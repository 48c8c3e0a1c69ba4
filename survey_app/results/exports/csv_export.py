"""The anonymous raw answers as CSV: the paper-import format plus `counter` and `source`.

Columns: `submitted_at` (ISO local date-time with the unit's UTC offset), `service`, `counter`,
`source`, `jenis_kelamin`, `usia`, `pendidikan`, `pekerjaan`, one column per element code of
the instrument (empty = unanswered), `saran`. UTF-8 with a header row; dropping `counter` and
`source` gives a file `survey-app responses import` takes back. Cells are written as stored:
a saran is never rewritten (no "'" prefix), so open the XLSX rather than the CSV in a
spreadsheet when texts may start with "=".
"""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from ..report import IndexReport
from .common import Out, binary_out, raw_rows

LEADING = ("submitted_at", "service", "counter", "source", "jenis_kelamin", "usia", "pendidikan",
           "pekerjaan")


def csv_header(report: IndexReport) -> list[str]:
    """The column names, element codes in the instrument's display order."""
    return [*LEADING, *report.instrument.codes, "saran"]


def write_csv(session: Session, report: IndexReport, out: Out) -> int:
    """Stream the report's responses as CSV; return the number of rows written."""
    count = 0
    with binary_out(out) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
        try:
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(csv_header(report))
            for row in raw_rows(session, report):
                writer.writerow([
                    row.submitted_at.isoformat(timespec="seconds"), row.service, row.counter,
                    row.source, row.jenis_kelamin or "",
                    "" if row.usia is None else row.usia, row.pendidikan or "",
                    row.pekerjaan or "", *("" if v is None else v for v in row.answers),
                    row.saran,
                ])
                count += 1
        finally:
            text.detach()  # leave the caller's file open
    return count
