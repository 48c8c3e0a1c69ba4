"""Nothing in the database orders a report inside its hour: ids, xmin, neighbours' exact times."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from survey_app.models import User, WbsAnswerToken, WbsBlob, WbsFile, WbsMessage, WbsReport, utcnow
from survey_app.wbs.reporter.services import unlock
from survey_app.wbs.reseal import hour_of, reseal
from tests.wbs.support import (
    csrf_token,
    login_officer,
    make_officer,
    report_data,
    report_receipt,
    submit,
)

TABLES = {"wbs_reports": WbsReport, "wbs_messages": WbsMessage, "wbs_files": WbsFile,
          "wbs_blobs": WbsBlob}


def _answer(client, receipt: str, message: str, files: int = 0):  # type: ignore[no-untyped-def]
    # Files of 4 KB: their ciphertext goes out of line (TOAST) on PostgreSQL.
    return client.post("/wbs/follow-up/answer", content_type="multipart/form-data", data={
        "receipt": receipt, "message": message, "answer_token": uuid.uuid4().hex,
        "csrf_token": csrf_token(client, "/wbs/follow-up"),
        "evidence": [(io.BytesIO(f"bukti {message} {n} ".encode() + b"x" * 4096), f"b{n}.txt")
                     for n in range(files)]})


def _report_ids(app, session: Session, receipts: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    session.expire_all()
    ids = []
    for receipt in receipts:
        opened = unlock(session, app.extensions["wbs"], receipt)
        assert opened is not None
        ids.append(opened.report.id)
    return ids


def test_reporter_rows_get_ids_that_do_not_follow_insertion_order(app, client, session):
    make_officer(app, session)
    receipts = []
    for n in range(10):
        resp = submit(client, report_data(apa=f"Laporan {n}"),
                      files=[(f"catatan {n} {k}".encode(), "c.txt") for k in range(2)])
        assert resp.status_code == 200
        receipts.append(resp.get_data(as_text=True).split('data-receipt="')[1].split('"')[0])
    ids = _report_ids(app, session, receipts)
    # Ten random ids come out sorted once in 3.6 million runs; a sequence always does.
    assert ids != sorted(ids), ids
    assert max(ids) - min(ids) > 10 * 1000, ids  # not a run of consecutive numbers either
    files = session.scalars(select(WbsFile)).all()
    assert len({f.id for f in files}) == 20
    by_report = {rid: sorted((f.seq, f.id) for f in files if f.report_id == rid) for rid in ids}
    assert all([seq for seq, _ in rows] == [1, 2] for rows in by_report.values())
    file_ids = [fid for rid in ids for _seq, fid in by_report[rid]]  # in upload order
    assert file_ids != sorted(file_ids)


def test_conversation_keeps_its_order_with_random_ids(app, client, session):
    officer, totp = make_officer(app, session)
    receipt = report_receipt(client)
    for n in range(6):
        assert _answer(client, receipt, f"Jawaban-{n}").status_code == 200
    session.expire_all()
    rows = session.scalars(select(WbsMessage).order_by(WbsMessage.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]
    page = _answer(client, receipt, "Jawaban-6").get_data(as_text=True)
    positions = [page.index(f"Jawaban-{n}") for n in range(7)]
    assert positions == sorted(positions)
    assert login_officer(client, session, officer.user.email, totp).status_code == 302
    case = client.get(f"/wbs/officer/cases/{rows[0].report_id}").get_data(as_text=True)
    positions = [case.index(f"Jawaban-{n}") for n in range(7)]
    assert positions == sorted(positions)


def _age_by_an_hour(session: Session) -> None:
    """Move every reporter row into the previous hour, unsealed (as if written then)."""
    past = hour_of(utcnow()) - timedelta(hours=1)
    session.execute(update(WbsReport).values(created_at=past, updated_at=past, sealed=False))
    for model in (WbsMessage, WbsFile, WbsBlob, WbsAnswerToken):
        session.execute(update(model).values(created_at=past, sealed=False))
    session.commit()


def test_reseal_waits_for_the_end_of_the_hour(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    assert _answer(client, receipt, "Tambahan", files=1).status_code == 200
    assert reseal(session) == 0  # this hour is still open: sealing now would date the rows
    session.commit()
    assert reseal(session, utcnow() + timedelta(hours=1)) == 5  # report, answer, file, blob, token
    session.commit()
    session.expire_all()
    assert all(session.scalars(select(model.sealed)).all() for model in TABLES.values())


def test_first_wbs_request_of_an_hour_reseals_the_hours_before(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    assert _answer(client, receipt, "Tambahan", files=1).status_code == 200
    _age_by_an_hour(session)
    app.extensions["wbs_reseal"].clear()  # this process has not resealed this hour yet
    assert client.get("/wbs").status_code == 200
    session.expire_all()
    for model in TABLES.values():
        assert session.scalars(select(model.sealed)).all() == [True], model
    assert session.scalars(select(WbsAnswerToken.sealed)).all() == [True]


def test_reseal_command(app, client, session, runner):
    make_officer(app, session)
    report_receipt(client)
    _age_by_an_hour(session)
    result = runner.invoke(args=["wbs", "reseal", "--vacuum"])
    assert result.exit_code == 0, result.output
    assert "resealed 1 rows" in result.output
    assert runner.invoke(args=["wbs", "reseal"]).output.startswith("resealed 0 rows")


def test_a_reporters_answer_unseals_the_report(app, client, session):
    make_officer(app, session)
    receipt = report_receipt(client)
    _age_by_an_hour(session)
    reseal(session)
    session.commit()
    assert _answer(client, receipt, "Tambahan").status_code == 200
    session.expire_all()
    report = session.scalars(select(WbsReport)).one()
    assert not report.sealed and report.updated_at == hour_of(utcnow())


def _xmins(session: Session, table: str) -> list[str]:
    return list(session.scalars(text(f"SELECT xmin::text FROM {table}")))  # noqa: S608


def test_after_the_reseal_an_hours_reporter_rows_share_one_xmin(app, client, session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    officer, totp = make_officer(app, session)
    receipts = [report_receipt(client) for _ in range(3)]
    assert _answer(client, receipts[0], "Tambahan", files=2).status_code == 200
    # Rows with exact times written between the reports: what an xmin would be compared with.
    assert login_officer(client, session, officer.user.email, totp).status_code == 302
    assert _answer(client, receipts[1], "Lagi").status_code == 200
    session.commit()
    before = {t: _xmins(session, t) for t in TABLES}
    assert len(set(before["wbs_reports"])) > 1  # each report was its own transaction
    assert len(set(before["wbs_messages"] + before["wbs_files"])) > 1
    session.commit()

    toast = session.scalar(text("SELECT reltoastrelid::regclass::text FROM pg_class "
                                "WHERE relname = 'wbs_blobs' AND relnamespace = "
                                "current_schema()::regnamespace"))
    before_toast = set(_xmins(session, toast))
    assert len(before_toast) == 1  # the files' ciphertext lives in the TOAST table
    # reports, messages, files, their blobs, answer tokens
    assert reseal(session, utcnow() + timedelta(hours=1)) == 3 + 2 + 2 + 2 + 2
    session.commit()
    after = {t: _xmins(session, t) for t in TABLES}
    shared = set(after["wbs_reports"])
    assert len(shared) == 1
    assert set(after["wbs_messages"] + after["wbs_files"] + after["wbs_blobs"]) == shared
    assert set(_xmins(session, "wbs_answer_tokens")) == shared
    assert not shared & set(sum(before.values(), []))
    # Out-of-line chunks rewritten too: an UPDATE that leaves the value alone keeps them.
    assert set(_xmins(session, toast)) == shared
    officer_xmin = session.scalar(text("SELECT xmin::text FROM users"))
    assert int(next(iter(shared))) > int(officer_xmin)  # later than every row of the hour


def test_logins_store_only_the_hour(app, client, session):
    officer, totp = make_officer(app, session)
    assert login_officer(client, session, officer.user.email, totp).status_code == 302
    session.expire_all()
    last = session.scalar(select(User.last_login_at).where(User.id == officer.user_id))
    assert last is not None and (last.minute, last.second, last.microsecond) == (0, 0, 0)
