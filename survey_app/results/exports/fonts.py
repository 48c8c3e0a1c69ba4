"""Fonts and PDF building blocks for the exports: DejaVu Sans if installed, else built-ins."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from PIL import ImageFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_LATIN1 = str.maketrans({"≥": ">=", "≤": "<=", "–": "-", "—": "-", "‘": "'", "’": "'",
                         "“": '"', "”": '"', "…": "...", "α": "alpha", "•": "-"})


def dejavu(bold: bool = False) -> Path | None:
    """The DejaVu Sans file, if the system has it."""
    path = DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    return path if path.is_file() else None


class ExportPDF(FPDF):
    """FPDF writing DejaVu Sans if present, else Helvetica with text reduced to Latin-1."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        regular, bold = dejavu(), dejavu(bold=True)
        self.face = "Helvetica"
        if regular and bold:
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.face = "DejaVu"
        self.set_font(self.face, size=10)

    def normalize_text(self, text: str) -> str:
        """Core PDF fonts are Latin-1: replace what they cannot draw instead of failing."""
        if not self.is_ttf_font:
            text = text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
        return super().normalize_text(text)

    def font(self, size: float, bold: bool = False) -> None:
        """Switch to the export face."""
        self.set_font(self.face, "B" if bold else "", size)

    def heading(self, text: str) -> None:
        """A section title."""
        self.ln(3)
        self.font(12, bold=True)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.font(10)

    def para(self, text: str, bold: bool = False) -> None:
        """A left-aligned paragraph."""
        self.font(10, bold)
        self.multi_cell(0, 5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.font(10)
        self.ln(1)

    def grid(self, head: Sequence[str], rows: Sequence[Sequence[str]],
             widths: Sequence[float]) -> None:
        """A bordered table with a heading row (repeated after a page break)."""
        self.font(9)
        with self.table(col_widths=tuple(widths), width=sum(widths), align="LEFT",
                        line_height=5, text_align="LEFT") as table:
            for row in (head, *rows):
                cells = table.row()
                for text in row:
                    cells.cell(text)
        self.font(10)
        self.ln(2)


def image_font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font for Pillow: DejaVu Sans, or Pillow's own scalable default."""
    path = dejavu(bold)
    if path:
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)
