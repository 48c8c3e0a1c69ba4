"""The anonymous raw answers as CSV: the paper-import columns plus `counter` and `source`.

Columns: `submitted_at` (the unit's local date only), `service`, `counter`, `source`,
`jenis_kelamin`, `usia` (the profile's age band, e.g. `30-39`), `pendidikan`, `pekerjaan`, one
column per element code of the instrument (empty = unanswered), `saran`. UTF-8 with a header
row, CRLF line ends (RFC 4180). Coarse on purpose: the minute of a response and an exact age,
set beside a quiet counter's queue log, can name a respondent. Every text cell that a
spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) gets a leading "'"
(OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from ..report import IndexReport
from .common import Out, binary_out, raw_rows, spreadsheet_text

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
            # CRLF rows (RFC 4180): the csv module quotes a field only for the characters of
            # its line terminator, so with "\n" a CR inside a saran went out unquoted and
            # split the row in a spreadsheet, its rest a new row starting wherever it liked.
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(csv_header(report))
            for row in raw_rows(session, report):
                texts = (row.service, row.counter, row.source, row.jenis_kelamin, row.usia,
                         row.pendidikan, row.pekerjaan)
                writer.writerow([
                    row.submitted_on.isoformat(), *(spreadsheet_text(t or "") for t in texts),
                    *("" if v is None else v for v in row.answers), spreadsheet_text(row.saran),
                ])
                count += 1
        finally:
            text.detach()  # leave the caller's file open
    return count
