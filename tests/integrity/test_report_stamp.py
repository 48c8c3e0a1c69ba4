"""The official report (DOCX and PDF) of published figures carries the verification code, its
QR code and the frozen integrity summary; a report of unpublished figures carries neither."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from docx import Document
from PIL import Image

from survey_app.integrity.publications import verification_code
from survey_app.models import Publication
from tests.integrity.support import clean_history, make_integrity_unit
from tests.integrity.test_publications import ARGS, START, _publish
from tests.results.test_exports import pdf_text
from tests.results.test_official_report import docx_text


@pytest.fixture
def code(runner, session) -> str:  # type: ignore[no-untyped-def]
    unit = make_integrity_unit(session)
    clean_history(session, unit, START, 28, n=400)
    pub = session.get(Publication, _publish(runner))
    return verification_code(pub.digest)


def export(runner, tmp_path, fmt: str, *period: str):  # type: ignore[no-untyped-def]
    out = tmp_path / f"laporan.{fmt}"
    result = runner.invoke(args=["export", "U1", *(period or ARGS), "--format", fmt,
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_docx_of_published_figures_carries_code_qr_and_integrity(runner, tmp_path, code):
    out = export(runner, tmp_path, "docx")
    text = docx_text(out)
    assert "Kode verifikasi" in text and code in text and f"/verifikasi/{code}" in text
    assert "C. Integritas Data dan Verifikasi" in text and "respons diperiksa" in text
    images = [Image.open(io.BytesIO(rel.target_part.blob)) for rel in
              Document(str(out)).part.rels.values() if "image" in rel.reltype]
    decoded = [r.text for img in images for r in zxingcpp.read_barcodes(img)]
    assert any(t.endswith(f"/verifikasi/{code}") for t in decoded)


def test_pdf_of_published_figures_carries_the_code(runner, tmp_path, code):
    text = " ".join(pdf_text(export(runner, tmp_path, "pdf")).split())
    assert "Kode verifikasi" in text and code in text and "respons diperiksa" in text


def test_a_report_of_unpublished_figures_has_no_stamp(runner, tmp_path, code):
    other = ("--from", "2026-10-05", "--to", "2026-10-20")
    text = docx_text(export(runner, tmp_path, "docx", *other))
    assert "Kode verifikasi" not in text and code not in text
