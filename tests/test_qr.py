"""Generated QR codes decode to the counter's survey URL."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from survey_app import qr
from tests.helpers import make_unit

COUNTER_URL = "http://survey.test/s/U1/S1/L1"


def decode_png(data: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_survey_url_forms():
    assert qr.survey_url("https://x.go.id/", "U1") == "https://x.go.id/s/U1"
    assert qr.survey_url("https://x.go.id", "U1", "S1", "L 1") == "https://x.go.id/s/U1/S1/L%201"


def test_png_decodes_to_counter_url():
    assert decode_png(qr.qr_png(COUNTER_URL)) == [COUNTER_URL]


def test_svg_is_svg_of_the_same_code():
    svg = qr.qr_svg(COUNTER_URL)
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg


def test_cli_writes_png_that_decodes(runner, session, tmp_path):
    make_unit(session)
    out = tmp_path / "l1.png"
    result = runner.invoke(args=["qr", "U1", "S1", "L1", "--format", "png", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert decode_png(out.read_bytes()) == [COUNTER_URL]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poster_pdf_has_the_url_as_text_and_a_scannable_code(runner, session, tmp_path):
    make_unit(session)
    out = tmp_path / "poster.pdf"
    result = runner.invoke(args=["qr", "U1", "S1", "L1", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert COUNTER_URL in text and "Unit U1" in text and "Layanan S1" in text
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True)
    assert decode_png((tmp_path / "page.png").read_bytes()) == [COUNTER_URL]


def test_unknown_format_and_unit_are_one_line_errors(runner, session, tmp_path):
    make_unit(session)
    result = runner.invoke(args=["qr", "NOPE", "--format", "png", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "unknown unit 'NOPE'" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(args=["qr", "U1", "--format", "gif", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
