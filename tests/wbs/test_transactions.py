"""One layer commits: WBS services add and flush, the view (or command) commits, so a report
and its files, or a change and its audit row, are stored together or not at all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from survey_app.models import WbsAudit, WbsBlob, WbsFile, WbsReport
from survey_app.wbs.evidence import check
from survey_app.wbs.officer import services
from survey_app.wbs.reporter import services as reporter_services
from survey_app.wbs.uploads import save_files
from tests.wbs.support import make_officer, only_report, report_receipt


@pytest.fixture
def commits(session: Session) -> Iterator[list[int]]:
    """Every commit of the test's session."""
    seen: list[int] = []

    def count(_session: Session) -> None:
        seen.append(1)

    event.listen(session, "after_commit", count)
    yield seen
    event.remove(session, "after_commit", count)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_saving_files_commits_nothing(app, client, session, commits):
    make_officer(app, session)
    report_receipt(client)
    report = only_report(session)
    commits.clear()
    save_files(session, report, b"k" * 32, [check(b"catatan", 40_000_000)],
               report.created_at)
    assert commits == [] and _count(session, WbsBlob) == 1
    session.rollback()  # the request failed after the files: they go with it
    assert _count(session, WbsFile) == 0 and _count(session, WbsBlob) == 0


def test_a_report_rolled_back_leaves_no_file(app, client, session, commits):
    officer, _totp = make_officer(app, session)
    with app.test_request_context():
        from survey_app.wbs import settings
        from survey_app.wbs.reporter.forms import check_fields

        draft, errors = check_fields(session, settings(), {
            "unit": "U1", "category": "pungli", "apa": "Pungli"}, [])
        assert errors == {}
        draft.files = [check(b"bukti", 40_000_000)]
        commits.clear()
        _receipt, stored = reporter_services.store_report(session, settings(), draft)
    assert stored and commits == [] and _count(session, WbsBlob) == 1
    session.rollback()
    assert [_count(session, m) for m in (WbsReport, WbsFile, WbsBlob)] == [0, 0, 0]


def test_reading_the_queue_commits_nothing(app, client, session, commits):
    officer, _totp = make_officer(app, session)
    report_receipt(client)
    commits.clear()
    rows = services.queue(session, officer, services.Filters())
    assert len(rows) == 1 and commits == [] and not session.new and not session.dirty


def test_a_status_change_and_its_audit_row_are_one_transaction(app, client, session, commits):
    officer, _totp = make_officer(app, session)
    report_receipt(client)
    report = only_report(session)
    commits.clear()
    services.change_status(session, officer, report, "verification")
    assert commits == [] and _count(session, WbsAudit) == 1  # flushed, in this transaction
    session.rollback()  # e.g. the commit failed: neither the change nor its record stays
    assert only_report(session).status == "new" and _count(session, WbsAudit) == 0
