"""Dashboard downloads: each export of the current selection, for every staff role."""

from __future__ import annotations

import csv
import io
import zipfile

import docx
import pytest
from PIL import Image

from tests.admin.support import login, make_user
from tests.helpers import make_unit
from tests.results.test_exports import load, paper_rows

URL = "/admin/units/U1/results/export/{fmt}?period=2026-Q1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def staff(runner, session, client, tmp_path, role="analyst"):
    unit = make_unit(session, services={"S1": ["L1"], "S2": []})
    rows = paper_rows(n=10)
    rows += [r.replace(",S1,", ",S2,") for r in paper_rows(n=3, seed=9)]
    load(runner, tmp_path, rows)
    make_user(session, unit=unit, role=role)
    login(client, "staf@u1.go.id")


def check_xlsx(body: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        assert "xl/workbook.xml" in book.namelist()
        assert b'name="NRR"' in book.read("xl/workbook.xml")


def check_csv(body: bytes) -> None:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 13 and rows[0]["source"] == "paper"


def check_pdf(body: bytes) -> None:
    assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF")


def check_docx(body: bytes) -> None:
    text = " ".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text and "Unit U1" in text


def check_png(body: bytes) -> None:
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "PNG" and image.size == (1080, 1350)


@pytest.mark.parametrize(("fmt", "mimetype", "name", "check"), [
    ("xlsx", XLSX, "U1-ikm-2026-01-01_2026-03-31.xlsx", check_xlsx),
    ("csv", "text/csv; charset=utf-8", "U1-ikm-2026-01-01_2026-03-31.csv", check_csv),
    ("pdf", "application/pdf", "U1-ikm-2026-01-01_2026-03-31-laporan.pdf", check_pdf),
    ("png", "image/png", "U1-ikm-2026-01-01_2026-03-31-infografis.png", check_png),
    ("infographic-pdf", "application/pdf", "U1-ikm-2026-01-01_2026-03-31-infografis.pdf",
     check_pdf),
    ("docx", DOCX, "U1-ikm-2026-01-01_2026-03-31-laporan.docx", check_docx),
])
def test_each_format_downloads_as_an_attachment(runner, session, client, tmp_path, fmt,
                                                mimetype, name, check):
    staff(runner, session, client, tmp_path)  # an analyst may download
    resp = client.get(URL.format(fmt=fmt))
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == mimetype
    assert resp.headers["Content-Disposition"] == f"attachment; filename={name}"
    check(resp.data)


def test_download_follows_the_selection(runner, session, client, tmp_path):
    staff(runner, session, client, tmp_path)
    resp = client.get(URL.format(fmt="csv") + "&service=S1&counter=L1")
    assert resp.status_code == 302  # the paper rows have no counter: nothing to export
    resp = client.get(URL.format(fmt="csv") + "&service=S2")
    assert "U1-ikm-2026-01-01_2026-03-31-S2.csv" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.data.decode())))
    assert len(rows) == 3 and {r["service"] for r in rows} == {"S2"}
    compat = client.get(URL.format(fmt="xlsx") + "&service=S1&weights=compat-0.111")
    assert compat.status_code == 200
    assert "U1-ikm-2026-01-01_2026-03-31-S1-compat-0.111.xlsx" in \
        compat.headers["Content-Disposition"]
    page = client.get("/admin/units/U1/results/?period=2026-Q1&service=S2").get_data(
        as_text=True)
    for fmt in ("xlsx", "csv", "pdf", "png", "infographic-pdf"):
        assert f"/admin/units/U1/results/export/{fmt}?instrument=ikm&amp;period=2026-01-01..2026" \
               f"-03-31&amp;service=S2" in page


def test_download_without_data_is_a_message_not_an_error(runner, session, client, tmp_path):
    staff(runner, session, client, tmp_path)
    resp = client.get("/admin/units/U1/results/export/pdf?period=2025-Q1", follow_redirects=True)
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "tidak ada jawaban ikm untuk U1" in text
    assert "Tidak ada yang dapat diunduh" in text or "Nothing to export" in text
    bad = client.get("/admin/units/U1/results/export/pdf?period=2026-Q9", follow_redirects=True)
    assert bad.status_code == 200 and "periode &#39;2026-Q9&#39; tidak dikenal" in bad.get_data(
        as_text=True)
    assert client.get("/admin/units/U1/results/export/odt?period=2026-Q1").status_code == 404
    assert client.get("/admin/units/NOPE/results/export/pdf").status_code == 404


def test_download_needs_login(runner, session, client, tmp_path):
    make_unit(session)
    load(runner, tmp_path, paper_rows(n=3))
    resp = client.get(URL.format(fmt="csv"))
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
