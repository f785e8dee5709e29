"""What a resident reads when a part of Wijkwijzer is down: a calm message and a payload.

Every channel sends one of these instead of a stack trace or silence: the Rasa server when
an action fails or is too slow (bot/rasa/server.py), the action server when the
neighbourhood database is down (actions/server.py), and the REST and WhatsApp channels when
the message could not be handled at all. The `unavailable` payload lets the widget and tests
tell these answers apart without reading the text. The message is in the conversation's
language where the sender knows it (the `language` slot), else Dutch.
"""

from __future__ import annotations

from typing import Any, Final

from bot.core.texts import DEFAULT_LANGUAGE, LANGUAGES, say

PAYLOAD_UNAVAILABLE: Final = "unavailable"

REASON_ACTIONS: Final = "actions"  # the action server cannot be reached, or failed
REASON_SLOW: Final = "slow"  # the action server did not answer in time
REASON_DATABASE: Final = "database"  # the neighbourhood database is down
REASON_PROCESSING: Final = "processing"  # the Rasa server could not handle the message


REASONS: Final = (REASON_ACTIONS, REASON_SLOW, REASON_DATABASE, REASON_PROCESSING)


def _text(reason: str, language: str = DEFAULT_LANGUAGE) -> str:
    # Every message ends with the way to 112: an outage must never hide an emergency.
    urgent = say("outage.urgent", language)
    if reason == REASON_PROCESSING:
        return f"{say('outage.processing', language)} {urgent}"
    return f"{say('outage.' + reason, language)} {say('outage.try_again', language)} {urgent}"


# Per language (bot/core/texts.LANGUAGES) and reason; TEXTS: the Dutch ones.
TEXTS_BY_LANGUAGE: Final = {
    language: {reason: _text(reason, language) for reason in REASONS} for language in LANGUAGES
}
TEXTS: Final = TEXTS_BY_LANGUAGE[DEFAULT_LANGUAGE]


def outage_text(reason: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The message for `reason` in the conversation's `language` (Dutch when unknown)."""
    texts = TEXTS_BY_LANGUAGE.get(language, TEXTS)
    return texts.get(reason, texts[REASON_PROCESSING])


def outage_payload(reason: str) -> dict[str, Any]:
    return {PAYLOAD_UNAVAILABLE: {"reason": reason}}


def outage_message(reason: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A bot message as Rasa's output channels take it: the text plus the payload."""
    return {"text": outage_text(reason, language), "custom": outage_payload(reason)}


def is_database_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) means the database cannot be reached or used now.

    Here, so that the action server can tell without importing SQLAlchemy itself.
    """
    from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    unavailable = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, unavailable):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
