"""All models, importable from one place (Alembic reads Base.metadata from here)."""

from .base import Base, UTCDateTime, utcnow
from .groups import UnitGroup, UnitGroupMember
from .imports import ImportBatch, ImportMapping, ImportUpload
from .instrument import InstrumentVersion, ItemOverride
from .integrity import IntegrityAudit, OpeningInterval, Quarantine, ServiceTransactions
from .kiosk import Kiosk
from .letterhead import Letterhead
from .org import Counter, Service, Unit
from .results import FollowUpItem, Publication, ServicePopulation
from .rollup import RollupCell, RollupItem, RollupProfile
from .survey import Answer, Response
from .user import ROLES, StaffSession, User
from .wbs import (
    WbsAnswerToken,
    WbsAudit,
    WbsBlob,
    WbsChannel,
    WbsFile,
    WbsMessage,
    WbsOfficer,
    WbsReport,
    WbsSession,
)
from .zi import HasilInput, InstrumentOption

__all__ = [
    "ROLES",
    "Answer",
    "Base",
    "Counter",
    "FollowUpItem",
    "HasilInput",
    "ImportBatch",
    "ImportMapping",
    "ImportUpload",
    "InstrumentOption",
    "InstrumentVersion",
    "IntegrityAudit",
    "ItemOverride",
    "Kiosk",
    "Letterhead",
    "OpeningInterval",
    "Publication",
    "Quarantine",
    "Response",
    "RollupItem",
    "RollupCell",
    "RollupProfile",
    "ServicePopulation",
    "Service",
    "ServiceTransactions",
    "StaffSession",
    "UTCDateTime",
    "Unit",
    "UnitGroup",
    "UnitGroupMember",
    "User",
    "utcnow",
    "WbsAnswerToken",
    "WbsAudit",
    "WbsBlob",
    "WbsChannel",
    "WbsFile",
    "WbsMessage",
    "WbsOfficer",
    "WbsReport",
    "WbsSession",
]
