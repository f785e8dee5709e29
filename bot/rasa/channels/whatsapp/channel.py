"""The Rasa input channel: the signed webhook in, the output channel out."""

from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import json
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.constants import (
    METADATA_GEMEENTE,
    SLOT_LANGUAGE,
)
from bot.rasa.channels.rest import too_large
from bot.rasa.channels.whatsapp.choices import ChoiceMemory
from bot.rasa.channels.whatsapp.constants import (
    CHANNEL_NAME,
    MAX_BODY_BYTES,
)
from bot.rasa.channels.whatsapp.dedup import ProcessedMessageStore, _gemeente_name_from_database
from bot.rasa.channels.whatsapp.graph_api import GraphApiClient
from bot.rasa.channels.whatsapp.inbound import IncomingMessage, parse_webhook
from bot.rasa.channels.whatsapp.output import WhatsAppOutput
from bot.rasa.channels.whatsapp.security import SenderIdCodec, signature_is_valid
from bot.rasa.channels.whatsapp.settings import WhatsAppSettings
from bot.rasa.channels.whatsapp.texts import conversation_language

logger = logging.getLogger(__name__)


class WhatsAppInput(InputChannel):
    """Receives Meta's webhooks at /webhooks/whatsapp/webhook and answers through Rasa."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(WhatsAppSettings.from_mapping(credentials))

    def __init__(
        self,
        settings: WhatsAppSettings,
        *,
        store: ProcessedMessageStore | None = None,
        client: GraphApiClient | None = None,
        gemeente_name: Callable[[str], str] | None = None,
    ) -> None:
        self.settings = settings
        self._gemeente_name = gemeente_name or _gemeente_name_from_database
        self._gemeente_names: dict[str, str] = {}
        self.store = store or ProcessedMessageStore()
        self.client = client or GraphApiClient(settings)
        self.choices = ChoiceMemory()
        self.codec: SenderIdCodec | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._tracker_store: Any = None
        self._sender_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        # One thread for the database, so SQLite sees one writer and Postgres one connection.
        self._db_executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="whatsapp-dedup"
        )
        if settings.enabled:
            self.codec = SenderIdCodec(settings.sender_key or settings.app_secret)
            logger.info("WhatsApp channel on at /webhooks/whatsapp/webhook.")
        else:
            logger.info(
                "WhatsApp channel off: %s not set; /webhooks/whatsapp/webhook answers 404.",
                ", ".join(settings.missing),
            )

    @property
    def enabled(self) -> bool:
        return self.codec is not None

    def sender_id(self, phone: str) -> str:
        assert self.codec is not None
        return self.codec.encode(phone)

    def get_output_channel(self) -> OutputChannel | None:
        if self.codec is None:
            return None
        return WhatsAppOutput(self.client, self.codec, self.choices)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("whatsapp_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("Not found", status=404)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("Not found", status=404)
            mode = request.args.get("hub.mode", "")
            token = request.args.get("hub.verify_token", "")
            challenge = request.args.get("hub.challenge", "")
            token_ok = hmac.compare_digest(
                token.encode("utf-8"), self.settings.verify_token.encode("utf-8")
            )
            if mode == "subscribe" and token_ok and challenge:
                return response.text(challenge, content_type="text/plain")
            logger.warning("WhatsApp webhook verification refused (wrong mode or token).")
            return response.text("Forbidden", status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("Not found", status=404)
            oversized = too_large(request, MAX_BODY_BYTES)
            if oversized is not None:
                return oversized
            # Rasa's agent, to tell a resident's first message from the rest.
            agent = getattr(request.app.ctx, "agent", None)
            self._tracker_store = getattr(agent, "tracker_store", None)
            try:
                return self._receive(request.body or b"", request.headers, on_new_message)
            except Exception as exc:  # noqa: BLE001 - never a stack trace to the caller
                logger.error("WhatsApp webhook failed: %s.", type(exc).__name__)
                return response.text("Internal error", status=500)

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.close()

        return webhook

    def _receive(
        self,
        body: bytes,
        headers: Mapping[str, str],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        signature = headers.get("x-hub-signature-256")
        if not signature_is_valid(self.settings.app_secret, body, signature):
            logger.warning("WhatsApp webhook refused: missing or wrong X-Hub-Signature-256.")
            return response.text("Forbidden", status=403)
        try:
            messages = parse_webhook(
                json.loads(body), self.settings.phone_number_id, self.settings.phone_number_ids
            )
        except (ValueError, UnicodeDecodeError, RecursionError):
            # json.JSONDecodeError and MalformedPayload are both ValueErrors; a deeply nested
            # body (found by tests/rasa/channels/test_hostile_input.py) is a RecursionError.
            logger.warning("WhatsApp webhook refused: the body is not a WhatsApp notification.")
            return response.text("Bad request", status=400)
        if messages:
            # Meta wants a 200 within seconds; the bot may take longer, so answer first.
            self._spawn(self._handle_all(messages, on_new_message))
        return response.text("OK", status=200)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Waits until the messages received so far are handled (tests, shutdown)."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    async def close(self) -> None:
        await self.wait_idle()
        await self.client.close()

    async def _claim(self, message_id: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db_executor, self.store.claim, message_id)

    def _lock_for(self, sender_id: str) -> asyncio.Lock:
        lock = self._sender_locks.get(sender_id)
        if lock is None:
            lock = asyncio.Lock()
            self._sender_locks[sender_id] = lock
        return lock

    async def _handle_all(
        self,
        messages: list[IncomingMessage],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        for message in messages:
            sender_id = self.sender_id(message.phone)
            # One message at a time per resident, in the order Meta sent them.
            lock = self._lock_for(sender_id)
            async with lock:
                try:
                    await self._handle(message, sender_id, on_new_message)
                except Exception as exc:  # noqa: BLE001 - one bad message must not stop the rest
                    logger.error(
                        "WhatsApp message %s (%s) could not be handled: %s.",
                        message.message_id,
                        message.message_type,
                        type(exc).__name__,
                    )
                    logger.debug("Details of the WhatsApp handling failure.", exc_info=True)
                    await self._apologise(sender_id)

    async def _apologise(self, sender_id: str) -> None:
        """Tell the resident the message got lost, as the widget does when the bot is down."""
        output = WhatsAppOutput(
            self.client, self._codec(), self.choices, language=await self._language(sender_id)
        )
        try:
            await output.send_text_message(sender_id, output.texts.processing_error)
        except Exception as exc:  # noqa: BLE001 - the Graph API may be what failed
            logger.error("Could not send the apology over WhatsApp: %s.", type(exc).__name__)

    async def _handle(
        self,
        message: IncomingMessage,
        sender_id: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        if not await self._claim(message.message_id):
            logger.info("WhatsApp message %s was delivered again; ignored.", message.message_id)
            return
        output = WhatsAppOutput(self.client, self._codec(), self.choices, message.receiver)
        gemeente = await self._welcome_gemeente(message, sender_id)
        if message.kind == "media":
            output.speak(await self._language(sender_id))
            await self._welcome(output, sender_id, gemeente)
            await output.send_text_message(sender_id, output.texts.media)
            return
        text = self.choices.resolve(sender_id, message.text)
        output.hold()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    output,
                    sender_id,
                    input_channel=self.name(),
                    message_id=message.message_id,
                    metadata=self._metadata(message),
                )
            )
        finally:
            # The language after this message: the resident may have just written English.
            output.speak(await self._language(sender_id))
            await self._welcome(output, sender_id, gemeente)
            await output.release()

    async def _language(self, sender_id: str) -> str:
        """The conversation's language (the `language` slot), Dutch when unknown."""
        if self._tracker_store is None:
            return conversation_language(None)
        try:
            tracker = await self._tracker_store.retrieve(sender_id)
        except Exception as exc:  # noqa: BLE001 - Dutch words are better than no answer
            logger.warning("WhatsApp language unknown: conversation store: %s.", type(exc).__name__)
            return conversation_language(None)
        return conversation_language(tracker.get_slot(SLOT_LANGUAGE) if tracker else None)

    async def _welcome_gemeente(self, message: IncomingMessage, sender_id: str) -> str:
        """The municipality to name on a resident's first message, or "".

        The web widget shows its municipality in its header; a WhatsApp chat has no such
        place, so the first answer tells it. Only where a municipality is configured, and only
        when Rasa has no conversation with this resident yet (also after a purge).
        """
        configured = self.settings.gemeente_for(message.receiver)
        if not configured or self._tracker_store is None:
            return ""
        try:
            if await self._tracker_store.exists(sender_id):
                return ""
        except Exception as exc:  # noqa: BLE001 - a welcome is not worth losing the message
            logger.warning("WhatsApp welcome skipped: conversation store: %s.", type(exc).__name__)
            return ""
        name = self._gemeente_names.get(configured)
        if name is None:
            loop = asyncio.get_running_loop()
            name = await loop.run_in_executor(self._db_executor, self._gemeente_name, configured)
            self._gemeente_names[configured] = name
        return name

    @staticmethod
    async def _welcome(output: WhatsAppOutput, sender_id: str, gemeente: str) -> None:
        """The welcome goes ahead of the first answers, in the conversation's language."""
        if gemeente:
            welcome = output.texts.welcome.format(gemeente=gemeente)
            await output.send_text_message(sender_id, welcome)

    def _metadata(self, message: IncomingMessage) -> dict[str, str]:
        """What the actions learn about the message: its type, and the municipality the
        number serves (METADATA_GEMEENTE), so they use its routing table and contacts."""
        metadata = {"whatsapp_type": message.message_type}
        gemeente = self.settings.gemeente_for(message.receiver)
        if gemeente:
            metadata[METADATA_GEMEENTE] = gemeente
        return metadata

    def _codec(self) -> SenderIdCodec:
        assert self.codec is not None
        return self.codec
