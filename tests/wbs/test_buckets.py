"""The instance-wide WBS buckets (review issue 9, finding 1): refusals that cost us nothing
spend nothing, so they cannot lock genuine reporters out; real work stays bounded."""

from __future__ import annotations

import io
import os
import uuid

import pytest
from sqlalchemy import func, select

from survey_app.models import WbsReport
from survey_app.ratelimit import MemoryStore, RedisStore, allow
from survey_app.wbs import crypto
from tests.wbs.support import (
    configure_for_tests,
    csrf_token,
    follow,
    jpeg_with_gps,
    make_officer,
    png_header,
    report_data,
    report_receipt,
    submit,
)

KEEP = "Teks yang tidak boleh hilang"


def _reports(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(WbsReport)))


def _limits(app, **changes: object) -> None:  # type: ignore[no-untyped-def]
    configure_for_tests(app, app.extensions["wbs"].files_dir, **changes)


def test_refused_reports_do_not_spend_the_report_bucket(app, client, session):
    _limits(app, submit_rate=(2, 60))
    make_officer(app, session)
    token = csrf_token(client, "/wbs")
    refused = [
        {},                                                      # the empty POST of the review
        report_data(situs_web="http://spam.example"),            # honeypot
        report_data(apa=" "),                                    # nothing described
        report_data(category="nope", unit="NOPE"),               # invalid choices
        report_data(apa="x" * 30_000),                           # too long
    ]
    for _ in range(5):
        for data in refused:
            resp = client.post("/wbs", data={**data, "csrf_token": token})
            assert resp.status_code == 422
        bad_file = submit(client, report_data(), files=[(b"MZ" + bytes(100), "a.jpg")])
        assert bad_file.status_code == 422  # refused by its file: spends no report either
    other = app.test_client()
    resp = submit(other, report_data(apa=KEEP), environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert resp.status_code == 200, "a genuine reporter was locked out by refusals"
    report_receipt(other)
    resp = submit(other, report_data(apa=KEEP))  # stored reports stay capped
    assert resp.status_code == 429 and KEEP in resp.get_data(as_text=True)
    assert _reports(session) == 2


def test_image_decoding_is_bounded_by_its_own_budget(app, client, session):
    _limits(app, image_rate=(2, 60))  # megapixels a minute; each small photo counts as 1
    make_officer(app, session)
    photo = [(jpeg_with_gps(), "foto.jpg")]
    assert submit(client, report_data(), files=photo).status_code == 200
    assert submit(client, report_data(), files=photo).status_code == 200
    resp = submit(client, report_data(apa=KEEP), files=photo)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 429 and KEEP in page and "banyak foto" in page
    assert submit(client, report_data()).status_code == 200  # reports without images go on
    assert _reports(session) == 3


def test_images_refused_by_their_header_spend_no_image_budget(app, client, session):
    _limits(app, image_rate=(1, 60))
    make_officer(app, session)
    for _ in range(5):
        resp = submit(client, report_data(), files=[(png_header(7000, 7000), "b.png")])
        assert resp.status_code == 422
    assert submit(client, report_data(), files=[(jpeg_with_gps(), "a.jpg")]).status_code == 200


def _retype(client, shown: str, typed: str):  # type: ignore[no-untyped-def]
    return client.post("/wbs/receipt", data={
        "receipt": shown, "typed": typed, "csrf_token": csrf_token(client, "/wbs/follow-up")})


def test_a_differing_copy_of_the_receipt_spends_no_guess(app, client, session, monkeypatch):
    _limits(app, unlock_rate=(2, 60), session_fails=1000)
    make_officer(app, session)
    receipt = report_receipt(client)
    derivations: list[str] = []
    real = crypto.receipt_keys
    monkeypatch.setattr(crypto, "receipt_keys",
                        lambda *a: derivations.append("argon2id") or real(*a))
    for typed in ("", "x", "ZZZZ-ZZZZ-ZZZZ-ZZZZ") * 10:
        assert _retype(app.test_client(), receipt, typed).status_code == 422
    assert derivations == []  # compared with the code shown: no Argon2id, nothing spent
    assert follow(app.test_client(), receipt).status_code == 200
    assert _retype(app.test_client(), receipt, receipt).status_code == 200
    # every Argon2id run is a guess and spends one: the bucket still bounds them
    assert follow(app.test_client(), receipt).status_code == 429


def test_refused_answers_spend_what_they_cost(app, client, session):
    _limits(app, unlock_rate=(3, 60), session_fails=1000)
    make_officer(app, session)
    receipt = report_receipt(client)
    forged = {"receipt": receipt, "message": "x", "status": "closed_proven"}
    for _ in range(10):  # forged fields are refused before any receipt is derived
        resp = client.post("/wbs/follow-up/answer", data={
            **forged, "csrf_token": csrf_token(client, "/wbs/follow-up")})
        assert resp.status_code == 400
    resp = client.post("/wbs/follow-up/answer", content_type="multipart/form-data", data={
        "receipt": receipt, "message": "Tambahan", "csrf_token": csrf_token(client, "/wbs"),
        "evidence": [(io.BytesIO(b"catatan"), "c.txt")]})
    assert resp.status_code == 200


@pytest.mark.parametrize("kind", ["memory", pytest.param("redis", marks=pytest.mark.skipif(
    not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set"))])
def test_the_image_budget_counts_megapixels_in_either_store(kind):
    store = MemoryStore() if kind == "memory" else RedisStore(
        str(os.environ["TEST_REDIS_URL"]), prefix=f"test:{uuid.uuid4().hex}:")
    assert allow(store, "wbs:images", (40, 60), 36)
    assert not allow(store, "wbs:images", (40, 60), 5)  # 41 megapixels: over
    assert store.hit("wbs:images", 60) == 42
