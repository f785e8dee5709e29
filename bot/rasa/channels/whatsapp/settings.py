"""The WhatsApp channel's settings: credentials.yml entry and environment."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.rasa.channels.whatsapp.constants import (
    DEFAULT_API_URL,
    ENV_ACCESS_TOKEN,
    ENV_APP_SECRET,
    ENV_PHONE_NUMBER_ID,
    ENV_VERIFY_TOKEN,
)
from bot.settings import settings as app_settings

logger = logging.getLogger(__name__)


def parse_gemeenten(value: str) -> tuple[tuple[str, str], ...]:
    """'111:GM0344, 222:Rivierstad' -> (('111', 'GM0344'), ('222', 'Rivierstad')); a value
    without a colon is the municipality of every number."""
    pairs = []
    for item in value.split(","):
        number, _, gemeente = item.strip().rpartition(":")
        if gemeente.strip():
            pairs.append((number.strip(), gemeente.strip()))
    return tuple(pairs)


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
            sender_key=text("sender_key") or app_settings().whatsapp_sender_key,
            gemeenten=parse_gemeenten(text("gemeenten") or app_settings().whatsapp_gemeenten),
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
