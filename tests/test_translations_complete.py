"""Every page and export, rendered in Bahasa Indonesia and in English, reads in that language.

Fails on a message the Indonesian catalog does not translate (caught as gettext is called, so
messages built at run time count too) and on sentences of the other language in the rendered text
(`tests/text_language.py`). The page list comes from `app.url_map` (`tests/site.py`).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator

import pytest
from babel.support import Translations
from flask import Flask

from survey_app.demo import SARAN
from tests import site as S
from tests.text_language import html_blocks, wrong_language

# Names, codes and people's own words that are the same in both languages or are data.
ALLOW = frozenset({
    *SARAN,
    "Petugas loket meminta uang tambahan.", "Petugas loket 3", "Loket 3", "Senin lalu",
    "Diminta di luar tarif.", "0812 0000 0000", "Diminta imbalan.",
})



@pytest.fixture
def missing(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """Msgids looked up in the Indonesian catalog without a translation there."""
    seen: set[str] = set()
    plain, plural = Translations.ugettext, Translations.ungettext

    def ugettext(self: Translations, message: str) -> str:
        if getattr(self, "_catalog", None) and message not in self._catalog:
            seen.add(message)
        return plain(self, message)

    def ungettext(self: Translations, singular: str, plural_: str, n: int) -> str:
        if getattr(self, "_catalog", None) and (singular, 0) not in self._catalog:
            seen.add(singular)
        return plural(self, singular, plural_, n)

    monkeypatch.setattr(Translations, "ugettext", ugettext)
    monkeypatch.setattr(Translations, "gettext", ugettext)
    monkeypatch.setattr(Translations, "ungettext", ungettext)
    monkeypatch.setattr(Translations, "ngettext", ungettext)
    yield seen


@pytest.fixture
def built(app: Flask, session) -> Iterator[S.Site]:  # type: ignore[no-untyped-def]
    from tests.wbs.support import purge_audit

    yield S.build(app, session)
    purge_audit(app)


def _clients(app: Flask, session, site: S.Site, lang: str):  # type: ignore[no-untyped-def]
    clients = {}
    for who in ("public", *S.STAFF, "officer"):
        c = app.test_client()
        if who in S.STAFF:
            S.login_staff(c, who)
        elif who == "officer":
            S.login_officer(c, session, site)
        c.get(f"/admin/login?lang={lang}")  # the language is remembered in the session
        clients[who] = c
    return clients


def _document_text(kind: str, data: bytes, tmp_path) -> list[str]:  # type: ignore[no-untyped-def]
    if kind == "pdf":
        pdftotext = shutil.which("pdftotext")
        if pdftotext is None:
            pytest.skip("pdftotext is not installed")
        out = subprocess.run([pdftotext, "-layout", "-", "-"], input=data, capture_output=True,
                             check=True).stdout.decode()
        return [" ".join(line.split()) for line in out.splitlines() if line.strip()]
    if kind in ("xlsx", "docx"):  # the texts inside the zipped XML, without extra libraries
        import re
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = ["xl/sharedStrings.xml"] if kind == "xlsx" else ["word/document.xml"]
            names += [n for n in z.namelist() if n.startswith(("xl/worksheets/sheet", "word/header",
                                                               "word/footer"))]
            xml = " ".join(z.read(n).decode() for n in names if n in z.namelist())
        # one block per paragraph / string item; text runs joined
        parts = re.split(r"</w:p>|</si>|</is>", xml)
        texts = [" ".join(re.findall(r"<(?:w:)?t(?: [^>]*)?>([^<]*)</(?:w:)?t>", p)) for p in parts]
        import html as _html

        return [_html.unescape(t) for t in texts if t.strip()]
    return []


def _check(app: Flask, session, site: S.Site, lang: str, tmp_path,  # type: ignore[no-untyped-def]
           kinds: set[str], reads_as: str | None = None) -> list[str]:
    """Problems of the pages of `kinds` opened in `lang`, which must read as `reads_as`."""
    clients = _clients(app, session, site, lang)
    reads_as = reads_as or lang
    problems = []
    for page in S.pages(app, site):
        if page.kind not in kinds:
            continue
        resp = clients[page.who].get(page.url)
        if resp.status_code >= 500:
            problems.append(f"{page.url} as {page.who}: HTTP {resp.status_code}")
            continue
        if page.kind == "html":
            blocks = html_blocks(resp.get_data(as_text=True))
        else:
            if resp.status_code != 200:
                problems.append(f"{page.url} as {page.who}: HTTP {resp.status_code}")
                continue
            blocks = _document_text(page.kind, resp.get_data(), tmp_path)
        for block in wrong_language(blocks, reads_as, ALLOW):
            problems.append(f"{page.url} as {page.who}: {block[:160]!r}")
    if "html" in kinds:
        for name, html in S.posted(app, site, lang):
            for block in wrong_language(html_blocks(html), lang, ALLOW):
                problems.append(f"{name}: {block[:160]!r}")
    return problems


def test_every_page_reads_in_bahasa_indonesia(app, session, built, missing, tmp_path):
    problems = _check(app, session, built, "id", tmp_path, {"html"})
    assert not problems, "English on Indonesian pages:\n" + "\n".join(problems)
    assert not missing, "messages without a translation:\n" + "\n".join(sorted(missing))


def test_every_page_reads_in_english(app, session, built, tmp_path):
    problems = _check(app, session, built, "en", tmp_path, {"html"})
    assert not problems, "Bahasa Indonesia on English pages:\n" + "\n".join(problems)


def test_exports_read_in_bahasa_indonesia(app, session, built, missing, tmp_path):
    # PDF, XLSX and DOCX are official documents in Bahasa Indonesia whatever the page language.
    problems = _check(app, session, built, "id", tmp_path, {"pdf", "xlsx", "docx"})
    assert not problems, "English in Indonesian documents:\n" + "\n".join(problems)
    assert not missing, "messages without a translation:\n" + "\n".join(sorted(missing))


def test_exports_stay_in_bahasa_indonesia_from_an_english_session(app, session, built, tmp_path):
    # Downloaded by staff reading the pages in English, the documents are still the Indonesian
    # ones, not a mix of the two languages.
    problems = _check(app, session, built, "en", tmp_path, {"pdf", "xlsx", "docx"}, "id")
    assert not problems, "English in documents downloaded from an English page:\n" + \
        "\n".join(problems)


def test_every_get_route_is_covered(app, session, built):
    S.pages(app, built)  # raises UnlistedPage naming any page the walk does not know
