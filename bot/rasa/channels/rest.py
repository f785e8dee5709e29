"""The REST channel of the web widget: Rasa's RestInput with a body size limit, and never a
silent or broken answer.

Rasa's RestInput logs an exception while handling a message and answers `[]`, and a Rasa
server without a loaded model answers `[]` too: the widget would show nothing. Here the
resident gets a calm message (in the conversation's language where bot/core/texts has it) with
the `unavailable` payload (bot/rasa/outage.py) instead.

Rasa files a message without a sender under the shared id "default", so two clients that
leave it out read each other's conversation (issue 15). Here every message needs its own
sender id of bounded length and character set, long enough to be unguessable (the widget
sends 128 random bits as 32 hex characters); anything else is refused with 400 before Rasa
sees it.
Every bot message returned carries `"lang": "nl"|"en"`, the conversation's language after the
message was handled (the tracker's `language` slot, CONTRACT.md section 7), so the widget can
mark each message for screen readers and speak the resident's language itself.

credentials.yml names this class; it keeps Rasa's name `rest`, so the URL stays
/webhooks/rest/webhook (CONTRACT.md section 2).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Final

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse

from bot.core.constants import (
    CONVERSATION_LANGUAGES,
    DEFAULT_LANGUAGE,
    MESSAGE_LANG,
    SLOT_LANGUAGE,
)
from bot.rasa.outage import REASON_PROCESSING, outage_message

logger = logging.getLogger(__name__)

# A resident's message with its JSON envelope; the widget sends far less.
MAX_BODY_BYTES: Final = 16 * 1024


# 16 characters of [A-Za-z0-9_.:-] hold about 96 bits when random; the widget sends 32 hex
# characters (128 bits). The upper bound keeps ids out of logs and keys at a sane size.
MIN_SENDER_LENGTH: Final = 16
MAX_SENDER_LENGTH: Final = 128
SENDER_PATTERN: Final = re.compile(r"[A-Za-z0-9_.:-]+")

# English codes for clients and logs, with a short Dutch message for whoever reads it.
INVALID_JSON: Final = ("invalid_json", "Het bericht is geen geldige JSON.")
BODY_NOT_OBJECT: Final = ("body_not_object", "Het bericht moet een JSON-object zijn.")
SENDER_MISSING: Final = ("sender_missing", "Het bericht mist een afzender (sender).")
SENDER_NOT_STRING: Final = ("sender_not_string", "De afzender (sender) moet tekst zijn.")
SENDER_TOO_SHORT: Final = (
    "sender_too_short",
    f"De afzender (sender) moet minstens {MIN_SENDER_LENGTH} tekens lang zijn.",
)
SENDER_TOO_LONG: Final = (
    "sender_too_long",
    f"De afzender (sender) mag hoogstens {MAX_SENDER_LENGTH} tekens lang zijn.",
)
SENDER_CHARACTERS: Final = (
    "sender_characters",
    "De afzender (sender) mag alleen letters, cijfers en _ . : - bevatten.",
)
MESSAGE_MISSING: Final = ("message_missing", "Het bericht mist de tekst (message).")
MESSAGE_NOT_STRING: Final = ("message_not_string", "De tekst (message) moet tekst zijn.")
METADATA_NOT_OBJECT: Final = (
    "metadata_not_object",
    "De metadata moet een JSON-object zijn.",
)


# A resident's message is an object with strings and one metadata object: deeper nesting is
# no message of ours. Checked before parsing, so the answer never depends on how much stack
# the parser has left (a RecursionError comes at different depths in different threads).
MAX_NESTING: Final = 32


def _too_deep(body: bytes) -> bool:
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


def refusal(body: bytes | None) -> tuple[str, str] | None:
    """Why a webhook body must be refused (code, Dutch message), or None when it is valid."""
    if body and _too_deep(body):
        return INVALID_JSON
    try:
        data = json.loads(body or b"")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return INVALID_JSON
    if not isinstance(data, dict):
        return BODY_NOT_OBJECT
    sender = data.get("sender")
    if sender is None:
        return SENDER_MISSING
    if not isinstance(sender, str):
        return SENDER_NOT_STRING
    if len(sender) < MIN_SENDER_LENGTH:
        return SENDER_TOO_SHORT
    if len(sender) > MAX_SENDER_LENGTH:
        return SENDER_TOO_LONG
    if not SENDER_PATTERN.fullmatch(sender):
        return SENDER_CHARACTERS
    if "message" not in data or data["message"] is None:
        return MESSAGE_MISSING
    if not isinstance(data["message"], str):
        return MESSAGE_NOT_STRING
    if "metadata" in data and not isinstance(data["metadata"], dict):
        return METADATA_NOT_OBJECT
    return None


def too_large(request: Request, limit: int) -> HTTPResponse | None:
    """A 413 answer when the body is over `limit` bytes, else None."""
    size = len(request.body or b"")
    if size > limit:
        logger.warning("Refused a %s-byte request to %s (limit %s).", size, request.path, limit)
        return response.json({"error": "request body too large", "limit": limit}, status=413)
    return None


async def conversation_language(tracker_store: Any, sender_id: str) -> str:
    """The `language` slot of the conversation ("nl" or "en"); Dutch when it is unset, the domain
    has no such slot, there is no tracker store, or reading it fails."""
    if tracker_store is None:
        return DEFAULT_LANGUAGE
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception as exc:  # noqa: BLE001 - the answer matters more than its language tag
        logger.warning("Language of %s not read: %s.", sender_id, type(exc).__name__)
        return DEFAULT_LANGUAGE
    # dict.get, not get_slot: a domain without the slot is no reason to log at every message.
    slot = tracker.slots.get(SLOT_LANGUAGE) if tracker is not None else None
    value = getattr(slot, "value", None)
    return value if value in CONVERSATION_LANGUAGES else DEFAULT_LANGUAGE


# The Rasa server (Sanic app) of the request being handled: Rasa calls the message handler
# without the request, and an apology must be said in the conversation's language. Sanic runs
# a request's middleware and handler in one task, so the value set by the one is the other's.
_request_app: ContextVar[Any] = ContextVar("rest_request_app", default=None)


def _tracker_store(app: Any) -> Any:
    """The tracker store of Rasa's agent on the Sanic app (`app.ctx.agent`), if any."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    return getattr(agent, "tracker_store", None)


