"""The index workbook: anonymous raw answers and live formulas that recompute the result."""

from __future__ import annotations

from typing import Any

import xlsxwriter
from sqlalchemy.orm import Session
from xlsxwriter.utility import xl_col_to_name

import analysis
from analysis.index import Weights

from ..basis import conversion_derived, conversion_formula, derived_note, weights_note
from ..report import IndexReport, declared_weights
from .common import OMITTED_NOTE, Out, binary_out, raw_rows, service_label

DATA_HEAD = ("submitted_at", "service", "counter", "source", "jenis_kelamin", "usia",
             "pendidikan", "pekerjaan", "saran")
NRR_HEAD = ("Kode", "Unsur", "n", "Jumlah nilai", "NRR", "Bobot",
            "NRR x bobot")
INDEX_CELLS = {"index": "B2", "converted": "B3", "rounded": "B4", "mutu": "B5", "kinerja": "B6",
               "n": "B7"}
DECLARED_HEAD = "Bobot menurut instrumen"
CATEGORY_ROW = 10  # first category row (1-based) on the Index sheet


def write_xlsx(session: Session, report: IndexReport, out: Out, *,
               cache_results: bool = True) -> None:
    """Write the workbook; without cache_results every stored formula result is left at 0."""
    with binary_out(out) as handle:
        # Formulas come only from write_formula: no user text ever turns into one.
        book = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        fmt = {name: book.add_format(spec) for name, spec in (
            ("bold", {"bold": True}), ("when", {"num_format": "yyyy-mm-dd"}),
            ("2", {"num_format": "0.00"}), ("4", {"num_format": "0.0000"}))}
        last = _data_sheet(session, book, report, fmt)
        _nrr_sheet(book, report, last, fmt, cache_results)
        _index_sheet(book, report, last, fmt, cache_results).activate()
        _info_sheet(book, report, fmt)
        book.close()


def _fixed_weight(report: IndexReport) -> float:
    """The one weight every answered element has in a fixed-weight (compatibility) mode."""
    return next(e.weight for e in report.result.elements if e.n)


def _weight_formula(report: IndexReport, row: int, k: int) -> str:
    """An element's weight on the NRR sheet, as analysis.compute_index weighs it.

    exact: 1/k over the answered elements; declared: the element's own weight (column H) over
    the sum of the answered elements' weights; compat-0.111: the fixed weight.
    """
    answered = f'$C$2:$C${k + 1},">0"'
    if report.result.weights == Weights.EXACT:
        return f"1/COUNTIF({answered})"
    if report.result.weights == "declared":
        return f"H{row}/SUMIF({answered},$H$2:$H${k + 1})"
    return repr(_fixed_weight(report))


def _data_sheet(session: Session, book: Any, report: IndexReport, fmt: dict[str, Any]) -> int:
    """Stream one row per response; return the last row number (0 = header only)."""
    sheet = book.add_worksheet("Data")
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 19)
    sheet.write_row(0, 0, [*DATA_HEAD, *report.instrument.codes], fmt["bold"])
    last = 0
    for last, row in enumerate(raw_rows(session, report), start=1):
        sheet.write_datetime(last, 0, row.submitted_on, fmt["when"])
        texts = (row.service, row.counter, row.source, row.jenis_kelamin, row.usia,
                 row.pendidikan, row.pekerjaan, row.saran)
        for col, text in enumerate(texts, start=1):
            if text:  # write_string: a saran starting with "=" stays text, never a formula
                sheet.write_string(last, col, text)
        for col, value in enumerate(row.answers, start=len(DATA_HEAD)):
            if value is not None:  # an empty cell is an unanswered element
                sheet.write_number(last, col, value)
    return last


def _nrr_sheet(book: Any, report: IndexReport, last: int, fmt: dict[str, Any],
               cache: bool) -> None:
    sheet = book.add_worksheet("NRR")
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 7, 13)
    sheet.write_row(0, 0, NRR_HEAD, fmt["bold"])
    codes, elements = report.instrument.codes, report.result.elements
    k = len(elements)
    declared = declared_weights(report.instrument) if report.result.weights == "declared" \
        else None
    if declared is not None:
        sheet.write_string(0, 7, DECLARED_HEAD, fmt["bold"])
    for i, e in enumerate(elements, start=1):
        x, col = i + 1, xl_col_to_name(len(DATA_HEAD) + codes.index(e.code))
        weight = _weight_formula(report, x, k)
        if declared is not None:
            sheet.write_number(i, 7, declared[e.code], fmt["4"])
        rng = f"Data!${col}$2:${col}${max(last + 1, 2)}"
        sheet.write_string(i, 0, e.code)
        sheet.write_string(i, 1, report.instrument.item(e.code).name.id)
        cells: list[tuple[str, Any, Any]] = [
            (f"=COUNT({rng})", e.n, None), (f"=SUM({rng})", e.total, None),
            (f'=IF(C{x}>0,D{x}/C{x},"")', "" if e.nrr is None else e.nrr, fmt["2"]),
            (f"=IF(C{x}>0,{weight},0)", e.weight, fmt["4"]),
            (f'=IF(C{x}>0,E{x}*F{x},"")', "" if e.nrr_weighted is None else e.nrr_weighted,
             fmt["4"]),
        ]
        for col_no, (formula, value, cell_fmt) in enumerate(cells, start=2):
            sheet.write_formula(i, col_no, formula, cell_fmt, value if cache else 0)


