"""Baseline for the survey benchmark: a bare Flask app whose POST inserts one row.

Served as ``bare_app:create_app()`` by the same gunicorn settings as the survey app, on the same
kind of database (DATABASE_URL), so the ratio measures what the survey app adds on top.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Flask, g, redirect, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from survey_app.db import make_engine

metadata = MetaData()
rows = Table(
    "bench_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("payload", String(200), nullable=False),
)
PAGE = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>bare</title></head>'
    '<body><form method="post"><input name="payload"><button>Send</button></form></body></html>'
)


def create_schema(url: str) -> None:
    """Create the baseline table (run once, before the workers start)."""
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    """The baseline app: GET a tiny form, POST inserts one row and redirects."""
    app = Flask(__name__)
    # The survey app's engine settings (SQLite WAL and busy timeout), so only the app differs.
    factory = sessionmaker(make_engine(os.environ["DATABASE_URL"]))

    def db() -> Session:
        if "db" not in g:
            g.db = factory()
        return g.db  # type: ignore[no-any-return]

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session = g.pop("db", None)
        if session is not None:
            session.close()

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.route("/", methods=["GET", "POST"])
    def form() -> str | Response:
        if request.method == "GET":
            return PAGE
        payload = request.form.get("payload", "")[:200]
        db().execute(insert(rows).values(created_at=datetime.now(UTC), payload=payload))
        db().commit()
        return redirect("/")

    return app
