"""Conversation decisions on plain values: what a message carries, what the slots remember.

The custom actions read the tracker and pass its values here; nothing here knows Rasa.
Decisions that need the neighbourhood database are in bot/directory/conversation.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from bot.core.cards import Area, LocationResult, RoleInfo
from bot.core.constants import (
    CONVERSATION_LANGUAGES,
    DEFAULT_LANGUAGE,
    ENTITY_LOCATION,
    METADATA_LANGUAGE,
    PAYLOAD_ROLE_NAME,
    SLOT_AREA_CODE,
    SLOT_AREA_LEVEL,
    SLOT_AREA_NAME,
    SLOT_GEMEENTE_CODE,
    SLOT_LOCATION,
    SLOT_LOCATION_ATTEMPTS,
    SLOT_LOCATION_OPTIONS,
    SLOT_LOCATION_STATUS,
    STATUS_FOUND,
    STATUS_OUTSIDE,
)
from bot.core.roles import ROLES_BY_CODE

# An unrecognised answer gets one more chance; then the bot gives the general number.
MAX_LOCATION_ATTEMPTS: Final = 2


def pin(entities: Iterable[Mapping[str, Any]]) -> tuple[float, float] | None:
    """A shared location pin (WhatsApp) arrives as latitude/longitude entities."""
    values: dict[Any, Any] = {entity.get("entity"): entity.get("value") for entity in entities}
    try:
        return float(values["latitude"]), float(values["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


def location_mentions(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    """The places the NLU pipeline found in a message (bot/rasa/nlu/location_finder.py)."""
    return [
        str(entity.get("value"))
        for entity in entities
        if entity.get("entity") == ENTITY_LOCATION and entity.get("value")
    ]


def remembered_area(slots: Mapping[str, Any]) -> Area | None:
    """The area found earlier in the conversation, if any."""
    code = slots.get(SLOT_AREA_CODE)
    if not code or slots.get(SLOT_LOCATION_STATUS) == STATUS_OUTSIDE:
        return None
    return Area(
        code=code,
        name=slots.get(SLOT_AREA_NAME) or code,
        level=slots.get(SLOT_AREA_LEVEL) or "buurt",
        gemeente_code=slots.get(SLOT_GEMEENTE_CODE) or "",
    )


def found_slots(result: LocationResult) -> dict[str, Any]:
    """The slots that remember a found place for the rest of the conversation."""
    assert result.area is not None
    return {
        SLOT_LOCATION: result.query or result.area.name,
        SLOT_LOCATION_STATUS: STATUS_FOUND,
        SLOT_LOCATION_ATTEMPTS: 0,
        SLOT_LOCATION_OPTIONS: None,
        SLOT_AREA_CODE: result.area.code,
        SLOT_AREA_NAME: result.area.name,
        SLOT_AREA_LEVEL: result.area.level,
        SLOT_GEMEENTE_CODE: result.area.gemeente_code,
    }


def place_gemeente(result: LocationResult) -> str | None:
    """The municipality of a found place, whose routing table applies; None without one."""
    if result.status == STATUS_FOUND and result.area is not None:
        return result.area.gemeente_code
    return None


def still_asking_location(role: RoleInfo | None, status: str | None, attempts: int) -> bool:
    """Whether the location form goes on asking where the resident lives.

    Not for a role without a local contact, not once the place lies outside the
    municipalities served, and not after the last chance.
    """
    if role is None or not role.needs_location:
        return False
    if status == STATUS_OUTSIDE:
        return False
    return attempts < MAX_LOCATION_ATTEMPTS


def role_payload(role: RoleInfo, payload: dict[str, Any]) -> dict[str, Any]:
    """A payload with the role's own name added when the municipality renamed the role."""
    default = ROLES_BY_CODE.get(role.code)
    if default is not None and default.name != role.name:
        payload[PAYLOAD_ROLE_NAME] = role.name
    return payload


def conversation_language(value: object) -> str:
    """The language of the conversation from the `language` slot: "nl" unless it is "en"."""
    return value if isinstance(value, str) and value in CONVERSATION_LANGUAGES else DEFAULT_LANGUAGE


def language_from_metadata(metadata: object) -> str | None:
    """The starting language a channel sends (`{"language": "en"}`); None for anything else."""
    if not isinstance(metadata, Mapping):
        return None
    value = metadata.get(METADATA_LANGUAGE)
    return value if isinstance(value, str) and value in CONVERSATION_LANGUAGES else None


def glossed(roles: object) -> list[str]:
    """The route codes already explained by a gloss (the `glossed_roles` slot)."""
    return [code for code in roles if isinstance(code, str)] if isinstance(roles, list) else []
