"""Tests of the hand-over actions: consent first, validated details, stored, mailed, cancelled."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from actions.callback import (
    SLOT_SEAL_PURPOSE,
    ActionAskCallbackConsent,
    ActionCancelCallback,
    ActionOfferCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
)
from bot.core.sealing import Sealer
from bot.db.models.callbacks import CallbackRequest
from bot.handover.outbox import CallbackStore
from bot.handover.service import CallbackService
from bot.handover.settings import parse_smtp_url
from tests.support.smtp import LoopbackSmtp

PROJECT_ROOT = Path(__file__).parents[2]
# Parkzicht in Rivierstad (the public sample): the wijkagent there is Ruben Koster.
PARKZICHT = {
    "area_code": "BU91000201",
    "area_name": "Parkzicht",
    "area_level": "buurt",
    "gemeente_code": "GM9100",
    "location_status": "found",
}
QUESTION = "Er hangen elke avond jongeren bij de speeltuin die mensen lastigvallen"


@pytest.fixture
def directory(voorbeeld_directory):
    return voorbeeld_directory


@pytest.fixture
def sealer() -> Sealer:
    return Sealer("test-key-material-for-callbacks")


@pytest.fixture
def service(session_factory: sessionmaker, sealer: Sealer) -> CallbackService:
    return CallbackService(CallbackStore(session_factory, sealer), sealer)


def routed_question(text: str = QUESTION, intent: str = "ask_safety") -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def requests_stored(session_factory: sessionmaker) -> int:
    with session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(CallbackRequest)) or 0)


async def test_asking_after_a_card_starts_the_form_with_the_residents_own_question(
    directory, service, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots={"role": "wijkagent", **PARKZICHT},
        text='/ask_callback{"role":"wijkagent"}',
        intent="ask_callback",
        entities=[{"entity": "role", "value": "wijkagent"}],
        events=[routed_question(), routed_question("/affirm", "affirm")],
    )
    events = await ActionOfferCallback(directory, service).run(dispatcher, tracker, domain)

    slots = slots_set(events)
    assert slots["callback_ready"] is True
    assert slots["callback_question"] == QUESTION
    assert slots["role"] == "wijkagent"
    assert dispatcher.messages == []  # the form asks consent next


async def test_asking_before_the_place_is_known_asks_the_place_first(
    directory, service, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="kan de wijkagent mij terugbellen?", intent="ask_callback")
    events = await ActionOfferCallback(directory, service).run(dispatcher, tracker, domain)

    slots = slots_set(events)
    assert slots["callback_ready"] is False and slots["location_needed"] is True
    assert slots["role"] == "wijkagent"


async def test_asking_without_any_professional_in_view_goes_to_a_municipal_employee(
    directory, service, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="ik durf niet zelf te bellen", intent="ask_callback")
    events = await ActionOfferCallback(directory, service).run(dispatcher, tracker, domain)

    assert slots_set(events)["callback_ready"] is False
    routes = [m["custom"]["route"] for m in dispatcher.messages if m.get("custom")]
    assert routes == [{"role": "medewerker", "topic": "ask_human"}]


async def test_consent_names_the_person_the_organisation_and_the_retention(
    directory, service, dispatcher, domain, make_tracker, monkeypatch
):
    monkeypatch.setenv("WIJKWIJZER_RETENTION_DAYS", "30")
    tracker = make_tracker(slots={"role": "wijkagent", **PARKZICHT}, active_loop="callback_form")
    await ActionAskCallbackConsent(directory, service).run(dispatcher, tracker, domain)

    (message,) = dispatcher.messages
    assert message["response"] == "utter_callback_consent"
    assert message["receiver"] == "Ruben Koster (Politie Rivierstad)"
    assert message["days"] == 30
    assert message["custom"] == {"callback": {"status": "consent_asked", "role": "wijkagent"}}
    text = domain["responses"]["utter_callback_consent"][0]["text"]
    assert "{receiver}" in text and "{days}" in text


@pytest.mark.parametrize("answer", ["0612345", "06-123456789012", "+31 6 123"])
async def test_a_bad_phone_number_gets_a_clear_retry(
    service, dispatcher, domain, make_tracker, answer
):
    tracker = make_tracker(text=answer, active_loop="callback_form")
    result = await ValidateCallbackForm(service).validate_callback_contact(
        answer, dispatcher, tracker, domain
    )
    assert result == {"callback_contact": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_callback_phone_invalid"]


async def test_a_good_number_enters_the_slot_sealed(
    service, sealer, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="06-12345678", active_loop="callback_form")
    result = await ValidateCallbackForm(service).validate_callback_contact(
        "06-12345678", dispatcher, tracker, domain
    )
    sealed = result["callback_contact"]
    assert "12345678" not in sealed
    assert sealer.open(sealed, SLOT_SEAL_PURPOSE) == {"kind": "phone", "value": "+31612345678"}
    assert dispatcher.messages == []


async def test_a_bad_e_mail_address_and_a_non_name_are_refused(
    service, dispatcher, domain, make_tracker
):
    form = ValidateCallbackForm(service)
    tracker = make_tracker(text="kim@voorbeeld", active_loop="callback_form")
    assert await form.validate_callback_contact("kim@voorbeeld", dispatcher, tracker, domain) == {
        "callback_contact": None
    }
    assert await form.validate_callback_name("0612345678", dispatcher, tracker, domain) == {
        "callback_name": None
    }
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_callback_email_invalid",
        "utter_callback_name_invalid",
    ]


async def test_no_to_consent_ends_the_form_and_stores_nothing(
    directory, service, session_factory, dispatcher, domain, make_tracker
):
    form = ValidateCallbackForm(service)
    declined = make_tracker(slots={"callback_consent": False})
    assert (
        await form.required_slots(
            ["callback_consent", "callback_name"], dispatcher, declined, domain
        )
        == []
    )

    tracker = make_tracker(slots={"role": "wijkagent", **PARKZICHT, "callback_consent": False})
    events = await ActionSubmitCallback(directory, service).run(dispatcher, tracker, domain)

    assert requests_stored(session_factory) == 0
    assert dispatcher.messages[0]["custom"] == {
        "callback": {"status": "declined", "role": "wijkagent"}
    }
    assert slots_set(events)["callback_consent"] is None


def completed_form(sealer: Sealer, contact: dict[str, str]) -> dict[str, Any]:
    return {
        "role": "wijkagent",
        **PARKZICHT,
        "callback_consent": True,
        "callback_name": sealer.seal({"name": "Kim Bakker"}, SLOT_SEAL_PURPOSE),
        "callback_contact": sealer.seal(contact, SLOT_SEAL_PURPOSE),
        "callback_time": "na 17.00 uur",
        "callback_question": QUESTION,
        "callback_confirmed": "yes",
    }


async def test_a_completed_form_is_stored_mailed_and_answered_with_the_reference(
    directory, session_factory, sealer, smtp_server: LoopbackSmtp, dispatcher, domain, make_tracker
):
    settings = parse_smtp_url(smtp_server.url, "wijkwijzer@rivierstad.example")
    service = CallbackService(CallbackStore(session_factory, sealer), sealer, settings)
    slots = completed_form(sealer, {"kind": "phone", "value": "+31612345678"})
    try:
        events = await ActionSubmitCallback(directory, service).run(
            dispatcher, make_tracker(slots=slots), domain
        )
        (mail,) = smtp_server.wait_for(1)
    finally:
        service.stop()

    (message,) = dispatcher.messages
    payload = message["custom"]["callback"]
    assert payload["status"] == "requested" and payload["role"] == "wijkagent"
    assert re.fullmatch(r"WW-[0-9A-Z]{8}", payload["reference"])
    assert message["reference"] == payload["reference"]
    assert message["buttons"][0]["payload"] == (
        f'/cancel_callback{{"reference": "{payload["reference"]}"}}'
    )
    assert mail.recipients == ("ruben.koster@politie.example",)
    assert payload["reference"] in mail.body and QUESTION in mail.body
    assert "Parkzicht" in mail.body and "06 12345678" in mail.body
    # Nothing personal stays in the conversation's slots.
    assert all(value in (None, False) for value in slots_set(events).values())


async def test_without_mail_settings_the_request_reaches_the_workspace_only(
    directory, service, session_factory, sealer, dispatcher, domain, make_tracker
):
    slots = completed_form(sealer, {"kind": "email", "value": "kim@voorbeeld.nl"})
    await ActionSubmitCallback(directory, service).run(
        dispatcher, make_tracker(slots=slots), domain
    )

    reference = dispatcher.messages[0]["custom"]["callback"]["reference"]
    view = service.store.get(reference)
    assert view is not None and view.mail_status == "none" and view.status == "open"
    assert view.contact is not None and view.contact.value == "kim@voorbeeld.nl"


async def test_a_request_is_withdrawn_with_its_reference_typed_or_from_the_button(
    directory, service, sealer, dispatcher, domain, make_tracker
):
    slots = completed_form(sealer, {"kind": "phone", "value": "+31612345678"})
    await ActionSubmitCallback(directory, service).run(
        dispatcher, make_tracker(slots=slots), domain
    )
    reference = dispatcher.messages[0]["custom"]["callback"]["reference"]
    cancel = ActionCancelCallback(directory, service)

    typed = make_tracker(text=f"intrekken {reference.lower()}", intent="cancel_callback")
    await cancel.run(dispatcher, typed, domain)
    again = make_tracker(
        text="/cancel_callback", entities=[{"entity": "reference", "value": reference}]
    )
    await cancel.run(dispatcher, again, domain)
    await cancel.run(dispatcher, make_tracker(text="ik wil mijn verzoek intrekken"), domain)

    responses = [m.get("response") for m in dispatcher.messages[1:]]
    assert responses == [
        "utter_callback_cancelled",
        "utter_callback_not_found",
        "utter_ask_callback_reference",
    ]
    assert dispatcher.messages[1]["custom"]["callback"] == {
        "status": "cancelled",
        "reference": reference,
        "role": "wijkagent",
    }
    view = service.store.get(reference)
    assert view is not None and view.status == "cancelled" and view.contact is None


async def test_stopping_in_the_middle_of_the_form_keeps_nothing(
    directory, service, session_factory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots={"role": "wijkagent", "callback_consent": True}, active_loop="callback_form"
    )
    events = await ActionCancelCallback(directory, service).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_callback_stopped"
    assert slots_set(events)["callback_consent"] is None
    assert requests_stored(session_factory) == 0


def test_every_callback_text_is_sent_by_an_action(domain):
    source = (PROJECT_ROOT / "actions" / "callback.py").read_text(encoding="utf-8")
    source += (PROJECT_ROOT / "actions" / "actions.py").read_text(encoding="utf-8")
    names = [name for name in domain["responses"] if re.match(r"utter_(ask_)?callback_", name)]
    asked_by_the_form = {
        f"utter_ask_{slot}" for slot in domain["forms"]["callback_form"]["required_slots"]
    }
    unused = [n for n in names if f'"{n}"' not in source and n not in asked_by_the_form]
    assert names and unused == []


async def test_on_whatsapp_this_number_can_be_chosen_as_the_callback_number(
    service, sealer, dispatcher, domain, make_tracker, monkeypatch
):
    from bot.core.sealing import SenderIdCodec

    monkeypatch.setenv("WHATSAPP_SENDER_KEY", "whatsapp-sender-key-for-tests")
    sender_id = SenderIdCodec("whatsapp-sender-key-for-tests").encode("31612345678")
    tracker = make_tracker(
        text="Dit WhatsApp-nummer", active_loop="callback_form", sender_id=sender_id
    )
    result = await ValidateCallbackForm(service).validate_callback_contact(
        "Dit WhatsApp-nummer", dispatcher, tracker, domain
    )
    assert sealer.open(result["callback_contact"], SLOT_SEAL_PURPOSE) == {
        "kind": "phone",
        "value": "+31612345678",
    }
    # Elsewhere the words are no number: the resident is asked again.
    web = make_tracker(text="Dit WhatsApp-nummer", active_loop="callback_form")
    result = await ValidateCallbackForm(service).validate_callback_contact(
        "Dit WhatsApp-nummer", dispatcher, web, domain
    )
    assert result == {"callback_contact": None}
    assert dispatcher.messages[-1]["response"] == "utter_callback_contact_invalid"


async def test_the_whatsapp_number_is_offered_only_on_whatsapp(dispatcher, domain):
    from rasa_sdk import Tracker

    from actions.callback import ActionAskCallbackContact

    def tracker(channel: str) -> Tracker:
        latest = {"text": "Kim", "intent": {}, "entities": []}
        return Tracker(
            "s", {}, latest, [{"event": "user", "input_channel": channel}], False, None, {}, ""
        )

    await ActionAskCallbackContact().run(dispatcher, tracker("whatsapp"), domain)
    await ActionAskCallbackContact().run(dispatcher, tracker("rest"), domain)
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_ask_callback_contact_whatsapp",
        "utter_ask_callback_contact",
    ]
