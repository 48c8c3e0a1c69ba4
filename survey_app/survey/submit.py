"""The submit pipeline of one survey form: rate limit, token, answers, store; nothing of HTTP.

`submit` returns when the answers are stored and raises a named error otherwise, which the view
turns into a page. Failure modes of the database: an error while storing is retried after
RETRY_DELAYS; when it still fails, StoreUnavailable, and the view shows the form again with
every answer kept. That is safe: the one-time token is spent only by the stored row, so a
second send stores at most once (and, if the first attempt was stored after all, is told so).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from analysis.integrity.model import duration_bucket
from instruments import Instrument

from ..domain_errors import Msg
from ..ratelimit import CounterStore, allow
from . import services, tokens
from .services import Target
from .validation import check_submission

log = logging.getLogger(__name__)

RETRY_DELAYS = (0.2, 0.5, 1.0)  # seconds before each further attempt: about 2 s in all
# No further attempt starts this many seconds after the first one (a SQLite attempt may itself
# wait db.SQLITE_BUSY_TIMEOUT for a lock): the page comes back well within gunicorn's timeout.
RETRY_BUDGET = 8.0


class SubmitError(Exception):
    """A submit that did not store (now) what was sent."""


class RateLimited(SubmitError):
    """Too many forms from this client at this counter: send again later."""


class InvalidToken(SubmitError):
    """A missing, forged or expired one-time form token."""


class InvalidAnswers(SubmitError):
    """Answers to correct; `errors` by field name (`Msg`, worded by the page)."""

    def __init__(self, errors: dict[str, Msg]) -> None:
        super().__init__(sorted(errors))
        self.errors = errors


class AlreadyStored(SubmitError):
    """This form was stored before (a double tap, a replay, Back on a shared device)."""


class StoreUnavailable(SubmitError):
    """The database did not answer, even after a few tries; nothing may be assumed stored."""


@dataclass(frozen=True)
class Rules:
    """What a submit is checked against: the app's settings and its rate-limit store."""

    secret_key: str
    saran_max: int
    rate_store: CounterStore
    rate_limit: tuple[int, int]


def with_retries(action: Callable[[], None], sleep: Callable[[float], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
    """Run `action`, again after each delay while the database fails; StoreUnavailable when
    it never succeeds. An IntegrityError (a spent token) is an answer, not a failure."""
    began = clock()
    for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
        try:
            action()
            return
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            if delay is None or clock() + delay - began > RETRY_BUDGET:
                log.warning("survey submit failed after %d attempt(s) (%s)", attempt,
                            type(exc).__name__)
                raise StoreUnavailable from exc
            log.info("survey submit attempt failed (%s); retrying", type(exc).__name__)
            sleep(delay)


def submit(session: Session, target: Target, instrument: Instrument, data: dict[str, str],
           token: str, rate_key: str, rules: Rules, version_id: Callable[[], int], *,
           sleep: Callable[[float], None] = time.sleep,
           now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
    """Store one answered form exactly once, or raise a SubmitError saying why not."""
    scope = target.scope(instrument.slug)
    if not allow(rules.rate_store, rate_key, rules.rate_limit):
        raise RateLimited
    try:
        nonce, issued = tokens.spend_with_time(rules.secret_key, token, scope)
    except tokens.TokenExpired as exc:
        if exc.digest is not None and _spent(session, exc.digest):
            raise AlreadyStored from exc  # never "open the survey again" for a stored form
        raise InvalidToken from exc
    except tokens.TokenError as exc:
        raise InvalidToken from exc
    sub, errors = check_submission(instrument, data, require_all=True, saran_max=rules.saran_max)
    if errors:
        if _spent(session, nonce):
            # An earlier, invalid post of a form since stored, sent again by Back on a shared
            # device: the answers kept for that person must not be shown to the next one.
            raise AlreadyStored
        raise InvalidAnswers(errors)
    bucket = duration_bucket(max(0.0, (now() - issued).total_seconds()))
    attempts = 0

    def store() -> None:
        nonlocal attempts
        attempts += 1
        try:
            services.store_web_response(session, target, version_id(), sub, nonce,
                                        instrument.label_style, duration_bucket=bucket)
        except SQLAlchemyError:
            rollback_quietly(session)  # a failed transaction must not poison the next attempt
            raise

    try:
        with_retries(store, sleep)
    except services.AlreadySubmitted as exc:
        if attempts > 1:
            return  # stored by the attempt whose reply was lost (e.g. a database restart)
        raise AlreadyStored from exc


def rollback_quietly(session: Session) -> None:
    """Roll back, even on a connection that is gone."""
    try:
        session.rollback()
    except SQLAlchemyError:
        session.invalidate()


def _spent(session: Session, nonce: str) -> bool:
    """Whether this token's row exists; False when the database cannot say (the visitor then
    keeps their answers to correct, which is what they sent)."""
    try:
        return services.nonce_spent(session, nonce)
    except SQLAlchemyError:
        rollback_quietly(session)
        return False
