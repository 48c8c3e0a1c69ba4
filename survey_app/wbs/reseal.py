"""Reseal: rewrite a finished hour's reporter rows in one transaction.

PostgreSQL stamps every row version with the id of the transaction that wrote it (`xmin`).
Transaction ids grow with time, and rows carrying exact times (audit entries, officer and staff
sessions, survey responses to the minute) are written by the same counter: a report's xmin
would place it well inside the hour its `created_at` keeps. Once the hour is over, one UPDATE
per table rewrites that hour's reports, messages and files, so their live versions share one
xmin, later than the hour. The old versions stay as dead tuples until VACUUM (see the README).
On SQLite there is no xmin; the rewrite is harmless there and keeps one code path.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, request
from sqlalchemy import update
from sqlalchemy.orm import Session

from ..db import db
from ..models import WbsFile, WbsMessage, WbsReport, utcnow

# A report's row is rewritten by reporters' answers too, which move updated_at to their hour.
_REPORTER_TIME = ((WbsReport, WbsReport.updated_at), (WbsMessage, WbsMessage.created_at),
                  (WbsFile, WbsFile.created_at))
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
    for model, written in _REPORTER_TIME:
        result = session.execute(
            update(model).where(model.sealed.is_(False), written < cutoff).values(sealed=True)
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
    reseal(db.session, hour)
    db.session.commit()
    done["hour"] = hour


def init_app(app: Flask) -> None:
    """Reseal opportunistically at WBS requests (the `wbs reseal` command does it from cron)."""
    app.extensions["wbs_reseal"] = {}
    app.before_request(_reseal_when_due)
