"""The database extension: each app keeps its own engine and session."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from survey_app import create_app
from survey_app.db import db, make_engine


def _marked(url: str, mark: str) -> None:
    """A database holding one table with one row, `mark`."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE marker (name VARCHAR(8) NOT NULL)"))
        conn.execute(text("INSERT INTO marker (name) VALUES (:m)"), {"m": mark})
    engine.dispose()


def test_two_apps_in_one_process_each_use_their_own_database(
    fresh_database_url: Callable[[], str],
) -> None:
    url_a, url_b = fresh_database_url(), fresh_database_url()
    _marked(url_a, "A")
    _marked(url_b, "B")
    app_a = create_app(database_url=url_a, secret_key="k" * 16, redis_url=None)
    app_b = create_app(database_url=url_b, secret_key="k" * 16, redis_url=None)
    try:
        for app, mark in ((app_a, "A"), (app_b, "B"), (app_a, "A")):
            with app.app_context():
                assert db.session.scalar(text("SELECT name FROM marker")) == mark
                assert db.engine is app.extensions["survey_db"].engine
                with db.engine.connect() as conn:
                    assert conn.scalar(text("SELECT name FROM marker")) == mark
        assert app_a.extensions["survey_db"].engine is not app_b.extensions["survey_db"].engine
    finally:
        app_a.extensions["survey_db"].engine.dispose()
        app_b.extensions["survey_db"].engine.dispose()
