"""Rasa custom actions: translate between the conversation tracker and bot/'s directory."""

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
    CARD_GEMEENTE,
    DEFAULT_TOPIC_ROUTES,
    ENTITY_LOCATION,
    INTENT_ASK_ROLE_CONTACT,
    INTENT_EMERGENCY,
    INTENT_EXPLAIN_ALL_ROLES,
    INTENT_INFORM_LOCATION,
    METADATA_GEMEENTE,
    PAYLOAD_CONTACT_CARD,
    PAYLOAD_EXPLAIN,
    PAYLOAD_LOCATION,
    PAYLOAD_ROLE_NAME,
    PAYLOAD_ROUTE,
    QUESTION_INTENTS,
    SLOT_AREA_CODE,
    SLOT_AREA_LEVEL,
    SLOT_AREA_NAME,
    SLOT_GEMEENTE_CODE,
    SLOT_LOCATION,
    SLOT_LOCATION_ATTEMPTS,
    SLOT_LOCATION_NEEDED,
    SLOT_LOCATION_OPTIONS,
    SLOT_LOCATION_STATUS,
    SLOT_ROLE,
    SLOT_SESSION_STARTED_METADATA,
    SLOT_TOPIC,
    STATUS_AMBIGUOUS,
    STATUS_FOUND,
    STATUS_OUTSIDE,
    STATUS_UNKNOWN,
)
from bot.core.location_mentions import question_place
from bot.core.roles import ROLES_BY_CODE, find_role_mentions
from bot.core.topics import TOPIC_LABELS, top_topics
from bot.directory import ContactDirectory

# An unrecognised answer gets one more chance; then the bot gives the general number.
MAX_LOCATION_ATTEMPTS = 2
# A new question asked instead of an address is taken as a question from this confidence.
NEW_QUESTION_CONFIDENCE = 0.7


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


def _pin(tracker: Tracker) -> tuple[float, float] | None:
    """A shared location pin (WhatsApp) arrives as latitude/longitude entities."""
    values = {
        entity.get("entity"): entity.get("value")
        for entity in tracker.latest_message.get("entities") or []
    }
    try:
        return float(values["latitude"]), float(values["longitude"])
    except (KeyError, TypeError, ValueError):
        return None


def serving_gemeente(directory: ContactDirectory, tracker: Tracker) -> str | None:
    """The municipality the channel serves: the widget's setting or the WhatsApp number's,
    sent with each message (or with the first of the session); in a deployment for one
    municipality, that one."""
    candidates = [
        tracker.latest_message.get("metadata"),
        tracker.get_slot(SLOT_SESSION_STARTED_METADATA),
    ]
    for metadata in candidates:
        if isinstance(metadata, dict) and metadata.get(METADATA_GEMEENTE):
            area = directory.find_gemeente(metadata[METADATA_GEMEENTE])
            if area is not None:
                return area.code
    only = directory.gemeente(None)
    return (only.code or None) if only is not None else None


def current_gemeente(directory: ContactDirectory, tracker: Tracker) -> str | None:
    """Whose routing table and role texts apply: where the resident lives, once known."""
    return tracker.get_slot(SLOT_GEMEENTE_CODE) or serving_gemeente(directory, tracker)


def resolve(
    directory: ContactDirectory, tracker: Tracker, text: str, *, expecting: bool
) -> LocationResult:
    pin = _pin(tracker)
    if pin is not None:
        return directory.resolve_point(*pin)
    return directory.resolve_location(
        text, expecting=expecting, prefer_gemeente=serving_gemeente(directory, tracker)
    )


def _location_mentions(tracker: Tracker) -> list[str]:
    """The places the NLU pipeline found in the latest message (bot/rasa/nlu/location_finder.py)."""
    return [
        str(entity.get("value"))
        for entity in tracker.latest_message.get("entities") or []
        if entity.get("entity") == ENTITY_LOCATION and entity.get("value")
    ]


