"""Categories, statuses and the transitions officers may make."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models.wbs import STATUSES

CATEGORY_LABELS = {
    "korupsi": _l("Corruption (loss to the state)"),
    "suap": _l("Bribery"),
    "gratifikasi": _l("Gratification (gifts to officials)"),
    "pungli": _l("Illegal levies / extortion"),
    "penggelapan": _l("Embezzlement in office"),
    "kecurangan": _l("Fraud"),
    "benturan_kepentingan": _l("Conflict of interest"),
    "penyalahgunaan_wewenang": _l("Abuse of authority"),
    "disiplin": _l("Breach of discipline / code of ethics"),
    "percaloan": _l("Brokering (calo)"),
    "kkn": _l("Collusion / nepotism"),
    "lainnya": _l("Other"),
}

STATUS_LABELS = {
    "new": _l("Received"),
    "verification": _l("Being verified"),
    "need_info": _l("More information needed"),
    "investigation": _l("Under investigation"),
    "closed_proven": _l("Closed: proven"),
    "closed_not_proven": _l("Closed: not proven"),
    "closed_not_eligible": _l("Closed: not eligible"),
    "forwarded_apip": _l("Forwarded to the inspectorate (APIP)"),
    "forwarded_aph": _l("Forwarded to law enforcement"),
    "forwarded_kpk": _l("Forwarded to the KPK"),
    "forwarded_ombudsman": _l("Forwarded to the Ombudsman"),
}

DEADLINE_LABELS = {
    "acknowledge": _l("response"),
    "verify": _l("verification"),
    "resolve": _l("resolution"),
}

FORWARDED = ("forwarded_apip", "forwarded_aph", "forwarded_kpk", "forwarded_ombudsman")
CLOSED = frozenset(("closed_proven", "closed_not_proven", "closed_not_eligible", *FORWARDED))
OPEN = tuple(s for s in STATUSES if s not in CLOSED)
VERIFYING = frozenset(("new", "verification", "need_info"))

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("verification", "need_info", "closed_not_eligible", *FORWARDED),
    "verification": ("need_info", "investigation", "closed_not_eligible", *FORWARDED),
    "need_info": ("verification", "investigation", "closed_not_eligible", *FORWARDED),
    "investigation": ("need_info", "closed_proven", "closed_not_proven", *FORWARDED),
    **{closed: () for closed in CLOSED},
}

class TransitionError(ValueError):
    """A status change the state machine does not allow."""


def check_transition(current: str, new: str) -> None:
    """Raise TransitionError unless `current` may move to `new`."""
    if new not in TRANSITIONS.get(current, ()):
        raise TransitionError(f"{current} -> {new}")
