"""The audit trail of the contacts: who changed what and when, filtered and paged."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Final
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.db.audit import ACTION_LABELS, AuditFilter, actors, find_changes
from bot.db.contact_fields import FIELD_LABELS
from bot.staff.pages.common import Period, database_busy, notice, render, requires, settings
from bot.staff.roles import Permission

PAGE_SIZE: Final = 100
# An upload, once applied, leads here to the changes it made.
NOTICES: Final = {
    "ingelezen": "De bestanden zijn ingelezen. De bot gebruikt de nieuwe gegevens meteen.",
}
AUDIT_LABELS: Final = {
    **FIELD_LABELS,
    "toegevoegd": "toegevoegd",
    "gewijzigd": "gewijzigd",
    "weer_actief": "weer actief",
    "inactief": "inactief",
    "ongewijzigd": "ongewijzigd",
    "buurten": "buurten",
    "wijken": "wijken",
    "adressen": "adressen",
    "bestanden": "bestanden",
    "map": "map",
    "contacten": "contacten",
}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/wijzigingen", audit_page)


def _local(moment: datetime) -> datetime:
    """Stored UTC shown in Dutch time where the time zone database is available."""
    aware = moment.replace(tzinfo=timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        return aware.astimezone(ZoneInfo("Europe/Amsterdam"))
    except Exception:  # no tzdata on this machine: UTC is still right, just not local
        return aware


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value) or "(geen)"
    if value in ("", None):
        return "(leeg)"
    return str(value)


@requires(Permission.CONTACTS)
async def audit_page(request: web.Request) -> web.StreamResponse:
    query = request.query
    action = query.get("actie", "")
    period = Period.from_query(query)
    try:
        page = max(1, int(query.get("pagina", "1")))
    except ValueError:
        page = 1
    try:
        contact_id: int | None = int(query["contact"]) if "contact" in query else None
    except ValueError:
        contact_id = None
    wanted = AuditFilter(
        action=action if action in ACTION_LABELS else None,
        actor=query.get("wie", "")[:100] or None,
        text=query.get("naam", "")[:100] or None,
        contact_id=contact_id,
        batch=query.get("batch", "")[:40] or None,
        since=period.start(),
        until=period.end(),
    )
    try:
        with settings(request).session_factory() as session:
            entries, total = find_changes(
                session, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
            )
            who = actors(session)
    except SQLAlchemyError:
        return database_busy(request)
    kept = {key: value for key, value in query.items() if key not in ("pagina", "uitkomst")}
    return render(
        request,
        "audit.html",
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        wanted=wanted,
        action=wanted.action or "",
        **period.fields(),
        actions=ACTION_LABELS,
        who=who,
        labels=AUDIT_LABELS,
        shown=_shown,
        local=_local,
        page_link=lambda number: "/wijzigingen?" + urlencode({**kept, "pagina": number}),
        notice=notice(query, NOTICES),
    )
