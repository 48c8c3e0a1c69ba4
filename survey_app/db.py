"""Engine and per-request session, bound to the app with init_app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from .rollups import orm as _rollup_orm  # noqa: F401 - keeps roll-ups through ORM flushes
from .rollups.days import register_sqlite

CONNECT_TIMEOUT = 5  # seconds to reach PostgreSQL (psycopg `connect_timeout`)
# Seconds a SQLite statement waits for another writer's lock before "database is locked": well
# under gunicorn's 30 s worker timeout, so the request fails with our page (the survey submit
# keeps the answers) instead of the worker being killed.
SQLITE_BUSY_TIMEOUT = 10


def make_engine(url: str) -> Engine:
    """Create an engine with the settings each backend needs."""
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        if url.startswith("postgresql"):  # an unreachable server must not hang a worker
            kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
            cur.close()
            register_sqlite(dbapi_conn)  # the roll-ups' local day, computed in SQL

    return engine


@dataclass(frozen=True)
class AppDatabase:
    """One app's engine and session factory, kept in `app.extensions["survey_db"]`."""

    engine: Engine
    session_factory: sessionmaker[Session]


class Database:
    """Hands out one session per app context, from the current app's own engine.

    The extension object holds no engine: two apps in one process each keep theirs in
    their own `app.extensions`, so neither rebinds the other.
    """

    def init_app(self, app: Flask) -> None:
        """Bind to the app's configured database URL."""
        engine = make_engine(app.config["SURVEY"].database_url)
        app.extensions["survey_db"] = AppDatabase(
            engine, sessionmaker(engine, expire_on_commit=False))
        app.teardown_appcontext(self._remove)

    @staticmethod
    def state() -> AppDatabase:
        """The current app's database state."""
        state: AppDatabase = current_app.extensions["survey_db"]
        return state

    @property
    def engine(self) -> Engine:
        """The current app's engine."""
        return self.state().engine

    @property
    def session(self) -> Session:
        """The session of the current app context."""
        if "db_session" not in g:
            g.db_session = current_app.extensions["survey_db"].session_factory()
        return g.db_session  # type: ignore[no-any-return]

    @staticmethod
    def _remove(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.rollback()
            session.close()
        except Exception:  # noqa: BLE001 - the response is finished: never turn it into a 500
            # e.g. the connection died after the work was stored (a database restart); the
            # pool drops it, and the visitor keeps the page already made for them.
            current_app.logger.warning("database session teardown failed", exc_info=True)
            try:
                session.invalidate()
            except Exception:  # noqa: BLE001
                current_app.logger.debug("session invalidate failed", exc_info=True)


db = Database()
