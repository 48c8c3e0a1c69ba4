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


def test_0002_backfills_answer_totals(fresh_database_url):
    from sqlalchemy import text

    engine = make_engine(fresh_database_url())
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, tz, created_at) "
                          "VALUES (1, 'U1', 'U', 'Asia/Jakarta', '2026-01-01')"))
        conn.execute(text("INSERT INTO services (id, unit_id, code, name, created_at) "
                          "VALUES (1, 1, 'S1', 'S', '2026-01-01')"))
        conn.execute(text("INSERT INTO instrument_versions (id, slug, version, checksum, "
                          "definition, created_at) VALUES (1, 'ikm', '1', 'x', '', '2026-01-01')"))
        for rid in (1, 2):
            conn.execute(text("INSERT INTO responses (id, unit_id, service_id, "
                              "instrument_version_id, submitted_at, source) "
                              f"VALUES ({rid}, 1, 1, 1, '2026-01-02', 'paper')"))
        conn.execute(text("INSERT INTO answers (response_id, item_code, value) VALUES "
                          "(1, 'a', 4), (1, 'b', 3), (1, 'c', 1)"))
    upgrade(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, answer_count, answer_sum FROM responses ORDER BY id"))
        assert [tuple(r) for r in rows] == [(1, 3, 8), (2, 0, 0)]
    engine.dispose()
