"""One owner of transactions: services flush, the caller commits, so two calls are atomic."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app import orgs
from survey_app.admin import wording
from survey_app.db import db
from survey_app.integrity import audit
from survey_app.models import HasilInput, IntegrityAudit, ItemOverride, ServicePopulation
from survey_app.results import services as results
from survey_app.results.period import Period
from survey_app.zi import services as zi

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def unit_code(app: Flask) -> str:
    with app.app_context():
        unit = orgs.add_unit(db.session, "U1", "Unit Satu")
        orgs.add_service(db.session, unit, "S1", "Layanan Satu")
        db.session.commit()
    return "U1"


def test_a_failing_second_call_leaves_nothing_of_the_first(app: Flask, session: Session,
                                                           unit_code: str) -> None:
    with app.app_context():
        unit = orgs.find_unit(db.session, unit_code)
        service = orgs.find_service(db.session, unit, "S1")
        results.set_population(db.session, unit, service, YEAR, 120)
        wording.set_wording(db.session, service, "ikm", "persyaratan", "Syarat?", "Terms?")
        audit.record(db.session, unit_id=unit.id, actor="test", action="hours", detail={})
        # each call flushed: the rows are in the transaction...
        assert _count(db.session, ServicePopulation) == 1
        assert _count(db.session, ItemOverride) == 1
        with pytest.raises(zi.InputErrors):  # ...and the second service refuses its input
            zi.save_input(db.session, unit, 2026, zi.HasilInputs(
                "permenpanrb-90-2021", "ipk", "ikm", YEAR, kinerja=999.0))
        db.session.rollback()  # what the request's end does without a commit
    # nothing of the first calls was stored, audit row included
    assert _count(session, ServicePopulation) == 0
    assert _count(session, ItemOverride) == 0
    assert _count(session, IntegrityAudit) == 0
    assert _count(session, HasilInput) == 0


def test_services_do_not_commit(app: Flask, session: Session, unit_code: str) -> None:
    with app.app_context():
        unit = orgs.find_unit(db.session, unit_code)
        results.set_population(db.session, unit, None, YEAR, 50)
        zi.save_input(db.session, unit, 2026, zi.HasilInputs(
            "permenpanrb-90-2021", "ipk", "ikm", YEAR, kinerja=5.0))
        assert _count(session, ServicePopulation) == 0  # not visible outside before the commit
        db.session.commit()
    assert _count(session, ServicePopulation) == 1
    assert _count(session, HasilInput) == 1
