"""Quarantine and release change the index exactly as removing and re-adding the responses
would, and both are in the audit log."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, select

from survey_app.integrity import audit
from survey_app.integrity.quarantine import QuarantineError, quarantine, release
from survey_app.models import Answer, Response
from survey_app.results.period import Period
from survey_app.results.report import build_report
from survey_app.rollups import maintain as rollups
from tests.integrity.support import clean_history, make_integrity_unit

START = date(2026, 10, 5)
PERIOD = Period(START, date(2026, 11, 1))


def _index(runner) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = runner.invoke(args=["ikm", "U1", "--from", PERIOD.start.isoformat(),
                                 "--to", PERIOD.end.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _some(session, count: int = 40) -> list[int]:  # type: ignore[no-untyped-def]
    # Mostly perfect answers: leaving them out must move the index.
    return list(session.scalars(select(Response.id).where(Response.answer_sum >= 33)
                                .order_by(Response.id).limit(count)))


def test_quarantine_and_release_equal_removing_and_re_adding(runner, session):
    unit = make_integrity_unit(session)
    clean_history(session, unit, START, 28, n=800)
    before = _index(runner)
    ids = _some(session)
    assert quarantine(session, unit, ids, "burst at L1", actor="admin@u1.go.id") == ids
    session.commit()
    quarantined = _index(runner)
    assert quarantined["n"] == before["n"] - len(ids)
    assert quarantined["converted"] != before["converted"]
    # The same figures as with those responses really gone (in a transaction rolled back).
    with_all = build_report(session, unit, "ikm", PERIOD, include_quarantined=True).to_json()
    assert with_all == before
    rows = session.execute(select(Response.__table__).where(Response.id.in_(ids))).all()
    answers = session.execute(select(Answer.__table__).where(Answer.response_id.in_(ids))).all()
    rollups.remove(session, rollups.for_ids(ids))  # Core writes keep their own roll-ups
    session.execute(delete(Response).where(Response.id.in_(ids)))
    session.commit()
    removed = _index(runner)
    assert removed == quarantined
    session.execute(Response.__table__.insert(), [r._asdict() for r in rows])
    session.execute(Answer.__table__.insert(), [a._asdict() for a in answers])
    rollups.add(session, rollups.for_ids(ids))
    session.commit()  # the quarantine rows went with the deleted responses (cascade)
    assert _index(runner) == before
    quarantine(session, unit, ids, "again", actor="admin@u1.go.id")
    session.commit()
    assert _index(runner) == quarantined
    assert release(session, unit, ids, actor="admin@u1.go.id") == ids
    session.commit()
    assert _index(runner) == before
    actions = [(r.action, audit.detail_of(r)["responses"]) for r in audit.entries(session, unit.id)]
    assert actions == [("release", ids), ("quarantine", ids), ("quarantine", ids)]


def test_quarantine_needs_a_reason_and_the_units_own_responses(session):
    unit = make_integrity_unit(session)
    other = make_integrity_unit(session, "U2")
    ids = clean_history(session, other, START, 7, n=50)
    with pytest.raises(QuarantineError, match="Give a reason"):
        quarantine(session, other, ids, "  ", actor="x")
    with pytest.raises(QuarantineError, match="belongs to this unit"):
        quarantine(session, unit, ids, "not mine", actor="x")
    with pytest.raises(QuarantineError, match="is in quarantine"):
        release(session, other, ids, actor="x")
    session.rollback()
    assert audit.entries(session, unit.id) == [] and audit.entries(session, other.id) == []
