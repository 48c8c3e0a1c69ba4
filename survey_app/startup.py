"""Start-up checks: settings that work on a laptop but hurt in production, said once in the log.

Each check is a pure function of the configuration (and the gunicorn worker count, when it can
be read from the command line or WEB_CONCURRENCY); `survey-app check` prints the same list. One
thing can only be seen at run time: X-Forwarded-For headers arriving while PROXY_COUNT=0 (every
client then shares the proxy's address for the rate limits), warned at the first such request.
"""

from __future__ import annotations

import functools
import logging
import os
import shlex
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask

from .config import Config

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Finding:
    """One setting that will hurt: a stable code and a sentence for the operator."""

    code: str
    message: str


def _workers_from_args(args: Sequence[str]) -> int | None:
    for i, arg in enumerate(args):
        value: str | None = None
        if arg in ("-w", "--workers") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and arg[2:].isdigit():
            value = arg[2:]
        if value is not None and value.isdigit():
            return int(value)
    return None


def gunicorn_workers(argv: Sequence[str] | None = None,
                     environ: Mapping[str, str] | None = None) -> int | None:
    """The worker count gunicorn was started with, when this process is gunicorn; else None."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not argv or "gunicorn" not in os.path.basename(argv[0]):
        return None
    found = _workers_from_args(argv[1:])
    if found is None:
        found = _workers_from_args(shlex.split(environ.get("GUNICORN_CMD_ARGS", "")))
    if found is None and environ.get("WEB_CONCURRENCY", "").isdigit():
        found = int(environ["WEB_CONCURRENCY"])
    return found if found is not None else 1  # gunicorn's default


def check_settings(config: Config, workers: int | None) -> list[Finding]:
    """The settings of `config` (served by `workers` processes, None if unknown) that will hurt."""
    found: list[Finding] = []
    sqlite = config.database_url.startswith("sqlite")
    if sqlite and workers is not None and workers > 1:
        found.append(Finding("sqlite_workers", (
            f"SQLite with {workers} workers: writers wait for each other (a long import blocks "
            "every submit); use PostgreSQL for more than one worker")))
    if not config.redis_url and workers is not None and workers > 1:
        found.append(Finding("rate_limits_per_worker", (
            f"no REDIS_URL with {workers} workers: each worker counts rate limits on its own, "
            f"so a client gets up to {workers} times the limit")))
    if config.production and not config.base_url.startswith("https://"):
        found.append(Finding("http_base_url", (
            f"BASE_URL {config.base_url} is not https in production: QR codes and links send "
            "respondents over plain HTTP, and session cookies are not marked Secure")))
    return found


def warn(findings: Iterable[Finding], logger: logging.Logger = log) -> None:
    """Log each finding once."""
    for finding in findings:
        logger.warning("start-up check %s: %s", finding.code, finding.message)


FORWARDED_WARNING = (
    "X-Forwarded-For headers arrive but PROXY_COUNT=0: every client behind the proxy shares its "
    "address for the rate limits (the 61st respondent in 10 minutes at a counter is refused); "
    "set PROXY_COUNT to the number of proxies in front")


class ForwardedWithoutProxyCount:
    """WSGI middleware: warns once, at the first request carrying X-Forwarded-For, that
    PROXY_COUNT=0 ignores it. The header is never logged (it holds client addresses)."""

    def __init__(self, app: Callable[..., Iterable[bytes]],
                 logger: logging.Logger = log) -> None:
        self.app, self.logger = app, logger
        self.warned = False
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not self.warned and "HTTP_X_FORWARDED_FOR" in environ:
            with self._lock:
                first, self.warned = not self.warned, True
            if first:
                self.logger.warning("run-time check proxy_count: %s", FORWARDED_WARNING)
        return self.app(environ, start_response)


def _forget_connections(app_ref: weakref.ref[Flask]) -> None:
    """In a forked worker (gunicorn --preload): drop the database connections inherited from
    the master without closing them (they are the master's), as SQLAlchemy advises; redis-py
    notices the new process by itself."""
    app = app_ref()
    state = app.extensions.get("survey_db") if app is not None else None
    engine = getattr(state, "engine", None)
    if engine is not None:
        engine.dispose(close=False)


def init_app(app: Flask) -> None:
    """Log the start-up findings, watch for forwarded headers when no proxy is trusted, and
    make the app safe to fork after loading (gunicorn --preload)."""
    config: Config = app.config["SURVEY"]
    if not app.testing:
        warn(check_settings(config, gunicorn_workers()))
    if config.proxy_count == 0:
        app.wsgi_app = ForwardedWithoutProxyCount(app.wsgi_app)  # type: ignore[method-assign]
    os.register_at_fork(after_in_child=functools.partial(_forget_connections, weakref.ref(app)))
