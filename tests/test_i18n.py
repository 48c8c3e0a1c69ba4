"""Every user-visible string has a Bahasa Indonesia translation; English is the msgid."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "survey_app/translations/id/LC_MESSAGES/messages.po"


def test_indonesian_catalog_covers_every_message(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-o", str(pot), str(ROOT)],
                   check=True, capture_output=True, cwd=ROOT)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with CATALOG.open("rb") as f:
        catalog = read_po(f, locale="id")
    translated = {m.id for m in catalog if m.id and m.string and "fuzzy" not in m.flags}
    assert sorted(map(str, wanted - translated)) == []


def test_indonesian_is_the_default_and_english_complete(client):
    page = client.get("/admin/login").get_data(as_text=True)
    assert "Masuk petugas" in page
    assert "Staff login" in client.get("/admin/login?lang=en").get_data(as_text=True)