def locate_in_message(directory: ContactDirectory, tracker: Tracker, text: str) -> LocationResult:
    """The place a question is about. With two different places in one message ("ik woon
    op X maar het gaat om Y") the one the question is about counts; when the words do
    not tell which, the resident chooses."""
    mentions = _location_mentions(tracker)
    if _pin(tracker) is None and len(mentions) >= 2:
        prefer = serving_gemeente(directory, tracker)
        results = [directory.resolve_location(m, prefer_gemeente=prefer) for m in mentions]
        found = [
            (mention, result)
            for mention, result in zip(mentions, results, strict=True)
            if result.status == STATUS_FOUND and result.area is not None
        ]
        # A place inside another one named with it ("Weidepad 5 in Rivierstad") is one place.
        precise = {
            area.code for area in directory.most_precise([r.area for _, r in found if r.area])
        }
        found = [
            (mention, result)
            for mention, result in found
            if result.area and result.area.code in precise
        ]
        if len({result.area.code for _, result in found if result.area}) >= 2:
            chosen = question_place(text, [mention for mention, _ in found])
            if chosen is not None:
                return found[chosen][1]
            areas = tuple(result.area for _, result in found if result.area)
            return LocationResult(STATUS_AMBIGUOUS, text[:80], None, areas)
        if len(found) == 1:
            return found[0][1]
    return resolve(directory, tracker, text, expecting=False)


