"""Roles, routes and the local contacts of a role: what a resident hears once the place is known."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.cards import ContactCard, ContactInfo, GemeenteInfo, RoleInfo
from bot.core.constants import DEFAULT_TOPIC_ROUTES, ROUTE_CODES
from bot.core.opening_hours import availability, parse_opening_hours
from bot.core.roles import ROLES_BY_CODE, normalize_role
from bot.db.models import Gemeente
from bot.db.repositories import AreaRepository, ContactRepository, RoleRepository, RouteRepository
from bot.directory.names import NameIndexCache


def find_contacts(
    session: Session, names: NameIndexCache, role: str, area_code: str, now: datetime
) -> ContactCard | None:
    """Active contacts of `role` for the area: its buurt, else its wijk, else its gemeente;
    each says whether it is reachable at `now` when its spreekuur could be read."""
    role_code = role if role in ROLES_BY_CODE else (normalize_role(role) or role)
    areas = names.areas(session, [area_code.strip().upper()])
    if not areas:
        return None
    area = areas[0]
    index = names.get(session)
    chain = [area, *names.areas(session, index.parents.get(area.code, ()))]
    # One query for the buurt, its wijk and its gemeente; the nearest level wins.
    rows = ContactRepository(session).active_for_areas(
        role_code, [level_area.code for level_area in chain]
    )
    for level_area in chain:
        found = [row for row in rows if row.area_code == level_area.code]
        if found:
            return ContactCard(
                role=role_code,
                area=level_area,
                contacts=tuple(
                    ContactInfo(
                        name=row.name,
                        organisation=row.organisation or "",
                        phone=row.phone or "",
                        email=row.email or "",
                        hours=row.hours or "",
                        availability=availability(parse_opening_hours(row.hours), now),
                    )
                    for row in found
                ),
            )
    return None


def role_for_topic(session: Session, topic: str, gemeente_code: str | None) -> str | None:
    """The route for a topic: the municipality's own rule, else the default rule."""
    found = RouteRepository(session).role_for_topic(topic, gemeente_code)
    return found or DEFAULT_TOPIC_ROUTES.get(topic)


def role(session: Session, code: str, gemeente_code: str | None) -> RoleInfo | None:
    """A role as stored (by code, Dutch name or synonym), localised; else the default role."""
    repository = RoleRepository(session)
    stored = repository.get(code) or repository.get(normalize_role(code) or "")
    if stored is not None:
        found = RoleInfo(
            stored.code,
            stored.name,
            stored.description,
            stored.organisation_type,
            bool(stored.needs_location),
        )
        return localised(session, [found], gemeente_code)[0]
    default = ROLES_BY_CODE.get(normalize_role(code) or code)
    if default is None:
        return None
    return RoleInfo(
        default.code,
        default.name,
        default.description,
        default.organisation_type,
        default.needs_location,
    )


def roles(session: Session, gemeente_code: str | None) -> list[RoleInfo]:
    """All roles: the route codes in their fixed order, then roles staff added."""
    stored = {
        stored_role.code: RoleInfo(
            stored_role.code,
            stored_role.name,
            stored_role.description,
            stored_role.organisation_type,
            bool(stored_role.needs_location),
        )
        for stored_role in RoleRepository(session).all()
    }
    for code in ROUTE_CODES:
        if code not in stored:
            default = ROLES_BY_CODE[code]
            stored[code] = RoleInfo(
                code,
                default.name,
                default.description,
                default.organisation_type,
                default.needs_location,
            )
    found = localised(session, list(stored.values()), gemeente_code)
    order = {code: position for position, code in enumerate(ROUTE_CODES)}
    return sorted(found, key=lambda info: (order.get(info.code, len(order)), info.name))


def localised(session: Session, infos: list[RoleInfo], gemeente_code: str | None) -> list[RoleInfo]:
    """The roles with the municipality's own names and descriptions where it set them."""
    if not isinstance(gemeente_code, str) or not gemeente_code:
        return infos
    overrides = RoleRepository(session).overrides(gemeente_code.strip().upper())
    result = []
    for info in infos:
        override = overrides.get(info.code)
        if override is not None:
            info = replace(
                info,
                name=override.name or info.name,
                description=override.description or info.description,
            )
        result.append(info)
    return result


def gemeente(session: Session, code: str | None) -> GemeenteInfo | None:
    """A municipality's general details, empty fields filled from the deployment default.

    Without a code: the only municipality, or, when the deployment serves several, the
    default details under no name (None when there are none).
    """
    areas = AreaRepository(session)
    stored: Gemeente | None = None
    if code:
        stored = areas.gemeente(code.strip().upper()) if isinstance(code, str) else None
        if stored is None:
            return None
    else:
        all_gemeenten = areas.gemeenten()
        if len(all_gemeenten) == 1:
            stored = all_gemeenten[0]
    default = areas.general_default()
    if stored is None and default is None:
        return None

    def field_value(name: str) -> str:
        own = getattr(stored, name, "") if stored is not None else ""
        return str(own or (getattr(default, name, "") if default is not None else ""))

    return GemeenteInfo(
        code=stored.code if stored is not None else "",
        name=stored.name if stored is not None else "",
        phone=field_value("phone"),
        website=field_value("website"),
        report_url=field_value("report_url"),
        hours=field_value("hours"),
    )
