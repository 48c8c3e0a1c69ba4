"""What a browser downloads for one page: HTML, subresources, and any other origin."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from harness import HOST, get

FETCHED_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest"}


class References(HTMLParser):
    """Collects every src/href/action of a page, and which of them the browser fetches."""

    def __init__(self) -> None:
        super().__init__()
        self.all: list[str] = []
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("src", "href", "action"):
            if values.get(name):
                self.all.append(values[name])
        rel = set(values.get("rel", "").lower().split())
        url = values.get("href") if tag == "link" and rel & FETCHED_LINKS else \
            values.get("src") if tag != "a" else None
        if url and not url.startswith("data:"):  # inline data is part of the page already
            self.fetched.append(url)


@dataclass
class PageWeight:
    """A page and what it loads, in bytes as sent."""

    html: int
    subresources: dict[str, int] = field(default_factory=dict)
    third_party: list[str] = field(default_factory=list)
    encoding: str = "identity"
    gzip_total: int = 0

    @property
    def total(self) -> int:
        """HTML plus every subresource."""
        return self.html + sum(self.subresources.values())


def third_party(base: str, references: list[str]) -> list[str]:
    """References to any origin other than `base`'s (data: URLs are inline, so allowed)."""
    own = urlsplit(base).netloc
    found = []
    for ref in references:
        parts = urlsplit(urljoin(base, ref))
        if parts.scheme in ("http", "https") and parts.netloc != own:
            found.append(ref)
    return found


def css_references(css: str) -> list[str]:
    """url(...) and @import targets of a stylesheet."""
    urls = re.findall(r"""url\(\s*['"]?([^'")]+)""", css)
    urls += re.findall(r"""@import\s+['"]([^'"]+)""", css)
    return [u for u in urls if not u.startswith("data:")]


@dataclass(frozen=True)
class Fetched:
    """One resource: bytes on the wire, its encoding, and its decoded text."""

    size: int
    encoding: str
    text: str


def fetch(port: int, path: str) -> Fetched:
    """GET one resource accepting gzip, as browsers do."""
    reply = get(port, path, headers={"Accept-Encoding": "gzip"})
    if reply.status != 200:
        raise RuntimeError(f"GET {path}: HTTP {reply.status}")
    encoding = reply.headers.get("Content-Encoding") or "identity"
    raw = gzip.decompress(reply.body) if encoding == "gzip" else reply.body
    return Fetched(len(reply.body), encoding, raw.decode())


def measure_page(port: int, path: str) -> PageWeight:
    """Fetch a page and its subresources (CSS imports too) as a browser would."""
    base = f"http://{HOST}:{port}{path}"
    page = fetch(port, path)
    parser = References()
    parser.feed(page.text)
    weight = PageWeight(
        html=page.size, encoding=page.encoding, gzip_total=len(gzip.compress(page.text.encode()))
    )
    queue, references = list(parser.fetched), list(parser.all)
    while queue:
        url = urljoin(base, queue.pop(0))
        if third_party(base, [url]) or url in weight.subresources:
            continue
        resource = fetch(port, urlsplit(url).path)
        weight.subresources[url] = resource.size
        weight.gzip_total += len(gzip.compress(resource.text.encode()))
        if url.endswith(".css"):
            found = [urljoin(url, ref) for ref in css_references(resource.text)]
            queue += found
            references += found
    weight.third_party = third_party(base, references)
    return weight
