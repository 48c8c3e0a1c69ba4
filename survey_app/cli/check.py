"""`survey-app check`: the production start-up checks, and whether the database and Redis answer."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import db
from ..ratelimit import RedisStore
from ..startup import check_settings, gunicorn_workers


@click.command("check")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="gunicorn workers you will run "
              "(default: WEB_CONCURRENCY or GUNICORN_CMD_ARGS, else 1)")
def check(workers: int | None) -> None:
    """Print settings that will hurt in production; exit 1 when there is any."""
    config = current_app.config["SURVEY"]
    if workers is None:
        workers = gunicorn_workers(["gunicorn"])
    problems = [f"{f.code}: {f.message}" for f in check_settings(config, workers)]
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        problems.append(f"database: does not answer ({type(exc).__name__})")
    if config.redis_url:
        try:
            RedisStore(config.redis_url, prefix="check:").hit("ping", 1)
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            problems.append(f"redis: does not answer ({type(exc).__name__}); rate limits would "
                            "be counted per worker")
    for line in problems:
        click.echo(line)
    if problems:
        raise SystemExit(1)
    click.echo("ok")


COMMANDS = (check,)
