"""Plain Bahasa Indonesia in our own texts: the review's examples stay fixed, one form of address.

The questions themselves keep the regulation's "Saudara" word for word (instruments/); every
text of ours (the catalog) addresses people as "Anda".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import instruments

CATALOG = Path(__file__).parents[1] / "survey_app/translations/id/LC_MESSAGES/messages.po"


@pytest.fixture(scope="module")
def catalog() -> dict[str, str]:
    with CATALOG.open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f, locale="id") if m.id}


# msgid -> the wording the review asked for (issue 14, "Wording")
REVIEWED = {
    "You left contact details. Only the officers can read them; they are not shown here.":
        "Anda mencantumkan kontak.",
    "This receipt does not open a report. Check each character and try again.":
        "Kode tanda terima tidak ditemukan.",
    "Exact (1/k)": "Sama rata (1/k)",
    "within chance, p = %(p).3f": "tidak berbeda nyata secara statistik",
    "not statistically significant, p = %(p)s": "tidak berbeda nyata secara statistik",
}
# What the review found, which must not come back.
AWKWARD = ("meninggalkan kontak", "tidak membuka laporan", "cache peramban", "Persis (1/k)",
           "batas kebetulan")


def test_the_reviewed_wordings_are_used(catalog):
    for msgid, wording in REVIEWED.items():
        assert wording in catalog[msgid], (msgid, catalog[msgid])
    texts = " ".join(catalog.values())
    for phrase in AWKWARD:
        assert phrase.casefold() not in texts.casefold(), phrase


def test_our_texts_address_people_one_way(catalog):
    other = re.compile(r"\b(saudara|kamu|engkau|bapak/ibu|anda sekalian)\b", re.I)
    found = [s for s in catalog.values() if other.search(s)]
    assert found == []
    assert sum("Anda" in s for s in catalog.values()) > 20  # the form of address in use


def test_the_questions_keep_the_regulations_words():
    # The IKM questions are PermenPAN-RB 14/2017's, "Saudara" included: never reworded here.
    texts = [item.text.id for item in instruments.latest("ikm").items]
    assert all("Saudara" in t for t in texts)
