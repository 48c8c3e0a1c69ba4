"""Receipts: enough entropy, typeable, and guessing is slow and learns nothing."""

from __future__ import annotations

import re

from sqlalchemy import event

from survey_app.wbs import crypto
from survey_app.wbs.config import WbsConfig
from survey_app.wbs.receipt import ALPHABET, LENGTH, display, is_wellformed, new_receipt, normalise
from survey_app.wbs.reporter import services as followup
from tests.wbs.support import (
    configure_for_tests,
    csrf_token,
    follow,
    make_officer,
    report_receipt,
)


def test_receipt_has_80_bits_in_typeable_groups():
    receipts = {new_receipt() for _ in range(2000)}
    assert len(receipts) == 2000
    assert LENGTH * (len(ALPHABET).bit_length() - 1) >= 80
    assert set("".join(receipts)) == set(ALPHABET)  # every symbol is used
    shown = display(next(iter(receipts)))
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", shown)


def test_normalise_folds_what_people_mistype():
    assert normalise(" abcd-efgh 1jkm-nopq ") == "ABCDEFGH1JKMN0PQ"
    assert normalise("ILOo") == "1100"
    assert is_wellformed(normalise("0123-4567-89ab-cdef"))
    assert not is_wellformed(normalise("ABC")) and not is_wellformed("ABCDEFGHJKMNPQRU")


def _wrong(receipt: str) -> str:
    last = receipt[-1]
    return receipt[:-1] + ("2" if last != "2" else "3")


def test_right_wrong_and_malformed_receipts_take_the_same_steps(app, session, client,
                                                                 monkeypatch):
    make_officer(app, session)
    receipt = report_receipt(client)
    calls: list[str] = []
    real_kdf, real_decrypt = crypto.receipt_keys, crypto.decrypt
    monkeypatch.setattr(crypto, "receipt_keys",
                        lambda *a: calls.append("argon2id") or real_kdf(*a))
    monkeypatch.setattr(crypto, "decrypt", lambda *a: calls.append("open") or real_decrypt(*a))
    engine = session.get_bind()

    def query(*_args):
        calls.append("query")

    event.listen(engine, "before_cursor_execute", query)
    try:
        paths = {}
        for name, typed in (("right", receipt), ("wrong", _wrong(receipt)), ("malformed", "x")):
            calls.clear()
            opened = followup.unlock(session, app.extensions["wbs"], typed)
            paths[name] = (list(calls), opened is not None)
            session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", query)
    assert paths["right"] == (["argon2id", "query", "open"], True)
    assert paths["wrong"] == (["argon2id", "query", "open"], False)
    assert paths["malformed"] == (["argon2id", "query", "open"], False)


def _page_without_tokens(resp) -> str:
    return re.sub(r'value="[^"]*"', "", resp.get_data(as_text=True))


def test_wrong_receipts_all_get_the_same_answer(app, session, client):
    make_officer(app, session)
    receipt = report_receipt(client)
    answers = {(r.status_code, _page_without_tokens(r))
               for r in (follow(app.test_client(), typed)
                         for typed in (_wrong(receipt), "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "abc", ""))}
    assert len(answers) == 1
    status, page = answers.pop()
    assert status == 422 and "Kode tanda terima tidak ditemukan" in page


def test_guessing_is_capped_for_the_whole_instance(app, session, client):
    configure_for_tests(app, app.extensions["wbs"].files_dir, unlock_rate=(3, 60),
                        session_fails=100)
    make_officer(app, session)
    receipt = report_receipt(client)
    for _ in range(3):
        assert follow(app.test_client(), _wrong(receipt)).status_code == 422
    fresh = app.test_client()  # new cookies, another address: still capped
    fresh.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    resp = follow(fresh, receipt)
    assert resp.status_code == 429 and "tunggu satu menit" in resp.get_data(as_text=True).lower()


def test_a_browser_pauses_after_repeated_wrong_receipts(app, session, client):
    configure_for_tests(app, app.extensions["wbs"].files_dir, session_fails=3)
    make_officer(app, session)
    receipt = report_receipt(client)
    guesser = app.test_client()
    for _ in range(3):
        assert follow(guesser, _wrong(receipt)).status_code == 422
    resp = follow(guesser, receipt)
    assert resp.status_code == 429 and "tunggu 15 menit" in resp.get_data(as_text=True)
    with guesser.session_transaction() as cookie:  # the session holds a count, nothing else
        assert set(cookie) <= {"csrf_token", "wbs_fails", "wbs_pause", "lang"}
    assert follow(app.test_client(), receipt).status_code == 200


def test_at_production_cost_every_receipt_runs_one_argon2id_with_the_production_parameters(
        app, session, client, monkeypatch):
    """What each attempt costs, counted rather than timed (benchmarks/receipt_timing.py times
    it): the production parameters, once per attempt, right, wrong or malformed alike."""
    production = WbsConfig(files_dir=app.extensions["wbs"].files_dir)
    assert (production.kdf_ops, production.kdf_mem) == (3, 64 * 2**20)  # as documented
    configure_for_tests(app, production.files_dir, kdf_ops=production.kdf_ops,
                        kdf_mem=production.kdf_mem, session_fails=1000)
    make_officer(app, session)
    receipt = report_receipt(client)
    token = csrf_token(client, "/wbs/follow-up")
    runs: list[tuple[int, int]] = []
    real_kdf = crypto.argon2id.kdf

    def kdf(size, secret, salt, opslimit, memlimit):  # type: ignore[no-untyped-def]
        runs.append((opslimit, memlimit))
        return real_kdf(size, secret, salt, opslimit=opslimit, memlimit=memlimit)

    monkeypatch.setattr(crypto.argon2id, "kdf", kdf)
    for name, typed in (("right", receipt), ("wrong", _wrong(receipt)), ("malformed", "HELLO"),
                        ("empty", "")):
        runs.clear()
        resp = client.post("/wbs/follow-up", data={"receipt": typed, "csrf_token": token})
        assert resp.status_code == (200 if name == "right" else 422), name
        assert runs == [(production.kdf_ops, production.kdf_mem)], name


def _retype(client, receipt: str, typed: str):  # type: ignore[no-untyped-def]
    return client.post("/wbs/receipt", data={
        "receipt": receipt, "typed": typed, "csrf_token": csrf_token(client, "/wbs/follow-up")})


def test_the_receipt_check_counts_towards_the_browsers_pause(app, session, client):
    configure_for_tests(app, app.extensions["wbs"].files_dir, session_fails=3)
    make_officer(app, session)
    receipt = report_receipt(client)
    honest = app.test_client()
    for _ in range(2):
        assert _retype(honest, receipt, _wrong(receipt)).status_code == 422
    assert _retype(honest, receipt, receipt).status_code == 200  # right: the count starts again
    for _ in range(2):
        assert _retype(honest, receipt, _wrong(receipt)).status_code == 422
    assert _retype(honest, receipt, receipt).status_code == 200
    guesser = app.test_client()
    for _ in range(3):
        assert _retype(guesser, receipt, _wrong(receipt)).status_code == 422
    resp = _retype(guesser, receipt, receipt)
    assert resp.status_code == 429 and "tunggu 15 menit" in resp.get_data(as_text=True)
    assert "Benar" not in resp.get_data(as_text=True)
    assert follow(guesser, receipt).status_code == 429  # one pause for every receipt form
