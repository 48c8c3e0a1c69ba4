"""Start-up checks: settings that hurt in production are said, once; `survey-app check`."""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

from survey_app import create_app
from survey_app.config import Config
from survey_app.startup import check_settings, gunicorn_workers
from tests.helpers import make_unit

PG = "postgresql+psycopg://u@db/survey"


def config(**changes: object) -> Config:
    base = Config(database_url=PG, secret_key="k", base_url="https://survei.example.go.id",
                  redis_url="redis://r", production=True)
    return dataclasses.replace(base, **changes)


def codes(cfg: Config, workers: int | None) -> list[str]:
    return [f.code for f in check_settings(cfg, workers)]


def test_a_sound_production_setup_has_no_findings():
    assert codes(config(), 4) == []


def test_sqlite_with_several_workers():
    assert codes(config(database_url="sqlite:///x.db"), 4) == ["sqlite_workers"]
    assert codes(config(database_url="sqlite:///x.db"), 1) == []
    assert codes(config(database_url="sqlite:///x.db"), None) == []  # not gunicorn: unknown


def test_http_base_url_in_production_only():
    assert codes(config(base_url="http://survei.example.go.id"), 4) == ["http_base_url"]
    assert codes(config(base_url="http://127.0.0.1:5000", production=False), 1) == []


def test_per_worker_rate_limits_without_redis():
    assert codes(config(redis_url=None), 4) == ["rate_limits_per_worker"]
    assert codes(config(redis_url=None), 1) == []


def test_the_worker_count_is_read_from_gunicorns_command_line():
    assert gunicorn_workers(["/venv/bin/gunicorn", "-w", "4", "app:x"], {}) == 4
    assert gunicorn_workers(["gunicorn", "--workers=3", "app:x"], {}) == 3
    assert gunicorn_workers(["gunicorn", "-w2", "app:x"], {}) == 2
    assert gunicorn_workers(["gunicorn", "app:x"], {"GUNICORN_CMD_ARGS": "--workers 5"}) == 5
    assert gunicorn_workers(["gunicorn", "app:x"], {"WEB_CONCURRENCY": "6"}) == 6
    assert gunicorn_workers(["gunicorn", "app:x"], {}) == 1
    assert gunicorn_workers(["/venv/bin/survey-app", "serve"], {"WEB_CONCURRENCY": "6"}) is None


def test_findings_are_logged_at_start_up(tmp_path: Path, caplog, monkeypatch):
    monkeypatch.setattr("sys.argv", ["gunicorn", "-w", "4", "survey_app:create_app()"])
    with caplog.at_level(logging.WARNING, logger="survey_app.startup"):
        create_app(database_url=f"sqlite:///{tmp_path}/x.db", secret_key="k", redis_url=None,
                   base_url="http://survei.example.go.id", production=True)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "sqlite_workers" in logged and "http_base_url" in logged
    assert "rate_limits_per_worker" in logged


def test_forwarded_headers_without_proxy_count_are_warned_once(app, client, session, caplog):
    make_unit(session)
    with caplog.at_level(logging.WARNING, logger="survey_app.startup"):
        assert client.get("/s/U1/S1/L1").status_code == 200
        assert not caplog.records  # no header, nothing to say
        for address in ("203.0.113.9", "203.0.113.10"):
            client.get("/s/U1/S1/L1", headers={"X-Forwarded-For": address})
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "PROXY_COUNT" in message and "203.0.113" not in message


def test_trusted_proxies_are_not_warned_about(database_url, caplog):
    app = create_app(TESTING=True, database_url=database_url, secret_key="k", redis_url=None,
                     proxy_count=1)
    with caplog.at_level(logging.WARNING, logger="survey_app.startup"):
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not caplog.records
    app.extensions["survey_db"].engine.dispose()


def test_check_command(runner, app):
    ok = runner.invoke(args=["check", "--workers", "1"])
    assert ok.exit_code == 0 and ok.output.strip() == "ok"
    url = app.config["SURVEY"].database_url
    many = runner.invoke(args=["check", "--workers", "4"])
    if url.startswith("sqlite"):
        assert many.exit_code == 1 and "sqlite_workers" in many.output
    assert "rate_limits_per_worker" in many.output  # the test app has no Redis
    app.config["SURVEY"] = dataclasses.replace(app.config["SURVEY"],
                                               redis_url="redis://127.0.0.1:1/0")
    down = runner.invoke(args=["check", "--workers", "1"])
    assert down.exit_code == 1 and "redis: does not answer" in down.output


def test_a_forked_worker_does_not_reuse_the_masters_database_connections(app, session):
    engine = app.extensions["survey_db"].engine
    with engine.connect() as conn:  # the master used the database before forking
        conn.exec_driver_sql("SELECT 1")
    assert engine.pool.checkedin() == 1
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        os.write(write, str(engine.pool.checkedin()).encode())
        os._exit(0)
    os.close(write)
    inherited = os.read(read, 16).decode()
    os.waitpid(pid, 0)
    os.close(read)
    assert inherited == "0"
    assert engine.pool.checkedin() == 1  # the master's own connection is untouched
