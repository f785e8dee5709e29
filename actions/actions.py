"""Rasa custom actions: translate between the conversation tracker and bot/.

The actions read the tracker, ask bot/ (the decisions: bot/core/conversation.py and
bot/directory/conversation.py; the texts: bot/core/replies.py) and send what it answers.
"""

from __future__ import annotations

import abc
import functools
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.core import replies
from bot.core.cards import Area, ContactCard, LocationResult, RoleInfo
from bot.core.constants import (
    DEFAULT_LANGUAGE,
    INTENT_INFORM_LOCATION,
    PAYLOAD_CONTACT_CARD,
    PAYLOAD_EXPLAIN,
    PAYLOAD_LOCATION,
    PAYLOAD_ROUTE,
    SLOT_AREA_CODE,
    SLOT_GEMEENTE_CODE,
    SLOT_GLOSSED_ROLES,
    SLOT_LANGUAGE,
    SLOT_LOCATION,
    SLOT_LOCATION_ATTEMPTS,
    SLOT_LOCATION_NEEDED,
    SLOT_LOCATION_OPTIONS,
    SLOT_LOCATION_STATUS,
    SLOT_ROLE,
    SLOT_SESSION_STARTED_METADATA,
    SLOT_TOPIC,
    STATUS_FOUND,
    STATUS_OUTSIDE,
    STATUS_UNKNOWN,
)
from bot.core.conversation import (
    MAX_LOCATION_ATTEMPTS,
    conversation_language,
    found_slots,
    glossed,
    location_mentions,
    pin,
    place_gemeente,
    remembered_area,
    role_payload,
    still_asking_location,
)
from bot.core.topics import top_topics, topic_labels
from bot.directory import ContactDirectory
from bot.directory.conversation import (
    card_payload,
    gemeente_to_mention,
    is_new_question,
    locate_in_message,
    precise_enough,
    question_role,
    resolve,
    roles_to_explain,
    routed_role,
    serving_gemeente,
)


@functools.lru_cache(maxsize=1)
def shared_directory() -> ContactDirectory:
    """One directory per action-server process, so its name index is cached between calls."""
    return ContactDirectory()


