"""Rate-limit stores: in memory, and in Redis shared by workers; the shared counter tablet."""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from survey_app.ratelimit import (
    CounterStore,
    FallbackStore,
    MemoryStore,
    RedisStore,
    allow,
    make_store,
)
from tests.helpers import count_responses, full_answers, make_unit, open_form

REDIS_URL = os.environ.get("TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set")


class Redis6:
    """The commands a Redis 6 server understands, in memory: EXPIRE takes no NX/XX/GT/LT."""

    def __init__(self) -> None:
        self.now = 0.0
        self.values: dict[str, tuple[int, float | None]] = {}

    def _live(self, name: str) -> tuple[int, float | None] | None:
        value = self.values.get(name)
        if value is not None and value[1] is not None and value[1] <= self.now:
            del self.values[name]
            return None
        return value

    def set(self, name: str, value: int, ex: int | None = None, nx: bool = False) -> bool | None:
        if nx and self._live(name) is not None:
            return None
        self.values[name] = (int(value), self.now + ex if ex else None)
        return True

    def incr(self, name: str) -> int:
        return self.incrby(name, 1)

    def incrby(self, name: str, amount: int) -> int:
        count, expires = self._live(name) or (0, None)
        self.values[name] = (count + amount, expires)
        return count + amount

    def expire(self, name: str, time: int, nx: bool = False, xx: bool = False, gt: bool = False,
               lt: bool = False) -> bool:
        if nx or xx or gt or lt:
            raise redis.ResponseError("wrong number of arguments for 'expire' command")
        live = self._live(name)
        if live is None:
            return False
        self.values[name] = (live[0], self.now + time)
        return True

    def pipeline(self, transaction: bool = True) -> Redis6Pipeline:
        return Redis6Pipeline(self)


class Redis6Pipeline:
    """Queues calls and runs them in order, as MULTI/EXEC does."""

    def __init__(self, server: Redis6) -> None:
        self.server, self.calls = server, []  # type: ignore[var-annotated]

    def __getattr__(self, command: str) -> Any:
        def queue(*args: Any, **kwargs: Any) -> Redis6Pipeline:
            self.calls.append((command, args, kwargs))
            return self

        return queue

    def execute(self) -> list[Any]:
        return [getattr(self.server, c)(*a, **k) for c, a, k in self.calls]


def test_redis_store_works_with_the_commands_of_redis_6():
    server = Redis6()
    store = RedisStore("redis://unused", client=server)
    assert [store.hit("k", 10) for _ in range(3)] == [1, 2, 3]
    assert server.values["rl:k"][1] == 10.0  # the window has an expiry
    server.now = 9.9
    assert store.hit("k", 10) == 4  # a fixed window: hits do not push the expiry back
    server.now = 10.0
    assert store.hit("k", 10) == 1
    assert store.hit("other", 10) == 1


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of this test's own, removed afterwards."""
    name = f"test:{uuid.uuid4().hex}:"
    yield name
    if REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=name + "*"))
        if keys:
            client.delete(*keys)
        client.close()


@needs_redis
def test_two_workers_share_one_count(prefix):
    assert REDIS_URL is not None
    first, second = RedisStore(REDIS_URL, prefix=prefix), RedisStore(REDIS_URL, prefix=prefix)
    assert [first.hit("k", 60), second.hit("k", 60), first.hit("k", 60)] == [1, 2, 3]
    assert [allow(second, "k", (4, 60)), allow(first, "k", (4, 60))] == [True, False]
    assert second.hit("another", 60) == 1
    ttl = redis.Redis.from_url(REDIS_URL).ttl(prefix + "k")
    assert 0 < ttl <= 60


@needs_redis
def test_redis_window_expires_and_is_not_extended(prefix):
    assert REDIS_URL is not None
    store, client = RedisStore(REDIS_URL, prefix=prefix), redis.Redis.from_url(REDIS_URL)
    assert store.hit("k", 60) == 1
    assert 0 < client.pttl(prefix + "k") <= 60_000
    client.pexpire(prefix + "k", 5_000)  # as if 55 of the 60 seconds had passed
    assert store.hit("k", 60) == 2
    assert 0 < client.pttl(prefix + "k") <= 5_000  # the window was not pushed back
    client.delete(prefix + "k")  # what Redis does when the window ends
    assert store.hit("k", 60) == 1
    assert client.pttl(prefix + "k") > 5_000  # a new window


