"""A small per-process cache with expiry for what every survey page looks up.

Org structure, wording choices and the rendered questions change rarely; caching them for a few
seconds per worker keeps a respondent's page to one token and one insert. Writes in this worker
clear it; other workers see a change within TTL seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")
TTL = 30.0


class TTLCache:
    """Values by key, each kept for `ttl` seconds."""

    def __init__(self, ttl: float = TTL, max_items: int = 5000) -> None:
        self.ttl = ttl
        self.max_items = max_items
        self._lock = threading.Lock()
        self._items: dict[Hashable, tuple[float, Any]] = {}

    def get_or_set(self, key: Hashable, factory: Callable[[], T]) -> T:
        """The cached value, or compute, keep and return it (exceptions are not cached)."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]  # type: ignore[no-any-return]
        value = factory()
        with self._lock:
            if len(self._items) >= self.max_items:
                self._items.clear()
            self._items[key] = (now + self.ttl, value)
        return value

    def get_or_stale(self, key: Hashable, factory: Callable[[], T],
                     errors: tuple[type[BaseException], ...]) -> T:
        """As get_or_set; but when `factory` raises one of `errors` (the database is away), an
        expired value of `key` still kept is returned instead, if there is one."""
        try:
            return self.get_or_set(key, factory)
        except errors:
            with self._lock:
                hit = self._items.get(key)
            if hit is None:
                raise
            return hit[1]  # type: ignore[no-any-return]

    def clear(self) -> None:
        """Forget everything (after a write that changes what pages show)."""
        with self._lock:
            self._items.clear()


def page_cache() -> TTLCache:
    """The current app's cache."""
    return current_app.extensions["survey_cache"]  # type: ignore[no-any-return]
