"""Which instruments a QR code offers, in order, and each unit's wording style."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

import instruments
from instruments import Instrument

from ..domain_errors import N_, DomainError
from ..models import Counter, InstrumentOption, Service, Unit
from .cache import page_cache
from .services import Target

ORDER = ("ikm", "ipk", "spkp", "spak")  # how a chosen set is ordered on the respondent's phone


class FlowError(DomainError):
    """A survey flow or style that cannot be set as asked (worded where it is shown)."""


def flow_for(target: Target) -> list[str]:
    """The instrument slugs of a survey page, first to last."""
    raw = (target.counter.instrument_slugs if target.counter else None) or \
        target.service.instrument_slugs or "ikm"
    return [slug for slug in raw.split(",") if slug in instruments.available()] or ["ikm"]


def styled(session: Session, unit_id: int, slug: str) -> Instrument:
    """The latest version of an instrument in the unit's chosen label style."""
    style = session.scalar(select(InstrumentOption.label_style).where(
        InstrumentOption.unit_id == unit_id, InstrumentOption.instrument_slug == slug))
    return instruments.latest(slug).with_style(style)


def normalise(slugs: list[str]) -> str:
    """Validated, ordered, comma-joined slugs."""
    unknown = sorted(set(slugs) - set(instruments.available()))
    if unknown:
        raise FlowError(N_("unknown instrument(s): %(names)s"), names=", ".join(unknown))
    if not slugs:
        raise FlowError(N_("choose at least one survey"))
    known = [s for s in ORDER if s in slugs] + sorted(set(slugs) - set(ORDER))
    return ",".join(known)


def set_flow(session: Session, item: Service | Counter, slugs: list[str] | None) -> None:
    """Set the instruments of a service, or of a counter (None: as its service)."""
    if slugs is None:
        if isinstance(item, Service):
            raise FlowError(N_("a service must offer at least one survey"))
        item.instrument_slugs = None
    else:
        item.instrument_slugs = normalise(slugs)
    session.flush()
    _clear_cache_on_commit(session)


def set_style(session: Session, unit: Unit, slug: str, style: str) -> None:
    """Choose the label style a unit uses for an instrument."""
    if style not in instruments.latest(slug).style_names:
        raise FlowError(N_("unknown label style %(style)s for %(slug)s"), style=repr(style),
                        slug=slug)
    option = session.scalar(select(InstrumentOption).where(
        InstrumentOption.unit_id == unit.id, InstrumentOption.instrument_slug == slug))
    if option is None:
        session.add(InstrumentOption(unit_id=unit.id, instrument_slug=slug, label_style=style))
    else:
        option.label_style = style
    session.flush()
    _clear_cache_on_commit(session)


def _clear_cache_on_commit(session: Session) -> None:
    """Forget this worker's cached pages once the caller commits (the caller owns the
    transaction; a rolled-back change leaves the cache as it was)."""
    event.listen(session, "after_commit", lambda _s: page_cache().clear(), once=True)
