"""The output channel: Rasa's responses sent to WhatsApp."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.core.constants import (
    PAYLOAD_ASK_LOCATION,
    PAYLOAD_CONTACT_CARD,
)
from bot.core.texts import DEFAULT_LANGUAGE
from bot.rasa.channels.whatsapp.choices import ChoiceMemory
from bot.rasa.channels.whatsapp.constants import (
    CHANNEL_NAME,
    MAX_INTERACTIVE_BODY,
    SILENT_PAYLOADS,
)
from bot.rasa.channels.whatsapp.graph_api import GraphApiClient
from bot.rasa.channels.whatsapp.messages import (
    _fit_body,
    button_messages,
    format_contact_card,
    location_request_message,
    split_text,
    text_message,
)
from bot.rasa.channels.whatsapp.security import SenderIdCodec
from bot.rasa.channels.whatsapp.texts import ChannelTexts, channel_texts

logger = logging.getLogger(__name__)


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages to one resident through the Graph API.

    The channel's own words (list button, prompts, card labels) follow the conversation's
    language. That language is only known for sure once Rasa has handled the message (the
    resident may have just switched), so the input channel can `hold()` the bot's replies
    while Rasa works, then `speak(language)` and `release()` them, as the REST channel returns
    its replies after the message was handled.
    """

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(
        self,
        client: GraphApiClient,
        codec: SenderIdCodec,
        choices: ChoiceMemory | None = None,
        phone_number_id: str = "",
        language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._client = client
        self._codec = codec
        self._choices = choices or ChoiceMemory()
        # The number the resident wrote to; "" means the configured one.
        self._phone_number_id = phone_number_id
        self.texts: ChannelTexts = channel_texts(language)
        # Rasa's replies waiting for the conversation's language; None: send at once.
        self._held: list[tuple[str, dict[str, Any]]] | None = None

    def hold(self) -> None:
        """Keep Rasa's replies (everything Rasa sends goes through send_response) until
        `release`; what the channel sends itself goes out at once."""
        if self._held is None:
            self._held = []

    def speak(self, language: str) -> None:
        """From now on, the channel's own words in `language`."""
        self.texts = channel_texts(language)

    async def release(self) -> None:
        """Send the held replies and stop holding."""
        held, self._held = self._held or [], None
        for recipient_id, message in held:
            await self.send_response(recipient_id, message)

    async def _send(self, recipient_id: str, messages: Iterable[Mapping[str, Any]]) -> None:
        try:
            phone = self._codec.decode(recipient_id)
        except ValueError:
            logger.error("WhatsApp reply dropped: the recipient is not a WhatsApp sender id.")
            return
        for message in messages:
            await self._client.send(phone, message, self._phone_number_id)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self._held is not None:
            self._held.append((recipient_id, dict(message)))
            return
        message = dict(message)
        custom = message.get("custom")
        if isinstance(custom, dict):
            rest = dict(custom)
            plain = not message.get("buttons") and not message.get("quick_replies")
            if PAYLOAD_ASK_LOCATION in rest and message.get("text") and plain:
                # The question and the "send location" button as one message.
                rest.pop(PAYLOAD_ASK_LOCATION)
                await self._send_location_request(recipient_id, message.pop("text"))
            if rest:
                message["custom"] = rest
            else:
                message.pop("custom")
        await super().send_response(recipient_id, message)

    async def _send_location_request(self, recipient_id: str, text: str) -> None:
        lead, body = _fit_body(text, MAX_INTERACTIVE_BODY)
        messages = [text_message(chunk) for chunk in lead]
        messages.append(location_request_message(body or self.texts.location_prompt))
        await self._send(recipient_id, messages)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, [text_message(chunk) for chunk in split_text(text)])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        messages, numbered = button_messages(text or "", buttons, self.texts)
        if numbered:
            self._choices.remember(recipient_id, numbered)
        await self._send(recipient_id, messages)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, [{"type": "image", "image": {"link": image}}])

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        if not isinstance(json_message, dict):
            return
        for key, value in json_message.items():
            if key == PAYLOAD_CONTACT_CARD:
                text = format_contact_card(value, self.texts)
                if text:
                    await self.send_text_message(recipient_id, text)
            elif key == PAYLOAD_ASK_LOCATION:
                await self._send_location_request(recipient_id, self.texts.location_prompt)
            elif key not in SILENT_PAYLOADS:
                logger.debug("Custom payload %r has no WhatsApp form; skipped.", key)
