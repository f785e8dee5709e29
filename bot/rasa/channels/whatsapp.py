"""Rasa custom channel for Meta's WhatsApp Cloud API: signed webhook in, Graph API out.

Registered in credentials.yml as ``bot.rasa.channels.whatsapp.WhatsAppInput`` and served by
the Rasa server at ``/webhooks/whatsapp/webhook``. Payload shapes and limits, with
their sources, are in docs/whatsapp.md.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import concurrent.futures
import hashlib
import hmac
import json
import logging
import os
import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.constants import (
    INTENT_INFORM_LOCATION,
    METADATA_GEMEENTE,
    PAYLOAD_ASK_LOCATION,
    PAYLOAD_CONTACT_CARD,
    PAYLOAD_EXPLAIN,
    PAYLOAD_LOCATION,
    PAYLOAD_ROUTE,
)
from bot.core.replies import area_phrase
from bot.core.roles import ROLES_BY_CODE
from bot.db.models import ProcessedWhatsAppMessage
from bot.rasa.channels.rest import too_large
from bot.rasa.outage import REASON_PROCESSING, outage_text

logger = logging.getLogger(__name__)

CHANNEL_NAME = "whatsapp"
DEFAULT_API_URL = "https://graph.facebook.com/v21.0"
# Meta's notifications are a few kilobytes (media come as ids, not bytes).
MAX_BODY_BYTES = 256 * 1024

# Entities of the `inform_location` message a shared pin becomes (declared in domain.yml).
ENTITY_LATITUDE = "latitude"
ENTITY_LONGITUDE = "longitude"

# Settings as they are named in the environment (CONTRACT.md section 6).
ENV_VERIFY_TOKEN = "WHATSAPP_VERIFY_TOKEN"
ENV_APP_SECRET = "WHATSAPP_APP_SECRET"
ENV_ACCESS_TOKEN = "WHATSAPP_ACCESS_TOKEN"
ENV_PHONE_NUMBER_ID = "WHATSAPP_PHONE_NUMBER_ID"
ENV_API_URL = "WHATSAPP_API_URL"
ENV_SENDER_KEY = "WHATSAPP_SENDER_KEY"
# Which municipality each business number serves: "PHONE_ID:GM0344,PHONE_ID:GM0345", or
# one code for every number. Other numbers listed here are served too (docs/whatsapp.md).
ENV_GEMEENTEN = "WHATSAPP_GEMEENTEN"

# Limits of the Cloud API (docs/whatsapp.md lists the sources).
MAX_TEXT_LENGTH = 4096
MAX_INTERACTIVE_BODY = 1024
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_LIST_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_ID = 200
MAX_ROW_DESCRIPTION = 72
MAX_LIST_BUTTON = 20
MAX_SECTION_TITLE = 24

# Incoming message types that carry media we cannot read (voice notes arrive as audio).
MEDIA_TYPES = frozenset({"image", "audio", "voice", "video", "document", "sticker"})
# Custom payloads meant for machines (tests, the web page); they have no text of their own.
SILENT_PAYLOADS = frozenset({PAYLOAD_ROUTE, PAYLOAD_LOCATION, PAYLOAD_EXPLAIN})

# Resident-facing wording (Dutch, B1, "u").
# The first message a number ever gets from us says which municipality it serves.
WELCOME_TEXT = "Welkom bij Wijkwijzer van de gemeente {gemeente}."

MEDIA_REPLY = (
    "Sorry, ik kan alleen tekst en locaties lezen. Foto's, spraakberichten, video's, "
    "stickers en bestanden begrijp ik niet. Typ uw vraag in een bericht. "
    "U kunt ook uw locatie delen."
)
LOCATION_PROMPT = (
    "Waar woont u? Deel uw locatie met de knop hieronder. "
    "Of typ uw postcode, bijvoorbeeld 1234 AB."
)
CHOICE_PROMPT = "Maak een keuze:"
NUMBERED_CHOICE_HINT = "Typ het nummer van uw keuze."
LIST_BUTTON_LABEL = "Bekijk de keuzes"
LIST_SECTION_TITLE = "Keuzes"
CARD_LABELS = {"phone": "Telefoon", "email": "E-mail", "hours": "Bereikbaar"}


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class WhatsAppSettings:
    """The channel's settings; the channel is on only when the four secrets are set."""

    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    api_url: str = DEFAULT_API_URL
    sender_key: str = ""
    # phone_number_id -> gemeente; "" as key: the gemeente of every other number.
    gemeenten: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> WhatsAppSettings:
        """From the credentials.yml entry; `sender_key` falls back to WHATSAPP_SENDER_KEY."""
        values = values or {}

        def text(key: str) -> str:
            value = values.get(key)
            # YAML may turn a hard-coded phone number id into an int.
            return "" if value is None else str(value).strip()

        return cls(
            verify_token=text("verify_token"),
            app_secret=text("app_secret"),
            access_token=text("access_token"),
            phone_number_id=text("phone_number_id"),
            api_url=text("api_url").rstrip("/") or DEFAULT_API_URL,
            sender_key=text("sender_key") or os.environ.get(ENV_SENDER_KEY, "").strip(),
            gemeenten=parse_gemeenten(text("gemeenten") or os.environ.get(ENV_GEMEENTEN, "")),
        )

    def gemeente_for(self, phone_number_id: str) -> str:
        """The municipality the business number serves ("" when none is configured)."""
        mapping = dict(self.gemeenten)
        return mapping.get(phone_number_id) or mapping.get("", "")

    @property
    def phone_number_ids(self) -> frozenset[str]:
        """Every business number this channel answers for."""
        return frozenset({self.phone_number_id} | {key for key, _ in self.gemeenten if key})

    @property
    def missing(self) -> list[str]:
        """Names of the environment variables that are not set (never their values)."""
        required = {
            ENV_VERIFY_TOKEN: self.verify_token,
            ENV_APP_SECRET: self.app_secret,
            ENV_ACCESS_TOKEN: self.access_token,
            ENV_PHONE_NUMBER_ID: self.phone_number_id,
        }
        return [name for name, value in required.items() if not value]

    @property
    def enabled(self) -> bool:
        return not self.missing


