"""Rasa custom actions of the hand-over: consent, the callback form, sending and cancelling."""

from __future__ import annotations

import abc
import functools
import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.actions import (
    current_gemeente,
    language,
    remembered_area,
    role_payload,
    shared_directory,
)
from bot.core import replies
from bot.core.callback import (
    MAX_BEST_TIME_LENGTH,
    MAX_QUESTION_LENGTH,
    PROBLEM_EMAIL,
    PROBLEM_PHONE,
    ContactDetail,
    clean_text,
    find_reference,
    read_contact,
    read_name,
    read_phone,
)
from bot.core.cards import ContactInfo, RoleInfo
from bot.core.constants import (
    CALLBACK_CANCELLED,
    CALLBACK_CONSENT_ASKED,
    CALLBACK_DECLINED,
    CALLBACK_REQUESTED,
    CALLBACK_SLOTS,
    DEFAULT_TOPIC_ROUTES,
    ENTITY_REFERENCE,
    INTENT_ASK_HUMAN,
    INTENT_ASK_ROLE_CONTACT,
    INTENT_EMERGENCY,
    PAYLOAD_CALLBACK,
    PAYLOAD_ROUTE,
    SLOT_CALLBACK_CONFIRMED,
    SLOT_CALLBACK_CONSENT,
    SLOT_CALLBACK_CONTACT,
    SLOT_CALLBACK_NAME,
    SLOT_CALLBACK_QUESTION,
    SLOT_CALLBACK_READY,
    SLOT_CALLBACK_TIME,
    SLOT_LOCATION_NEEDED,
    SLOT_ROLE,
)
from bot.core.retention import parse_retention_days
from bot.core.roles import role_mentions
from bot.core.sealing import SealingError
from bot.core.texts import say
from bot.directory import ContactDirectory
from bot.handover.outbox import CallbackDraft, Professional
from bot.handover.service import CallbackService
from bot.settings import settings

FORM = "callback_form"
WHATSAPP_CHANNEL = "whatsapp"
# What the "Dit WhatsApp-nummer" button sends (in both languages), and what residents type
# for it, in Dutch or English.
THIS_WHATSAPP_NUMBER = frozenset(
    {
        "dit whatsapp-nummer",
        "dit whatsappnummer",
        "dit nummer",
        "this whatsapp number",
        "this whatsapp-number",
        "this number",
    }
)
NO_PREFERENCE = frozenset(
    {
        "maakt niet uit",
        "geen voorkeur",
        "maakt me niet uit",
        "altijd",
        "nee",
        "weet ik niet",
        "any time",
        "anytime",
        "doesn't matter",
        "does not matter",
        "no preference",
        "always",
        "no",
        "i don't know",
    }
)
SLOT_SEAL_PURPOSE = "callback-slot"
QUESTION_INTENTS = frozenset({*DEFAULT_TOPIC_ROUTES, INTENT_ASK_ROLE_CONTACT}) - {INTENT_EMERGENCY}


@functools.lru_cache(maxsize=1)
def shared_service() -> CallbackService:
    """One store and one sender per action-server process."""
    return CallbackService.from_environment()


class CallbackAction(Action, abc.ABC):
    """Base for the hand-over actions; the directory and the service are injected in tests."""

    def __init__(
        self, directory: ContactDirectory | None = None, service: CallbackService | None = None
    ) -> None:
        self._directory = directory
        self._service = service

    @property
    def directory(self) -> ContactDirectory:
        return self._directory or shared_directory()

    @property
    def service(self) -> CallbackService:
        return self._service or shared_service()

    @abc.abstractmethod
    def name(self) -> str: ...


def _entity(tracker: Tracker, name: str) -> str | None:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def receiver_text(contact: ContactInfo) -> str:
    """ "Sanne de Wit (Politie)": the person and organisation who will receive the data."""
    return f"{contact.name} ({contact.organisation})" if contact.organisation else contact.name


def callback_payload(status: str, role_code: str, reference: str = "") -> dict[str, Any]:
    payload: dict[str, Any] = {"status": status, "role": role_code}
    if reference:
        payload["reference"] = reference
    return {PAYLOAD_CALLBACK: payload}


