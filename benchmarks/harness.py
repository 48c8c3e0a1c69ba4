"""Benchmark plumbing: throwaway databases, a gunicorn process, a bounded HTTP load client."""

from __future__ import annotations

import http.client
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
HOST = "127.0.0.1"
WORKERS = 2
TIMEOUT = 10.0  # seconds for any one request


# -- databases ---------------------------------------------------------------------------------


def with_schema(url: str, schema: str) -> str:
    """A PostgreSQL URL whose connections use `schema` as search path."""
    query = {"options": f"-csearch_path={schema}"}
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


@contextmanager
def sqlite_database() -> Iterator[str]:
    """An empty SQLite file in a temporary directory, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="survey-bench-")
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(base_url, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


# -- server ------------------------------------------------------------------------------------


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, process: subprocess.Popen[bytes], limit: float = 30.0) -> None:
    """Poll /healthz until it answers 200; raise if the server dies or stays down."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if get(port, "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} not up after {limit:.0f}s")


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], log: Path) -> Iterator[int]:
    """Serve `app_spec` with gunicorn (WORKERS sync workers) on a free port; yield the port.

    The server's own output (tracebacks of failed requests) goes to `log`.
    """
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--pythonpath",
        str(HERE),
        "--log-level",
        "warning",
        app_spec,
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=sink, stderr=sink)
    try:
        wait_until_up(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# -- client ------------------------------------------------------------------------------------

# Every simulated respondent comes from its own loopback address (127.1.0.0/16), as respondents'
# phones do; the app's per-client rate limit then applies as in real use instead of stopping a
# benchmark that sends everything from one address.
_addresses = (f"127.1.{n // 250}.{n % 250 + 1}" for n in itertools.cycle(range(250 * 250)))
_address_lock = threading.Lock()


def next_address() -> str:
    """The next client source address."""
    with _address_lock:
        return next(_addresses)


@dataclass(frozen=True)
class Reply:
    """One HTTP response, fully read."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    source: str = HOST,
) -> Reply:
    """One request on a new connection (gunicorn's sync workers do not keep connections)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT, source_address=(source, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def get(port: int, path: str, **kwargs: object) -> Reply:
    """GET `path`."""
    return request(port, "GET", path, **kwargs)  # type: ignore[arg-type]


# -- load --------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    """Completed units of work in a measured interval."""

    done: int = 0
    seconds: float = 0.0
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        """Units of work per second."""
        return self.done / self.seconds if self.seconds else 0.0


def run_load(work: Callable[[], object], total: int, concurrency: int, budget: float) -> LoadResult:
    """Run `work` `total` times on `concurrency` threads; stop early after `budget` seconds."""
    result = LoadResult()
    lock = threading.Lock()
    claimed = itertools.count()
    deadline = time.monotonic() + budget

    def worker() -> None:
        while next(claimed) < total and time.monotonic() < deadline:
            try:
                work()
                outcome = None
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                outcome = f"{type(exc).__name__}: {str(exc)[:80]}"
            with lock:
                if outcome is None:
                    result.done += 1
                else:
                    result.failures[outcome] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=budget + TIMEOUT + 5)
    result.seconds = time.perf_counter() - start
    return result
