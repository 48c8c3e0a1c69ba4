"""A database that stops answering, at the driver boundary: statements (all, or those matching)
fail as a dropped connection does, until the outage ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError


class Outage:
    """Whether the database is away now, and how many statements it refused."""

    def __init__(self, match: Callable[[str], bool]) -> None:
        self.match, self.down, self.refused = match, True, 0

    def check(self, statement: str) -> None:
        if self.down and self.match(statement):
            self.refused += 1
            raise OperationalError(statement, {}, ConnectionError("server closed the connection"))


def inserts(statement: str) -> bool:
    """Only writes fail (the pages could still be read)."""
    return statement.lstrip().upper().startswith(("INSERT", "WITH"))


def everything(_statement: str) -> bool:
    """Every statement fails."""
    return True


@contextmanager
def database_down(engine: Engine, match: Callable[[str], bool] = everything) -> Iterator[Outage]:
    """The engine's statements fail while the block runs (or until `outage.down = False`)."""
    outage = Outage(match)

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        outage.check(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield outage
    finally:
        event.remove(engine, "before_cursor_execute", before)


@contextmanager
def rollback_fails(engine: Engine) -> Iterator[list[int]]:
    """Every rollback raises, as on a connection that died after the work was done."""
    failures: list[int] = []

    def rollback(_conn: Any) -> None:
        failures.append(1)
        raise OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection"))

    event.listen(engine, "rollback", rollback)
    try:
        yield failures
    finally:
        event.remove(engine, "rollback", rollback)
