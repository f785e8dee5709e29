"""Dutch labels of the workspace: topics, routes, and what a button click or a card was."""

from __future__ import annotations

from typing import Any, Final

from bot.core.constants import (
    INTENT_INFORM_LOCATION,
    PAYLOAD_ASK_LOCATION,
    PAYLOAD_CONTACT_CARD,
    PAYLOAD_EXPLAIN,
    PAYLOAD_LOCATION,
    PAYLOAD_ROUTE,
)
from bot.core.roles import ROLES_BY_CODE
from bot.core.topics import TOPIC_LABELS

FALLBACK_INTENT: Final = "nlu_fallback"
# Rasa reads a message that starts with "/" as an intent payload (`/affirm`,
# `/inform_location{"latitude": ...}`), never as text; buttons and WhatsApp pins send them.
INTENT_PAYLOAD_PREFIX: Final = "/"
# Rasa's text for an intent triggered from outside (trigger_intent, reminders).
EXTERNAL_PREFIX: Final = "EXTERNAL: "

OTHER_TOPIC_LABELS: Final = {
    "greet": "Groeten",
    "thank": "Bedanken",
    "goodbye": "Afscheid",
    "bot_challenge": "Vraagt of dit een robot is",
    "affirm": "Ja",
    "deny": "Nee",
    "out_of_scope": "Iets anders, geen vraag voor de wijk",
    "not_understood": "Onbegrijpelijk of geen vraag (onzin, boosheid)",
    "cancel_callback": "Terugbelverzoek intrekken of stoppen",
    "switch_language": "Wil verder in het Nederlands of Engels",
    "other_language": "Schrijft in een andere taal",
    FALLBACK_INTENT: "Geen onderwerp herkend",
}
# The languages the bot speaks, and the others it answers with one fixed text (ISO 639-1).
LANGUAGE_LABELS: Final = {
    "nl": "Nederlands",
    "en": "Engels",
    "ar": "Arabisch",
    "de": "Duits",
    "es": "Spaans",
    "fr": "Frans",
    "pl": "Pools",
    "pt": "Portugees",
    "ro": "Roemeens",
    "so": "Somalisch",
    "ti": "Tigrinya",
    "tr": "Turks",
    "uk": "Oekraïens",
    # The detector named no language (review.OTHER_LANGUAGES).
    "other": "Andere taal",
}
# All languages but Dutch and English together, in the inbox filter and the statistics.
OTHER_LANGUAGES_LABEL: Final = "Andere talen"
LOCATION_STATUS_LABELS: Final = {
    "found": "gevonden",
    "outside": "buiten de gemeente",
    "ambiguous": "niet precies genoeg",
    "unknown": "niet herkend",
}


def topic_label(intent: str | None) -> str:
    """The Dutch name of an intent; an intent without one keeps its name, marked as such."""
    if intent is None:
        return "geen"
    return TOPIC_LABELS.get(intent) or OTHER_TOPIC_LABELS.get(intent) or f"onderwerp {intent}"


def has_topic_label(intent: str) -> bool:
    return intent in TOPIC_LABELS or intent in OTHER_TOPIC_LABELS


def route_label(code: str | None) -> str:
    role = ROLES_BY_CODE.get(code or "")
    return role.name if role else (code or "onbekend")


def language_label(code: str | None) -> str:
    """The Dutch name of a language code ("en" -> "Engels"); an unknown code stays visible."""
    if not code:
        return "onbekende taal"
    return LANGUAGE_LABELS.get(code, f"andere taal ({code})")


def guess_label(intent: str | None) -> str:
    """What the bot made of a message, as one short Dutch phrase for the inbox."""
    if intent in (None, FALLBACK_INTENT):
        return "bot herkende geen onderwerp"
    return f"bot dacht: {topic_label(intent)}"


def is_machine_text(text: str) -> bool:
    """True for text that a button, a channel or Rasa made, not the resident's own words."""
    stripped = text.strip()
    return stripped.startswith((INTENT_PAYLOAD_PREFIX, EXTERNAL_PREFIX))


def payload_intent(text: str) -> str | None:
    """The intent of an intent payload (`/affirm`, `/inform_location{...}`), else None."""
    stripped = text.strip()
    if not stripped.startswith(INTENT_PAYLOAD_PREFIX):
        return None
    name = stripped[1:].split("{", 1)[0].split("@", 1)[0].strip()
    return name or None


def describe_machine_text(text: str) -> str:
    """A Dutch line for staff instead of a payload; a pin's coordinates are not shown."""
    stripped = text.strip()
    if stripped.startswith(EXTERNAL_PREFIX):
        return "[bericht van het systeem, niet van de inwoner]"
    intent = payload_intent(stripped)
    if intent == INTENT_INFORM_LOCATION and "{" in stripped:
        return "[deelde een locatie]"
    if intent:
        return f"[klikte op de knop: {topic_label(intent)}]"
    return f"[klikte op de knop: {stripped}]"


def describe_custom(custom: dict[str, Any]) -> str:
    """A Dutch line for a bot message that is only data (a card, a route, a location)."""
    card = custom.get(PAYLOAD_CONTACT_CARD)
    if isinstance(card, dict):
        area = card.get("area")
        name = area.get("name") if isinstance(area, dict) else None
        where = f", {name}" if name else ""
        return f"[contactkaart: {route_label(card.get('role'))}{where}]"
    route = custom.get(PAYLOAD_ROUTE)
    if isinstance(route, dict):
        return f"[doorverwezen naar: {route_label(route.get('role'))}]"
    location = custom.get(PAYLOAD_LOCATION)
    if isinstance(location, dict):
        status = LOCATION_STATUS_LABELS.get(str(location.get("status")), "onbekend")
        return f"[plaats {status}]"
    explain = custom.get(PAYLOAD_EXPLAIN)
    if isinstance(explain, dict) and isinstance(explain.get("roles"), list):
        return "[uitleg over: " + ", ".join(route_label(str(r)) for r in explain["roles"]) + "]"
    if PAYLOAD_ASK_LOCATION in custom:
        return "[vraagt waar de inwoner woont]"
    return "[extra gegevens voor de website]"
