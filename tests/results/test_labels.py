"""Compatibility weights and the derived 6-point conversion are labelled wherever shown."""

from __future__ import annotations

import io
import re
import subprocess

from PIL import Image
from sqlalchemy import select

from survey_app import orgs
from survey_app.models import Publication
from survey_app.results.exports import write_infographic_pdf, write_pdf_report, write_png
from survey_app.results.exports.infographic import NOTES_TOP, figures_of
from survey_app.results.report import build_report
from tests.admin.support import csrf_of, login, make_user
from tests.helpers import make_unit
from tests.results.test_exports import PERIOD, load, need, paper_rows, pdf_text, spkp_report

DATES = ["--from", "2026-01-01", "--to", "2026-03-31"]
DERIVED_ID = "Turunan: nilai konversi (indeks ÷ 6 × 100)"


def ink_in_note_band(png: bytes) -> int:
    """Non-white pixels in the strip between the value box and the respondents."""
    with Image.open(io.BytesIO(png)) as image:
        band = image.convert("L").crop((60, NOTES_TOP - 14, 1020, NOTES_TOP + 14))
        return sum(1 for p in band.tobytes() if p < 200)


def full_rows(n=12):
    return [r for r in paper_rows(n) if ",," not in r]  # compat needs all nine elements


def test_cli_text_labels_compat_weights(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, full_rows())
    exact = runner.invoke(args=["ikm", "U1", *DATES])
    compat = runner.invoke(args=["ikm", "U1", *DATES, "--weights", "compat-0.111"])
    assert exact.exit_code == 0 and compat.exit_code == 0, compat.output
    assert "compat-0.111" not in exact.output and "derived" not in exact.output
    assert "weights compat-0.111" in compat.output and "old reports" in compat.output


def test_cli_text_labels_a_six_point_index_as_derived(runner, session):
    spkp_report(session)
    out = runner.invoke(args=["index", "U1", "--instrument", "spkp", *DATES])
    assert out.exit_code == 0, out.output
    assert "converted (derived)" in out.output
    assert "index / 6 x 100" in out.output and "by analogy" in out.output


def test_infographic_labels_compat_weights_on_png_and_pdf(runner, session, tmp_path):
    make_unit(session)
    load(runner, tmp_path, full_rows())
    unit = orgs.find_unit(session, "U1")
    exact = build_report(session, unit, "ikm", PERIOD)
    compat = build_report(session, unit, "ikm", PERIOD, weights="compat-0.111")
    assert figures_of(session, exact).notes() == []
    assert any("0,111" in n and "kompatibilitas" in n for n in figures_of(session, compat).notes())
    plain, labelled = io.BytesIO(), io.BytesIO()
    write_png(session, exact, plain)
    write_png(session, compat, labelled)
    assert ink_in_note_band(plain.getvalue()) == 0
    assert ink_in_note_band(labelled.getvalue()) > 200
    path = tmp_path / "compat.pdf"
    write_infographic_pdf(session, compat, path)
    info = subprocess.run([need("pdfinfo"), str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert "kompatibilitas" in info


def test_pdf_report_and_infographic_label_the_derived_conversion(session, tmp_path):
    rep = spkp_report(session)
    path = tmp_path / "spkp.pdf"
    write_pdf_report(session, rep, path)
    text = pdf_text(path)
    assert "Nilai IPKP = indeks / 6 x 100" in text and "16.6667" not in text
    assert "Nilai turunan" in text and "batas IKM secara analogi" in text
    assert "tidak ada tabel resmi" in text
    assert ("Kategori mutu pelayanan menurut PermenPAN-RB 14/2017, dipakai untuk skala 1-6 "
            "secara analogi") in text
    notes = figures_of(session, rep).notes()
    assert any("turunan" in n and "analogi" in n for n in notes)
    png = io.BytesIO()
    write_png(session, rep, png)
    assert ink_in_note_band(png.getvalue()) > 200


def test_dashboard_and_public_page_label_the_derived_conversion(session, client):
    rep = spkp_report(session)
    make_user(session, unit=rep.unit, role="unit_admin")
    login(client, "staf@u1.go.id")
    url = "/admin/units/U1/results/?instrument=spkp&period=2026-Q1"
    page = client.get(url).get_data(as_text=True)
    assert 'id="derived-note"' in page and DERIVED_ID in page
    assert "(turunan)" in page
    ikm_page = client.get("/admin/units/U1/results/?instrument=ikm&period=2026-Q1")
    assert "derived-note" not in ikm_page.get_data(as_text=True)
    client.post(url.replace("/?", "/publish?"), data={"csrf_token": csrf_of(page)})
    pub = session.scalars(select(Publication)).one()
    public = client.application.test_client()
    html = public.get(f"/hasil/U1/{pub.id}").get_data(as_text=True)
    assert DERIVED_ID in html and "indeks ÷ 6 × 100, turunan" in html
    listing = public.get("/hasil/U1").get_data(as_text=True)
    assert "turunan, dengan analogi batas IKM" in listing
    shown = public.get(f"/hasil/U1/{pub.id}/infografis.png").data
    assert ink_in_note_band(shown) > 200


def test_dashboard_labels_compat_weights_and_trend_uses_them(runner, session, client, tmp_path):
    unit = make_unit(session)
    load(runner, tmp_path, full_rows())
    make_user(session, unit=unit, role="analyst")
    login(client, "staf@u1.go.id")
    page = client.get("/admin/units/U1/results/?period=2026-Q1&weights=compat-0.111")
    html = page.get_data(as_text=True)
    compat = build_report(session, unit, "ikm", PERIOD, weights="compat-0.111")
    assert "Bobot kompatibilitas 0,111" in html or "Compatibility weights 0.111" in html
    value = re.search(r'class="big">([0-9.,]+)', html).group(1)
    assert value == f"{compat.result.converted:.2f}".replace(".", ",")  # Indonesian decimals
    assert 'value="compat-0.111" selected' in html
    bad = client.get("/admin/units/U1/results/?period=2026-Q1&weights=0.1").get_data(as_text=True)
    assert "bobot &#39;0.1&#39; tidak dikenal" in bad
