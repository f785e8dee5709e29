"""The REST channel of the web widget: Rasa's RestInput with a body size limit, and never a
silent or broken answer.

Rasa's RestInput logs an exception while handling a message and answers `[]`, and a Rasa
server without a loaded model answers `[]` too: the widget would show nothing. Here the
resident gets a calm Dutch message with the `unavailable` payload (bot/rasa/outage.py) instead.
credentials.yml names this class; it keeps Rasa's name `rest`, so the URL stays
/webhooks/rest/webhook (CONTRACT.md section 2).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.rasa.outage import REASON_PROCESSING, outage_message

logger = logging.getLogger(__name__)

# A resident's message with its JSON envelope; the widget sends far less.
MAX_BODY_BYTES: Final = 16 * 1024


def too_large(request: Request, limit: int) -> HTTPResponse | None:
    """A 413 answer when the body is over `limit` bytes, else None."""
    size = len(request.body or b"")
    if size > limit:
        logger.warning("Refused a %s-byte request to %s (limit %s).", size, request.path, limit)
        return response.json({"error": "request body too large", "limit": limit}, status=413)
    return None


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
            return too_large(request, MAX_BODY_BYTES)

        return blueprint


async def _apologise(message: UserMessage) -> None:
    try:
        await message.output_channel.send_response(
            message.sender_id, outage_message(REASON_PROCESSING)
        )
    except Exception:  # noqa: BLE001 - nothing more to try
        logger.exception("Could not even send the apology to %s.", message.sender_id)