# --------------------------------------------------------------------------- security


_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def parse_gemeenten(value: str) -> tuple[tuple[str, str], ...]:
    """'111:GM0344, 222:Rivierstad' -> (('111', 'GM0344'), ('222', 'Rivierstad')); a value
    without a colon is the municipality of every number."""
    pairs = []
    for item in value.split(","):
        number, _, gemeente = item.strip().rpartition(":")
        if gemeente.strip():
            pairs.append((number.strip(), gemeente.strip()))
    return tuple(pairs)


def sign_body(app_secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 header value Meta sends with `body`."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_is_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Checks X-Hub-Signature-256 (HMAC-SHA256 of the raw body) in constant time."""
    if not app_secret or not header:
        return False
    scheme, _, received = header.strip().partition("=")
    if scheme.strip().lower() != "sha256" or not _HEX_SHA256.fullmatch(received.strip()):
        return False
    expected = sign_body(app_secret, body).partition("=")[2]
    return hmac.compare_digest(expected.encode("ascii"), received.strip().lower().encode("ascii"))


SENDER_PREFIX = "wa:"
_SENDER_SALT = b"wijkwijzer/whatsapp/sender-id/v1"
_SENDER_AAD = b"whatsapp-sender"


class SenderIdCodec:
    """Turns a phone number into the Rasa sender id and back.

    AES-SIV without a nonce is deterministic, so one resident keeps one conversation,
    and it is authenticated, so a forged sender id does not decrypt to some number.
    The key is derived with HKDF from WHATSAPP_SENDER_KEY (or the app secret), so any
    string of enough entropy can serve as key material.
    """

    def __init__(self, key_material: str | bytes) -> None:
        material = key_material.encode("utf-8") if isinstance(key_material, str) else key_material
        if not material:
            raise ValueError("the sender id key material is empty")
        key = HKDF(algorithm=hashes.SHA256(), length=64, salt=_SENDER_SALT, info=b"aes-siv").derive(
            material
        )
        self._siv = AESSIV(key)

    def encode(self, phone: str) -> str:
        token = self._siv.encrypt(phone.encode("utf-8"), [_SENDER_AAD])
        return SENDER_PREFIX + base64.urlsafe_b64encode(token).rstrip(b"=").decode("ascii")

    def decode(self, sender_id: str) -> str:
        """The phone number behind `sender_id`; ValueError when it is not one of ours."""
        if not sender_id.startswith(SENDER_PREFIX):
            raise ValueError("not a WhatsApp sender id")
        encoded = sender_id[len(SENDER_PREFIX) :]
        try:
            token = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            return self._siv.decrypt(token, [_SENDER_AAD]).decode("utf-8")
        except (binascii.Error, InvalidTag, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("not a WhatsApp sender id of this deployment") from exc


# --------------------------------------------------------------------------- incoming


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


# --------------------------------------------------------------------------- outgoing


def split_text(text: str, limit: int = MAX_TEXT_LENGTH) -> list[str]:
    """Chunks of at most `limit` characters, cut at a line break or space where possible."""
    text = text.strip()
    chunks: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = window.rfind("\n\n")
        if cut < limit // 2:
            cut = window.rfind("\n")
        if cut < limit // 2:
            cut = max(window.rfind(" "), window.rfind("\n"))
        if cut <= 0:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        chunks.append(text)
    return chunks


def _fit_body(text: str, limit: int) -> tuple[list[str], str]:
    """Plain text chunks to send first, and a last part of at most `limit` characters."""
    text = text.strip()
    if len(text) <= limit:
        return [], text
    start = len(text) - limit
    cut = text.find("\n\n", start, start + limit // 2)
    if cut < 0:
        space = re.compile(r"\s").search(text, start)
        cut = space.start() if space else start
    return split_text(text[:cut]), text[cut:].strip()


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_message(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def location_request_message(body: str) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }


def _choices(buttons: Iterable[Any]) -> list[tuple[str, str]]:
    """(title, payload) of Rasa buttons; the title doubles as payload when there is none."""
    choices = []
    for button in buttons:
        if not isinstance(button, dict):
            continue
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or title).strip()
        if title or payload:
            choices.append((title or payload, payload))
    return choices


def _unique(values: list[str]) -> bool:
    return len(set(values)) == len(values)


def button_messages(text: str, buttons: Iterable[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """WhatsApp messages for a Rasa text with buttons, and the payloads of a numbered list.

    Up to 3 buttons become reply buttons, 4 to 10 a list message, more (or any that do
    not fit the limits) numbered text; the payloads are returned for that last case so a
    typed number can be mapped back.
    """
    choices = _choices(buttons)
    if not choices:
        return [text_message(chunk) for chunk in split_text(text)], []
    lead, body = _fit_body(text, MAX_INTERACTIVE_BODY)
    messages = [text_message(chunk) for chunk in lead]
    body = body or CHOICE_PROMPT
    ids = [payload for _, payload in choices]

    button_titles = [shorten(title, MAX_BUTTON_TITLE) for title, _ in choices]
    # A title cut short ("Wat doet de wijkage…") reads badly: a list row holds 24
    # characters and the whole title as its description.
    if (
        len(choices) <= MAX_REPLY_BUTTONS
        and all(len(" ".join(title.split())) <= MAX_BUTTON_TITLE for title, _ in choices)
        and _unique(button_titles)
        and _unique(ids)
        and all(len(i) <= MAX_BUTTON_ID for i in ids)
    ):
        buttons_json = [
            {"type": "reply", "reply": {"id": i, "title": t}}
            for i, t in zip(ids, button_titles, strict=True)
        ]
        messages.append(
            {
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": body},
                    "action": {"buttons": buttons_json},
                },
            }
        )
        return messages, []

    row_titles = [shorten(title, MAX_ROW_TITLE) for title, _ in choices]
    if (
        len(choices) <= MAX_LIST_ROWS
        and _unique(row_titles)
        and _unique(ids)
        and all(len(i) <= MAX_ROW_ID for i in ids)
    ):
        rows = []
        for (title, payload), row_title in zip(choices, row_titles, strict=True):
            row = {"id": payload, "title": row_title}
            if row_title != title:
                row["description"] = shorten(title, MAX_ROW_DESCRIPTION)
            rows.append(row)
        messages.append(
            {
                "type": "interactive",
                "interactive": {
                    "type": "list",
                    "body": {"text": body},
                    "action": {
                        "button": LIST_BUTTON_LABEL,
                        "sections": [{"title": LIST_SECTION_TITLE, "rows": rows}],
                    },
                },
            }
        )
        return messages, []

    numbered = "\n".join(f"{n}. {title}" for n, (title, _) in enumerate(choices, start=1))
    full = f"{text.strip()}\n\n{numbered}\n\n{NUMBERED_CHOICE_HINT}".strip()
    return [text_message(chunk) for chunk in split_text(full)], ids


def _role_label(code: str) -> str:
    """The Dutch name residents see for a route code, e.g. "de wijkagent"."""
    role = ROLES_BY_CODE.get(code)
    return role.name if role is not None else code.replace("_", " ")


def format_contact_card(card: Any) -> str:
    """A contact_card payload (CONTRACT.md section 2) as readable WhatsApp text."""
    if not isinstance(card, dict):
        return ""
    own_name = card.get("role_name")
    # A municipality's own name of the role, when the bot sent one.
    role = (
        own_name
        if isinstance(own_name, str) and own_name
        else _role_label(str(card.get("role") or ""))
    )
    area = card.get("area")
    area = area if isinstance(area, dict) else {}
    heading = role[:1].upper() + role[1:]
    if area.get("name"):
        heading += f" voor {area_phrase(str(area['name']), str(area.get('level') or 'buurt'))}"
    blocks = [f"*{heading}*"] if heading else []
    contacts = card.get("contacts")
    contacts = contacts if isinstance(contacts, list) else []
    for contact in contacts:
        if not isinstance(contact, dict):
            continue
        lines = [str(contact[key]) for key in ("name", "organisation") if contact.get(key)]
        lines += [
            f"{label}: {contact[key]}" for key, label in CARD_LABELS.items() if contact.get(key)
        ]
        # "Nu bereikbaar tot 12:00" or the next spreekuur, as the bot worded it.
        if isinstance(contact.get("reachable"), str) and contact["reachable"]:
            lines.append(contact["reachable"])
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) if contacts else ""


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


class ChoiceMemory:
    """The payloads of the last numbered list per sender, so "2" can be mapped back.

    In memory only: a numbered list is answered within minutes, and losing it on a
    restart just means the resident types the choice in words.
    """

    def __init__(self, size: int = 1000) -> None:
        self._size = size
        self._choices: OrderedDict[str, list[str]] = OrderedDict()

    def remember(self, sender_id: str, payloads: list[str]) -> None:
        self._choices[sender_id] = payloads
        self._choices.move_to_end(sender_id)
        while len(self._choices) > self._size:
            self._choices.popitem(last=False)

    def resolve(self, sender_id: str, text: str) -> str:
        """The payload for a typed number; the list is used up by any next message."""
        payloads = self._choices.pop(sender_id, None)
        number = text.strip().rstrip(".")
        if payloads and number.isdigit() and 1 <= int(number) <= len(payloads):
            return payloads[int(number) - 1]
        return text


class WhatsAppOutput(OutputChannel):
    """Sends the bot's messages to one resident through the Graph API."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    def __init__(
        self,
        client: GraphApiClient,
        codec: SenderIdCodec,
        choices: ChoiceMemory | None = None,
        phone_number_id: str = "",
    ) -> None:
        self._client = client
        self._codec = codec
        self._choices = choices or ChoiceMemory()
        # The number the resident wrote to; "" means the configured one.
        self._phone_number_id = phone_number_id

    async def _send(self, recipient_id: str, messages: Iterable[Mapping[str, Any]]) -> None:
        try:
            phone = self._codec.decode(recipient_id)
        except ValueError:
            logger.error("WhatsApp reply dropped: the recipient is not a WhatsApp sender id.")
            return
        for message in messages:
            await self._client.send(phone, message, self._phone_number_id)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
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
        messages.append(location_request_message(body or LOCATION_PROMPT))
        await self._send(recipient_id, messages)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send(recipient_id, [text_message(chunk) for chunk in split_text(text)])

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        messages, numbered = button_messages(text or "", buttons)
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
                text = format_contact_card(value)
                if text:
                    await self.send_text_message(recipient_id, text)
            elif key == PAYLOAD_ASK_LOCATION:
                await self._send_location_request(recipient_id, LOCATION_PROMPT)
            elif key not in SILENT_PAYLOADS:
                logger.debug("Custom payload %r has no WhatsApp form; skipped.", key)


# --------------------------------------------------------------------------- deduplication


processed_message_table = ProcessedWhatsAppMessage.__table__

DEDUP_RETENTION_SECONDS = 2 * 24 * 3600


def _gemeente_name_from_database(value: str) -> str:
    """The municipality's name for a configured code ('GM9200') or name.

    A name the database does not know is shown as configured; an unknown code gives "" (no
    welcome: a code means nothing to a resident).
    """
    from bot.db.session import make_session_factory
    from bot.directory import ContactDirectory

    try:
        area = ContactDirectory(make_session_factory()).find_gemeente(value)
    except sa.exc.SQLAlchemyError:
        logger.warning("Municipality name for the WhatsApp welcome not found: database error.")
        area = None
    if area is not None:
        return area.name
    return "" if value.upper().startswith("GM") or value.isdigit() else value


def _default_engine() -> sa.engine.Engine:
    from bot.db.session import make_engine

    return make_engine()


class ProcessedMessageStore:
    """Ids of the WhatsApp messages already handled, kept in the database.

    Meta delivers a message again when it did not get a 200 in time, also across a
    restart of the bot; a row per message id makes the second delivery a no-op. Rows
    older than the retention are pruned. When the database cannot be reached, an
    in-memory set keeps working so residents still get an answer.
    """

    def __init__(
        self,
        engine: sa.engine.Engine | None = None,
        *,
        engine_factory: Callable[[], sa.engine.Engine] = _default_engine,
        retention_seconds: int = DEDUP_RETENTION_SECONDS,
        prune_interval_seconds: int = 3600,
        clock: Callable[[], float] = time.time,
        memory_size: int = 10_000,
    ) -> None:
        self._engine = engine
        self._engine_factory = engine_factory
        self._retention = retention_seconds
        self._prune_interval = prune_interval_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._ready = False
        self._last_prune = float("-inf")
        self._memory: OrderedDict[str, None] = OrderedDict()
        self._memory_size = memory_size
        self._warned = False

    def _connect(self) -> sa.engine.Engine:
        if self._engine is None:
            self._engine = self._engine_factory()
        if not self._ready:
            # The table is part of the schema (Alembic); this also brings a fresh database up.
            from bot.db.session import create_schema

            create_schema(self._engine)
            self._ready = True
        return self._engine

    def claim(self, message_id: str) -> bool:
        """True the first time `message_id` is seen, False for a repeat delivery."""
        with self._lock:
            first_in_memory = self._claim_in_memory(message_id)
            try:
                first = self._claim_in_database(message_id)
            except Exception as exc:  # noqa: BLE001 - any database trouble: keep answering
                if not self._warned:
                    logger.warning(
                        "WhatsApp deduplication table unavailable (%s); using memory.",
                        type(exc).__name__,
                    )
                    self._warned = True
                return first_in_memory
            self._warned = False
            return first and first_in_memory

    def _claim_in_database(self, message_id: str) -> bool:
        engine = self._connect()
        now = int(self._clock())
        if now - self._last_prune >= self._prune_interval:
            with engine.begin() as connection:
                connection.execute(
                    processed_message_table.delete().where(
                        processed_message_table.c.processed_at < now - self._retention
                    )
                )
            self._last_prune = now
        try:
            with engine.begin() as connection:
                connection.execute(
                    processed_message_table.insert().values(message_id=message_id, processed_at=now)
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def _claim_in_memory(self, message_id: str) -> bool:
        if message_id in self._memory:
            return False
        self._memory[message_id] = None
        while len(self._memory) > self._memory_size:
            self._memory.popitem(last=False)
        return True


# --------------------------------------------------------------------------- input channel


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
        except (ValueError, UnicodeDecodeError):
            # json.JSONDecodeError and MalformedPayload are both ValueErrors.
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
        output = WhatsAppOutput(self.client, self._codec(), self.choices)
        try:
            await output.send_text_message(sender_id, outage_text(REASON_PROCESSING))
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
        await self._welcome(output, message, sender_id)
        if message.kind == "media":
            await output.send_text_message(sender_id, MEDIA_REPLY)
            return
        text = self.choices.resolve(sender_id, message.text)
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

    async def _welcome(
        self, output: OutputChannel, message: IncomingMessage, sender_id: str
    ) -> None:
        """On a resident's first message, say which municipality this number serves.

        The web widget shows its municipality in its header; a WhatsApp chat has no such
        place, so the first answer tells it. Only where a municipality is configured, and only
        when Rasa has no conversation with this resident yet (also after a purge).
        """
        configured = self.settings.gemeente_for(message.receiver)
        if not configured or self._tracker_store is None:
            return
        try:
            if await self._tracker_store.exists(sender_id):
                return
        except Exception as exc:  # noqa: BLE001 - a welcome is not worth losing the message
            logger.warning("WhatsApp welcome skipped: conversation store: %s.", type(exc).__name__)
            return
        name = self._gemeente_names.get(configured)
        if name is None:
            loop = asyncio.get_running_loop()
            name = await loop.run_in_executor(self._db_executor, self._gemeente_name, configured)
            self._gemeente_names[configured] = name
        if name:
            await output.send_text_message(sender_id, WELCOME_TEXT.format(gemeente=name))

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
