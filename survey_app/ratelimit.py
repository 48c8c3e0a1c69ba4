"""Fixed-window counters, in process or in Redis when REDIS_URL is set (shared by workers)."""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol


class CounterStore(Protocol):
    """Counts hits per key within a window."""

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        """Count `amount` hits and return the hits so far in the current window."""
        ...


class MemoryStore:
    """Per-process store for one worker (development, a small unit)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > 50_000:  # bound memory: drop expired windows
                self._hits = {k: v for k, v in self._hits.items() if v[0] > now}
            expires, count = self._hits.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + window, 0
            self._hits[key] = (expires, count + amount)
            return count + amount


class RedisStore:
    """Store shared by every gunicorn worker and host; works with any Redis >= 2.6.12."""

    def __init__(self, url: str, prefix: str = "rl:", client: Any = None) -> None:
        import redis

        self._redis = client if client is not None else redis.Redis.from_url(url)
        self._prefix = prefix

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        # SET ... EX NX starts a window with its expiry only when none is running; INCR then
        # counts. One MULTI/EXEC, so no key is ever left without an expiry. (`EXPIRE ... NX`
        # would do the same in one step but needs Redis 7.)
        name = self._prefix + key
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(name, 0, ex=window, nx=True)
        pipe.incrby(name, amount)
        _, count = pipe.execute()
        return int(count)


def make_store(redis_url: str | None) -> CounterStore:
    """The store the configuration asks for."""
    return RedisStore(redis_url) if redis_url else MemoryStore()


def allow(store: CounterStore, key: str, limit: tuple[int, int], amount: int = 1) -> bool:
    """True while `key` has made at most limit[0] hits in the last limit[1] seconds (this
    request counting `amount` of them, e.g. the megapixels it asks us to decode)."""
    count, window = limit
    return store.hit(key, window, amount) <= count