def tag_language(body: bytes, language: str) -> bytes | None:
    """The answer's JSON with `lang` on every message, or None when it is no list of messages."""
    try:
        messages = json.loads(body)
    except ValueError:
        return None
    if not isinstance(messages, list):
        return None
    for message in messages:
        if isinstance(message, dict):
            message[MESSAGE_LANG] = language
    return json.dumps(messages, separators=(",", ":")).encode("utf-8")


class RestInput(RasaRestInput):
    """Rasa's REST channel that always answers something a resident can read."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:  # noqa: BLE001 - logged here; the resident gets a calm answer
                logger.exception("Message from %s could not be handled.", message.sender_id)
                await _apologise(message)
                return
            output = message.output_channel
            collected = isinstance(output, CollectingOutputChannel) and not isinstance(
                output,
                QueueOutputChannel,  # streamed answers are not kept in .messages
            )
            if collected and not output.messages:
                logger.warning("No answer for %s (is a model loaded?).", message.sender_id)
                await _apologise(message)

        blueprint = super().blueprint(handle)

        @blueprint.middleware("request")
        async def limit_size(request: Request) -> HTTPResponse | None:
            oversized = too_large(request, MAX_BODY_BYTES)
            if oversized is not None or request.method != "POST":
                return oversized
            _request_app.set(request.app)
            reason = refusal(request.body)
            if reason is None:
                return None
            code, text = reason
            logger.info("Refused a REST message: %s.", code)
            return response.json({"error": code, "message": text}, status=400)

        @blueprint.middleware("response")
        async def add_language(request: Request, answer: BaseHTTPResponse) -> None:
            # Changed in place: a new response would skip the CORS headers added before this.
            if (
                request.method != "POST"
                or answer.status != 200
                or not isinstance(answer, HTTPResponse)
                or not answer.body
                or answer.content_type != "application/json"
            ):
                return
            language = await conversation_language(
                _tracker_store(request.app), request.json["sender"]
            )
            body = tag_language(answer.body, language)
            if body is not None:
                answer.body = body

        return blueprint


async def _apologise(message: UserMessage) -> None:
    language = await conversation_language(_tracker_store(_request_app.get()), message.sender_id)
    try:
        await message.output_channel.send_response(
            message.sender_id, outage_message(REASON_PROCESSING, language)
        )
    except Exception:  # noqa: BLE001 - nothing more to try
        logger.exception("Could not even send the apology to %s.", message.sender_id)
