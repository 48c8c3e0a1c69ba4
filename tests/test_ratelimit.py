"""Rate-limit stores: in memory, and in Redis shared by workers; the shared counter tablet."""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from survey_app.ratelimit import CounterStore, MemoryStore, RedisStore, allow
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
    assert store.hit("k", 1) == 1
    first_ttl = client.pttl(prefix + "k")
    time.sleep(0.3)
    assert store.hit("k", 1) == 2
    assert 0 < client.pttl(prefix + "k") < first_ttl  # the window was not pushed back
    time.sleep(1.0)
    assert store.hit("k", 1) == 1


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
