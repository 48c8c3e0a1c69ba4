"""Fixed-window counters, in process or in Redis when REDIS_URL is set (shared by workers).

Failure mode of Redis: every call has a connect and a read timeout (REDIS_TIMEOUT seconds), and a
call that fails or times out makes the store count in this process for COOLDOWN seconds before it
tries Redis again, so a stopped or hung Redis costs one request at most REDIS_TIMEOUT per worker
per cooldown, never an error page and never a hang. Each episode is logged once when it starts
and once when Redis answers again, without keys or client addresses. While degraded, a client
spread over several workers gets up to one limit per worker.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 0.5  # seconds to connect, and to wait for an answer
COOLDOWN = 10.0  # seconds of in-process counting after Redis failed, before it is tried again
Clock = Callable[[], float]


class CounterStore(Protocol):
    """Counts hits per key within a window."""

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        """Count `amount` hits and return the hits so far in the current window."""
        ...


class MemoryStore:
    """Per-process store for one worker (development, a small unit, Redis unavailable)."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        now = self._clock()
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

    def __init__(self, url: str, prefix: str = "rl:", client: Any = None,
                 timeout: float = REDIS_TIMEOUT) -> None:
        if client is None:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # No retries inside the client: a second wait would double the time a request
            # spends on a Redis that does not answer; the FallbackStore decides what follows.
            client = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                          socket_timeout=timeout, retry=Retry(NoBackoff(), 0))
        self._redis = client
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


class FallbackStore:
    """The shared store while it answers; the per-process one for a while after it did not."""

    def __init__(self, primary: CounterStore, fallback: CounterStore | None = None,
                 cooldown: float = COOLDOWN, clock: Clock = time.monotonic) -> None:
        self.primary = primary
        self.fallback = fallback if fallback is not None else MemoryStore(clock)
        self.cooldown = cooldown
        self._clock = clock
        self._retry_at: float | None = None  # set while degraded
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        """Whether counts are kept in this process right now."""
        return self._retry_at is not None

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        retry_at = self._retry_at
        if retry_at is not None and self._clock() < retry_at:
            return self.fallback.hit(key, window, amount)
        try:
            count = self.primary.hit(key, window, amount)
        except Exception as exc:  # noqa: BLE001 - any failure of the shared store degrades
            self._degrade(exc)
            return self.fallback.hit(key, window, amount)
        if retry_at is not None:
            with self._lock:
                if self._retry_at is not None:
                    self._retry_at = None
                    log.warning("rate-limit store answers again; shared counts resumed")
        return count

    def _degrade(self, exc: BaseException) -> None:
        with self._lock:
            first = self._retry_at is None
            self._retry_at = self._clock() + self.cooldown
        if first:  # once per episode; the exception's class only (no keys, no addresses)
            log.warning("rate-limit store unavailable (%s); counting per process until it "
                        "answers again", type(exc).__name__)


def make_store(redis_url: str | None) -> CounterStore:
    """The store the configuration asks for."""
    return FallbackStore(RedisStore(redis_url)) if redis_url else MemoryStore()


def allow(store: CounterStore, key: str, limit: tuple[int, int], amount: int = 1) -> bool:
    """True while `key` has made at most limit[0] hits in the last limit[1] seconds (this
    request counting `amount` of them, e.g. the megapixels it asks us to decode)."""
    count, window = limit
    return store.hit(key, window, amount) <= count
