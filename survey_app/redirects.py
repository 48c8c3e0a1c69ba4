"""Redirect targets taken from a request: same-site paths only."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_TARGET = 2048


def _plain(char: str) -> bool:
    """Not a control, format, separator or space character, and not a backslash.

    Browsers drop tab, CR and LF anywhere in a URL and trim control characters and spaces at its
    ends, and read a backslash as a slash: `/\\t/evil.example` becomes `//evil.example`, another
    site. Refusing every such character means what we check is what the browser follows.
    """
    return char != "\\" and not char.isspace() and unicodedata.category(char)[0] not in "CZ"


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site (one leading slash, no scheme or host), else None."""
    if not target or len(target) > MAX_TARGET or not all(_plain(c) for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
