"""The official document (PDF, DOCX) of a combined index: a parent unit with its sub-units and a
unit group. The text read back from the files equals the figures the results code computes."""

from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import date

from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from survey_app import formats, letterheads
from survey_app.integrity.publications import verification_code
from survey_app.models import Publication, Unit
from survey_app.results.combined import SMALL_SAMPLE, CombinedReport, build_combined, subtree
from survey_app.results.exports import combined_document as doc
from survey_app.results.period import Period
from survey_app.unitgroups import find_group, members
from tests.results.test_exports import need
from tests.scale import test_combined as base

tree = base.tree  # P > A > C, P > B (Makassar), X outside; P 3, A 40, B 8, C 25, X 30 in Q1
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
DATES = ["--from", "2026-01-01", "--to", "2026-03-31"]
OUT_DIR = os.environ.get("REPORT_PNG_DIR")  # set to keep the rendered pages for a look
METHOD_ID = "Indeks gabungan dihitung secara terhimpun (pooled)"


def n(x: float) -> str:
    """A figure as the document prints it (Bahasa Indonesia: 80,57)."""
    return formats.number(x, 2, locale="id")


def pdf_text(path) -> str:
    """The PDF's text in its layout (a table row on one line), whitespace folded."""
    done = subprocess.run([need("pdftotext"), "-layout", str(path), "-"], capture_output=True,
                          check=True, text=True)
    return " ".join(done.stdout.split())


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a DOCX, whitespace folded."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def rows_of(text: str, combined: CombinedReport) -> list[str]:
    """Each member unit's row as the text shows it: code, name, n (with its mark), index."""
    found, text = [], text.replace(" *", "*")  # pdftotext may drop the space before the mark
    for i, u in enumerate(combined.units, start=1):
        own = f"{n(u.result.converted)} {u.result.category.mutu}" if u.result else "– –"
        mark = "*" if u.small else ""
        row = f"{i} {u.unit.code} {u.unit.name} {formats.integer(u.n, locale='id')}{mark} {own}"
        assert row in text, row
        found.append(u.unit.code)
    return found


def keep_pages(path, name: str) -> None:
    """With REPORT_PNG_DIR set, render the pages to PNG there (for a person to look at)."""
    if OUT_DIR:
        subprocess.run([need("pdftoppm"), "-r", "60", "-png", str(path),
                        os.path.join(OUT_DIR, name)], check=True)


