"""The client a rate limit counts (trusted proxy hop, IPv6 /64, garbage shared) and keys that
do not give the address away."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask

from survey_app import create_app
from survey_app.clientaddr import (
    BUCKET_BITS,
    UNKNOWN,
    bucket_key,
    client_id,
    forwarded_client,
)
from survey_app.ratelimit import MemoryStore
from tests.helpers import count_responses, full_answers, make_unit, open_form

SECRET = "test-secret-key"


@pytest.mark.parametrize(("text", "expected"), [
    ("198.51.100.7", "198.51.100.7"),
    (" 198.51.100.7 ", "198.51.100.7"),
    ("198.51.100.7:5678", "198.51.100.7"),
    ("::ffff:198.51.100.7", "198.51.100.7"),  # IPv4-mapped: the IPv4 address
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("[2001:db8:1:2::1]:443", "2001:db8:1:2::/64"),
    ("fe80::1%eth0", "fe80::/64"),
    ("unknown", UNKNOWN), ("", UNKNOWN), (None, UNKNOWN), ('"1.2.3.4', UNKNOWN),
    ("1.2.3.4.5", UNKNOWN), ("x" * 5000, UNKNOWN),
])
def test_client_id(text, expected):
    assert client_id(text) == expected


@pytest.mark.parametrize(("header", "proxies", "expected"), [
    ("203.0.113.9", 1, "203.0.113.9"),
    ("spoofed, 203.0.113.9", 1, "203.0.113.9"),
    ('"spoofed, 203.0.113.9', 1, "203.0.113.9"),  # ProxyFix's list parser returned nothing here
    ("spoofed,203.0.113.9", 1, "203.0.113.9"),  # two X-Forwarded-For lines joined by the server
    ("spoofed, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),  # the outer proxy's entry
    ("10.0.0.2", 2, "127.0.0.1"),  # fewer entries than proxies: the peer
    (None, 1, "127.0.0.1"),
    ("spoofed, 203.0.113.9", 0, "127.0.0.1"),  # no trusted proxy: the header means nothing
])
def test_forwarded_client_is_the_hop_the_trusted_proxy_wrote(header, proxies, expected):
    assert forwarded_client(header, "127.0.0.1", proxies) == expected


def test_a_key_stands_for_many_addresses_and_does_not_give_one_away():
    scope = "U1/S1/L1/ikm"
    network = ipaddress.ip_network("10.0.0.0/14")  # 2^18 addresses
    keys = Counter(bucket_key(SECRET, "survey", scope, str(a)) for a in network)
    assert len(keys) <= 2 ** BUCKET_BITS  # the key space of one counter is small
    # Knowing the secret and a key, an address is one of many: here ~4 of these 2^18, so
    # ~2^16 of all 2^32 IPv4 addresses.
    mine = bucket_key(SECRET, "survey", scope, "10.1.2.3")
    assert keys[mine] >= 2
    assert sum(keys.values()) / len(keys) >= 3
    # At another counter the count is another, but the group of addresses the same: keys of
    # several counters put together do not narrow the address down.
    other = bucket_key(SECRET, "survey", "U1/S1/L2/ikm", "10.1.2.3")
    assert other.split(":")[1] != mine.split(":")[1] and other.split(":")[2] == mine.split(":")[2]
    # Without SECRET_KEY the group cannot be computed: another key gives other groups.
    assert [bucket_key(SECRET, "survey", scope, f"10.0.0.{i}") for i in range(8)] != \
        [bucket_key("another secret", "survey", scope, f"10.0.0.{i}") for i in range(8)]


@pytest.fixture
def proxied(app: Flask, database_url: str) -> Iterator[Flask]:
    """The app behind one proxy that appends to X-Forwarded-For (PROXY_COUNT=1)."""
    behind = create_app(TESTING=True, database_url=database_url, secret_key=SECRET,
                        base_url="https://survey.test", redis_url=None, proxy_count=1)
    behind.config["SURVEY"] = dataclasses.replace(behind.config["SURVEY"],
                                                  survey_rate_limit=(3, 600))
    behind.extensions["rate_store"] = MemoryStore()
    yield behind
    behind.extensions["survey_db"].engine.dispose()


def submit(app: Flask, peer: str, forwarded: list[str] | None = None) -> int:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    tokens = open_form(client, "/s/U1/S1/L1")
    headers = [("X-Forwarded-For", value) for value in forwarded or []]
    return client.post("/s/U1/S1/L1", data={**full_answers(), **tokens},
                       headers=headers).status_code


def test_a_rotated_forwarded_header_does_not_give_fresh_keys(proxied, session):
    make_unit(session, services={"S1": ["L1"]})
    codes = [submit(proxied, "127.0.0.1", [f"10.9.0.{i}, 203.0.113.9"]) for i in range(3)]
    codes += [submit(proxied, "127.0.0.1", [f'"10.9.1.{i}, 203.0.113.9']) for i in range(2)]
    codes += [submit(proxied, "127.0.0.1", [f"10.9.2.{i}", "203.0.113.9"]) for i in range(2)]
    assert codes == [302, 302, 302, 429, 429, 429, 429]
    assert submit(proxied, "127.0.0.1", ["203.0.113.10"]) == 302  # another client


def test_garbage_from_the_trusted_hop_is_one_shared_client(proxied, session):
    make_unit(session, services={"S1": ["L1"]})
    codes = [submit(proxied, "127.0.0.1", [f"garbage-{i}"]) for i in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert count_responses(session) == 3


def test_ipv6_counts_per_64_and_mapped_ipv4_as_ipv4(app, session):
    make_unit(session, services={"S1": ["L1"]})
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"], survey_rate_limit=(3, 600))
    app.extensions["rate_store"] = MemoryStore()
    one_line = [f"2001:db8:5:6::{i:x}" for i in range(1, 5)]  # one /64, rotated
    assert [submit(app, a) for a in one_line] == [302, 302, 302, 429]
    assert submit(app, "2001:db8:5:7::1") == 302  # the next /64 is another client
    assert [submit(app, a) for a in ("198.51.100.7", "198.51.100.7", "::ffff:198.51.100.7",
                                     "::ffff:198.51.100.7")] == [302, 302, 302, 429]
