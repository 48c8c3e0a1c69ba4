"""Survey domain functions: take the session, raise named errors, know nothing of HTTP."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from sqlalchemy import func, select
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
class Target:
    """Where a respondent's answers go."""

    unit: Unit
    service: Service
    counter: Counter | None

    def scope(self, slug: str) -> str:
        """Identity of one survey page (target and instrument), bound into the form token."""
        return f"{self.service.id}:{self.counter.id if self.counter else '-'}:{slug}"


def resolve_target(session: Session, unit: str, service: str, counter: str | None) -> Target:
    """Look up the unit, service and optional counter of a survey URL; raises NotFound."""
    u = find_unit(session, unit)
    s = find_service(session, u, service)
    return Target(u, s, find_counter(s, counter) if counter is not None else None)


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


def item_texts(session: Session, service: Service, slug: str) -> dict[str, tuple[str, str]]:
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


def store_web_response(
    session: Session, target: Target, instrument: Instrument, sub: Submission, nonce: str
) -> Response:
    """Store one web response atomically; a spent nonce raises AlreadySubmitted."""
    version = instrument_version(session, instrument)
    response = new_response(target, version, sub, source="web", form_nonce=nonce,
                            submitted_at=utcnow())
    session.add(response)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        if session.scalar(select(Response.id).where(Response.form_nonce == nonce)) is not None:
            raise AlreadySubmitted from exc
        raise
    return response


def response_counts(session: Session, unit: Unit) -> dict[int, int]:
    """Number of responses per service id of a unit."""
    rows = session.execute(
        select(Response.service_id, func.count()).where(Response.unit_id == unit.id)
        .group_by(Response.service_id)
    )
    return {sid: n for sid, n in rows}

