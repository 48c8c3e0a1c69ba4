"""Worker memory and boot time: gunicorn as the README ran it, against `--preload`, same run.

    .venv/bin/python benchmarks/worker_memory.py [--workers 2] [--requests 40]

For each mode it serves the survey app (SQLite, a fresh database) with gunicorn, sends every
worker survey pages and submissions, then reads each worker's RSS, PSS (its fair share of pages
it shares with the master and its siblings) and USS (pages only it holds) from
/proc/<pid>/smaps_rollup, and times how long the server takes from SIGKILL of every worker to
answering again (what a crashed or recycled worker costs). It also times one cold
`create_app()` in a fresh interpreter: the work each worker repeats without `--preload`.
Ratios are preload over default. Linux only.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import HOST, OUT, free_port, get, next_address, sqlite_database, wait_until_up
from survey_throughput import (
    SECRET,
    SURVEY_PATH,
    TOKENS,
    answers,
    post_form,
    prepare,
    session_cookie,
)

MIB = 1024 * 1024


@dataclass(frozen=True)
class Memory:
    """One process's memory, in bytes."""

    rss: int
    pss: int
    uss: int


def memory(pid: int) -> Memory:
    """RSS, PSS and USS of `pid` from smaps_rollup."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        fields[name] = int(rest.split()[0]) * 1024
    return Memory(fields["Rss"], fields["Pss"],
                  fields["Private_Clean"] + fields["Private_Dirty"])


def children(pid: int) -> list[int]:
    """The worker processes of a gunicorn master."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


@contextmanager
def serve(url: str, workers: int, preload: bool) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn on the survey app; yields (port, master process)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"{HOST}:{port}", "--log-level", "warning"]
    if preload:
        command.append("--preload")
    command.append("survey_app:create_app()")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "SURVEY_ENV": "production"}
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"gunicorn-memory-{'preload' if preload else 'default'}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    try:
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def respondents(port: int, count: int) -> None:
    """`count` whole respondents: form page, then nine answers."""
    for _ in range(count):
        source = next_address()
        page = get(port, SURVEY_PATH, source=source)
        tokens = dict(TOKENS.findall(page.body.decode()))
        reply = post_form(port, SURVEY_PATH, {**answers(), **tokens}, source,
                          session_cookie(page))
        if reply.status != 302:
            raise RuntimeError(f"survey POST: HTTP {reply.status}")


@dataclass(frozen=True)
class Mode:
    """What one mode measured."""

    name: str
    start: float  # seconds from exec to the first answer
    respawn: float  # seconds from SIGKILL of every worker to the next answer
    workers: list[Memory]
    master: Memory


def measure(url: str, workers: int, requests: int, preload: bool) -> Mode:
    """Start, load, read memory, kill the workers, time the way back."""
    began = time.monotonic()
    with serve(url, workers, preload) as (port, process):
        wait_until_up(port, process)
        start = time.monotonic() - began
        respondents(port, requests)
        pids = children(process.pid)
        mems = [memory(pid) for pid in pids]
        master = memory(process.pid)
        killed = time.monotonic()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        while True:  # the old workers' listening sockets are gone once they are reaped
            try:
                if get(port, "/healthz").status == 200 and not set(pids) & set(
                        children(process.pid)):
                    break
            except OSError:
                pass
            time.sleep(0.01)
        respawn = time.monotonic() - killed
    return Mode("preload" if preload else "default", start, respawn, mems, master)


def cold_create_app(url: str) -> float:
    """Seconds for a fresh interpreter to import the app and run create_app() (median of 3)."""
    code = ("import time; t = time.perf_counter(); from survey_app import create_app; "
            "create_app(); print(time.perf_counter() - t)")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    runs = sorted(float(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                       capture_output=True, text=True).stdout)
                  for _ in range(3))
    return runs[1]


def heavy_modules(url: str) -> list[str]:
    """Which of the export stack's packages create_app() imports."""
    code = ("import sys; from survey_app import create_app; create_app(); "
            "print(' '.join(m for m in ('numpy', 'scipy', 'PIL', 'fpdf', 'openpyxl') "
            "if m in sys.modules))")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True).stdout.split()


def report(modes: list[Mode], cold: float, heavy: list[str], workers: int) -> Iterator[str]:
    """The lines to print."""
    yield (f"{time.strftime('%Y-%m-%d %H:%M')}  gunicorn {workers} sync workers, SQLite; "
           f"create_app() imports: {' '.join(heavy) or 'none of numpy scipy PIL fpdf openpyxl'}")
    yield f"cold import + create_app() in a fresh interpreter: {cold:.2f} s (median of 3)"
    yield f"{'mode':<9}{'start s':>9}{'respawn s':>11}{'RSS MiB':>9}{'PSS MiB':>9}{'USS MiB':>9}"
    for m in modes:
        n = len(m.workers)
        rss, pss, uss = (sum(getattr(w, f) for w in m.workers) / n / MIB
                         for f in ("rss", "pss", "uss"))
        yield f"{m.name:<9}{m.start:>9.2f}{m.respawn:>11.2f}{rss:>9.1f}{pss:>9.1f}{uss:>9.1f}"
        yield (f"{'':<9}master RSS {m.master.rss / MIB:.1f} MiB; all processes PSS "
               f"{(m.master.pss + sum(w.pss for w in m.workers)) / MIB:.1f} MiB")
    default, preload = modes
    total = {m.name: m.master.pss + sum(w.pss for w in m.workers) for m in modes}
    pss = sum(w.pss for w in preload.workers) / sum(w.pss for w in default.workers)
    uss = sum(w.uss for w in preload.workers) / sum(w.uss for w in default.workers)
    yield (f"ratio preload/default: respawn {preload.respawn / default.respawn:.2f}, worker PSS "
           f"{pss:.2f}, worker USS {uss:.2f}, "
           f"all processes PSS {total['preload'] / total['default']:.2f}")


def main(argv: list[str]) -> int:
    """Run both modes and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=40,
                        help="respondents sent before memory is read (default 40)")
    args = parser.parse_args(argv)
    with sqlite_database() as url:
        prepare(url)
        heavy = heavy_modules(url)
        cold = cold_create_app(url)
        modes = [measure(url, args.workers, args.requests, preload) for preload in (False, True)]
    for line in report(modes, cold, heavy, args.workers):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
