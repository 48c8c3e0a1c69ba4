"""Fixtures: a migrated database per session (SQLite or TEST_DATABASE_URL), emptied per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from survey_app import create_app
from survey_app.db import make_engine
from survey_app.migrations import upgrade
from survey_app.models import Base
from tests.append_only import APPEND_ONLY, purge


def with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` as search path."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A factory of empty databases: SQLite files, or fresh PostgreSQL schemas."""
    base = os.environ.get("TEST_DATABASE_URL")
    schemas: list[str] = []

    def make() -> str:
        if not base:
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        schemas.append(schema)
        return with_schema(base, schema)

    yield make
    if base and schemas:
        engine = create_engine(base)
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(fresh_database_url) -> str:  # type: ignore[no-untyped-def]
    """One migrated database shared by the session's tests."""
    url: str = fresh_database_url()
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The app on the test database; every table is emptied afterwards."""
    application = create_app(
        TESTING=True,
        database_url=database_url,
        secret_key="test-secret-key",
        base_url="http://survey.test",
        redis_url=None,
    )
    yield application
    engine = application.extensions["survey_db"].engine
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in APPEND_ONLY:
                purge(conn, table.name)
            else:
                conn.execute(table.delete())
    engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """Runs CLI commands against the test app."""
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of its own (not the request's), for arranging and checking data."""
    own = app.extensions["survey_db"].session_factory()
    yield own
    own.close()
