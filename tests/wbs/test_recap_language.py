"""The recap documents are in Bahasa Indonesia whatever the officer's page language."""

from __future__ import annotations

import io
import zipfile

from tests.results.test_exports import pdf_text
from tests.wbs.support import login_officer
from tests.wbs.test_recap_cli import _seed

URL = "/wbs/officer/recap?from=2026-03-01&to=2026-03-31"


def test_recap_pdf_and_xlsx_from_an_english_page(app, session, client, tmp_path):
    totp = _seed(app, session)
    assert login_officer(client, session, "petugas@u1.go.id", totp).status_code == 302
    page = client.get(URL + "&lang=en").get_data(as_text=True)
    assert "Bribery" in page  # the page itself is English
    pdf = tmp_path / "rekap.pdf"
    pdf.write_bytes(client.get(URL + "&format=pdf").data)
    text = pdf_text(pdf)
    assert "Suap" in text and "Pungli / pemerasan" in text
    assert "Periode 1 Maret – 31 Maret 2026" in text  # not ISO dates
    assert "Median (hari kerja) 1,0" in text and "10,0" in text  # Indonesian decimals
    assert "figures only" not in text and "Bribery" not in text
    book = client.get(URL + "&format=xlsx").data
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "Suap" in strings and "Bribery" not in strings
    assert "1 Maret – 31 Maret 2026" in strings
    json_out = client.get(URL + "&format=json").get_data(as_text=True)
    assert '"2026-03-01"' in json_out  # JSON keeps ISO dates for programs
