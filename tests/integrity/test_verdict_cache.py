"""The verification page's cached verdicts: a second request is served from the cache, and any
change to what the verdict is computed from (a late import, a deletion, quarantine and
release, a changed publication) makes the next request recompute it. Recomputations are
counted, never timed."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select, text

from survey_app.integrity import publications, quarantine, verdicts
from survey_app.models import Publication, Response
from tests.helpers import IKM_CODES
from tests.integrity.support import clean_history, import_paper, make_integrity_unit

START = date(2026, 10, 5)
ARGS = ["--from", "2026-10-05", "--to", "2026-11-01"]


@pytest.fixture
def recomputed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Ids of the publications `publications.verify` recomputed, one entry per call."""
    calls: list[int] = []
    verify = publications.verify

    def counted(session, pub):  # type: ignore[no-untyped-def]
        calls.append(pub.id)
        return verify(session, pub)

    monkeypatch.setattr(publications, "verify", counted)
    return calls


@pytest.fixture
def published(runner, session):  # type: ignore[no-untyped-def]
    """(unit, publication id, verification code) of a fresh publication of 400 responses."""
    unit = make_integrity_unit(session)
    clean_history(session, unit, START, 28, n=400)
    result = runner.invoke(args=["publish", "U1", *ARGS])
    assert result.exit_code == 0, result.output
    pub = session.get(Publication, int(result.output.split()[-1]))
    return unit, pub.id, publications.verification_code(pub.digest)


def _page(client, code: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/verifikasi/{code}")
    assert response.status_code == 200
    return str(response.get_data(as_text=True))


def _differences(page: str) -> list[str]:
    return re.findall(r'data-difference="([a-z_]+)"', page)


def test_a_second_request_is_served_from_the_cache(client, published, recomputed):
    _, pub_id, code = published
    first, second = _page(client, code), _page(client, code)
    assert 'data-verify="ok"' in first and 'data-verify="ok"' in second
    assert recomputed == [pub_id]
    assert "data-verify-at" in second and "Diperiksa pada" in second  # when the check ran


def test_a_late_import_after_a_cached_verdict_changes_it(client, runner, published, recomputed,
                                                         tmp_path):
    _, _, code = published
    assert 'data-verify="ok"' in _page(client, code)
    row = {"submitted_at": "2026-10-20", "service": "LAPOR", **dict.fromkeys(IKM_CODES, "4")}
    import_paper(runner, tmp_path, "U1", [row] * 30)
    page = _page(client, code)
    assert {"added", "late_import", "figure"} <= set(_differences(page))
    assert len(recomputed) == 2
    _page(client, code)
    assert len(recomputed) == 2  # the new verdict is cached in turn


def test_a_deletion_after_a_cached_verdict_changes_it(client, runner, session, published,
                                                      recomputed):
    _, _, code = published
    assert 'data-verify="ok"' in _page(client, code)
    first = session.scalar(select(Response.id).order_by(Response.id).limit(1))
    result = runner.invoke(args=["responses", "delete", "U1", "--ids", str(first),
                                 "--reason", "duplicate entry"])
    assert result.exit_code == 0, result.output
    assert "deleted" in _differences(_page(client, code))


def test_a_deletion_in_the_database_by_hand_changes_it(client, session, published, recomputed):
    _, _, code = published
    assert 'data-verify="ok"' in _page(client, code)
    last = session.scalar(select(Response.id).order_by(Response.id.desc()).limit(1))
    session.execute(text("DELETE FROM responses WHERE id = :i"), {"i": last})
    session.commit()
    assert "deleted" in _differences(_page(client, code))


def test_quarantine_and_release_after_a_cached_verdict_change_it(client, session, published,
                                                                 recomputed):
    unit, _, code = published
    assert 'data-verify="ok"' in _page(client, code)
    ids = list(session.scalars(select(Response.id).order_by(Response.id).limit(3)))
    quarantine.quarantine(session, unit, ids, "checking", actor="test")
    session.commit()
    assert set(_differences(_page(client, code))) >= {"quarantine", "figure"}
    quarantine.release(session, unit, ids, actor="test")
    session.commit()
    assert 'data-verify="ok"' in _page(client, code)
    assert len(recomputed) == 3


def test_a_changed_publication_row_changes_it(client, session, published, recomputed):
    _, pub_id, code = published
    assert 'data-verify="ok"' in _page(client, code)
    session.execute(text("UPDATE publications SET figures = REPLACE(figures, '\"n\": 400', "
                         "'\"n\": 401') WHERE id = :i"), {"i": pub_id})
    session.commit()
    assert "tampered" in _differences(_page(client, code))


def test_memory_store_entries_expire_and_stay_bounded() -> None:
    now = [0.0]
    store = verdicts.MemoryVerdicts(entries=2, clock=lambda: now[0])
    store.set("a", b"1", ttl=10)
    store.set("b", b"2", ttl=10)
    assert store.get("a") == b"1"
    store.set("c", b"3", ttl=10)  # "b" was used least recently
    assert store.get("b") is None and store.get("a") == b"1"
    now[0] = 10.0
    assert store.get("a") is None and store.get("c") is None


def _redis_store(prefix: str) -> verdicts.RedisVerdicts:
    store = verdicts.RedisVerdicts("redis://127.0.0.1:6379/0", prefix=prefix)
    try:
        store.get("ping")
    except Exception:  # noqa: BLE001 - no Redis on this machine
        pytest.skip("no Redis at 127.0.0.1:6379")
    return store


def test_app_servers_share_verdicts_through_redis_and_ignore_forged_ones(session, published,
                                                                         recomputed):
    _, pub_id, _ = published
    pub = session.get(Publication, pub_id)
    prefix = f"test-verdict-{uuid.uuid4().hex}:"
    server_a, server_b = _redis_store(prefix), _redis_store(prefix)
    try:
        assert not verdicts.verdict(session, pub, server_a, "s3cret").cached
        again = verdicts.verdict(session, pub, server_b, "s3cret")
        assert again.cached and again.differences == [] and recomputed == [pub_id]
        # An entry not signed with the app's secret is a miss, and is replaced.
        key = verdicts.cache_key(session, pub)
        server_a.set(key, b"forged\n{\"at\": \"2026-01-01T00:00:00+00:00\", "
                          b"\"differences\": []}", ttl=60)
        assert not verdicts.verdict(session, pub, server_b, "s3cret").cached
        assert len(recomputed) == 2
        assert not verdicts.verdict(session, pub, server_b, "another secret").cached
    finally:
        server_a._redis.delete(*server_a._redis.keys(prefix + "*"))


def test_a_redis_that_fails_costs_a_recomputation_not_an_error(session, published, recomputed):
    class Broken:
        def get(self, key: str) -> bytes | None:
            raise ConnectionError("down")

        def set(self, key: str, value: bytes, ttl: int) -> None:
            raise ConnectionError("down")

    _, pub_id, _ = published
    pub = session.get(Publication, pub_id)
    store = verdicts.FallbackVerdicts(Broken())
    assert not verdicts.verdict(session, pub, store, "s").cached
    assert verdicts.verdict(session, pub, store, "s").cached  # this process's store meanwhile
    assert recomputed == [pub_id]


def test_a_change_while_recomputing_is_not_cached(session, published, monkeypatch):
    _, pub_id, _ = published
    pub = session.get(Publication, pub_id)
    keys = iter(["before", "after", "after", "after"])
    monkeypatch.setattr(verdicts, "cache_key", lambda s, p: next(keys))
    store = verdicts.MemoryVerdicts()
    verdicts.verdict(session, pub, store, "s")
    assert store.get("before") is None and store.get("after") is None
