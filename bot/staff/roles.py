"""Workspace roles and what each may do; every page names the permission it needs."""

from __future__ import annotations

import enum
from typing import Final


class Permission(str, enum.Enum):
    # The review inbox holds residents' own words: reading it, annotating, test stories.
    INBOX = "inbox"
    # Contacts, their uploads and their audit trail.
    CONTACTS = "contacts"
    STATISTICS = "statistics"
    # Retraining, measuring and accepting models.
    TRAINING = "training"
    ACCOUNTS = "accounts"
    # Callback requests: residents' names and phone numbers or e-mail addresses (issue 13).
    CALLBACKS = "callbacks"


BEHEERDER: Final = "beheerder"
REDACTEUR: Final = "redacteur"
LEZER: Final = "lezer"

PERMISSIONS: Final[dict[str, frozenset[Permission]]] = {
    BEHEERDER: frozenset(Permission),
    # Statistics are counts only: whoever may read the inbox may read those too.
    REDACTEUR: frozenset(
        {Permission.INBOX, Permission.CALLBACKS, Permission.CONTACTS, Permission.STATISTICS}
    ),
    LEZER: frozenset({Permission.STATISTICS}),
}
ROLES: Final = tuple(PERMISSIONS)
ROLE_LABELS: Final = {
    BEHEERDER: "beheerder: alles, ook accounts en trainen",
    REDACTEUR: "redacteur: berichten beoordelen, terugbelverzoeken, contacten, statistieken",
    LEZER: "lezer: alleen statistieken",
}

# The first page of the menu a role may use: where "/" and signing in lead.
START_PAGES: Final = (
    (Permission.INBOX, "/inbox"),
    (Permission.CALLBACKS, "/terugbellen"),
    (Permission.CONTACTS, "/contacten"),
    (Permission.STATISTICS, "/statistieken"),
    (Permission.TRAINING, "/training"),
    (Permission.ACCOUNTS, "/accounts"),
)


def permissions(role: str | None) -> frozenset[Permission]:
    """What a role may do; an unknown role (a hand-edited row) may do nothing."""
    return PERMISSIONS.get(role or "", frozenset())


def start_page(role: str | None) -> str | None:
    allowed = permissions(role)
    return next((path for permission, path in START_PAGES if permission in allowed), None)
