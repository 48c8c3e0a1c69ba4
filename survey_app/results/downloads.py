"""The publication exports by name: writer, content type and file name (CLI and dashboard)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy.orm import Session

from analysis import Weights

from .exports import write_csv, write_infographic_pdf, write_pdf_report, write_png, write_xlsx
from .exports.docx_report import write_docx_report
from .report import IndexReport

SPOOL_BYTES = 8 * 1024 * 1024  # larger exports go to a temporary file, not memory


@dataclass(frozen=True)
class ExportFormat:
    """One export: how to write it and how to serve it."""

    write: Callable[..., Any]
    mimetype: str
    suffix: str  # the file name's ending, extension included


# pdf is the survey report (the contract's format); infographic-pdf is an extension.
EXPORTS: dict[str, ExportFormat] = {
    "xlsx": ExportFormat(
        write_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "csv": ExportFormat(write_csv, "text/csv", ".csv"),  # Flask adds "; charset=utf-8"
    "pdf": ExportFormat(write_pdf_report, "application/pdf", "-laporan.pdf"),
    "png": ExportFormat(write_png, "image/png", "-infografis.png"),
    "infographic-pdf": ExportFormat(write_infographic_pdf, "application/pdf", "-infografis.pdf"),
    "docx": ExportFormat(
        write_docx_report,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "-laporan.docx"),
}


def filename(report: IndexReport, fmt: str) -> str:
    """e.g. `U1-ikm-2026-01-01_2026-03-31-S1-L1.xlsx`; codes only, so always a safe name."""
    parts = [report.unit.code, report.instrument.slug,
             f"{report.period.start.isoformat()}_{report.period.end.isoformat()}"]
    if report.service:
        parts.append(report.service.code)
    if report.counter:
        parts.append(report.counter.code)
    if report.result.weights == Weights.COMPAT:
        parts.append(Weights.COMPAT.value)
    return "-".join(parts) + EXPORTS[fmt].suffix


def render(session: Session, report: IndexReport, fmt: str) -> IO[bytes]:
    """The export written to a temporary file, rewound for sending (KeyError: unknown format)."""
    spec = EXPORTS[fmt]
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - sent, then closed
    try:
        spec.write(session, report, out)  # published figures carry their verification code
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
