"""Survey domain functions: take the session, raise named errors, know nothing of HTTP."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import cast

from sqlalchemy import Engine, Table, TextClause, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import instruments
from instruments import Instrument

from ..models import (
    Answer,
    Counter,
    InstrumentVersion,
    ItemOverride,
    Response,
    Service,
    Unit,
    utcnow,
)
from ..orgs import find_counter, find_service, find_unit
from ..rollups import single as rollup_single
from .validation import Submission


class AlreadySubmitted(RuntimeError):
    """This form token was already spent: the response is stored once."""


@dataclass(frozen=True)
class Place:
    """A snapshot of a unit, service or counter row: safe to cache and share across requests."""

    id: int
    code: str
    name: str
    tz: str = ""
    instrument_slugs: str | None = None


@dataclass(frozen=True)
class Target:
    """Where a respondent's answers go."""

    unit: Place
    service: Place
    counter: Place | None

    @classmethod
    def of(cls, unit: Unit, service: Service, counter: Counter | None) -> Target:
        """Snapshot ORM rows."""
        return cls(
            Place(unit.id, unit.code, unit.name, tz=unit.tz),
            Place(service.id, service.code, service.name,
                  instrument_slugs=service.instrument_slugs),
            Place(counter.id, counter.code, counter.name,
                  instrument_slugs=counter.instrument_slugs) if counter else None,
        )

    def scope(self, slug: str) -> str:
        """Identity of one survey page (target and instrument), bound into the form token."""
        return f"{self.service.id}:{self.counter.id if self.counter else '-'}:{slug}"


@dataclass(frozen=True)
class UnitServices:
    """A unit and its services, for the unit-level QR code's page: safe to cache."""

    code: str
    name: str
    services: tuple[Place, ...]


def unit_services(session: Session, code: str) -> UnitServices:
    """The unit of `code` and its services; raises NotFound."""
    u = find_unit(session, code)
    return UnitServices(u.code, u.name, tuple(Place(s.id, s.code, s.name) for s in u.services))


def resolve_target(session: Session, unit: str, service: str, counter: str | None) -> Target:
    """Look up the unit, service and optional counter of a survey URL; raises NotFound."""
    u = find_unit(session, unit)
    s = find_service(session, u, service)
    return Target.of(u, s, find_counter(s, counter) if counter is not None else None)


def instrument_version(session: Session, instrument: Instrument) -> InstrumentVersion:
    """The stored row of a shipped instrument version, created on first use."""
    row = session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.slug == instrument.slug,
            InstrumentVersion.version == instrument.version,
        )
    )
    if row is None:
        _, text, checksum = instruments.available()[instrument.slug][instrument.version]
        row = InstrumentVersion(
            slug=instrument.slug, version=instrument.version, checksum=checksum, definition=text,
            items=len(instrument.codes),
        )
        session.add(row)
        session.flush()
    return row


def recorded_version_id(session: Session, instrument: Instrument) -> int:
    """The id of a shipped instrument version's row, committed on first use (the web submit
    stores through its own connection, which must see it); a row another worker recorded at the
    same moment is taken instead."""
    try:
        version_id = instrument_version(session, instrument).id
        session.commit()
    except IntegrityError:
        session.rollback()
        version_id = instrument_version(session, instrument).id
    return version_id


def stored_instrument(row: InstrumentVersion) -> Instrument:
    """The instrument exactly as it was when answered."""
    return instruments.parse_instrument(tomllib.loads(row.definition), where=row.slug)


def item_texts(session: Session, service: Place, slug: str) -> dict[str, tuple[str, str]]:
    """A service's own wording per item code: (Bahasa Indonesia, English)."""
    rows = session.scalars(
        select(ItemOverride).where(
            ItemOverride.service_id == service.id, ItemOverride.instrument_slug == slug
        )
    )
    return {r.item_code: (r.text_id, r.text_en) for r in rows}


def new_response(
    target: Target, version: InstrumentVersion, sub: Submission, **extra: object
) -> Response:
    """Build (not add) a response row with its answers."""
    response = Response(
        unit_id=target.unit.id,
        service_id=target.service.id,
        counter_id=target.counter.id if target.counter else None,
        instrument_version_id=version.id,
        jenis_kelamin=sub.jenis_kelamin,
        usia=sub.usia,
        pendidikan=sub.pendidikan,
        pekerjaan=sub.pekerjaan,
        saran=sub.saran,
        **extra,
    )
    response.answers = [Answer(item_code=k, value=v) for k, v in sub.answers.items()]
    response.answer_count = len(sub.answers)
    response.answer_sum = sum(sub.answers.values())
    return response