def export(runner, tmp_path, *args: str):
    out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}"
    result = runner.invoke(args=[*args, *DATES, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_parent_document_carries_the_pooled_figure_and_each_units_own(runner, session,
                                                                       tmp_path, tree):
    units, _answers = tree
    letterheads.save(session, units["P"], {"agency": "Pemerintah Kabupaten Contoh",
                                           "head_name": "Dra. Siti Rahmawati"})
    session.commit()
    combined = build_combined(session, units["P"], subtree(session, units["P"]), "ikm", Q1)
    pdf = export(runner, tmp_path, "export", "P", "--with-subunits", "--format", "pdf")
    keep_pages(pdf, "combined-parent")
    docx = export(runner, tmp_path, "export", "P", "--with-subunits", "--format", "docx")
    r, report = combined.report.result, combined.report
    for text in (pdf_text(pdf), docx_text(docx.read_bytes())):
        assert "PEMERINTAH KABUPATEN CONTOH" in text and "Dra. Siti Rahmawati" in text
        assert f"Nilai IKM gabungan {units['P'].name} adalah {n(r.converted)}" in text
        assert f"mutu pelayanan {r.category.mutu}" in text
        assert f"dari {formats.integer(report.n, locale='id')} responden" in text
        assert f"{n(report.ci95[0])} – {n(report.ci95[1])}" in text
        assert n(combined.mean_of_units) in text  # for reading only, labelled so
        assert METHOD_ID in text
        assert rows_of(text, combined) == ["P", "A", "B", "C"]  # X is not in P's tree
        assert "Kode verifikasi" not in text  # not published: a draft carries no code
    small = {u.unit.code for u in combined.units if u.small}
    assert small == {"P", "B", "C"} and SMALL_SAMPLE == 30  # 3, 8 and 25 respondents


def test_published_group_document_carries_its_verification_code(runner, session, tmp_path,
                                                                 tree):
    units, _answers = tree
    result = runner.invoke(args=["group", "add", "MPP", "B", "X", "--name",
                                 "Mal Pelayanan Publik Kota", "--owner", "X"])
    assert result.exit_code == 0, result.output
    letterheads.save(session, units["X"], {"agency": "Dinas Penanaman Modal"})
    session.commit()
    draft = export(runner, tmp_path, "group", "export", "MPP", "--format", "pdf")
    assert "Kode verifikasi" not in pdf_text(draft)
    published = runner.invoke(args=["group", "publish", "MPP", *DATES])
    assert published.exit_code == 0, published.output
    pub = session.scalars(select(Publication)).one()
    code = verification_code(pub.digest)
    group = find_group(session, "MPP")
    combined = build_combined(session, group, members(session, group), "ikm", Q1)
    pdf = export(runner, tmp_path, "group", "export", "MPP", "--format", "pdf")
    keep_pages(pdf, "combined-group")
    docx = export(runner, tmp_path, "group", "export", "MPP", "--format", "docx")
    for text in (pdf_text(pdf), docx_text(docx.read_bytes())):
        assert "DINAS PENANAMAN MODAL" in text  # the letterhead of the unit that runs it
        assert "Kelompok unit Mal Pelayanan Publik Kota (2 unit)" in text
        assert f"adalah {n(combined.report.result.converted)}" in text
        assert rows_of(text, combined) == ["B", "X"]
        assert code in text and f"/verifikasi/{code}" in text
    assert len(Document(io.BytesIO(docx.read_bytes())).inline_shapes) == 1  # the QR code


def test_unknown_combined_format_is_one_line(runner, tree):
    result = runner.invoke(args=["export", "P", *DATES, "--with-subunits", "--format", "png",
                                 "--out", "x.png"])
    assert result.exit_code != 0
    assert "csv, xlsx, json, pdf or docx" in result.output


def many_units(combined: CombinedReport, count: int) -> CombinedReport:
    """The combined report with `count` member rows (long names among them), never stored."""
    from dataclasses import replace

    figures = combined.units
    rows = []
    for i in range(count):
        source = figures[i % len(figures)]
        name = (f"Unit Pelaksana Teknis Dinas Pendidikan dan Kebudayaan Kecamatan Nomor {i} "
                "Wilayah Kepulauan Selatan") if i % 7 == 0 else f"Puskesmas {i}"
        unit = Unit(code=f"U{i:05d}", name=name, tz="Asia/Jakarta")
        rows.append(replace(source, unit=unit))
    return replace(combined, units=rows)


def test_five_thousand_units_paginate_with_repeated_heads_after_the_signature(app, session,
                                                                             tmp_path, tree):
    units, _answers = tree
    combined = many_units(build_combined(session, units["P"], subtree(session, units["P"]),
                                         "ikm", Q1), 5000)
    pdf = tmp_path / "many.pdf"
    with app.app_context():  # the document's words are the app's catalog's
        pdf.write_bytes(doc.pdf_bytes(session, combined))
        data = doc.docx_bytes(session, combined)
    pages = int(re.search(r"Pages: +(\d+)", subprocess.run(
        [need("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout)[1])
    text = subprocess.run([need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")
    signed = next(i for i, page in enumerate(text) if "NIP." in page)
    annex = next(i for i, page in enumerate(text) if "Lampiran. Indeks Setiap Unit" in page)
    assert signed < annex <= 4  # the signature closes the report; the 5,000 rows follow it
    table_pages = [page for page in text[annex:] if page.strip()]
    assert all("Kode" in page and "Mutu" in page for page in table_pages)  # heads repeat
    assert 80 < pages < 200  # about 40 rows a page, not one row a page
    folded = " ".join(" ".join(text).split())
    assert "U04999" in folded and "U00000" in folded
    long_name = ("Unit Pelaksana Teknis Dinas Pendidikan dan Kebudayaan Kecamatan Nomor 4998 "
                 "Wilayah Kepulauan Selatan")
    raw = subprocess.run([need("pdftotext"), str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # a cell's wrapped lines follow each other here
    assert long_name in " ".join(raw.split())  # wrapped within its cell, nothing cut off
    lines = [" ".join(line.split()) for page in text for line in page.splitlines()]
    assert not any(long_name in line for line in lines)  # ... over several lines of its cell
    keep_pages(pdf, "combined-many")
    table = Document(io.BytesIO(data)).tables[-1]
    assert len(table.rows) == 5001
    head = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert head is not None and head.get(qn("w:val")) == "true"
    assert table.rows[-1]._tr.trPr.find(qn("w:cantSplit")) is not None  # rows stay whole