def stores() -> list[Any]:
    return ["memory", pytest.param("redis", marks=needs_redis)]


@pytest.mark.parametrize("kind", stores())
def test_a_client_at_its_limit_does_not_block_the_counter_or_itself_elsewhere(
        app, session, kind, prefix):
    make_unit(session, services={"S1": ["L1", "L2"]})
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], survey_rate_limit=(3, 600))
    store: CounterStore = MemoryStore() if kind == "memory" else \
        RedisStore(str(REDIS_URL), prefix=prefix)
    app.extensions["rate_store"] = store

    def submit(address: str, url: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client.post(url, data={**full_answers(), **open_form(client, url)}).status_code

    tablet, phone = "198.51.100.7", "198.51.100.8"
    assert [submit(tablet, "/s/U1/S1/L1") for _ in range(4)] == [302, 302, 302, 429]
    assert submit(phone, "/s/U1/S1/L1") == 302  # another address at that counter
    assert submit(tablet, "/s/U1/S1/L2") == 302  # the same address at another counter
    assert submit(tablet, "/s/U1/S1/L1") == 429
    assert count_responses(session) == 5


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_window_is_fixed_and_ends():
    clock = Clock()
    store = MemoryStore(clock)
    assert [store.hit("k", 10) for _ in range(3)] == [1, 2, 3]
    clock.now += 9.9
    assert store.hit("k", 10) == 4  # hits do not push the end back
    clock.now += 0.1
    assert store.hit("k", 10) == 1
    assert store.hit("k", 10, amount=5) == 6


class Broken:
    """A shared store that fails like a stopped (or, with TimeoutError, a hung) Redis."""

    def __init__(self, error: type[Exception] = redis.ConnectionError) -> None:
        self.error, self.calls, self.up = error, 0, False
        self.counts: dict[str, int] = {}

    def hit(self, key: str, window: int, amount: int = 1) -> int:
        self.calls += 1
        if not self.up:
            raise self.error("down")
        self.counts[key] = self.counts.get(key, 0) + amount
        return self.counts[key]


@pytest.mark.parametrize("error", [redis.ConnectionError, redis.TimeoutError])
def test_a_failing_shared_store_degrades_to_this_process_and_comes_back(error, caplog):
    clock, shared = Clock(), Broken(error)
    store = FallbackStore(shared, cooldown=10, clock=clock)
    with caplog.at_level(logging.WARNING, logger="survey_app.ratelimit"):
        assert [store.hit("k", 60) for _ in range(3)] == [1, 2, 3]  # counted here instead
        assert shared.calls == 1  # not asked again during the cooldown
        assert store.degraded
        clock.now += 10
        assert store.hit("k", 60) == 4  # asked once more, still down: one more local count
        assert shared.calls == 2
        shared.up = True
        clock.now += 10
        assert store.hit("k", 60) == 1  # the shared count again
        assert not store.degraded
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages  # once when it went away (not per request), once back
    assert "unavailable" in messages[0] and "again" in messages[1]
    assert not any("k" in m.split() for m in messages)  # no key in the log


def test_the_limit_still_holds_while_degraded():
    store = FallbackStore(Broken(), clock=Clock())
    assert [allow(store, "k", (2, 60)) for _ in range(3)] == [True, True, False]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_survey_submit_works_while_redis_is_down(app, session, caplog):
    make_unit(session)
    app.extensions["rate_store"] = make_store(f"redis://127.0.0.1:{closed_port()}/0")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="survey_app.ratelimit"):
        for _ in range(3):
            url = "/s/U1/S1/L1"
            assert client.post(url, data={**full_answers(), **open_form(client, url)}
                               ).status_code == 302
    assert count_responses(session) == 3
    warnings = [r for r in caplog.records if r.name == "survey_app.ratelimit"]
    assert len(warnings) == 1
    assert "127.0.0.1" not in warnings[0].getMessage()


def test_a_hung_redis_times_out_and_the_store_counts_here(caplog):
    with socket.socket() as hung:  # accepts connections (the kernel does), never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        store = FallbackStore(RedisStore(url, timeout=0.2))
        with caplog.at_level(logging.WARNING, logger="survey_app.ratelimit"):
            assert [store.hit("k", 60), store.hit("k", 60)] == [1, 2]
    assert store.degraded
    assert [r.getMessage() for r in caplog.records] == [
        "rate-limit store unavailable (TimeoutError); counting per process until it answers again"]
