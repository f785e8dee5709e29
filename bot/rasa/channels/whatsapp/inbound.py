"""Reading Meta's webhook notifications into messages for Rasa."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from bot.core.constants import (
    INTENT_INFORM_LOCATION,
)
from bot.rasa.channels.whatsapp.constants import (
    ENTITY_LATITUDE,
    ENTITY_LONGITUDE,
    MAX_BUTTON_ID,
    MAX_TEXT_LENGTH,
    MEDIA_TYPES,
)

logger = logging.getLogger(__name__)


class MalformedPayload(ValueError):
    """The webhook body is JSON but not shaped like a WhatsApp Business notification."""


@dataclass(frozen=True)
class IncomingMessage:
    """One resident message from a webhook, reduced to what the bot needs."""

    message_id: str
    phone: str
    message_type: str
    # "text": `text` goes to Rasa; "media": answered by the channel itself.
    kind: str
    text: str = ""
    # The business number (phone_number_id) the resident wrote to; replies go out from it.
    receiver: str = ""

    def __repr__(self) -> str:
        # Keeps phone numbers and message text out of logs and test output.
        return f"IncomingMessage(id={self.message_id!r}, type={self.message_type!r})"


def location_message(latitude: float, longitude: float) -> str:
    """The text a shared pin becomes: an intent with entities in Rasa's `/intent{...}` form."""
    entities = {ENTITY_LATITUDE: round(latitude, 6), ENTITY_LONGITUDE: round(longitude, 6)}
    return f"/{INTENT_INFORM_LOCATION}{json.dumps(entities)}"


def _coordinate(value: Any) -> float | None:
    """A latitude or longitude as a float; Meta sends numbers, strings are tolerated."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _non_empty_str(value: Any, limit: int = MAX_TEXT_LENGTH) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:limit]
    return None


def parse_message(message: Any) -> IncomingMessage | None:
    """One entry of `value.messages`; None for types the bot ignores (reactions, ...)."""
    if not isinstance(message, dict):
        return None
    message_id = _non_empty_str(message.get("id"), 255)
    phone = _non_empty_str(message.get("from"), 64)
    message_type = _non_empty_str(message.get("type"), 64)
    if message_id is None or phone is None or message_type is None:
        return None

    def incoming(text: str | None, kind: str = "text") -> IncomingMessage | None:
        if kind == "text" and not text:
            return None
        return IncomingMessage(message_id, phone, message_type, kind, text or "")

    content = message.get(message_type)
    if message_type in MEDIA_TYPES:
        return incoming(None, "media")
    if not isinstance(content, dict):
        return None
    if message_type == "text":
        return incoming(_non_empty_str(content.get("body")))
    if message_type == "interactive":
        reply = content.get(str(content.get("type")))
        if content.get("type") in ("button_reply", "list_reply") and isinstance(reply, dict):
            return incoming(_non_empty_str(reply.get("id"), MAX_BUTTON_ID))
        return None
    if message_type == "button":
        # A quick-reply button of a template message.
        payload = _non_empty_str(content.get("payload")) or _non_empty_str(content.get("text"))
        return incoming(payload)
    if message_type == "location":
        latitude = _coordinate(content.get("latitude"))
        longitude = _coordinate(content.get("longitude"))
        if latitude is None or longitude is None:
            return None
        if -90 <= latitude <= 90 and -180 <= longitude <= 180:
            return incoming(location_message(latitude, longitude))
        return None
    return None


def parse_webhook(
    payload: Any, phone_number_id: str = "", other_numbers: Iterable[str] = ()
) -> list[IncomingMessage]:
    """The resident messages in a webhook body, in order.

    Raises MalformedPayload when the body is not a notification at all; parts that are
    merely unexpected (statuses, other fields, another phone number) are skipped.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        raise MalformedPayload("expected an object with an 'entry' list")
    if payload.get("object") != "whatsapp_business_account":
        return []
    messages: list[IncomingMessage] = []
    for entry in payload["entry"]:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            if not isinstance(change, dict) or change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                continue
            metadata = value.get("metadata")
            receiver = metadata.get("phone_number_id") if isinstance(metadata, dict) else None
            ours = {phone_number_id, *other_numbers}
            if phone_number_id and receiver is not None and str(receiver) not in ours:
                logger.info("WhatsApp webhook for another business number ignored.")
                continue
            items = value.get("messages")
            for item in items if isinstance(items, list) else []:
                parsed = parse_message(item)
                if parsed is not None:
                    messages.append(replace(parsed, receiver=str(receiver or phone_number_id)))
    return messages
