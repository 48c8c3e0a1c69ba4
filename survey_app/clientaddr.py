"""Which client a rate limit counts, and the coarse key its count is stored under.

The address: with PROXY_COUNT=N the N-th entry from the right of X-Forwarded-For, split on
its commas as the proxies wrote them (each appends ", <peer>"). Werkzeug's ProxyFix parses
the header as a quoted list instead, so a client's unbalanced quote swallows the entries the
proxies appended, and it hands whatever text is there to the app; here the text is only split,
and anything that is not an IP address counts as one shared client ("unknown"), never as a
new one. IPv4 counts by address, IPv4-mapped IPv6 as that IPv4 address, other IPv6 by its /64
(one home or phone line gets a whole /64, so the full address would give unlimited keys).

The key: the scope (a counter's survey, the login page) and a keyed hash of the client cut to
BUCKET_BITS bits. Each bucket stands for 2^32 / 2^16 = 65,536 IPv4 addresses (and 2^48 IPv6
/64s), so a copy of the Redis keys together with SECRET_KEY no longer tells which address was
counted. The bucket does not depend on the scope: a client counted at several counters falls
in the same group of 65,536 every time, so its keys, put together, do not narrow it down
either (a per-scope hash would, 16 bits per counter). The price: two clients share a count
with probability 2^-16 (see the README).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from flask import current_app, request

BUCKET_BITS = 16
UNKNOWN = "unknown"  # every client whose address cannot be read shares this one count


def forwarded_client(header: str | None, peer: str | None, proxies: int) -> str | None:
    """The address the outermost trusted proxy saw: the `proxies`-th entry from the right."""
    if proxies <= 0 or header is None:
        return peer
    hops = header.split(",")
    return hops[-proxies].strip() if len(hops) >= proxies else peer


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:5678"
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_id(text: str | None) -> str:
    """What a limit counts by: the IPv4 address, the IPv6 /64, or UNKNOWN."""
    address = _address(text) if text else None
    if address is None:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(address) >> 64 << 64, 64)))
    return str(address)


@lru_cache(maxsize=4096)
def _scope_digest(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def _keyed(secret: str) -> hmac.HMAC:
    """The bucket hash with its key set up once (each use takes a copy)."""
    return hmac.new(secret.encode(), b"rate-limit\0", hashlib.sha256)


def bucket_key(secret: str, kind: str, scope: str, client: str) -> str:
    """`kind:<scope digest>:<bucket>`: the client's bucket, one of 2^BUCKET_BITS and the same
    in every scope, counted separately per scope."""
    mac = _keyed(secret).copy()
    mac.update(client.encode())  # HMAC(secret, "rate-limit\0" + client)
    bucket = int.from_bytes(mac.digest()[:4], "big") >> (32 - BUCKET_BITS)
    return f"{kind}:{_scope_digest(scope)}:{bucket:0{(BUCKET_BITS + 3) // 4}x}"


def request_key(kind: str, scope: str = "") -> str:
    """The rate-limit key of this request's client for `scope` (e.g. one counter's survey)."""
    return bucket_key(current_app.config["SECRET_KEY"], kind, scope,
                      client_id(request.remote_addr))


class TrustedForwardedFor:
    """WSGI middleware: REMOTE_ADDR becomes the address the trusted proxy saw."""

    def __init__(self, app: Callable[..., Iterable[bytes]], proxies: int) -> None:
        self.app, self.proxies = app, proxies

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        client = forwarded_client(environ.get("HTTP_X_FORWARDED_FOR"),
                                  environ.get("REMOTE_ADDR"), self.proxies)
        if client is not None:
            environ["REMOTE_ADDR"] = client
        return self.app(environ, start_response)
