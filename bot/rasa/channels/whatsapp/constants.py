"""Names and limits of the WhatsApp channel (the limits: docs/whatsapp.md)."""

from __future__ import annotations

from bot.core.constants import (
    PAYLOAD_CALLBACK,
    PAYLOAD_EXPLAIN,
    PAYLOAD_FOREIGN_LANGUAGE,
    PAYLOAD_LOCATION,
    PAYLOAD_ROUTE,
)

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
# The text beside these says it all (the callback's reference is in its text too).
SILENT_PAYLOADS = frozenset(
    {PAYLOAD_ROUTE, PAYLOAD_LOCATION, PAYLOAD_EXPLAIN, PAYLOAD_CALLBACK, PAYLOAD_FOREIGN_LANGUAGE}
)

# Resident-facing wording: bot/core/texts, per language through texts.py.
