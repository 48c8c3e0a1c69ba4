"""Generated QR codes decode to the counter's survey URL."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
import qrcode
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


SVG_NS = "{http://www.w3.org/2000/svg}"
SQUARE = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H(\d+)z")


def svg_modules(svg: bytes) -> tuple[int, set[tuple[int, int]]]:
    """The viewBox side and the dark modules (x, y) drawn by an SVG path of unit squares."""
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    x0, y0, width, height = (int(v) for v in root.attrib["viewBox"].split())
    assert (x0, y0) == (0, 0) and width == height
    (path,) = root.iter(SVG_NS + "path")
    data = path.attrib["d"]
    squares = SQUARE.findall(data)
    assert "".join(f"M{x},{y}H{a}V{b}H{c}z" for x, y, a, b, c in squares) == data
    modules = set()
    for x, y, right, bottom, left in (tuple(map(int, sq)) for sq in squares):
        assert (right, bottom, left) == (x + 1, y + 1, x), "not a unit square"
        modules.add((x, y))
    return width, modules


def test_svg_modules_are_the_qr_matrix_of_the_counter_url():
    side, modules = svg_modules(qr.qr_svg(COUNTER_URL))
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    expected.add_data(COUNTER_URL)
    expected.make(fit=True)
    matrix = expected.get_matrix()  # with its 4-module quiet zone
    assert side == len(matrix)
    assert modules == {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    # and those modules, drawn as pixels, scan as the counter's URL
    image = Image.new("L", (side * 8, side * 8), 255)
    for x, y in modules:
        image.paste(0, (x * 8, y * 8, x * 8 + 8, y * 8 + 8))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [COUNTER_URL]


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
    assert COUNTER_URL in text and "UNIT U1" in text and "Layanan S1" in text
    assert "Laporkan tanpa nama: http://survey.test/wbs" in " ".join(text.split())
    assert "Tanpa nama, tanpa nomor telepon" in " ".join(text.split())
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


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poster_carries_the_units_logo_and_still_scans(runner, session, tmp_path):
    from survey_app import letterheads, orgs

    unit = make_unit(session)
    logo = Image.new("RGB", (200, 200), (200, 30, 30))
    buf = io.BytesIO()
    logo.save(buf, format="PNG")
    letterheads.save(session, unit, {}, logo=buf.getvalue())
    session.commit()
    out = tmp_path / "poster.pdf"
    result = runner.invoke(args=["qr", "U1", "S1", "L1", "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().count(b"/Subtype /Image") == 2  # the logo and the QR code
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(out),
                    str(tmp_path / "page")], check=True)
    assert decode_png((tmp_path / "page.png").read_bytes()) == [COUNTER_URL]
    with Image.open(tmp_path / "page.png") as page:  # the red logo sits at the top centre
        assert page.convert("RGB").getpixel((page.width // 2, 100)) == (200, 30, 30)
    if os.environ.get("REPORT_PNG_DIR"):
        shutil.copy(tmp_path / "page.png", os.path.join(os.environ["REPORT_PNG_DIR"], "poster.png"))
    assert orgs.find_unit(session, "U1") is not None