class DirectoryAction(Action, abc.ABC):
    """Base for actions that use the neighbourhood directory (injected in tests)."""

    def __init__(self, directory: ContactDirectory | None = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> ContactDirectory:
        return self._directory or shared_directory()

    @abc.abstractmethod
    def name(self) -> str: ...


def _latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _entities(tracker: Tracker) -> list[dict[str, Any]]:
    return tracker.latest_message.get("entities") or []


def _pin(tracker: Tracker) -> tuple[float, float] | None:
    return pin(_entities(tracker))


def language(tracker: Tracker) -> str:
    """The conversation's language ("nl" or "en"): every text the resident reads is in it."""
    return conversation_language(tracker.get_slot(SLOT_LANGUAGE))


def _metadata(tracker: Tracker) -> list[object]:
    """Where the serving municipality may be: the message's metadata, the session start's."""
    return [
        tracker.latest_message.get("metadata"),
        tracker.get_slot(SLOT_SESSION_STARTED_METADATA),
    ]


def _serving(directory: ContactDirectory, tracker: Tracker) -> str | None:
    return serving_gemeente(directory, _metadata(tracker))


def current_gemeente(directory: ContactDirectory, tracker: Tracker) -> str | None:
    """Whose routing table and role texts apply: where the resident lives, once known."""
    return tracker.get_slot(SLOT_GEMEENTE_CODE) or _serving(directory, tracker)


def _resolve(
    directory: ContactDirectory, tracker: Tracker, text: str, *, expecting: bool
) -> LocationResult:
    return resolve(
        directory, text, expecting=expecting, pin=_pin(tracker), metadata=_metadata(tracker)
    )


def give_card(
    dispatcher: CollectingDispatcher,
    directory: ContactDirectory,
    tracker: Tracker,
    role: RoleInfo,
    area: Area,
    remembered: bool = False,
) -> None:
    """The contact card for `role` in `area`, or what to do when nobody is listed there.

    `remembered`: the area comes from earlier in the conversation, not from this message;
    the card then says which place it is for, with a button to give another address.
    """
    gemeente_code = area.gemeente_code or current_gemeente(directory, tracker)
    card = directory.find_contacts(role.code, area.code)
    if card is None or not card.contacts:
        gemeente = directory.gemeente(gemeente_code)
        text = replies.no_contact_text(role, area.name, gemeente, language=language(tracker))
        dispatcher.utter_message(text=text)
        return
    mention = gemeente_to_mention(
        directory, _serving(directory, tracker), gemeente_code or card.area.gemeente_code
    )
    send_card(
        dispatcher, role, card, mention, directory, area if remembered else None, language(tracker)
    )


def first_mention(tracker: Tracker, role: RoleInfo, lang: str, slots: dict[str, Any]) -> bool:
    """Whether `role` is named for the first time with its English gloss now; if so, it is
    added to the `glossed_roles` slot in `slots` (updated in place), so it is said once."""
    if not replies.has_gloss(role, lang):
        return False
    done = glossed(slots.get(SLOT_GLOSSED_ROLES, tracker.get_slot(SLOT_GLOSSED_ROLES)))
    if role.code in done:
        return False
    slots[SLOT_GLOSSED_ROLES] = [*done, role.code]
    return True


def slot_events(values: dict[str, Any]) -> list[EventType]:
    return [SlotSet(key, value) for key, value in values.items()]


def location_buttons(options: list[str]) -> list[dict[str, str]]:
    return [{"title": name, "payload": name} for name in options[:10]]


def option_names(directory: ContactDirectory, result: LocationResult) -> list[str]:
    return directory.option_labels(result.options)


class ActionRouteQuestion(DirectoryAction):
    """Answers a routed question in one step where it can: names the professional and,
    when the place is known (in this message or remembered), gives the local contact card.

    Sets `location_needed`: true only when the location form must still ask where the
    resident lives; the rules branch on it, so a question with its place costs one call.
    """

    def name(self) -> str:
        return "action_route_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = _latest_intent(tracker) or ""
        text = _latest_text(tracker)
        # A place in the question decides whose routing table applies, so it is read first.
        located = locate_in_message(
            self.directory,
            text,
            location_mentions(_entities(tracker)),
            pin=_pin(tracker),
            metadata=_metadata(tracker),
        )
        gemeente_code = place_gemeente(located)
        if gemeente_code is None:
            gemeente_code = current_gemeente(self.directory, tracker)
        role = question_role(self.directory, topic, text, gemeente_code)
        if role is None:
            dispatcher.utter_message(response="utter_which_role")
            return slot_events({SLOT_ROLE: None, SLOT_TOPIC: topic, SLOT_LOCATION_NEEDED: False})

        lang = language(tracker)
        slots: dict[str, Any] = {
            SLOT_ROLE: role.code,
            SLOT_TOPIC: topic,
            SLOT_LOCATION_ATTEMPTS: 0,
            SLOT_LOCATION_STATUS: STATUS_FOUND if tracker.get_slot(SLOT_AREA_CODE) else None,
            SLOT_LOCATION_NEEDED: False,
        }
        gloss = first_mention(tracker, role, lang, slots)
        dispatcher.utter_message(
            text=replies.route_text(role, lang, gloss=gloss),
            buttons=replies.explain_buttons(role, lang),
            json_message={PAYLOAD_ROUTE: role_payload(role, {"role": role.code, "topic": topic})},
        )
        if not role.needs_location:
            gemeente = self.directory.gemeente(gemeente_code)
            dispatcher.utter_message(text=replies.general_route_text(role.code, gemeente, lang))
            return slot_events(slots)
        slots.update(self._answer_for_place(dispatcher, tracker, located, role))
        return slot_events(slots)

    def _answer_for_place(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        result: LocationResult,
        role: RoleInfo,
    ) -> dict[str, Any]:
        """The card for the place in the question, else for the remembered place, else ask."""
        result = precise_enough(self.directory, role.code, result)
        lang = language(tracker)
        if result.status != STATUS_UNKNOWN:
            dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        elif result.postcode_not_found:  # named, and the form asks again right after this
            dispatcher.utter_message(
                text=replies.location_problem_text(result, [], asked_again=True, language=lang),
                json_message={PAYLOAD_LOCATION: result.to_payload()},
            )
        if result.status == STATUS_FOUND:
            assert result.area is not None
            give_card(dispatcher, self.directory, tracker, role, result.area)
            return found_slots(result)
        if result.status == STATUS_OUTSIDE:
            dispatcher.utter_message(text=self._problem_text(result, lang))
            return {SLOT_LOCATION_STATUS: STATUS_OUTSIDE}
        if result.status == STATUS_UNKNOWN and not result.postcode_not_found:
            remembered = remembered_area(tracker.slots)
            if remembered is not None:
                give_card(dispatcher, self.directory, tracker, role, remembered, remembered=True)
                return {}
        # Ambiguous (the form offers the options) or no place yet: the form asks. A
        # remembered place is cleared, or the form would take it as the answer.
        slots: dict[str, Any] = {
            SLOT_LOCATION_NEEDED: True,
            SLOT_LOCATION_OPTIONS: option_names(self.directory, result) or None,
        }
        if tracker.get_slot(SLOT_LOCATION) is not None:
            slots[SLOT_LOCATION] = None
        return slots

    def _problem_text(self, result: LocationResult, lang: str) -> str:
        return replies.location_problem_text(result, self.directory.gemeente_names(), language=lang)


class ValidateLocationForm(FormValidationAction):
    """Resolves the resident's answer to "where do you live?" and decides when to stop asking."""

    def __init__(self, directory: ContactDirectory | None = None) -> None:
        self._directory = directory

    @property
    def directory(self) -> ContactDirectory:
        return self._directory or shared_directory()

    def name(self) -> str:
        return "validate_location_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        role_code = tracker.get_slot(SLOT_ROLE)
        role = self.directory.role(role_code) if role_code else None
        status = tracker.get_slot(SLOT_LOCATION_STATUS)
        attempts = tracker.get_slot(SLOT_LOCATION_ATTEMPTS) or 0
        return domain_slots if still_asking_location(role, status, attempts) else []

    async def extract_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Read the answer to "where do you live?", unless the resident asked something new.

        A confident new question (or an emergency) is left unread, so the form steps
        aside and the rules answer it; anything else counts as an attempt at an address.
        """
        if tracker.get_slot("requested_slot") != SLOT_LOCATION:
            return {}
        intent = tracker.latest_message.get("intent") or {}
        confidence = intent.get("confidence") or 0.0
        text = _latest_text(tracker)
        if is_new_question(self.directory, intent.get("name"), confidence, text, pin=_pin(tracker)):
            return {}
        return {SLOT_LOCATION: text}

    async def validate_location(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        # Cleared by action_route_question so that the form asks: nothing to check yet.
        if slot_value is None:
            return {SLOT_LOCATION: None}
        # A location resolved earlier in the conversation is prefilled: keep it quietly.
        if slot_value == tracker.get_slot(SLOT_LOCATION) and tracker.get_slot(SLOT_AREA_CODE):
            return {SLOT_LOCATION: slot_value}
        text = slot_value if isinstance(slot_value, str) else ""
        result = _resolve(self.directory, tracker, text, expecting=True)
        result = precise_enough(self.directory, tracker.get_slot(SLOT_ROLE), result)
        dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        if result.status == STATUS_FOUND:
            return found_slots(result)

        # Only an unrecognised answer uses up a chance; choosing between buurten does not.
        attempts = int(tracker.get_slot(SLOT_LOCATION_ATTEMPTS) or 0)
        attempts += result.status == STATUS_UNKNOWN
        lang = language(tracker)
        if result.status == STATUS_OUTSIDE:
            names = self.directory.gemeente_names()
            text = replies.location_problem_text(result, names, language=lang)
        elif attempts >= MAX_LOCATION_ATTEMPTS:
            gemeente = self.directory.gemeente(current_gemeente(self.directory, tracker))
            text = replies.location_given_up_text(gemeente, lang)
        elif result.options:
            text = ""  # action_ask_location offers the options next
        else:
            text = replies.location_problem_text(result, [], asked_again=True, language=lang)
        if text:
            dispatcher.utter_message(text=text)
        return {
            SLOT_LOCATION: None,
            SLOT_LOCATION_STATUS: result.status,
            SLOT_LOCATION_ATTEMPTS: attempts,
            SLOT_LOCATION_OPTIONS: option_names(self.directory, result) or None,
        }


class ActionAskLocation(Action):
    """Asks where the resident lives; after an ambiguous answer, offers the buurten to choose."""

    def name(self) -> str:
        return "action_ask_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        options = tracker.get_slot(SLOT_LOCATION_OPTIONS) or []
        if options:
            dispatcher.utter_message(
                text=replies.choose_buurt_text(language(tracker)), buttons=location_buttons(options)
            )
        else:
            dispatcher.utter_message(response="utter_ask_location")
        return []


class ActionGiveContact(DirectoryAction):
    """Sends the contact card for the routed role in the resident's area."""

    def name(self) -> str:
        return "action_give_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        gemeente_code = current_gemeente(self.directory, tracker)
        role = routed_role(
            self.directory, tracker.get_slot(SLOT_TOPIC), tracker.get_slot(SLOT_ROLE), gemeente_code
        )
        if role is None:
            return []
        # Routed again for the municipality where the resident lives: its table may differ.
        events: list[EventType] = []
        if role.code != tracker.get_slot(SLOT_ROLE):
            events.append(SlotSet(SLOT_ROLE, role.code))
        gemeente = self.directory.gemeente(gemeente_code)
        if not role.needs_location:
            text = replies.general_route_text(role.code, gemeente, language(tracker))
            dispatcher.utter_message(text=text)
            return events
        area = remembered_area(tracker.slots)
        if tracker.get_slot(SLOT_LOCATION_STATUS) != STATUS_FOUND or area is None:
            return events
        give_card(dispatcher, self.directory, tracker, role, area)
        return events


def send_card(
    dispatcher: CollectingDispatcher,
    role: RoleInfo,
    card: ContactCard,
    gemeente_name: str | None,
    directory: ContactDirectory,
    remembered: Area | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> None:
    """The contact card, then the question whether it helped (feeds the staff's inbox).

    `gemeente_name`: the municipality, when the resident lives in another one than the
    channel serves (`gemeente_to_mention`).
    """
    payload = card_payload(directory, role, card, lang)
    dispatcher.utter_message(
        text=replies.contact_text(role, card, gemeente_name, remembered, lang) or None,
        buttons=replies.other_address_buttons(lang) if remembered else None,
        json_message={PAYLOAD_CONTACT_CARD: payload},
    )
    # The hand-over: this person can make contact instead (actions/callback.py).
    dispatcher.utter_message(
        response="utter_callback_offer",
        role_name=replies.role_name(role, lang),
        buttons=replies.callback_buttons(role, lang),
    )
    dispatcher.utter_message(response="utter_ask_feedback")


class ActionSetLocation(DirectoryAction):
    """The resident tells (or changes) where they live outside the form."""

    def name(self) -> str:
        return "action_set_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if _latest_text(tracker).strip() == f"/{INTENT_INFORM_LOCATION}" and _pin(tracker) is None:
            # The "Ander adres" button: ask for the new place; the answer comes back here.
            dispatcher.utter_message(response="utter_ask_location")
            return []
        result = _resolve(self.directory, tracker, _latest_text(tracker), expecting=True)
        dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        lang = language(tracker)
        if result.status != STATUS_FOUND:
            buttons = location_buttons(option_names(self.directory, result))
            names = self.directory.gemeente_names()
            dispatcher.utter_message(
                text=replies.location_problem_text(result, names, language=lang),
                buttons=buttons,
            )
            return []
        slots = found_slots(result)
        assert result.area is not None
        gemeente_code = result.area.gemeente_code
        role = routed_role(
            self.directory, tracker.get_slot(SLOT_TOPIC), tracker.get_slot(SLOT_ROLE), gemeente_code
        )
        card = (
            self.directory.find_contacts(role.code, result.area.code)
            if role is not None and role.needs_location
            else None
        )
        if role is not None and card is not None and card.contacts:
            # Answer the last question again, now for the new place (and its municipality).
            slots[SLOT_ROLE] = role.code
            mention = gemeente_to_mention(
                self.directory, _serving(self.directory, tracker), gemeente_code
            )
            send_card(dispatcher, role, card, mention, self.directory, lang=lang)
        else:
            dispatcher.utter_message(text=replies.location_saved_text(result, lang))
        return slot_events(slots)


class ActionExplainRoles(DirectoryAction):
    """Explains one professional, compares two, or gives the overview of who is who."""

    def name(self) -> str:
        return "action_explain_roles"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        gemeente_code = current_gemeente(self.directory, tracker)
        roles = roles_to_explain(
            self.directory, _latest_intent(tracker), _latest_text(tracker), gemeente_code
        )
        if not roles:
            dispatcher.utter_message(response="utter_which_role")
            return []
        lang = language(tracker)
        dispatcher.utter_message(
            text=replies.explain_text(roles, lang),
            buttons=replies.contact_buttons(roles, lang) if len(roles) <= 2 else None,
            json_message={PAYLOAD_EXPLAIN: {"roles": [role.code for role in roles]}},
        )
        # An explained role needs no gloss any more when it is named later.
        slots: dict[str, Any] = {}
        for role in roles:
            first_mention(tracker, role, lang, slots)
        return slot_events(slots)


class ActionDefaultAskAffirmation(DirectoryAction):
    """Two-stage fallback: offers the most likely topics as buttons instead of guessing.

    A place in the unclear message is remembered quietly, so the topic the resident then
    chooses is answered for it at once.
    """

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topics = top_topics(tracker.latest_message.get("intent_ranking") or [])
        lang = language(tracker)
        dispatcher.utter_message(
            text=replies.unsure_text(lang),
            buttons=replies.topic_buttons(topics, topic_labels(lang), lang),
        )
        if not location_mentions(_entities(tracker)):
            return []
        located = _resolve(self.directory, tracker, _latest_text(tracker), expecting=False)
        if located.status != STATUS_FOUND:
            return []
        return slot_events(found_slots(located))
