"""One kiosk respondent's answers to one survey: checked and stored exactly once.

The device gives each finished survey a random submission id before it is queued; the stored
nonce is a digest of (kiosk, id) in the responses' UNIQUE `form_nonce`, so a send repeated after
a lost reply, a reload or a restarted browser stores nothing more. Answers given offline keep
the minute they were given, within a window, since a tablet's clock may be wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

import instruments
from analysis.integrity import duration_bucket

from ..models import Kiosk, utcnow
from ..survey import services
from ..survey.flow import styled
from ..survey.validation import check_submission
from .services import digest, target_of

SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PROFILE = ("jenis_kelamin", "pendidikan", "pekerjaan")  # tapped, never typed: no age, no saran
OLDEST = timedelta(days=30)  # older answer times are taken as a wrong clock
CLOCK_SKEW = timedelta(minutes=5)


class PayloadError(ValueError):
    """A submission that is not the shape the kiosk page sends; carries field errors."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class KioskSubmission:
    """What the device sent for one finished survey."""

    submission_id: str
    slug: str
    fields: dict[str, str]
    answered_at: datetime | None
    duration: int | None = None  # a DURATION_BUCKETS lower bound (the device buckets it)


def _answered_at(raw: object, now: datetime) -> datetime | None:
    """The device's time of the answer (ms since the epoch) if plausible, else None (now)."""
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 < raw < 2**53:
        return None
    moment = datetime.fromtimestamp(raw / 1000, UTC)
    return moment if now - OLDEST <= moment <= now + CLOCK_SKEW else None


def _duration(raw: object) -> int | None:
    """The shown -> sent time as a bucket bound; a raw number of seconds is bucketed here, so
    nothing finer than the bucket is stored. None when missing or not a number >= 0."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw < 10**7:
        return None
    return duration_bucket(raw)


def parse(raw: object) -> KioskSubmission:
    """Check the envelope (id, survey, answers, profile); PayloadError by field."""
    if not isinstance(raw, dict):
        raise PayloadError({"_form": "not an object"})
    sid, slug, answers = raw.get("id"), raw.get("instrument"), raw.get("answers")
    profile = raw.get("profile") or {}
    errors: dict[str, str] = {}
    if not isinstance(sid, str) or not SUBMISSION_ID.match(sid):
        errors["id"] = "16 to 64 URL-safe characters"
    if not isinstance(slug, str) or slug not in instruments.available():
        errors["instrument"] = "unknown survey"
    if not isinstance(answers, dict) or len(answers) > 100:
        errors["answers"] = "an object of element codes"
    if not isinstance(profile, dict) or set(profile) - set(PROFILE):
        errors["profile"] = f"only {', '.join(PROFILE)}"
    if errors:
        raise PayloadError(errors)
    assert isinstance(answers, dict) and isinstance(profile, dict)  # noqa: S101 - checked above
    fields = {str(k): str(v) for k, v in answers.items() if isinstance(v, (int, str))}
    fields.update({k: str(v) for k, v in profile.items() if isinstance(v, str)})
    return KioskSubmission(str(sid), str(slug), fields,
                           _answered_at(raw.get("answered_at"), utcnow()),
                           _duration(raw.get("duration")))


def store(session: Session, kiosk: Kiosk, sub: KioskSubmission, saran_max: int) -> bool:
    """Store the answers as a `kiosk` response; False if this submission was stored before.

    Every element must be answered, as on the phone form; PayloadError otherwise."""
    target = target_of(kiosk)
    instrument = styled(session, target.unit.id, sub.slug)
    checked, errors = check_submission(instrument, sub.fields, require_all=True,
                                       saran_max=saran_max)
    problems = {field: str(msg) for field, msg in errors.items()}  # the API's English
    unknown = set(sub.fields) - set(instrument.codes) - set(PROFILE)
    if unknown:
        problems["answers"] = "unknown element codes"
    if problems:
        raise PayloadError(problems)
    version_id = services.recorded_version_id(session, instrument)
    nonce = digest(f"kiosk:{kiosk.id}:{sub.submission_id}")
    try:
        services.store_web_response(session, target, version_id, checked, nonce,
                                    instrument.label_style, channel="kiosk",
                                    answered_at=sub.answered_at,
                                    duration_bucket=sub.duration)
    except services.AlreadySubmitted:
        return False
    return True
