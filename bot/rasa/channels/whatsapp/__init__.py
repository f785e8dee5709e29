"""Rasa custom channel for Meta's WhatsApp Cloud API: signed webhook in, Graph API out.

Registered in credentials.yml as ``bot.rasa.channels.whatsapp.WhatsAppInput`` and served by
the Rasa server at ``/webhooks/whatsapp/webhook``. Payload shapes and limits, with
their sources, are in docs/whatsapp.md.
"""

from bot.core.constants import SLOT_LANGUAGE
from bot.rasa.channels.whatsapp.channel import WhatsAppInput
from bot.rasa.channels.whatsapp.choices import ChoiceMemory
from bot.rasa.channels.whatsapp.constants import (
    CHANNEL_NAME,
    DEFAULT_API_URL,
    ENTITY_LATITUDE,
    ENTITY_LONGITUDE,
    ENV_ACCESS_TOKEN,
    ENV_API_URL,
    ENV_APP_SECRET,
    ENV_GEMEENTEN,
    ENV_PHONE_NUMBER_ID,
    ENV_SENDER_KEY,
    ENV_VERIFY_TOKEN,
    MAX_BODY_BYTES,
    MAX_BUTTON_ID,
    MAX_BUTTON_TITLE,
    MAX_INTERACTIVE_BODY,
    MAX_LIST_BUTTON,
    MAX_LIST_ROWS,
    MAX_REPLY_BUTTONS,
    MAX_ROW_DESCRIPTION,
    MAX_ROW_ID,
    MAX_ROW_TITLE,
    MAX_SECTION_TITLE,
    MAX_TEXT_LENGTH,
    MEDIA_TYPES,
    SILENT_PAYLOADS,
)
from bot.rasa.channels.whatsapp.dedup import (
    DEDUP_RETENTION_SECONDS,
    ProcessedMessageStore,
    processed_message_table,
)
from bot.rasa.channels.whatsapp.graph_api import GraphApiClient
from bot.rasa.channels.whatsapp.inbound import (
    IncomingMessage,
    MalformedPayload,
    location_message,
    parse_message,
    parse_webhook,
)
from bot.rasa.channels.whatsapp.messages import (
    button_messages,
    format_contact_card,
    location_request_message,
    shorten,
    split_text,
    text_message,
)
from bot.rasa.channels.whatsapp.output import WhatsAppOutput
from bot.rasa.channels.whatsapp.security import (
    SENDER_PREFIX,
    SenderIdCodec,
    sign_body,
    signature_is_valid,
)
from bot.rasa.channels.whatsapp.settings import WhatsAppSettings, parse_gemeenten
from bot.rasa.channels.whatsapp.texts import ChannelTexts, channel_texts, conversation_language

__all__ = [
    "CHANNEL_NAME",
    "ChannelTexts",
    "ChoiceMemory",
    "DEDUP_RETENTION_SECONDS",
    "DEFAULT_API_URL",
    "ENTITY_LATITUDE",
    "ENTITY_LONGITUDE",
    "ENV_ACCESS_TOKEN",
    "ENV_API_URL",
    "ENV_APP_SECRET",
    "ENV_GEMEENTEN",
    "ENV_PHONE_NUMBER_ID",
    "ENV_SENDER_KEY",
    "ENV_VERIFY_TOKEN",
    "GraphApiClient",
    "IncomingMessage",
    "MAX_BODY_BYTES",
    "MAX_BUTTON_ID",
    "MAX_BUTTON_TITLE",
    "MAX_INTERACTIVE_BODY",
    "MAX_LIST_BUTTON",
    "MAX_LIST_ROWS",
    "MAX_REPLY_BUTTONS",
    "MAX_ROW_DESCRIPTION",
    "MAX_ROW_ID",
    "MAX_ROW_TITLE",
    "MAX_SECTION_TITLE",
    "MAX_TEXT_LENGTH",
    "MEDIA_TYPES",
    "MalformedPayload",
    "ProcessedMessageStore",
    "SENDER_PREFIX",
    "SILENT_PAYLOADS",
    "SLOT_LANGUAGE",
    "SenderIdCodec",
    "WhatsAppInput",
    "WhatsAppOutput",
    "WhatsAppSettings",
    "button_messages",
    "channel_texts",
    "conversation_language",
    "format_contact_card",
    "location_message",
    "location_request_message",
    "parse_gemeenten",
    "parse_message",
    "parse_webhook",
    "processed_message_table",
    "shorten",
    "sign_body",
    "signature_is_valid",
    "split_text",
    "text_message",
]
