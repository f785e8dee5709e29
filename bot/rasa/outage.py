"""What a resident reads when a part of Wijkwijzer is down: a calm Dutch message and a payload.

Every channel sends one of these instead of a stack trace or silence: the Rasa server when
an action fails or is too slow (bot/rasa/server.py), the action server when the
neighbourhood database is down (actions/server.py), and the REST and WhatsApp channels when
the message could not be handled at all. The `unavailable` payload lets the widget and tests
tell these answers apart without reading the Dutch text.
"""

from __future__ import annotations

from typing import Any, Final

from bot.core import texts
from bot.core.texts import DEFAULT_LANGUAGE, say

PAYLOAD_UNAVAILABLE: Final = "unavailable"

REASON_ACTIONS: Final = "actions"  # the action server cannot be reached, or failed
REASON_SLOW: Final = "slow"  # the action server did not answer in time
REASON_DATABASE: Final = "database"  # the neighbourhood database is down
REASON_PROCESSING: Final = "processing"  # the Rasa server could not handle the message


def _text(reason: str, language: str = DEFAULT_LANGUAGE) -> str:
    # Every message ends with the way to 112: an outage must never hide an emergency.
    urgent = say("outage.urgent", language)
    if reason == REASON_PROCESSING:
        return f"{say('outage.processing', language)} {urgent}"
    return f"{say('outage.' + reason, language)} {say('outage.try_again', language)} {urgent}"


TEXTS: Final = {
    reason: _text(reason)
    for reason in (REASON_ACTIONS, REASON_SLOW, REASON_DATABASE, REASON_PROCESSING)
}


def outage_text(reason: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The text for `reason` in `language`; Dutch for a language without texts."""
    reason = reason if reason in TEXTS else REASON_PROCESSING
    if language == DEFAULT_LANGUAGE or language not in texts.LANGUAGES:
        return TEXTS[reason]
    return _text(reason, language)


def outage_payload(reason: str) -> dict[str, Any]:
    return {PAYLOAD_UNAVAILABLE: {"reason": reason}}


def outage_message(reason: str) -> dict[str, Any]:
    """A bot message as Rasa's output channels take it: Dutch text plus the payload."""
    return {"text": outage_text(reason), "custom": outage_payload(reason)}


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
