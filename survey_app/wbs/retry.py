"""A database that does not answer: retry briefly, then say so (reporters' pages, reseal).

A report or an answer is one transaction; when the database refuses it for a moment (a
restart, a lost connection) the same work is tried again after a short pause. Only after the
last try does the page come back, with the text kept and the files named to attach again.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from ..db import db

T = TypeVar("T")
# Pauses before the second, third and fourth try (seconds): about two seconds in all.
RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.2)
log = logging.getLogger(__name__)


class Unavailable(RuntimeError):
    """The database did not answer, however often asked."""


def rollback_quietly() -> None:
    """Roll the request's session back after a database error (a dead connection may refuse
    even that: the session is then discarded with the request)."""
    with contextlib.suppress(Exception):
        db.session.rollback()


def retrying(work: Callable[[], T]) -> T:
    """`work()` (which commits or only reads), tried again after each database error; an
    IntegrityError is an answer, not a failure, and passes through."""
    for delay in (*RETRY_DELAYS, None):
        try:
            return work()
        except IntegrityError:
            raise
        except DBAPIError as exc:
            rollback_quietly()
            log.warning("WBS: database error (%s)%s", type(exc.orig).__name__,
                        "" if delay is None else f"; trying again in {delay} s")
            if delay is None:
                raise Unavailable from exc
            time.sleep(delay)
    raise AssertionError("unreachable")
