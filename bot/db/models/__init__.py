"""Every table of the project's database, in one package; importing it registers them all.

The schema changes only through Alembic (bot/db/migrations); tests/db/test_migrations.py
checks that these models and the migrations agree.
"""

from bot.db.models.base import Base, mapper_registry
from bot.db.models.directory import (
    CODE_LENGTH,
    DEFAULT_CONTACT_ID,
    Address,
    Buurt,
    Contact,
    ContactArea,
    ContactChange,
    DataVersion,
    Gemeente,
    GeneralContactDefault,
    Role,
    RoleOverride,
    RouteRule,
    Wijk,
)
from bot.db.models.callbacks import CallbackEvent, CallbackRequest
from bot.db.models.geometry import BuurtShape
from bot.db.models.staff import ReviewDecision, StaffAccountEvent, StaffUser
from bot.db.models.training import TrainingRun
from bot.db.models.whatsapp import ProcessedWhatsAppMessage

metadata = mapper_registry.metadata

__all__ = [
    "CODE_LENGTH",
    "DEFAULT_CONTACT_ID",
    "Address",
    "Base",
    "Buurt",
    "BuurtShape",
    "CallbackEvent",
    "CallbackRequest",
    "Contact",
    "ContactArea",
    "ContactChange",
    "DataVersion",
    "Gemeente",
    "GeneralContactDefault",
    "ProcessedWhatsAppMessage",
    "ReviewDecision",
    "Role",
    "RoleOverride",
    "RouteRule",
    "StaffAccountEvent",
    "StaffUser",
    "TrainingRun",
    "Wijk",
    "metadata",
]
