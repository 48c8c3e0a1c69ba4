"""The hasil component as an XLSX sheet whose bases, scores, totals and targets are formulas."""

from __future__ import annotations

from typing import Any, BinaryIO

import xlsxwriter

FIRST = 5  # 1-based row of the first component
NOTE = ("Basis 0..4: indeks skala 1..4 masuk apa adanya; indeks skala lain = indeks / skala maks "
        "x 4 (konversi turunan, tidak ada aturan resmi). Target dibandingkan pada nilai yang "
        "dibulatkan ke 2 desimal (setengah ke atas).")


def _status(met: bool | None) -> str:
    return {True: "tercapai", False: "belum tercapai", None: "isi pengungkit"}[met]


def hasil_xlsx(data: dict[str, Any], out: BinaryIO, *, cache_results: bool = True) -> None:
    """Write one sheet: components with index, basis and score formulas, areas, totals, targets.

    Without cache_results every stored formula result is left at 0 (to prove a recalculation).
    """
    # write() of a text starting with "=" would store a formula: names typed by staff stay text
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet("Hasil")
    bold = book.add_format({"bold": True})
    num = book.add_format({"num_format": "0.0000"})

    def formula(row: int, col: int, text: str, value: float | str) -> None:
        cached = value if cache_results else (0 if isinstance(value, float | int) else "")
        sheet.write_formula(row, col, text, num, cached)

    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 5, 14)
    sheet.set_column(6, 6, 60)
    sheet.write(0, 0, f"Komponen hasil ZI {data['unit']} {data['year']}", bold)
    sheet.write(1, 0, f"{data['rule']['name']} (keyakinan {data['rule']['confidence']}); "
                      f"periode {data['period']['from']} s/d {data['period']['to']}")
    sheet.write(2, 0, NOTE)
    sheet.write_row(3, 0, ["Komponen", "Sumber", "Indeks", "Basis 0..4", "Bobot", "Nilai",
                           "Konversi ke basis 0..4"], bold)
    row, basis_cell = FIRST - 1, {}
    for comp in data["components"]:
        r = row + 1  # 1-based row number for formulas
        sheet.write_number(row, 4, comp["weight"])
        if "basis" in comp:
            low, high = comp["scale"]
            sheet.write_row(row, 0, [comp["name"], comp["source"]])
            sheet.write_number(row, 2, comp["index"], num)
            if comp["basis_derived"]:
                formula(row, 3, f"=C{r}/{high}*4", comp["basis"])
                how = f"turunan: indeks {low}..{high} / {high} x 4 (tidak ada aturan resmi)"
            else:
                formula(row, 3, f"=C{r}", comp["basis"])
                how = f"langsung: indeks {low}..{high} masuk apa adanya"
            if data.get("conversion", {}).get("used") == "(x-1)/3":
                formula(row, 5, f"=MAX(0,(D{r}-1)/3)*E{r}", comp["score"])
                how += "; nilai = (basis - 1) / 3 x bobot"
            else:
                formula(row, 5, f"=D{r}/4*E{r}", comp["score"])
                how += "; nilai = basis / 4 x bobot"
            sheet.write(row, 6, how)
            basis_cell[comp["code"]] = f"D{r}"
        else:
            sheet.write_row(row, 0, [comp["name"], "input"])
            if comp.get("value") is None:
                sheet.write_string(row, 5, "belum diisi")
            elif comp.get("kind") == "percent":  # e.g. TLHP: percent in C, points by formula
                sheet.write_number(row, 2, comp["value"], num)
                formula(row, 5, f"=C{r}/100*E{r}", comp["score"])
                sheet.write(row, 6, "persentase / 100 x bobot")
            else:
                sheet.write_number(row, 5, comp["value"], num)
        row += 1
    hasil_row = row + 1
    sheet.write(row, 0, "Total hasil", bold)
    sheet.write_number(row, 4, data["hasil_max"])
    formula(row, 5, f"=SUM(F{FIRST}:F{row})", data["hasil"])
    row += 2
    total_cell = _pengungkit(sheet, bold, num, formula, data, row, hasil_row)
    row = total_cell[1] + 2
    sheet.write(row, 0, "Target", bold)
    for target in data["targets"]:
        row += 1
        bases = ", ".join(f"{k.upper()} >= {v:g}" for k, v in target["bases"].items())
        sheet.write(row, 0, f"{target['name']}: total >= {target['total']:g}"
                            + (f", {bases}" if bases else ""))
        if total_cell[0] is None:
            sheet.write(row, 1, _status(None))
            continue
        tests = [f"ROUND({total_cell[0]},2)>={target['total']:g}"] + [
            f"ROUND({basis_cell[k]},2)>={v:g}" for k, v in target["bases"].items()]
        formula(row, 1, f'=IF(AND({",".join(tests)}),"tercapai","belum tercapai")',
                _status(target["met"]))
    book.close()


def _pengungkit(sheet: Any, bold: Any, num: Any, formula: Any, data: dict[str, Any], row: int,
                hasil_row: int) -> tuple[str | None, int]:
    """Areas (if entered) and the pengungkit and grand totals; the total's cell and last row."""
    sheet.write(row, 0, "Komponen pengungkit", bold)
    sheet.write_row(row, 4, ["Maks", "Nilai"], bold)
    areas = data.get("pengungkit_areas") or []
    first = row + 2
    for area in areas:
        row += 1
        sheet.write(row, 0, area["name"])
        sheet.write_number(row, 4, area["max"])
        if area["value"] is None:
            sheet.write_string(row, 5, "belum diisi")
        else:
            sheet.write_number(row, 5, area["value"], num)
    row += 1
    sheet.write(row, 0, "Total pengungkit", bold)
    sheet.write_number(row, 4, data["pengungkit_max"])
    if data["pengungkit"] is None:
        sheet.write_string(row, 5, "belum diisi")
        return None, row
    if areas:
        formula(row, 5, f"=SUM(F{first}:F{row})", data["pengungkit"])
    else:
        sheet.write_number(row, 5, data["pengungkit"], num)
    row += 1
    sheet.write(row, 0, "Total (pengungkit + hasil)", bold)
    sheet.write_number(row, 4, 100)
    formula(row, 5, f"=F{hasil_row}+F{row}", data["total"])
    return f"F{row + 1}", row
