"""Publication exports of an index report: workbook, CSV, PDF report and infographic."""

from .csv_export import write_csv
from .infographic import write_infographic_pdf, write_png
from .pdf_report import write_pdf_report
from .xlsx import write_xlsx

__all__ = ["write_csv", "write_infographic_pdf", "write_pdf_report", "write_png", "write_xlsx"]
