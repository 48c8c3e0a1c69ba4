"""Printed matter of published figures carries the verification code and a QR code of the
verification page (the infographic PDF, the QR poster); unpublished figures carry neither. The
poster's title and instructions follow the surveys its page runs (issue 14)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from survey_app import poster
from survey_app.integrity import publications
from survey_app.models import Counter, Publication, Service
from survey_app.survey import flow
from tests.admin.support import login, make_user
from tests.integrity.support import clean_history, make_integrity_unit

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="poppler-utils not installed")
PERIOD = "instrument=ikm&period=2026-10-05..2026-11-01"
INFOGRAPHIC = f"/admin/units/U1/results/export/infographic-pdf?{PERIOD}"
POSTER = "/admin/units/U1/qr.pdf?service=SKCK&counter=L1"
SURVEY_URL = "http://survey.test/s/U1/SKCK/L1"


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The PDF's text (pdftotext), whitespace collapsed."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def pdf_codes(data: bytes, tmp_path: Path, dpi: int = 150) -> set[str]:
    """What every QR code on the PDF's first page decodes to."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path),
                    str(tmp_path / "page")], check=True)
    with Image.open(tmp_path / "page.png") as page:
        return {r.text for r in zxingcpp.read_barcodes(page.convert("L"))}


@pytest.fixture
def unit(client, session):  # type: ignore[no-untyped-def]
    found = make_integrity_unit(session)
    clean_history(session, found, date(2026, 10, 5), 28, n=400)
    make_user(session, unit=found, role="unit_admin")
    login(client, "staf@u1.go.id")
    return found


def _publish(runner, session) -> str:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["publish", "U1", "--from", "2026-10-05", "--to", "2026-11-01"])
    assert result.exit_code == 0, result.output
    pub = session.get(Publication, int(result.output.split()[-1]))
    return publications.verification_code(pub.digest)


def test_infographic_pdf_of_published_figures_carries_code_and_qr(client, runner, session, unit,
                                                                  tmp_path):
    before = client.get(INFOGRAPHIC)
    assert before.status_code == 200 and before.mimetype == "application/pdf"
    assert "Kode verifikasi" not in pdf_text(before.data, tmp_path)
    assert not pdf_codes(before.data, tmp_path)
    code = _publish(runner, session)
    after = client.get(INFOGRAPHIC).data
    text = pdf_text(after, tmp_path)
    url = f"http://survey.test/verifikasi/{code}"
    assert f"Kode verifikasi: {code}" in text and url in text
    assert "Terima kasih atas partisipasi Anda" in text
    assert pdf_codes(after, tmp_path) == {url}


def test_poster_shows_the_latest_published_figure_with_its_code_and_qr(client, runner, session,
                                                                       unit, tmp_path):
    before = client.get(POSTER).data
    assert "Kode verifikasi" not in pdf_text(before, tmp_path)
    assert pdf_codes(before, tmp_path) == {SURVEY_URL}
    code = _publish(runner, session)
    after = client.get(POSTER).data
    text = pdf_text(after, tmp_path)
    pub = session.query(Publication).one()
    import json

    converted = json.loads(pub.figures)["index"]["converted"]
    assert f"IKM {converted:.2f}".replace(".", ",") in text  # Indonesian decimals
    assert "Periode 5 Oktober – 1 November 2026 · 400 responden" in text
    assert f"Kode verifikasi {code}" in text
    # Both codes scan: the survey's, and the verification page's.
    assert pdf_codes(after, tmp_path) == {SURVEY_URL, f"http://survey.test/verifikasi/{code}"}


def _set_flow(app, session, item, slugs) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():  # the commit clears the app's page cache
        flow.set_flow(session, item, slugs)
        session.commit()


