"""Verdicts of the public verification page, cached for every app server (Redis when
configured, else per process), under a key that changes whenever what the verdict is computed
from changes: a cached verdict is the one recomputing would give.

The key is a SHA-256 of, read fresh on every request:
- the publication row as stored, and its digest recomputed (the figures, the scope's names);
- the previous revision's digest (the chain);
- the responses of the publication's period and scope, quarantined ones included: count,
  highest id, id sum, and the sums of the per-response answer count and answer sum (a late
  import, a deletion, a row moved in or out of the period, a replaced response);
- the quarantine rows of those responses (count, id sum): quarantine and release;
- the import batches and the integrity audit log of the units (count, highest id): every
  import, deletion, quarantine, release and publication the app makes is logged there.

These are index range reads of `responses` and a few small tables; the recomputation reads every
answer. What the key cannot see is an `answers` row edited in the database by hand so that its
response's stored answer sum no longer matches; for that, a cached verdict expires after
`TTL_SECONDS` and the page says when the check ran.

A cached entry is signed with the app's secret key: an entry written to Redis by anyone else
is ignored (a miss).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import ImportBatch, IntegrityAudit, Publication, Quarantine, Response
from ..results.scopes import publication_selection, same_scope, unit_ids_of
from . import publications

log = logging.getLogger(__name__)

TTL_SECONDS = 600  # the bound for what the key cannot see (see the module docstring)
KEY_VERSION = 1  # bump when the key's inputs or the stored form change
MEMORY_ENTRIES = 2000  # per process, least recently used dropped first
REDIS_TIMEOUT = 0.5
COOLDOWN = 10.0  # seconds without Redis after it failed


class VerdictStore(Protocol):
    """Bytes by key, each for at most `ttl` seconds."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl: int) -> None: ...


class MemoryVerdicts:
    """This process's store (no Redis configured, or Redis not answering)."""

    def __init__(self, entries: int = MEMORY_ENTRIES, clock: Any = time.monotonic) -> None:
        self._entries = entries
        self._clock = clock
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] <= self._clock():
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return found[1]

    def set(self, key: str, value: bytes, ttl: int) -> None:
        with self._lock:
            self._items[key] = (self._clock() + ttl, value)
            self._items.move_to_end(key)
            while len(self._items) > self._entries:
                self._items.popitem(last=False)


class RedisVerdicts:
    """The store every app server shares; each call has a short timeout and no retry."""

    def __init__(self, url: str, prefix: str = "verdict:", client: Any = None) -> None:
        if client is None:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT,
                                          socket_timeout=REDIS_TIMEOUT,
                                          retry=Retry(NoBackoff(), 0))
        self._redis = client
        self._prefix = prefix

    def get(self, key: str) -> bytes | None:
        value = self._redis.get(self._prefix + key)
        return bytes(value) if value is not None else None

    def set(self, key: str, value: bytes, ttl: int) -> None:
        self._redis.set(self._prefix + key, value, ex=ttl)


class FallbackVerdicts:
    """Redis while it answers; this process's store for a while after it did not (a miss
    costs a recomputation, never an error page)."""

    def __init__(self, primary: VerdictStore, fallback: VerdictStore | None = None,
                 clock: Any = time.monotonic) -> None:
        self.primary = primary
        self.fallback = fallback if fallback is not None else MemoryVerdicts(clock=clock)
        self._clock = clock
        self._retry_at: float | None = None

    def _shared(self) -> bool:
        return self._retry_at is None or self._clock() >= self._retry_at

    def _failed(self, exc: BaseException) -> None:
        if self._retry_at is None:  # once per episode, the exception's class only
            log.warning("verdict cache unavailable (%s); caching per process for now",
                        type(exc).__name__)
        self._retry_at = self._clock() + COOLDOWN

    def get(self, key: str) -> bytes | None:
        if self._shared():
            try:
                found = self.primary.get(key)
                self._retry_at = None
                return found
            except Exception as exc:  # noqa: BLE001 - any failure of the shared store
                self._failed(exc)
        return self.fallback.get(key)

    def set(self, key: str, value: bytes, ttl: int) -> None:
        if self._shared():
            try:
                self.primary.set(key, value, ttl)
                return
            except Exception as exc:  # noqa: BLE001
                self._failed(exc)
        self.fallback.set(key, value, ttl)


