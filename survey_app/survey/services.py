"""Survey domain functions: take the session, raise named errors, know nothing of HTTP."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from sqlalchemy import TextClause, func, insert, select, text
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
            slug=instrument.slug, version=instrument.version, checksum=checksum, definition=text
        )
        session.add(row)
        session.flush()
    return row


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
_RESPONSE_INSERT = insert(Response).returning(Response.id)


@cache
def _answers_insert(count: int) -> TextClause:
    """INSERT of `count` answers as one multi-row VALUES statement: one round trip, compiled once
    per count (a list of literal rows would be compiled again on every submit)."""
    rows = ", ".join(f"(:rid, :c{i}, :v{i})" for i in range(count))
    return text(f"INSERT INTO answers (response_id, item_code, value) VALUES {rows}")  # noqa: S608


def store_web_response(
    session: Session, target: Target, version_id: int, sub: Submission, nonce: str
) -> int:
    """Store one web response and its answers in one transaction; AlreadySubmitted if the
    nonce was spent. Core inserts: this is the hot path of every respondent."""
    values = {
        "unit_id": target.unit.id, "service_id": target.service.id,
        "counter_id": target.counter.id if target.counter else None,
        "instrument_version_id": version_id, "submitted_at": utcnow(), "source": "web",
        "jenis_kelamin": sub.jenis_kelamin, "usia": sub.usia, "pendidikan": sub.pendidikan,
        "pekerjaan": sub.pekerjaan, "saran": sub.saran, "form_nonce": nonce,
        "answer_count": len(sub.answers), "answer_sum": sum(sub.answers.values()),
    }
    try:
        rid = session.execute(_RESPONSE_INSERT, values).scalar_one()
        params: dict[str, object] = {"rid": rid}
        for i, (code, value) in enumerate(sub.answers.items()):
            params[f"c{i}"], params[f"v{i}"] = code, value
        session.execute(_answers_insert(len(sub.answers)), params)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if session.scalar(select(Response.id).where(Response.form_nonce == nonce)) is not None:
            raise AlreadySubmitted from exc
        raise
    return int(rid)


def response_counts(session: Session, unit: Unit) -> dict[int, int]:
    """Number of responses per service id of a unit."""
    rows = session.execute(
        select(Response.service_id, func.count()).where(Response.unit_id == unit.id)
        .group_by(Response.service_id)
    )
    return {sid: n for sid, n in rows}