def test_poster_title_and_instructions_follow_the_surveys_of_its_page(app, client, session,
                                                                      unit, tmp_path):
    skck = session.query(Service).filter_by(unit_id=unit.id, code="SKCK").one()
    _set_flow(app, session, skck, ["ipk", "ikm"])  # stored in the respondents' order
    both = pdf_text(client.get(POSTER).data, tmp_path)
    assert "SURVEI KEPUASAN MASYARAKAT DAN PERSEPSI KORUPSI" in both
    assert "Public Satisfaction and Corruption Perception Survey" in both
    assert "lalu jawab dua survei singkat berturut-turut (seluruhnya sekitar 2 menit)" in both
    assert "SURVEI KEPUASAN MASYARAKAT Public" not in both  # not the IKM-only title
    # A counter of that service running only the IPK.
    counter = session.query(Counter).filter_by(service_id=skck.id, code="L1").one()
    _set_flow(app, session, counter, ["ipk"])
    only = pdf_text(client.get(POSTER).data, tmp_path)
    assert "SURVEI PERSEPSI KORUPSI" in only and "KEPUASAN" not in only
    assert "lalu jawab beberapa pertanyaan singkat (sekitar 1 menit)" in only
    # The unit's poster names every survey any of its services runs.
    whole = pdf_text(client.get("/admin/units/U1/qr.pdf").data, tmp_path)
    assert "SURVEI KEPUASAN MASYARAKAT DAN PERSEPSI KORUPSI" in whole
    # An IKM-only service keeps the title it always had.
    sim = pdf_text(client.get("/admin/units/U1/qr.pdf?service=SIM").data, tmp_path)
    assert "SURVEI KEPUASAN MASYARAKAT Public Satisfaction Survey" in sim
    assert "sekitar 1 menit" in sim


def test_wording_counts_surveys_and_minutes() -> None:
    assert poster.wording(["ikm"]).title == "SURVEI KEPUASAN MASYARAKAT"
    three = poster.wording(["ikm", "ipk", "spak"])
    assert three.title == "SURVEI KEPUASAN MASYARAKAT, PERSEPSI KORUPSI, DAN PERSEPSI ANTI KORUPSI"
    assert "tiga survei singkat berturut-turut (seluruhnya sekitar 3 menit)" in three.instructions
    assert "3 short surveys" in three.instructions_en


def test_a_crowded_a5_poster_keeps_every_part_apart(tmp_path):
    """Logo, two-line title, figure box and WBS band on A5: nothing overlaps (text boxes from
    pdftotext -bbox), and both codes still scan."""
    logo = BytesIO()
    Image.new("RGB", (120, 120), (200, 30, 30)).save(logo, format="PNG")
    figure = poster.PublishedFigure("IKM 86,45 · B (Baik)", "Periode 1 Juli – 30 September 2026",
                                    "3F2A-91BC-0D4E", "http://survey.test/verifikasi/3F2A-91BC-0D4E")
    data = poster.poster_pdf(SURVEY_URL, "Kantor Pelayanan Kependudukan Kota Contoh",
                             "Penerbitan Surat Keterangan Catatan Kepolisian", "Loket 1", "A5",
                             logo=logo.getvalue(), wbs_url="http://survey.test/wbs",
                             flow=("ikm", "ipk"), figure=figure)
    assert pdf_codes(data, tmp_path, dpi=200) == {SURVEY_URL, figure.url}
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    import re

    boxes = [tuple(float(v) for v in m) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', html)]
    assert len(boxes) > 50
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)


def test_exported_files_of_published_figures_carry_the_stamp_from_the_command_line_too(
        runner, session, unit, tmp_path):
    code = _publish(runner, session)
    url = f"http://survey.test/verifikasi/{code}"
    for fmt, name in (("png", "info.png"), ("infographic-pdf", "info.pdf")):
        out = tmp_path / name
        result = runner.invoke(args=["export", "U1", "--from", "2026-10-05", "--to",
                                     "2026-11-01", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, result.output
        if fmt == "png":
            with Image.open(out) as image:
                assert {r.text for r in zxingcpp.read_barcodes(image)} == {url}
        else:
            assert pdf_codes(out.read_bytes(), tmp_path) == {url}