def make_store(redis_url: str | None) -> VerdictStore:
    """Redis (with this process as fallback) when configured, else this process."""
    return FallbackVerdicts(RedisVerdicts(redis_url)) if redis_url else MemoryVerdicts()


@dataclass(frozen=True)
class Verdict:
    """What the verification found, and when it was computed (UTC)."""

    differences: list[publications.Difference]
    checked_at: datetime
    cached: bool


def key_inputs(session: Session, pub: Publication) -> dict[str, Any]:
    """Everything the verdict depends on, as cheap aggregates (see the module docstring)."""
    row = {c.name: getattr(pub, c.key) for c in Publication.__table__.columns
           if hasattr(pub, c.key)}
    out: dict[str, Any] = {
        "version": KEY_VERSION,
        "publication": {k: v if isinstance(v, int | str | bool | None) else str(v)
                        for k, v in sorted(row.items())},
        "digest_now": publications.compute_digest(session, pub),
        "previous": session.scalar(select(Publication.digest).where(
            *same_scope(pub), Publication.revision == pub.revision - 1)),
    }
    sel = publication_selection(session, pub, include_quarantined=True)
    if sel is None:
        return {**out, "selection": None}
    units = unit_ids_of(sel)
    responses = session.execute(select(
        func.count(), func.max(Response.id), func.sum(Response.id),
        func.sum(Response.answer_count), func.sum(Response.answer_sum),
    ).where(*sel.where())).one()
    held = session.execute(select(func.count(), func.sum(Quarantine.response_id)).join(
        Response, Response.id == Quarantine.response_id).where(*sel.where())).one()
    imports = session.execute(select(func.count(), func.max(ImportBatch.id)).where(
        ImportBatch.unit_id.in_(units))).one()
    audit = session.execute(select(func.count(), func.max(IntegrityAudit.id)).where(
        IntegrityAudit.unit_id.in_(units))).one()
    return {**out, "units": units, "responses": [_int(v) for v in responses],
            "quarantine": [_int(v) for v in held], "imports": [_int(v) for v in imports],
            "audit": [_int(v) for v in audit]}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def cache_key(session: Session, pub: Publication) -> str:
    """The verdict's cache key: SHA-256 of its inputs."""
    return hashlib.sha256(publications.canonical(key_inputs(session, pub))).hexdigest()


def _sign(secret: bytes, key: str, body: bytes) -> bytes:
    return hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).hexdigest().encode()


def verdict(session: Session, pub: Publication, store: VerdictStore | None,
            secret: str | bytes) -> Verdict:
    """The publication's differences: from the cache when its inputs are unchanged, else
    recomputed (`publications.verify`) and stored (only when the inputs did not change while
    it ran: the verdict is then exactly the key's)."""
    now = datetime.now(UTC)
    if store is None:
        return Verdict(publications.verify(session, pub), now, cached=False)
    secret = secret.encode() if isinstance(secret, str) else secret
    key = cache_key(session, pub)
    found = _read(store.get(key), key, secret)
    if found is not None:
        return found
    differences = publications.verify(session, pub)
    if cache_key(session, pub) == key:
        body = json.dumps({"at": now.isoformat(), "differences": [
            {"code": d.code, "params": d.params} for d in differences]},
            sort_keys=True, separators=(",", ":")).encode()
        store.set(key, _sign(secret, key, body) + b"\n" + body, TTL_SECONDS)
    return Verdict(differences, now, cached=False)


def _read(raw: bytes | None, key: str, secret: bytes) -> Verdict | None:
    """A stored verdict whose signature is ours, else None."""
    if raw is None:
        return None
    signature, _, body = raw.partition(b"\n")
    if not hmac.compare_digest(signature, _sign(secret, key, body)):
        return None
    try:
        data = json.loads(body)
        return Verdict([publications.Difference(d["code"], d["params"])
                        for d in data["differences"]],
                       datetime.fromisoformat(data["at"]), cached=True)
    except (ValueError, KeyError, TypeError):
        return None
