"""A service's own wording of a question: the element code, and so the computation, stay."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

import instruments
from instruments import Instrument

from ..inputs import clean_text
from ..models import ItemOverride, Service, Unit
from ..survey.cache import page_cache
from ..survey.flow import ORDER

MAX_TEXT = 500  # item_overrides.text_id / text_en are VARCHAR(500)


class WordingError(ValueError):
    """A rewording that cannot be saved or removed as asked."""


class UnknownInstrument(WordingError):
    """No shipped instrument has this slug."""


class UnknownItem(WordingError):
    """The instrument has no element with this code."""


class TextRequired(WordingError):
    """The Bahasa Indonesia or the English text is empty."""


class TextTooLong(WordingError):
    """A text longer than MAX_TEXT characters."""


class NoOverride(WordingError):
    """There is no own wording to remove."""


@dataclass(frozen=True)
class Reworded:
    """One own wording, with the element it rewords, for the admin page."""

    service_id: int
    slug: str
    code: str
    element: str
    text_id: str
    text_en: str


def instrument_of(slug: str) -> Instrument:
    """The latest shipped version of an instrument; UnknownInstrument otherwise."""
    if slug not in instruments.available():
        known = ", ".join(sorted(instruments.available()))
        raise UnknownInstrument(f"unknown instrument {slug[:40]!r} (known: {known})")
    return instruments.latest(slug)


def _check_item(slug: str, code: str) -> str:
    instrument = instrument_of(slug)
    if code not in instrument.codes:
        raise UnknownItem(f"unknown item {code[:40]!r} in instrument {slug} "
                          f"(known: {', '.join(instrument.codes)})")
    return code


def _check_text(text: str, language: str) -> str:
    value = clean_text(text).strip()
    if not value:
        raise TextRequired(f"the {language} text must not be empty")
    if len(value) > MAX_TEXT:
        raise TextTooLong(f"the {language} text has {len(value)} characters; at most {MAX_TEXT}")
    return value


def _find(session: Session, service: Service, slug: str, code: str) -> ItemOverride | None:
    return session.scalar(select(ItemOverride).where(
        ItemOverride.service_id == service.id, ItemOverride.instrument_slug == slug,
        ItemOverride.item_code == code))


def set_wording(session: Session, service: Service, slug: str, code: str,
                text_id: str, text_en: str) -> ItemOverride:
    """Create or update a service's wording of one element; the page cache is cleared once the
    caller commits."""
    code = _check_item(slug, code)
    text_id, text_en = _check_text(text_id, "Bahasa Indonesia"), _check_text(text_en, "English")
    row = _find(session, service, slug, code)
    if row is None:
        row = ItemOverride(service_id=service.id, instrument_slug=slug, item_code=code,
                           text_id=text_id, text_en=text_en)
        session.add(row)
    else:
        row.text_id, row.text_en = text_id, text_en
    session.flush()
    _clear_cache_on_commit(session)
    return row


def remove_wording(session: Session, service: Service, slug: str, code: str) -> None:
    """Go back to the instrument's own wording of one element; NoOverride if there was none."""
    code = _check_item(slug, code)
    row = _find(session, service, slug, code)
    if row is None:
        raise NoOverride(f"service {service.code} has no own wording of {slug} item {code!r}")
    session.delete(row)
    session.flush()
    _clear_cache_on_commit(session)


def _clear_cache_on_commit(session: Session) -> None:
    """Empty the cached survey pages when this transaction commits (not before: a request in
    between would cache the old wording again)."""
    cache = page_cache()
    event.listen(session, "after_commit", lambda _s: cache.clear(), once=True)


def unit_wordings(session: Session, unit: Unit, lang: str) -> dict[int, list[Reworded]]:
    """Every own wording of a unit's services, by service id, in questionnaire order."""
    ids = [s.id for s in unit.services]
    if not ids:
        return {}
    found: dict[int, list[tuple[tuple[int, int], Reworded]]] = {}
    rows = session.scalars(select(ItemOverride).where(ItemOverride.service_id.in_(ids)))
    for row in rows:
        if row.instrument_slug not in instruments.available():
            continue  # an instrument no longer shipped: nothing to show it on
        instrument = instruments.latest(row.instrument_slug)
        if row.item_code not in instrument.codes:
            continue
        rank = (ORDER.index(row.instrument_slug) if row.instrument_slug in ORDER else len(ORDER),
                instrument.codes.index(row.item_code))
        found.setdefault(row.service_id, []).append((rank, Reworded(
            row.service_id, row.instrument_slug, row.item_code,
            instrument.item(row.item_code).name.get(lang), row.text_id, row.text_en)))
    return {sid: [r for _, r in sorted(items, key=lambda x: x[0])] for sid, items in found.items()}


def choices(lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(slug, instrument title, [(code, element name)]) of every shipped instrument."""
    slugs = [s for s in ORDER if s in instruments.available()]
    slugs += sorted(set(instruments.available()) - set(ORDER))
    result = []
    for slug in slugs:
        inst = instruments.latest(slug)
        items = [(i.code, i.name.get(lang)) for i in inst.items]
        result.append((slug, inst.title.get(lang), items))
    return result
