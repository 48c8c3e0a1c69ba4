"""All models, importable from one place (Alembic reads Base.metadata from here)."""

from .base import Base, UTCDateTime, utcnow
from .instrument import InstrumentVersion, ItemOverride
from .kiosk import Kiosk
from .org import Counter, Service, Unit
from .results import FollowUpItem, Publication, ServicePopulation
from .survey import Answer, Response
from .user import ROLES, StaffSession, User
from .wbs import WbsAudit, WbsChannel, WbsFile, WbsMessage, WbsOfficer, WbsReport, WbsSession
from .zi import HasilInput, InstrumentOption

__all__ = [
    "ROLES",
    "Answer",
    "Base",
    "Counter",
    "FollowUpItem",
    "HasilInput",
    "InstrumentOption",
    "InstrumentVersion",
    "ItemOverride",
    "Kiosk",
    "Publication",
    "Response",
    "ServicePopulation",
    "Service",
    "StaffSession",
    "UTCDateTime",
    "Unit",
    "User",
    "utcnow",
    "WbsAudit",
    "WbsChannel",
    "WbsFile",
    "WbsMessage",
    "WbsOfficer",
    "WbsReport",
    "WbsSession",
]
