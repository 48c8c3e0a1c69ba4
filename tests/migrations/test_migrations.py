"""Upgrading an empty database gives the models' schema; every step downgrades."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from survey_app.db import make_engine
from survey_app.migrations import alembic_config, downgrade, upgrade
from survey_app.models import Base


def test_upgrade_from_empty_equals_models(fresh_database_url):
    engine = make_engine(fresh_database_url())
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_repeatable(fresh_database_url):
    engine = make_engine(fresh_database_url())
    upgrade(engine)
    upgrade(engine)
    assert "responses" in inspect(engine).get_table_names()
    engine.dispose()


def test_each_step_downgrades_and_upgrades_again(fresh_database_url):
    engine = make_engine(fresh_database_url())
    script = ScriptDirectory.from_config(alembic_config(engine))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for rev in revisions:
        upgrade(engine, rev.revision)
        downgrade(engine, rev.down_revision or "base")
        upgrade(engine, rev.revision)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
