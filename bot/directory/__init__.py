"""Where a resident lives and who the local contacts are, on the neighbourhood database.

names.py    the name index (every area by code and name key, fuzzy lookup), cached
locate.py   a message or a pin resolved to an area: five strategies, most precise first
contacts.py roles, routes, contacts and a municipality's general details
service.py  ContactDirectory, the one object the actions and channels use
"""

from bot.core.cards import (
    Area,
    ContactCard,
    ContactInfo,
    GemeenteInfo,
    LocationResult,
    RoleInfo,
)
from bot.directory.service import ContactDirectory

__all__ = [
    "Area",
    "ContactCard",
    "ContactDirectory",
    "ContactInfo",
    "GemeenteInfo",
    "LocationResult",
    "RoleInfo",
]
