"""The contacts' audit trail: recording every change and finding changes back, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Final

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import ContactChange

ACTIONS: Final = ("add", "edit", "areas", "retire", "restore", "upload", "import")
ACTION_LABELS: Final = {
    "add": "Toegevoegd",
    "edit": "Gewijzigd",
    "areas": "Gebieden gewijzigd",
    "retire": "Inactief gemaakt",
    "restore": "Weer actief gemaakt",
    "upload": "Bestanden ingelezen",
    "import": "Import via de opdrachtregel",
}
MAX_TEXT_FILTER: Final = 100


def utc_now() -> datetime:
    """Naive UTC, as stored in the DateTime columns of the staff tables."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def record_change(
    session: Session,
    *,
    actor: str,
    action: str,
    contact_id: int | None = None,
    contact_name: str = "",
    gemeente_code: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    batch: str = "",
    at: datetime | None = None,
) -> None:
    """Add one audit record in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        ContactChange(
            changed_at=at or utc_now(),
            actor=actor[:100],
            action=action,
            contact_id=contact_id,
            contact_name=contact_name[:200],
            gemeente_code=gemeente_code,
            before=json.dumps(before or {}, ensure_ascii=False, sort_keys=True),
            after=json.dumps(after or {}, ensure_ascii=False, sort_keys=True),
            batch=batch,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor: str | None = None
    # Part of the contact's name (case ignored).
    text: str | None = None
    contact_id: int | None = None
    batch: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    changed_at: datetime
    actor: str
    action: str
    contact_id: int | None
    contact_name: str
    gemeente_code: str
    before: dict[str, Any]
    after: dict[str, Any]
    batch: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def fields(self) -> list[str]:
        """The fields named in before or after, in a stable order."""
        return sorted(set(self.before) | set(self.after))


def _loads(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def find_changes(
    session: Session, wanted: AuditFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEntry], int]:
    """Matching records newest first, and how many match in all."""
    query = select(ContactChange)
    if wanted.action:
        query = query.where(ContactChange.action == wanted.action)
    if wanted.actor:
        query = query.where(ContactChange.actor == wanted.actor)
    if wanted.text:
        pattern = "%" + _escape_like(wanted.text[:MAX_TEXT_FILTER].casefold()) + "%"
        query = query.where(
            or_(
                func.lower(ContactChange.contact_name).like(pattern, escape="\\"),
                func.lower(ContactChange.gemeente_code).like(pattern, escape="\\"),
            )
        )
    if wanted.contact_id is not None:
        query = query.where(ContactChange.contact_id == wanted.contact_id)
    if wanted.batch:
        query = query.where(ContactChange.batch == wanted.batch)
    if wanted.since:
        query = query.where(ContactChange.changed_at >= wanted.since)
    if wanted.until:
        query = query.where(ContactChange.changed_at < wanted.until)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = session.scalars(
        query.order_by(ContactChange.changed_at.desc(), ContactChange.id.desc())
        .limit(limit)
        .offset(offset)
    )
    entries = [
        AuditEntry(
            id=row.id,
            changed_at=row.changed_at,
            actor=row.actor,
            action=row.action,
            contact_id=row.contact_id,
            contact_name=row.contact_name,
            gemeente_code=row.gemeente_code,
            before=_loads(row.before),
            after=_loads(row.after),
            batch=row.batch,
        )
        for row in rows
    ]
    return entries, total


def actors(session: Session) -> list[str]:
    """Everyone who ever changed a contact, for the filter."""
    return sorted(session.scalars(select(ContactChange.actor).distinct()), key=str.casefold)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