def remembered_area(directory: ContactDirectory, tracker: Tracker) -> Area | None:
    """The area found earlier in the conversation, if any."""
    code = tracker.get_slot(SLOT_AREA_CODE)
    if not code or tracker.get_slot(SLOT_LOCATION_STATUS) == STATUS_OUTSIDE:
        return None
    return Area(
        code=code,
        name=tracker.get_slot(SLOT_AREA_NAME) or code,
        level=tracker.get_slot(SLOT_AREA_LEVEL) or "buurt",
        gemeente_code=tracker.get_slot(SLOT_GEMEENTE_CODE) or "",
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
        dispatcher.utter_message(text=replies.no_contact_text(role, area.name, gemeente))
        return
    send_card(
        dispatcher,
        role,
        card,
        gemeente_to_mention(directory, tracker, gemeente_code or card.area.gemeente_code),
        directory,
        area if remembered else None,
    )


def routed_role(
    directory: ContactDirectory, tracker: Tracker, gemeente_code: str | None
) -> RoleInfo | None:
    """The role for the conversation's topic in this municipality (its table, its texts).

    A topic routed by the table is routed again where the resident turns out to live; a
    role the resident named keeps its code.
    """
    topic = tracker.get_slot(SLOT_TOPIC)
    role_code = tracker.get_slot(SLOT_ROLE)
    if topic in DEFAULT_TOPIC_ROUTES:
        role_code = directory.role_for_topic(topic, gemeente_code) or role_code
    return directory.role(role_code, gemeente_code) if role_code else None


def gemeente_to_mention(
    directory: ContactDirectory, tracker: Tracker, gemeente_code: str
) -> str | None:
    """The municipality's name when the resident should be told it: another municipality
    than the one the channel serves, or any one when a deployment serves several."""
    serving = serving_gemeente(directory, tracker)
    if serving == gemeente_code or (serving is None and directory.gemeente_count() <= 1):
        return None
    gemeente = directory.gemeente(gemeente_code)
    return gemeente.name if gemeente is not None else None


def found_slots(result: LocationResult) -> dict[str, Any]:
    assert result.area is not None
    return {
        SLOT_LOCATION: result.query or result.area.name,
        SLOT_LOCATION_STATUS: STATUS_FOUND,
        SLOT_LOCATION_ATTEMPTS: 0,
        SLOT_LOCATION_OPTIONS: None,
        SLOT_AREA_CODE: result.area.code,
        SLOT_AREA_NAME: result.area.name,
        SLOT_AREA_LEVEL: result.area.level,
        SLOT_GEMEENTE_CODE: result.area.gemeente_code,
    }


def precise_enough(
    directory: ContactDirectory, role_code: str | None, result: LocationResult
) -> LocationResult:
    """A found wijk or gemeente without contacts of its own for the role is too coarse:
    the resident is asked for a postcode instead of getting no card."""
    if result.status != STATUS_FOUND or result.area is None or not role_code:
        return result
    if result.area.level == "buurt" or directory.find_contacts(role_code, result.area.code):
        return result
    return LocationResult(STATUS_AMBIGUOUS, result.query)


def role_payload(role: RoleInfo, payload: dict[str, Any]) -> dict[str, Any]:
    """A payload with the role's own name added when the municipality renamed the role."""
    default = ROLES_BY_CODE.get(role.code)
    if default is not None and default.name != role.name:
        payload[PAYLOAD_ROLE_NAME] = role.name
    return payload


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
        located = locate_in_message(self.directory, tracker, text)
        gemeente_code = (
            located.area.gemeente_code
            if located.status == STATUS_FOUND and located.area is not None
            else current_gemeente(self.directory, tracker)
        )
        if topic == INTENT_ASK_ROLE_CONTACT:
            mentions = find_role_mentions(text)
            role_code = mentions[0] if mentions else None
        else:
            role_code = self.directory.role_for_topic(topic, gemeente_code)
        role = self.directory.role(role_code, gemeente_code) if role_code else None
        if role is None:
            dispatcher.utter_message(response="utter_which_role")
            return slot_events({SLOT_ROLE: None, SLOT_TOPIC: topic, SLOT_LOCATION_NEEDED: False})

        dispatcher.utter_message(
            text=replies.route_text(role),
            buttons=replies.explain_buttons(role),
            json_message={PAYLOAD_ROUTE: role_payload(role, {"role": role.code, "topic": topic})},
        )
        slots: dict[str, Any] = {
            SLOT_ROLE: role.code,
            SLOT_TOPIC: topic,
            SLOT_LOCATION_ATTEMPTS: 0,
            SLOT_LOCATION_STATUS: STATUS_FOUND if tracker.get_slot(SLOT_AREA_CODE) else None,
            SLOT_LOCATION_NEEDED: False,
        }
        if not role.needs_location:
            gemeente = self.directory.gemeente(gemeente_code)
            dispatcher.utter_message(text=replies.general_route_text(role.code, gemeente))
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
        if result.status != STATUS_UNKNOWN:
            dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        elif result.postcode_not_found:  # named, and the form asks again right after this
            dispatcher.utter_message(
                text=replies.location_problem_text(result, [], asked_again=True),
                json_message={PAYLOAD_LOCATION: result.to_payload()},
            )
        if result.status == STATUS_FOUND:
            assert result.area is not None
            give_card(dispatcher, self.directory, tracker, role, result.area)
            return found_slots(result)
        if result.status == STATUS_OUTSIDE:
            dispatcher.utter_message(text=self._problem_text(result))
            return {SLOT_LOCATION_STATUS: STATUS_OUTSIDE}
        if result.status == STATUS_UNKNOWN and not result.postcode_not_found:
            remembered = remembered_area(self.directory, tracker)
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

    def _problem_text(self, result: LocationResult) -> str:
        return replies.location_problem_text(result, self.directory.gemeente_names())


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
        if role is None or not role.needs_location:
            return []
        if tracker.get_slot(SLOT_LOCATION_STATUS) == STATUS_OUTSIDE:
            return []
        if (tracker.get_slot(SLOT_LOCATION_ATTEMPTS) or 0) >= MAX_LOCATION_ATTEMPTS:
            return []
        return domain_slots

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
        if intent.get("name") in QUESTION_INTENTS and _pin(tracker) is None:
            looks_like_place = self.directory.resolve_location(_latest_text(tracker))
            confident = (intent.get("confidence") or 0.0) >= NEW_QUESTION_CONFIDENCE
            if looks_like_place.status == STATUS_UNKNOWN and confident:
                return {}
            if intent.get("name") == INTENT_EMERGENCY:
                return {}
        return {SLOT_LOCATION: _latest_text(tracker)}

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
        result = resolve(self.directory, tracker, text, expecting=True)
        result = precise_enough(self.directory, tracker.get_slot(SLOT_ROLE), result)
        dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        if result.status == STATUS_FOUND:
            return found_slots(result)

        # Only an unrecognised answer uses up a chance; choosing between buurten does not.
        attempts = int(tracker.get_slot(SLOT_LOCATION_ATTEMPTS) or 0)
        attempts += result.status == STATUS_UNKNOWN
        if result.status == STATUS_OUTSIDE:
            text = replies.location_problem_text(result, self.directory.gemeente_names())
        elif attempts >= MAX_LOCATION_ATTEMPTS:
            gemeente = self.directory.gemeente(current_gemeente(self.directory, tracker))
            text = replies.location_given_up_text(gemeente)
        elif result.options:
            text = ""  # action_ask_location offers the options next
        else:
            text = replies.location_problem_text(result, [], asked_again=True)
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
                text=replies.choose_buurt_text(), buttons=location_buttons(options)
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
        role = routed_role(self.directory, tracker, gemeente_code)
        if role is None:
            return []
        # Routed again for the municipality where the resident lives: its table may differ.
        events: list[EventType] = []
        if role.code != tracker.get_slot(SLOT_ROLE):
            events.append(SlotSet(SLOT_ROLE, role.code))
        gemeente = self.directory.gemeente(gemeente_code)
        if not role.needs_location:
            dispatcher.utter_message(text=replies.general_route_text(role.code, gemeente))
            return events
        area = remembered_area(self.directory, tracker)
        if tracker.get_slot(SLOT_LOCATION_STATUS) != STATUS_FOUND or area is None:
            return events
        give_card(dispatcher, self.directory, tracker, role, area)
        return events


def send_card(
    dispatcher: CollectingDispatcher,
    role: RoleInfo,
    card: ContactCard,
    gemeente_name: str | None = None,
    directory: ContactDirectory | None = None,
    remembered: Area | None = None,
) -> None:
    """The contact card, then the question whether it helped (feeds the staff's inbox).

    In a deployment for several municipalities the card also names its municipality, in an
    extra key beside `area` (whose shape the contract fixes); the text says it when the
    resident lives in another municipality than the channel serves.
    """
    payload = role_payload(role, card.to_payload())
    if directory is not None and directory.gemeente_count() > 1:
        gemeente = directory.gemeente(card.area.gemeente_code)
        if gemeente is not None:
            payload[CARD_GEMEENTE] = {"code": gemeente.code, "name": gemeente.name}
    dispatcher.utter_message(
        text=replies.contact_text(role, card, gemeente_name, remembered) or None,
        buttons=replies.other_address_buttons() if remembered else None,
        json_message={PAYLOAD_CONTACT_CARD: payload},
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
        result = resolve(self.directory, tracker, _latest_text(tracker), expecting=True)
        dispatcher.utter_message(json_message={PAYLOAD_LOCATION: result.to_payload()})
        if result.status != STATUS_FOUND:
            buttons = location_buttons(option_names(self.directory, result))
            dispatcher.utter_message(
                text=replies.location_problem_text(result, self.directory.gemeente_names()),
                buttons=buttons,
            )
            return []
        slots = found_slots(result)
        assert result.area is not None
        gemeente_code = result.area.gemeente_code
        role = routed_role(self.directory, tracker, gemeente_code)
        card = (
            self.directory.find_contacts(role.code, result.area.code)
            if role is not None and role.needs_location
            else None
        )
        if role is not None and card is not None and card.contacts:
            # Answer the last question again, now for the new place (and its municipality).
            slots[SLOT_ROLE] = role.code
            mention = gemeente_to_mention(self.directory, tracker, gemeente_code)
            send_card(dispatcher, role, card, mention, self.directory)
        else:
            dispatcher.utter_message(text=replies.location_saved_text(result))
        return slot_events(slots)


class ActionExplainRoles(DirectoryAction):
    """Explains one professional, compares two, or gives the overview of who is who."""

    def name(self) -> str:
        return "action_explain_roles"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        mentions = find_role_mentions(_latest_text(tracker))
        gemeente_code = current_gemeente(self.directory, tracker)
        if _latest_intent(tracker) == INTENT_EXPLAIN_ALL_ROLES or not mentions:
            roles = [role for role in self.directory.roles(gemeente_code) if role.needs_location]
        else:
            found = (self.directory.role(code, gemeente_code) for code in mentions[:2])
            roles = [role for role in found if role]
        if not roles:
            dispatcher.utter_message(response="utter_which_role")
            return []
        dispatcher.utter_message(
            text=replies.explain_text(roles),
            buttons=replies.contact_buttons(roles) if len(roles) <= 2 else None,
            json_message={PAYLOAD_EXPLAIN: {"roles": [role.code for role in roles]}},
        )
        return []


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
        buttons = [{"title": TOPIC_LABELS[topic], "payload": f"/{topic}"} for topic in topics]
        buttons.append({"title": "Iets anders", "payload": "/out_of_scope"})
        dispatcher.utter_message(
            text=replies.unsure_text(),
            buttons=buttons,
        )
        if not _location_mentions(tracker):
            return []
        located = resolve(self.directory, tracker, _latest_text(tracker), expecting=False)
        if located.status != STATUS_FOUND:
            return []
        return slot_events(found_slots(located))