def conversation_question(tracker: Tracker) -> str | None:
    """The resident's own words: the latest question the bot routed in this conversation."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        text = str(event.get("text") or "")
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in QUESTION_INTENTS and text and not text.startswith("/"):
            return clean_text(text, MAX_QUESTION_LENGTH)
    return None


def reset_events(ready: bool = False) -> list[EventType]:
    """Forget every answer of the form, so nothing personal lingers in the slots."""
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS] + [SlotSet(SLOT_CALLBACK_READY, ready)]


def card_contact(
    directory: ContactDirectory, tracker: Tracker, role_code: str
) -> tuple[RoleInfo, Any, ContactInfo] | None:
    """The role, the resident's own area and the first person on that role's card there
    (found at the buurt, else its wijk or gemeente)."""
    role = directory.role(role_code, current_gemeente(directory, tracker))
    area = remembered_area(tracker.slots)
    if role is None or area is None:
        return None
    card = directory.find_contacts(role.code, area.code)
    if card is None or not card.contacts:
        return None
    return role, area, card.contacts[0]


class ActionOfferCallback(CallbackAction):
    """The resident asks to be contacted: starts the form (consent first) for the card's person.

    Sets `callback_ready` (the form starts) and `location_needed` (the location form asks
    first; the card that follows carries the button to ask again).
    """

    def name(self) -> str:
        return "action_offer_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        mentions = role_mentions(text)
        role_code = _entity(tracker, "role") or (mentions[0] if mentions else None)
        role_code = role_code or tracker.get_slot(SLOT_ROLE)
        gemeente_code = current_gemeente(self.directory, tracker)
        not_ready = [SlotSet(SLOT_CALLBACK_READY, False), SlotSet(SLOT_LOCATION_NEEDED, False)]
        if not role_code:
            # Nobody named and no card yet: a person of the municipality, as for "medewerker".
            return self._general_human(dispatcher, gemeente_code, language(tracker)) + not_ready
        role = self.directory.role(role_code, gemeente_code)
        if role is None or not role.needs_location:
            dispatcher.utter_message(response="utter_callback_unavailable")
            return not_ready
        if remembered_area(tracker.slots) is None:
            dispatcher.utter_message(response="utter_callback_needs_location")
            return [
                SlotSet(SLOT_ROLE, role.code),
                SlotSet(SLOT_CALLBACK_READY, False),
                SlotSet(SLOT_LOCATION_NEEDED, True),
            ]
        if card_contact(self.directory, tracker, role.code) is None:
            dispatcher.utter_message(response="utter_callback_no_contact")
            return [SlotSet(SLOT_ROLE, role.code), *not_ready]
        return [
            SlotSet(SLOT_ROLE, role.code),
            *reset_events(ready=True),
            SlotSet(SLOT_CALLBACK_QUESTION, conversation_question(tracker)),
            SlotSet(SLOT_LOCATION_NEEDED, False),
        ]

    def _general_human(
        self, dispatcher: CollectingDispatcher, gemeente_code: str | None, lang: str
    ) -> list[EventType]:
        role = self.directory.role("medewerker", gemeente_code)
        if role is None:
            dispatcher.utter_message(response="utter_callback_which_role")
            return []
        route = {"role": role.code, "topic": INTENT_ASK_HUMAN}
        dispatcher.utter_message(
            text=replies.route_text(role, lang),
            json_message={PAYLOAD_ROUTE: role_payload(role, route)},
        )
        gemeente = self.directory.gemeente(gemeente_code)
        dispatcher.utter_message(text=replies.general_route_text(role.code, gemeente, lang))
        return [SlotSet(SLOT_ROLE, role.code)]


class ActionAskCallbackConsent(CallbackAction):
    """Before any personal data: who receives it, why, how long it is kept; then Ja/Nee."""

    def name(self) -> str:
        return "action_ask_callback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        found = card_contact(self.directory, tracker, tracker.get_slot(SLOT_ROLE) or "")
        if found is None:
            dispatcher.utter_message(response="utter_callback_no_contact")
            return [SlotSet(SLOT_CALLBACK_CONSENT, False)]
        role, _area, contact = found
        dispatcher.utter_message(
            response="utter_callback_consent",
            receiver=receiver_text(contact),
            days=parse_retention_days(settings().retention_days),
            json_message=callback_payload(CALLBACK_CONSENT_ASKED, role.code),
        )
        return []


class ActionAskCallbackContact(Action):
    """Asks how to reach the resident; on WhatsApp it offers the number they write from."""

    def name(self) -> str:
        return "action_ask_callback_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_latest_input_channel() == WHATSAPP_CHANNEL:
            dispatcher.utter_message(response="utter_ask_callback_contact_whatsapp")
        else:
            dispatcher.utter_message(response="utter_ask_callback_contact")
        return []


class ActionAskCallbackConfirmed(Action):
    """Shows the question that will be passed on, in the resident's own words."""

    def name(self) -> str:
        return "action_ask_callback_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        question = tracker.get_slot(SLOT_CALLBACK_QUESTION) or ""
        dispatcher.utter_message(response="utter_ask_callback_confirmed", question=question)
        return []


