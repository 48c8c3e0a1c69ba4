"""The database, not only `services.publish`, keeps one current revision and unique revision
numbers per published scope, for a service's figures as for the whole unit's."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_app.db import db
from survey_app.models import Publication, Service, Unit
from survey_app.results import services
from survey_app.results.period import parse_period
from survey_app.results.report import build_report
from tests.results.test_dashboard import setup


def _publish_all(app) -> None:  # type: ignore[no-untyped-def]
    """The whole unit, S1 and S2 of Q1, each once: three current revisions side by side."""
    with app.test_request_context():
        unit = db.session.scalars(select(Unit)).one()
        for service in (None, *db.session.scalars(select(Service).order_by(Service.code))):
            report = build_report(db.session, unit, "ikm", parse_period("2026-Q1"), service)
            services.publish(db.session, report, None, actor="test")
        db.session.commit()


def _twin(pub: Publication) -> dict[str, object]:
    """The publication's row without its id and digest (those are unique by themselves)."""
    return {c.name: getattr(pub, c.key) for c in Publication.__table__.columns
            if c.name not in ("id", "digest")}


@pytest.mark.parametrize("scope", ["unit", "service"])
def test_one_current_revision_and_unique_numbers_per_scope(app, runner, session, client,
                                                           tmp_path, scope):
    setup(runner, session, client, tmp_path)
    _publish_all(app)
    current = session.scalars(select(Publication).where(Publication.is_current.is_(True))).all()
    assert len(current) == 3  # the unit's and each service's: separate scopes
    pub = next(p for p in current if (p.service_id is None) == (scope == "unit"))
    twin = _twin(pub)
    session.expunge(pub)
    table = Publication.__table__
    with pytest.raises(IntegrityError):  # the same revision number again
        session.execute(table.insert(), {**twin, "is_current": False})
    session.rollback()
    with pytest.raises(IntegrityError):  # a second current revision
        session.execute(table.insert(), {**twin, "revision": 2})
    session.rollback()
    session.execute(table.insert(), {**twin, "revision": 2, "is_current": False})
    session.commit()
    assert len(session.scalars(select(Publication)).all()) == 4
