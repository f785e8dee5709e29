"""Rasa custom actions of the conversation's language: its start, and other languages."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import DirectoryAction, current_gemeente
from bot.core import replies
from bot.core.constants import (
    ENTITY_FOREIGN_LANGUAGE,
    PAYLOAD_FOREIGN_LANGUAGE,
    SLOT_LANGUAGE,
    SLOT_SESSION_STARTED_METADATA,
)
from bot.core.conversation import language_from_metadata
from bot.core.texts import LANGUAGES, OTHER_LANGUAGE_FALLBACK, OTHER_LANGUAGES


def _carries_over(domain: DomainDict) -> bool:
    config = domain.get("session_config") or {}
    return bool(config.get("carry_over_slots_to_new_session", True))


def _slot_events_of_last_session(tracker: Tracker) -> list[EventType]:
    """As rasa.core.actions.action.ActionSessionStart: the slot events applied since the last
    session start (which carried over the ones before), in order, so later values win.
    rasa-sdk's applied_events() does not start again at a session start; Rasa's does."""
    found: list[EventType] = []
    for event in tracker.applied_events():
        if event.get("event") == "session_started":
            found = []
        elif event.get("event") == "slot":
            found.append(SlotSet(event["name"], event.get("value")))
    return found


class ActionSessionStart(Action):
    """Rasa's own session start (the slots carried over as domain.yml's session_config
    says), and the starting language from the channel's metadata (`{"language": "en"}`:
    the widget sends its page's language).

    The metadata slot itself is always kept: the actions read the serving municipality
    from it all session long, also when slots are not carried over.
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        if _carries_over(domain):
            events += _slot_events_of_last_session(tracker)
        metadata = tracker.get_slot(SLOT_SESSION_STARTED_METADATA)
        if metadata:
            events.append(SlotSet(SLOT_SESSION_STARTED_METADATA, metadata))
        start = language_from_metadata(metadata)
        if start is not None:
            events.append(SlotSet(SLOT_LANGUAGE, start))
        events.append(ActionExecuted("action_listen"))
        return events


def foreign_language(entities: list[dict[str, Any]]) -> str:
    """The language to answer a message in a language we do not serve: the detected one when
    we have a text for it, else English."""
    for entity in entities:
        if entity.get("entity") == ENTITY_FOREIGN_LANGUAGE and isinstance(entity.get("value"), str):
            code = entity["value"].strip().lower()[:2]
            if code in OTHER_LANGUAGES or code in LANGUAGES:
                return code
    return OTHER_LANGUAGE_FALLBACK


class ActionAnswerOtherLanguage(DirectoryAction):
    """A message in a language we do not serve: one short fixed text in that language (we
    help in Dutch or English, and the municipality's general number). Never a route, and
    the conversation's language stays as it was."""

    def name(self) -> str:
        return "action_answer_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = foreign_language(tracker.latest_message.get("entities") or [])
        gemeente = self.directory.gemeente(current_gemeente(self.directory, tracker))
        phone = gemeente.phone if gemeente is not None else ""
        dispatcher.utter_message(
            text=replies.other_language_text(code, phone),
            json_message={PAYLOAD_FOREIGN_LANGUAGE: {"code": code}},
        )
        return []
