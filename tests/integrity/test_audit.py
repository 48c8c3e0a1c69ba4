"""The integrity audit log: rows are added with the act, and the database refuses changing them."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from survey_app.integrity import audit
from survey_app.models import IntegrityAudit
from tests.helpers import make_unit


def test_record_adds_a_row_with_its_detail(session):
    unit = make_unit(session)
    audit.record(session, unit_id=unit.id, actor="admin@u1.go.id", action="quarantine",
                 detail={"responses": [3, 4], "reason": "burst"})
    session.commit()
    rows = audit.entries(session, unit.id)
    assert [(r.actor, r.action) for r in rows] == [("admin@u1.go.id", "quarantine")]
    assert audit.detail_of(rows[0]) == {"reason": "burst", "responses": [3, 4]}


@pytest.mark.parametrize("statement", [
    "UPDATE integrity_audit SET action = 'release'",
    "DELETE FROM integrity_audit",
])
def test_the_database_refuses_update_and_delete(app, session, statement):
    unit = make_unit(session)
    audit.record(session, unit_id=unit.id, actor="cli", action="import", detail={"rows": 300})
    session.commit()
    engine = app.extensions["survey_db"].engine
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    session.expire_all()
    assert [r.action for r in session.scalars(select(IntegrityAudit))] == ["import"]


def test_the_orm_cannot_delete_a_row_either(session):
    unit = make_unit(session)
    row = audit.record(session, unit_id=unit.id, actor="cli", action="import", detail={})
    session.commit()
    session.delete(row)
    with pytest.raises(DBAPIError, match="append-only"):
        session.commit()
    session.rollback()
