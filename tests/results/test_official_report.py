"""The official report (Laporan Hasil SKM): DOCX read by python-docx and by LibreOffice, PDF."""

from __future__ import annotations

import io
import os
import re
import subprocess
from statistics import mean

from docx import Document
from PIL import Image

import instruments
from analysis import round_half_up
from survey_app import letterheads, orgs
from survey_app.models import FollowUpItem
from tests.helpers import IKM_CODES, make_unit
from tests.results.test_exports import PERIOD, load, need, paper_rows, pdf_text, report

RTL_PROGRAM = "Menambah satu loket antrean pada jam sibuk"
HEAD = "Dra. Siti Rahmawati, M.Si."
NIP = "19750312 200003 2 001"
ADDRESS = "Jl. Perintis Kemerdekaan Km. 17, Makassar 90245"
SARAN = ("Antrean pagi terlalu panjang; mohon tambah petugas", "Ruang tunggu sudah nyaman",
         '"Informasi biaya, tolong dipasang di depan"')
OUT_DIR = os.environ.get("REPORT_PNG_DIR")  # set to keep the rendered pages for a look


def logo_png() -> bytes:
    """A small two-colour logo."""
    image = Image.new("RGBA", (240, 240), (255, 255, 255, 0))
    for x in range(240):
        for y in range(240):
            if (x - 120) ** 2 + (y - 120) ** 2 < 110 ** 2:
                image.putpixel((x, y), (11, 61, 145, 255) if y < 150 else (200, 30, 30, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def expected_figures(rows):
    """Converted value and category computed here from the CSV rows, not by the app."""
    columns = [[] for _ in IKM_CODES]
    for row in rows:
        values = row.split(",")[6:6 + len(IKM_CODES)]
        for i, v in enumerate(values):
            if v:
                columns[i].append(int(v))
    converted = mean(mean(c) for c in columns) * 25  # every element answered: weights 1/9
    shown = round_half_up(converted, 2)
    letter = "A" if shown >= 88.31 else "B" if shown >= 76.61 else "C" if shown >= 65 else "D"
    return f"{shown:.2f}".replace(".", ","), letter


def arrange(session, runner, tmp_path):
    make_unit(session)
    rows = [row + SARAN[i] if i < len(SARAN) else row
            for i, row in enumerate(paper_rows(n=60))]
    load(runner, tmp_path, rows)
    unit = orgs.find_unit(session, "U1")
    letterheads.save(session, unit, {
        "agency": "Kementerian Contoh Republik Indonesia", "address": ADDRESS,
        "place": "Makassar", "head_title": "Kepala Kantor", "head_name": HEAD, "head_nip": NIP,
    }, logo=logo_png())
    session.add(FollowUpItem(unit_id=unit.id, instrument_slug="ikm", service_id=None,
                             period_from=PERIOD.start, period_to=PERIOD.end, priority=1,
                             element_code="waktu", program=RTL_PROGRAM, waktu="Triwulan II 2026",
                             penanggung_jawab="Kepala Seksi Pelayanan"))
    session.commit()
    return rows


def docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def assert_official_content(text: str, converted: str, letter: str) -> None:
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "UNIT U1" in text and ADDRESS in text  # letterhead
    assert "1 Januari – 31 Maret 2026" in text  # the period in Indonesian
    assert f"adalah {converted} dengan mutu pelayanan {letter}" in text
    assert "80.57" not in text and f"{converted.replace(',', '.')} " not in text
    for item in instruments.latest("ikm").items:
        assert item.name.id in text, item.name.id
    assert RTL_PROGRAM in text and "Kepala Seksi Pelayanan" in text
    for outline in ("BAB I PENDAHULUAN", "BAB II PENGUMPULAN DATA", "BAB III HASIL PENGOLAHAN",
                    "BAB IV ANALISIS", "BAB V KESIMPULAN DAN RENCANA TINDAK LANJUT",
                    "Lampiran 1. Kuesioner", "Lampiran 2. Tabel Nilai Rata-rata Unsur",
                    "Lampiran 3. Rekapitulasi Saran"):
        assert outline in text, outline
    assert "Antrean pagi terlalu panjang" in text and "Ruang tunggu sudah nyaman" in text
    assert "Makassar," in text and HEAD in text and f"NIP. {NIP}" in text


def test_docx_report_read_by_python_docx_and_by_libreoffice(runner, session, tmp_path):
    rows = arrange(session, runner, tmp_path)
    converted, letter = expected_figures(rows)
    out = tmp_path / "laporan.docx"
    result = runner.invoke(args=["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    assert doc.core_properties.language == "id-ID"
    assert len(doc.inline_shapes) == 1  # the logo
    assert_official_content(docx_text(out), converted, letter)

    soffice = need("soffice")
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--norestore", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=240)
    converted_pdf = tmp_path / "laporan.pdf"
    assert_official_content(pdf_text(converted_pdf), converted, letter)
    keep_pages(converted_pdf, "docx")


def test_pdf_report_carries_the_same_content_and_letterhead(runner, session, tmp_path):
    rows = arrange(session, runner, tmp_path)
    converted, letter = expected_figures(rows)
    out = tmp_path / "laporan.pdf"
    result = runner.invoke(args=["export", "U1", "--from", "2026-01-01", "--to", "2026-03-31",
                                 "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert_official_content(pdf_text(out), converted, letter)
    assert b"/Subtype /Image" in out.read_bytes()  # the logo
    keep_pages(out, "pdf")


def test_without_a_letterhead_the_signature_is_left_to_fill_in(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=12))
    from survey_app.results.exports.docx_report import write_docx_report

    out = tmp_path / "bare.docx"
    write_docx_report(session, report(session), out)
    text = docx_text(out)
    assert "Kepala Unit U1" in text and "NIP. ....." in text
    assert "Rencana tindak lanjut belum diisi" in text and "(belum diisi)" in text


def keep_pages(pdf, name):
    """With REPORT_PNG_DIR set, render the pages to PNG there (for a person to look at)."""
    if not OUT_DIR:
        return
    subprocess.run([need("pdftoppm"), "-r", "60", "-png", str(pdf), os.path.join(OUT_DIR, name)],
                   check=True)


def test_infographic_pdf_is_a4_vector_with_the_figures_as_text(runner, session, tmp_path):
    rows = arrange(session, runner, tmp_path)
    converted, letter = expected_figures(rows)
    from survey_app.results.exports import write_infographic_pdf

    out = tmp_path / "infografis.pdf"
    write_infographic_pdf(session, report(session), out)
    info = subprocess.run([need("pdfinfo"), str(out)], capture_output=True, text=True,
                          check=True).stdout
    assert "x 841.89 pts (A4)" in info and re.search(r"Pages: +1\n", info)
    assert b"/Subtype /Image" not in out.read_bytes()  # drawn, not a picture of the PNG
    text = pdf_text(out)
    assert converted in text and f"Kinerja: {'Baik' if letter == 'B' else ''}" in text
    assert "RESPONDEN: 60" in text and "1 Januari – 31 Maret 2026" in text
    for item in instruments.latest("ikm").items:
        assert item.name.id in text
    keep_pages(out, "infographic")


def test_docx_labels_compat_weights_and_a_derived_scale(runner, session, tmp_path):
    from survey_app.results.exports.docx_report import write_docx_report
    from tests.results.test_labels import full_rows

    make_unit(session)
    load(runner, tmp_path, full_rows())
    compat = tmp_path / "compat.docx"
    write_docx_report(session, report(session, weights="compat-0.111"), compat)
    text = docx_text(compat)
    assert "Bobot 0,111 per unsur: mode kompatibilitas" in text and "99,90" in text
    assert "(compatibility" not in text  # the report is Bahasa Indonesia only
    exact = docx_text(_written(session, tmp_path, report(session)))
    assert "mode kompatibilitas" not in exact and "Nilai turunan" not in exact


def test_docx_of_a_six_point_instrument_says_the_conversion_is_derived(session, tmp_path):
    from tests.results.test_exports import spkp_report

    rep = spkp_report(session)
    text = docx_text(_written(session, tmp_path, rep))
    assert "Nilai turunan: nilai IPKP = indeks / 6 x 100" in text
    assert "dipakai untuk skala 1-6 secara analogi" in text


def _written(session, tmp_path, rep):
    from survey_app.results.exports.docx_report import write_docx_report

    out = tmp_path / f"{rep.instrument.slug}-{rep.result.weights}.docx"
    write_docx_report(session, rep, out)
    return out
