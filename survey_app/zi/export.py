"""The hasil component as an XLSX sheet whose scores are live formulas."""

from __future__ import annotations

from typing import Any, BinaryIO

import xlsxwriter


def hasil_xlsx(data: dict[str, Any], out: BinaryIO) -> None:
    """Write one sheet: each component with its basis, weight and score formula, then totals."""
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Hasil")
    bold = book.add_format({"bold": True})
    num = book.add_format({"num_format": "0.0000"})
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 6, 14)
    sheet.write_row(0, 0, [f"Komponen hasil ZI {data['unit']} {data['year']}"], bold)
    sheet.write_row(1, 0, [f"{data['rule']['name']} (keyakinan {data['rule']['confidence']}); "
                           f"periode {data['period']['from']} s/d {data['period']['to']}"])
    sheet.write_row(3, 0, ["Komponen", "Sumber", "Indeks", "Basis 0..4", "Bobot", "Nilai"], bold)
    row = 4
    for comp in data["components"]:
        r = row + 1  # 1-based row number for formulas
        if "basis" in comp:
            sheet.write_row(row, 0, [comp["name"], comp["source"]])
            sheet.write_number(row, 2, comp["index"], num)
            sheet.write_number(row, 3, comp["basis"], num)
            sheet.write_number(row, 4, comp["weight"])
            sheet.write_formula(row, 5, f"=D{r}/4*E{r}", num, comp["score"])
        else:
            sheet.write_row(row, 0, [comp["name"], "input", "", ""])
            sheet.write_number(row, 4, comp["weight"])
            if comp.get("value") is None:
                sheet.write_string(row, 5, "belum diisi")
            else:
                sheet.write_number(row, 5, comp["value"], num)
        row += 1
    first, last = 5, row
    sheet.write(row, 0, "Total hasil", bold)
    sheet.write_formula(row, 5, f"=SUM(F{first}:F{last})", num, data["hasil"])
    total_row = row + 1
    row += 1
    sheet.write(row, 0, "Pengungkit", bold)
    if data["pengungkit"] is not None:
        sheet.write_number(row, 5, data["pengungkit"], num)
        sheet.write(row + 1, 0, "Total (pengungkit + hasil)", bold)
        sheet.write_formula(row + 1, 5, f"=F{total_row}+F{total_row + 1}", num, data["total"])
        row += 1
    row += 2
    sheet.write(row, 0, "Target", bold)
    for target in data["targets"]:
        row += 1
        bases = ", ".join(f"{k.upper()} >= {v:g}" for k, v in target["bases"].items())
        met = {True: "tercapai", False: "belum tercapai", None: "isi pengungkit"}[target["met"]]
        sheet.write_row(row, 0, [f"{target['name']}: total >= {target['total']:g}"
                                 + (f", {bases}" if bases else ""), met])
    book.close()
