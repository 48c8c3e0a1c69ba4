"""The cached skeleton of a fresh survey page: rendered once per worker, tokens filled per visitor.

A fresh form is the same HTML for everyone except its CSRF token and its one-time form token, so
it is rendered with two marks in their places, kept in the page cache, and each visitor gets a
copy with the marks replaced. Pages only one visitor should see (answers kept, errors, a flash
message, extra query arguments) are never cached.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from .cache import TTLCache

CSRF_MARK, TOKEN_MARK = "@@csrf-token@@", "@@form-token@@"


def fill(skeleton: str, csrf_value: str, form_token: str) -> str:
    """The skeleton with this visitor's two tokens in place of the marks."""
    return skeleton.replace(CSRF_MARK, csrf_value).replace(TOKEN_MARK, form_token)


def fresh_page(cache: TTLCache, key: Hashable, render: Callable[[str, str], str],
               csrf_value: str, form_token: str) -> str:
    """A fresh form for one visitor, from the skeleton `render(CSRF_MARK, TOKEN_MARK)` cached
    under `key`."""
    skeleton = cache.get_or_set(("page", key), lambda: render(CSRF_MARK, TOKEN_MARK))
    return fill(skeleton, csrf_value, form_token)


def is_shared(args: set[str], has_flashes: bool) -> bool:
    """Whether a fresh form for this request may come from (and go into) the cache."""
    return not has_flashes and not (args - {"instrument", "lang"})