def _index_sheet(book: Any, report: IndexReport, last: int, fmt: dict[str, Any],
                 cache: bool) -> Any:
    sheet = book.add_worksheet("Index")
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 2, 22)
    r, inst, k = report.result, report.instrument, len(report.result.elements)
    table = sorted(inst.categories, key=lambda c: c.lower, reverse=True)

    def nested_if(label_col: str) -> str:
        """Highest category whose lower bound (column B) the rounded value reaches."""
        formula = f"${label_col}${CATEGORY_ROW + len(table) - 1}"  # the lowest takes the rest
        for i in reversed(range(len(table) - 1)):
            row = CATEGORY_ROW + i
            formula = f"IF(B4>=$B${row},${label_col}${row},{formula})"
        return "=" + formula

    derived = " (turunan, analogi IKM)" if conversion_derived(inst.scale_max) else ""
    sheet.write_row(0, 0, ("Besaran", "Nilai"), fmt["bold"])
    lines = [
        (f"Indeks {inst.index_name} ({inst.scale_min}-{inst.scale_max})",
         f"=SUM(NRR!$G$2:$G${k + 1})", r.index, fmt["4"]),
        (_converted_label(report), conversion_formula("B2", inst.scale_max,
                                                      inst.conversion_factor),
         r.converted, fmt["4"]),
        ("Dibulatkan (2 desimal)", "=ROUND(B3,2)", analysis.round_half_up(r.converted, 2),
         fmt["2"]),
        ("Mutu pelayanan" + derived, nested_if("A"), r.category.mutu, None),
        ("Kinerja unit pelayanan" + derived, nested_if("C"), r.category.kinerja_id, None),
        ("Jumlah responden", f"=COUNT(Data!$A$2:$A${max(last + 1, 2)})", report.n, None),
    ]
    for i, (label, formula, value, cell_fmt) in enumerate(lines, start=1):
        sheet.write_string(i, 0, label)
        sheet.write_formula(i, 1, formula, cell_fmt, value if cache else 0)
    sheet.write_row(CATEGORY_ROW - 2, 0, ("Mutu", "Batas bawah konversi", "Kinerja"), fmt["bold"])
    for i, c in enumerate(table):
        sheet.write_row(CATEGORY_ROW - 1 + i, 0, (c.letter, c.lower, c.kinerja.id))
    notes = (OMITTED_NOTE, derived_note(inst.scale_max, inst.conversion_factor),
             weights_note(r.weights))
    for i, note in enumerate(n for n in notes if n):
        sheet.write_string(CATEGORY_ROW + len(table) + i, 0, note)
    return sheet


def _converted_label(report: IndexReport) -> str:
    """"Nilai konversi (x 25)", or "(indeks / 6 x 100, turunan)" for a derived conversion."""
    inst = report.instrument
    if conversion_derived(inst.scale_max):
        return f"Nilai konversi (indeks / {inst.scale_max} x 100, turunan)"
    return f"Nilai konversi (x {inst.conversion_factor:g})"


def _info_sheet(book: Any, report: IndexReport, fmt: dict[str, Any]) -> None:
    sheet = book.add_worksheet("Info")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 90)
    inst, r = report.instrument, report.result
    weights = ("1/k sama rata, k = jumlah unsur yang dijawab" if r.weights == Weights.EXACT
               else f"{r.weights}: {weights_note(r.weights)}")
    scale = f"{inst.scale_min}-{inst.scale_max}, konversi x {inst.conversion_factor:g}"
    if conversion_derived(inst.scale_max):
        scale = f"{inst.scale_min}-{inst.scale_max}. " + derived_note(inst.scale_max,
                                                                     inst.conversion_factor)
    rows = (
        ("Unit", f"{report.unit.code} - {report.unit.name}"),
        ("Layanan", service_label(report)),
        ("Periode", report.period.label()),
        ("Instrumen", f"{inst.title.id} ({inst.slug} {inst.version}, {inst.source})"),
        ("Skala", scale),
        ("Bobot", weights),
        ("Catatan", OMITTED_NOTE),
        ("Tidak dijawab", ", ".join(r.omitted) or "-"),
        ("Data", "Jawaban mentah anonim; sel kosong = tidak dijawab. "
                 f"submitted_at: tanggal lokal {report.unit.tz} saja; usia: kelompok umur "
                 "(hanya tanggal dan kelompok umur: waktu dan usia yang persis dapat "
                 "mengungkap responden)."),
    )
    for i, (key, value) in enumerate(rows):
        sheet.write_string(i, 0, key, fmt["bold"])
        sheet.write_string(i, 1, value)
