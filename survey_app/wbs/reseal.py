"""Reseal: rewrite a finished hour's reporter rows in one transaction.

PostgreSQL stamps every row version with the id of the transaction that wrote it (`xmin`).
Transaction ids grow with time, and rows carrying exact times (audit entries, officer and staff
sessions, survey responses to the minute) are written by the same counter: a report's xmin
would place it well inside the hour its `created_at` keeps. Once the hour is over, one UPDATE
per table rewrites that hour's reports, messages, files (their stored bytes too) and answer
tokens, so their live versions share one xmin, later than the hour. The old versions stay as
dead tuples until VACUUM (see the README). On SQLite there is no xmin; the rewrite is harmless
there and keeps one code path.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Flask, current_app, request
from sqlalchemy import LargeBinary, literal, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from ..db import db
from ..models import WbsAnswerToken, WbsBlob, WbsFile, WbsMessage, WbsReport, utcnow
from .retry import rollback_quietly

# A report's row is rewritten by reporters' answers too, which move updated_at to their hour.
_REPORTER_TIME = ((WbsReport, WbsReport.updated_at), (WbsMessage, WbsMessage.created_at),
                  (WbsFile, WbsFile.created_at), (WbsBlob, WbsBlob.created_at),
                  (WbsAnswerToken, WbsAnswerToken.created_at))
RESEALED_TABLES = tuple(str(model.__tablename__) for model, _time in _REPORTER_TIME)
log = logging.getLogger(__name__)
_BLUEPRINTS = frozenset(("wbs", "wbs_officer"))


def hour_of(moment: datetime) -> datetime:
    """The start of the hour `moment` lies in."""
    return moment.replace(minute=0, second=0, microsecond=0)


def reseal(session: Session, now: datetime | None = None) -> int:
    """Mark every unsealed row of a finished hour sealed (one rewrite); return how many.

    Rows of the current hour wait: sealing one early would give it an xmin inside its hour.
    The caller commits, so that the rewrite is one transaction.
    """
    cutoff = hour_of(now or utcnow())
    count = 0
    postgresql = session.get_bind().dialect.name == "postgresql"
    for model, written in _REPORTER_TIME:
        values: dict[str, Any] = {"sealed": True}
        if model is WbsBlob and postgresql:
            # An UPDATE that leaves a TOASTed value alone keeps its chunks, and their xmin:
            # concatenating nothing makes a new value, stored in new chunks by this transaction.
            values["data"] = WbsBlob.data.op("||")(literal(b"", LargeBinary()))
        result = session.execute(
            update(model).where(model.sealed.is_(False), written < cutoff).values(values)
            .execution_options(synchronize_session=False))
        count += result.rowcount  # type: ignore[attr-defined]
    return count


def _reseal_when_due() -> None:
    """Before the first WBS request of each hour in this process, reseal the hours before it."""
    if request.blueprint not in _BLUEPRINTS:
        return
    hour = hour_of(utcnow())
    done: dict[str, datetime] = current_app.extensions["wbs_reseal"]
    if done.get("hour") == hour:
        return
    try:
        reseal(db.session, hour)
        db.session.commit()
    except DBAPIError:  # the database is down or busy: the page still works, a later one reseals
        rollback_quietly()
        log.warning("WBS: reseal skipped (database error)")
        return
    done["hour"] = hour


def init_app(app: Flask) -> None:
    """Reseal opportunistically at WBS requests (the `wbs reseal` command does it from cron)."""
    app.extensions["wbs_reseal"] = {}
    app.before_request(_reseal_when_due)
