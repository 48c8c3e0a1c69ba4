"""The index per channel (phone form, counter kiosk, paper) of a dashboard selection, so the
channels can be compared; the selection's own index counts every channel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..models.survey import CHANNELS
from .queries import grouped
from .report import IndexReport, selection
from .services import Comparison, compare_groups

LABELS = {"web": _l("Phone (web form)"), "kiosk": _l("Counter kiosk"), "paper": _l("Paper")}


def channel_split(session: Session, report: IndexReport) -> list[Comparison]:
    """One row per channel that has responses in the selection: one grouped pass."""
    sel = selection(report.unit, report.instrument.slug, report.period, report.service,
                    report.counter)
    source = grouped(session, sel, "source")
    present = [(channel, str(LABELS[channel])) for channel in CHANNELS if channel in source.people]
    return compare_groups(report, source, present)
