"""What the kiosk page needs to draw its screens, in both languages, as JSON-ready data."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy.orm import Session

from analysis.integrity import DURATION_BUCKETS
from instruments import Instrument

from ..i18n import LANGUAGES
from ..models import Kiosk
from ..profile import EDUCATION, OCCUPATION, SEX
from ..survey.flow import flow_for, styled
from ..survey.services import item_texts
from .services import target_of

THANKS_SECONDS = 6


def _both(texts: dict[str, object]) -> list[dict[str, str]]:
    """Profile choices with their words in each language."""
    out: list[dict[str, str]] = [{"code": code} for code in texts]
    for lang in LANGUAGES:
        with force_locale(lang):
            for row, label in zip(out, texts.values(), strict=True):
                row[lang] = str(label)
    return out


def _instrument(instrument: Instrument, own: dict[str, tuple[str, str]]) -> dict[str, object]:
    """One survey's items with the instrument's own labels (the service's wording if set)."""
    items = []
    for item in instrument.items:
        text = own.get(item.code)
        items.append({
            "code": item.code,
            "text": {"id": text[0], "en": text[1]} if text else {"id": item.text.id,
                                                                  "en": item.text.en},
            "labels": [{"value": instrument.scale_min + i, "id": label.id, "en": label.en}
                       for i, label in enumerate(item.labels)],
        })
    return {"slug": instrument.slug, "title": {"id": instrument.title.id,
                                               "en": instrument.title.en},
            "profile": instrument.profile, "items": items}


def kiosk_config(session: Session, kiosk: Kiosk) -> dict[str, object]:
    """The counter, its survey flow (IKM first, then IPK and others as configured), the
    profile choices and the idle time."""
    target = target_of(kiosk)
    surveys = [_instrument(styled(session, target.unit.id, slug),
                           item_texts(session, target.service, slug))
               for slug in flow_for(target)]
    counter = target.counter
    return {
        "kiosk": kiosk.id,
        "unit": target.unit.name,
        "service": target.service.name,
        "counter": counter.name if counter else "",
        "idle_seconds": kiosk.idle_seconds,
        "thanks_seconds": THANKS_SECONDS,
        "duration_buckets": list(DURATION_BUCKETS),
        "surveys": surveys,
        "profile": {"jenis_kelamin": _both(dict(SEX)), "pendidikan": _both(dict(EDUCATION)),
                    "pekerjaan": _both(dict(OCCUPATION))},
    }
