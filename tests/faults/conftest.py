"""The fault suite's servers, once per session: PostgreSQL, Redis and gunicorn of its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.servers import Gunicorn, Postgres, Redis, missing

SECRET = "fault-suite-secret-key-not-for-production"
SURVEY_PATH = "/s/FAULT/S1/L1"
OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "out"


@dataclass
class Servers:
    """What the scenarios act on."""

    postgres: Postgres
    redis: Redis
    app: Gunicorn


def _prepare(url: str) -> None:
    """Migrate, record the instruments, add unit FAULT / service S1 / counter L1."""
    from survey_app import create_app, orgs
    from survey_app.cli.data import init_database
    from survey_app.db import db

    app = create_app(database_url=url, secret_key=SECRET, redis_url=None)
    with app.app_context():
        init_database()
        unit = orgs.add_unit(db.session, "FAULT", "Unit Fault")
        service = orgs.add_service(db.session, unit, "S1", "Layanan S1")
        orgs.add_counter(db.session, service, "L1", None)
        db.session.commit()
    app.extensions["survey_db"].engine.dispose()


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """PostgreSQL, Redis and gunicorn (2 workers, --preload) on spare ports."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    postgres = Postgres()
    redis = None
    app = None
    try:
        redis = Redis()
        _prepare(postgres.url)
        OUT.mkdir(parents=True, exist_ok=True)
        env = {"DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "SECRET_KEY": SECRET,
               "SURVEY_ENV": "production", "BASE_URL": "https://survei.example.go.id",
               "TRUSTED_HOSTS": "*"}
        app = Gunicorn(env, workers=2, log=OUT / "gunicorn-faults.log")
        yield Servers(postgres, redis, app)
    finally:
        if app is not None:
            app.close()
        if redis is not None:
            redis.close()
        postgres.close()
