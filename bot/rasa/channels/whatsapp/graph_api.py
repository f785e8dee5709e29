"""The Graph API client that sends messages, with retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.rasa.channels.whatsapp.settings import WhatsAppSettings

logger = logging.getLogger(__name__)


class GraphApiClient:
    """Sends messages with `POST {api_url}/{phone_number_id}/messages`, with retries.

    Failures are logged with the HTTP status and Meta's error code only: never the
    message text or the phone number.
    """

    def __init__(
        self,
        settings: WhatsAppSettings,
        *,
        attempts: int = 3,
        backoff: float = 0.5,
        timeout: float = 10.0,
    ) -> None:
        self._api_url = settings.api_url.rstrip("/")
        self._phone_number_id = settings.phone_number_id
        self._headers = {"Authorization": f"Bearer {settings.access_token}"}
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def _client(self) -> aiohttp.ClientSession:
        # A session belongs to one event loop; tests run several loops in one process.
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
            self._session_loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def send(self, phone: str, message: Mapping[str, Any], phone_number_id: str = "") -> bool:
        """Sends one message from the business number; True when the Graph API accepted it."""
        url = f"{self._api_url}/{phone_number_id or self._phone_number_id}/messages"
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": phone}
        body.update(message)
        kind = str(message.get("type"))
        for attempt in range(1, self._attempts + 1):
            retry = True
            try:
                async with self._client().post(url, json=body, headers=self._headers) as resp:
                    if resp.status < 300:
                        return True
                    retry = resp.status == 429 or resp.status >= 500
                    logger.warning(
                        "WhatsApp send of a %s message failed: HTTP %s%s (attempt %d of %d).",
                        kind,
                        resp.status,
                        await _graph_error_code(resp),
                        attempt,
                        self._attempts,
                    )
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                logger.warning(
                    "WhatsApp send of a %s message failed: %s (attempt %d of %d).",
                    kind,
                    type(exc).__name__,
                    attempt,
                    self._attempts,
                )
            if not retry:
                break
            if attempt < self._attempts:
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        logger.error("WhatsApp message (%s) not delivered to the Graph API.", kind)
        return False


async def _graph_error_code(resp: aiohttp.ClientResponse) -> str:
    """Meta's numeric error code, if any; the message may quote user data, so not that."""
    try:
        error = (await resp.json(content_type=None)).get("error") or {}
        code, subcode = error.get("code"), error.get("error_subcode")
    except (ValueError, AttributeError, aiohttp.ClientError):
        return ""
    if code is None:
        return ""
    return f", Graph error {code}" + (f"/{subcode}" if subcode is not None else "")