def whatsapp_phone(tracker: Tracker) -> ContactDetail | None:
    """The number a WhatsApp resident writes from, read back from the encrypted sender id."""
    from bot.core.sealing import SenderIdCodec

    key = settings().whatsapp_sender_key or settings().whatsapp_app_secret
    if not key:
        return None
    try:
        phone = SenderIdCodec(key).decode(tracker.sender_id)
    except ValueError:
        return None
    return read_phone("+" + phone.lstrip("+"))


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer; name and contact are sealed before they enter a slot."""

    def __init__(self, service: CallbackService | None = None) -> None:
        self._service = service

    @property
    def service(self) -> CallbackService:
        return self._service or shared_service()

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # "Nee" to consent (or "stop" on the way) ends the form; nothing is stored.
        if tracker.get_slot(SLOT_CALLBACK_CONSENT) is False:
            return []
        return domain_slots

    def _stops(self, tracker: Tracker) -> bool:
        intent = tracker.latest_message.get("intent") or {}
        text = tracker.latest_message.get("text") or ""
        return intent.get("name") == "deny" and len(text.split()) <= 4

    async def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self._stops(tracker):
            return {SLOT_CALLBACK_NAME: None, SLOT_CALLBACK_CONSENT: False}
        name, problem = read_name(str(value or ""))
        if problem:
            dispatcher.utter_message(response="utter_callback_name_invalid")
            return {SLOT_CALLBACK_NAME: None}
        return {SLOT_CALLBACK_NAME: self.service.sealer.seal({"name": name}, SLOT_SEAL_PURPOSE)}

    async def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self._stops(tracker):
            return {SLOT_CALLBACK_CONTACT: None, SLOT_CALLBACK_CONSENT: False}
        text = str(value or "")
        detail: ContactDetail | None = None
        if " ".join(text.lower().split()) in THIS_WHATSAPP_NUMBER:
            detail = whatsapp_phone(tracker)
        if detail is None:
            reading = read_contact(text)
            detail = reading.detail
            if detail is None:
                response = {
                    PROBLEM_PHONE: "utter_callback_phone_invalid",
                    PROBLEM_EMAIL: "utter_callback_email_invalid",
                }.get(reading.problem, "utter_callback_contact_invalid")
                dispatcher.utter_message(response=response)
                return {SLOT_CALLBACK_CONTACT: None}
        sealed = self.service.sealer.seal(
            {"kind": detail.kind, "value": detail.value}, SLOT_SEAL_PURPOSE
        )
        return {SLOT_CALLBACK_CONTACT: sealed}

    async def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_text(str(value or ""), MAX_BEST_TIME_LENGTH)
        if text.lower().strip(" .!") in NO_PREFERENCE:
            text = ""
        return {SLOT_CALLBACK_TIME: text}

    async def validate_callback_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = clean_text(str(value or ""), MAX_QUESTION_LENGTH)
        return {SLOT_CALLBACK_QUESTION: text or None}

    async def validate_callback_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "yes":
            return {SLOT_CALLBACK_CONFIRMED: "yes"}
        if value == "no":  # "Vraag aanpassen": the form asks for the new text
            return {SLOT_CALLBACK_CONFIRMED: None, SLOT_CALLBACK_QUESTION: None}
        # A new text typed instead of a button replaces the question; shown again to confirm.
        text = clean_text(str(value or ""), MAX_QUESTION_LENGTH)
        return {SLOT_CALLBACK_CONFIRMED: None, SLOT_CALLBACK_QUESTION: text or None}


class ActionSubmitCallback(CallbackAction):
    """After the form: stores the request (the sender mails it) and gives the reference; or,
    without consent, says that nothing was kept."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        role_code = tracker.get_slot(SLOT_ROLE) or ""
        found = card_contact(self.directory, tracker, role_code)
        details = self._details(tracker)
        if tracker.get_slot(SLOT_CALLBACK_CONFIRMED) != "yes" or found is None or details is None:
            dispatcher.utter_message(
                response="utter_callback_declined",
                json_message=callback_payload(CALLBACK_DECLINED, role_code),
            )
            return reset_events()
        role, area, contact = found
        name, detail = details
        draft = CallbackDraft(
            role_code=role.code,
            role_name=role.name,
            area_code=area.code,
            area_name=area.name,
            gemeente_code=area.gemeente_code or current_gemeente(self.directory, tracker) or "",
            professional=Professional(contact.name, contact.organisation, contact.email),
            resident_name=name,
            contact=detail,
            question=tracker.get_slot(SLOT_CALLBACK_QUESTION) or "",
            best_time=tracker.get_slot(SLOT_CALLBACK_TIME) or "",
            channel=tracker.get_latest_input_channel() or "",
        )
        reference = self.service.request(draft)
        cancel = f"/cancel_callback{json.dumps({ENTITY_REFERENCE: reference})}"
        dispatcher.utter_message(
            response="utter_callback_requested",
            receiver=receiver_text(contact),
            reference=reference,
            buttons=[{"title": say("button.withdraw", language(tracker)), "payload": cancel}],
            json_message=callback_payload(CALLBACK_REQUESTED, role.code, reference),
        )
        return reset_events()

    def _details(self, tracker: Tracker) -> tuple[str, ContactDetail] | None:
        sealer = self.service.sealer
        try:
            name = sealer.open(tracker.get_slot(SLOT_CALLBACK_NAME) or "", SLOT_SEAL_PURPOSE)
            contact = sealer.open(tracker.get_slot(SLOT_CALLBACK_CONTACT) or "", SLOT_SEAL_PURPOSE)
        except SealingError:
            return None
        return str(name.get("name", "")), ContactDetail(
            str(contact.get("kind", "")), str(contact.get("value", ""))
        )


class ActionCancelCallback(CallbackAction):
    """Stops the form on the way, or withdraws a sent request by its reference."""

    def name(self) -> str:
        return "action_cancel_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        role_code = tracker.get_slot(SLOT_ROLE) or ""
        if (tracker.active_loop or {}).get("name") == FORM:
            dispatcher.utter_message(
                response="utter_callback_stopped",
                json_message=callback_payload(CALLBACK_DECLINED, role_code),
            )
            return reset_events()
        text = tracker.latest_message.get("text") or ""
        reference = find_reference(_entity(tracker, ENTITY_REFERENCE) or text)
        if reference is None:
            dispatcher.utter_message(response="utter_ask_callback_reference")
            return []
        cancelled = self.service.store.cancel(reference)
        if cancelled is None:
            dispatcher.utter_message(response="utter_callback_not_found", reference=reference)
            return []
        dispatcher.utter_message(
            response="utter_callback_cancelled",
            reference=reference,
            json_message=callback_payload(CALLBACK_CANCELLED, cancelled.role_code, reference),
        )
        return []


class ActionResetCallback(Action):
    """After an emergency in the middle of the form: nothing of it is kept."""

    def name(self) -> str:
        return "action_reset_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return reset_events()
