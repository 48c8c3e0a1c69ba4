"""Find sentences of the wrong language in rendered pages and documents (a stop-word heuristic).

A text block counts as English when it holds two different English function words, or one in a
block of at most four words with no Indonesian function word ("not entered"); Indonesian the same
way round. Function words are those the other language never uses, so an Indonesian sentence never
trips the English test and the reverse. Codes, names and regulation titles carry none of them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _set("""
the of and to is are was were be been being not for with from this that these those by
cannot can't could should would will has have had which when where there their its it's than
then into onto only also any each every please your you our we they them entered
collected method
""")
INDONESIAN = _set("""
yang dan dari untuk tidak dengan pada ini itu oleh atau sudah belum dapat harus bila jika
akan ke di dalam kami anda saudara setiap tersebut adalah bukan juga hanya masih sebagai
""")
# A word is letters only: a part of a code such as A8DD-8BE6 ("be") or 3B is no word.
WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z'’]*(?![A-Za-z0-9])")


def words(text: str) -> list[str]:
    """Lower-case words of a text."""
    return [w.lower().replace("’", "'") for w in WORD.findall(text)]


def is_english(text: str) -> bool:
    """A block that reads as English."""
    ws = words(text)
    hits = {w for w in ws if w in ENGLISH}
    return len(hits) >= 2 or (len(hits) == 1 and len(ws) <= 4 and not INDONESIAN & set(ws))


def is_indonesian(text: str) -> bool:
    """A block that reads as Bahasa Indonesia."""
    ws = words(text)
    hits = {w for w in ws if w in INDONESIAN}
    return len(hits) >= 2 or (len(hits) == 1 and len(ws) <= 4 and not ENGLISH & set(ws))


class _Blocks(HTMLParser):
    """Visible text of a page, one block per element, skipping marked other-language parts."""

    SKIP = {"script", "style", "template", "svg"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}
    INLINE = {"a", "strong", "em", "b", "i", "span", "code", "abbr", "small", "time", "sup", "sub"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.buf: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("alt", "title", "aria-label", "placeholder"):
            if a.get(name) and not self._skipping():
                self.blocks.append(str(a[name]))
        if tag in self.VOID:
            return
        if tag not in self.INLINE:
            self._flush()
        # another language on purpose (the language switch), or text people typed (data-user)
        skip = tag in self.SKIP or "lang" in a and tag != "html" or "data-user" in a
        self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if tag not in self.INLINE:
            self._flush()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.buf.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.buf).split())
        if text:
            self.blocks.append(text)
        self.buf = []


def html_blocks(html: str) -> list[str]:
    """The visible text blocks of a page."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.blocks


def wrong_language(blocks: list[str], lang: str, allow: frozenset[str] = frozenset()) -> list[str]:
    """Blocks in the other language than `lang`, minus allowed ones (names, people's text)."""
    test = is_english if lang == "id" else is_indonesian
    return [b for b in blocks if b not in allow and not any(a in b for a in allow if len(a) > 12)
            and test(b)]
