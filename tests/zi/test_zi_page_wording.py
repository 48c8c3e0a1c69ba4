"""The ZI page in plain words: numbers in the page's format, labels instead of codes."""

from __future__ import annotations

import re

from tests.zi.test_zi_page import setup

URL = "/admin/units/U1/zi/?year=2026"


def test_the_rounding_note_and_the_confidence_read_in_indonesian(runner, session, client,
                                                                 tmp_path):
    setup(runner, session, client, tmp_path)
    page = client.get(URL).get_data(as_text=True)
    assert "total yang tampil 75,00 memenuhi target 75." in page and "75.00" not in page
    assert "Aturan PermenPAN-RB 90/2021; tingkat keyakinan tinggi." in page  # not "H"
    assert "diisi oleh tim ZI" in page  # the entered component's source, beside "belum diisi"
    # the sample warning names each component once, and the survey it comes from
    assert re.search(r"Indeks Persepsi Anti Korupsi \(IPAK\), dari IPK:\s+1 responden", page)
    assert "(IPAK) (IPK)" not in page
    english = client.get(URL + "&lang=en").get_data(as_text=True)
    assert "a total shown as 75.00 meets a target of 75." in english
    assert "Rule set PermenPAN-RB 90/2021; confidence high." in english
    assert "entered by the ZI team" in english
