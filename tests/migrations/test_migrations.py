"""Upgrading an empty database gives the models' schema; every step downgrades."""

from __future__ import annotations

import pytest
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


def test_0005_keeps_answers_and_makes_them_without_rowid_on_sqlite(fresh_database_url):
    from sqlalchemy import text

    engine = make_engine(fresh_database_url())
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (id, code, name, tz, created_at) "
                          "VALUES (1, 'U1', 'U', 'Asia/Jakarta', '2026-01-01')"))
        conn.execute(text("INSERT INTO services (id, unit_id, code, name, created_at, "
                          "instrument_slugs) VALUES (1, 1, 'S1', 'S', '2026-01-01', 'ikm')"))
        conn.execute(text("INSERT INTO instrument_versions (id, slug, version, checksum, "
                          "definition, created_at) VALUES (1, 'ikm', '1', 'x', '', '2026-01-01')"))
        conn.execute(text("INSERT INTO responses (id, unit_id, service_id, instrument_version_id, "
                          "submitted_at, source, answer_count, answer_sum) "
                          "VALUES (1, 1, 1, 1, '2026-01-02', 'paper', 2, 7)"))
        conn.execute(text("INSERT INTO answers (response_id, item_code, value) VALUES "
                          "(1, 'a', 4), (1, 'b', 3)"))
    upgrade(engine)

    def answers() -> list[tuple]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                text("SELECT response_id, item_code, value FROM answers ORDER BY item_code"))]

    def ddl() -> str:
        with engine.connect() as conn:
            return str(conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE name = 'answers'")).scalar_one())

    assert answers() == [(1, "a", 4), (1, "b", 3)]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT label_style FROM responses")).scalar_one() is None
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        assert ddl().rstrip().endswith("WITHOUT ROWID")
    from sqlalchemy.exc import IntegrityError

    for bad in ("(1, 'a', 2)", "(1, 'c', 0)", "(99, 'a', 1)"):  # constraints survive the rebuild
        with pytest.raises(IntegrityError), engine.begin() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.execute(text(f"INSERT INTO answers VALUES {bad}"))
    downgrade(engine, "0004")
    assert answers() == [(1, "a", 4), (1, "b", 3)]
    if sqlite:
        assert "WITHOUT ROWID" not in ddl()
    engine.dispose()