# Built once: a fresh .values(...) statement per submit costs about a millisecond to construct.
_RESPONSES = cast(Table, Response.__table__)
_RESPONSE_INSERT = insert(_RESPONSES).returning(_RESPONSES.c.id)  # Core: no ORM bulk machinery


def _answer_rows(count: int) -> str:
    return ", ".join(f"(:c{i}, :v{i})" for i in range(count))


@cache
def _answers_insert(count: int) -> TextClause:
    """INSERT of `count` answers as one multi-row VALUES statement: one round trip, compiled once
    per count (a list of literal rows would be compiled again on every submit)."""
    rows = _answer_rows(count).replace("(:c", "(:rid, :c")
    return text(f"INSERT INTO answers (response_id, item_code, value) VALUES {rows}")  # noqa: S608


@cache
def _response_with_answers(count: int, columns: tuple[str, ...]) -> TextClause:
    """PostgreSQL: the response, its answers and their roll-ups in ONE statement (data-modifying
    CTEs), which is atomic on its own, so it runs in autocommit: one round trip instead of
    BEGIN, several statements and COMMIT. `columns` are the keys of the values a submit stores
    (one list of the response's columns: `store_web_response`'s dict)."""
    names = ", ".join(columns)
    params = ", ".join(f":{c}" for c in columns)
    return text(
        f"WITH r AS (INSERT INTO responses ({names}) VALUES ({params}) RETURNING id), "  # noqa: S608
        f"{rollup_single.pg_ctes(count)} "
        "INSERT INTO answers (response_id, item_code, value) "
        f"SELECT r.id, a.code, a.value FROM r, (VALUES {_answer_rows(count)}) AS a (code, value)"
    )


def _submitted_now() -> datetime:
    """Submission time to the minute: enough for periods and the survey's date and time, and
    not a timestamp to match against a counter's queue log to the second."""
    return utcnow().replace(second=0, microsecond=0)


def store_web_response(
    session: Session, target: Target, version_id: int, sub: Submission, nonce: str,
    label_style: str | None = None, *, channel: str = "web", answered_at: datetime | None = None,
    duration_bucket: int | None = None,
) -> None:
    """Store one web (or kiosk: `channel`) response and its answers atomically; AlreadySubmitted
    if the nonce was spent. `duration_bucket`: the completion time's bucket (never the exact
    time). Core statements: this is the hot path of every respondent."""
    when = answered_at.replace(second=0, microsecond=0) if answered_at else _submitted_now()
    values: dict[str, object] = {
        "unit_id": target.unit.id, "service_id": target.service.id,
        "counter_id": target.counter.id if target.counter else None,
        "instrument_version_id": version_id, "submitted_at": when, "source": channel,
        "jenis_kelamin": sub.jenis_kelamin, "usia": sub.usia, "pendidikan": sub.pendidikan,
        "pekerjaan": sub.pekerjaan, "saran": sub.saran, "form_nonce": nonce,
        "answer_count": len(sub.answers), "answer_sum": sum(sub.answers.values()),
        "label_style": label_style, "duration_bucket": duration_bucket,
    }
    answers: dict[str, object] = {}
    for i, (code, value) in enumerate(sub.answers.items()):
        answers[f"c{i}"], answers[f"v{i}"] = code, value
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    new = rollup_single.NewResponse(
        target.unit.id, target.unit.tz, target.service.id,
        target.counter.id if target.counter else None, version_id, channel, when,
        tuple(sub.answers.items()), (sub.jenis_kelamin, sub.usia, sub.pendidikan, sub.pekerjaan))
    try:
        if engine.dialect.name == "postgresql":
            statement = _response_with_answers(len(sub.answers), tuple(values))
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(statement, {**values, **answers, **new.params()})
        else:
            rid = session.execute(_RESPONSE_INSERT, values).scalar_one()
            session.execute(_answers_insert(len(sub.answers)), {"rid": rid, **answers})
            rollup_single.add_sqlite(session, new)
            session.commit()
    except IntegrityError as exc:
        session.rollback()
        if session.scalar(select(Response.id).where(Response.form_nonce == nonce)) is not None:
            raise AlreadySubmitted from exc
        raise


def nonce_spent(session: Session, nonce: str) -> bool:
    """Whether a response was already stored with this form token's digest."""
    return session.scalar(select(Response.id).where(Response.form_nonce == nonce)) is not None


def response_counts(session: Session, unit: Unit) -> dict[int, int]:
    """Number of responses per service id of a unit."""
    rows = session.execute(
        select(Response.service_id, func.count()).where(Response.unit_id == unit.id)
        .group_by(Response.service_id)
    )
    return {sid: n for sid, n in rows}

