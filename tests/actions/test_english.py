"""The custom actions in an English conversation (issue 14): English texts from en.yml, the
same payloads and button payloads as in Dutch, the Dutch role names with a gloss once."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAskLocation,
    ActionDefaultAskAffirmation,
    ActionExplainRoles,
    ActionRouteQuestion,
    ActionSetLocation,
    ValidateLocationForm,
)
from actions.callback import ActionOfferCallback, ActionSubmitCallback, ValidateCallbackForm
from actions.language import ActionAnswerOtherLanguage, ActionSessionStart
from bot.core.texts import say

ENGLISH = {"language": "en"}
PARKZICHT = {
    "area_code": "BU91000201",
    "area_name": "Parkzicht",
    "area_level": "buurt",
    "gemeente_code": "GM9100",
    "location_status": "found",
}


def payloads(dispatcher: Any, key: str) -> list[dict]:
    return [m["custom"][key] for m in dispatcher.messages if key in (m.get("custom") or {})]


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def texts(dispatcher: Any) -> list[str]:
    return [m["text"] for m in dispatcher.messages if m.get("text")]


def machine_parts(dispatcher: Any) -> list[Any]:
    """What a channel acts on, whatever the language: payloads, button payloads, responses."""
    return [
        (m.get("custom"), [b["payload"] for b in m.get("buttons") or []], m.get("response"))
        for m in dispatcher.messages
    ]


@pytest.fixture
def directory(voorbeeld_directory):
    return voorbeeld_directory


async def test_an_english_question_is_routed_with_the_dutch_name_and_a_gloss(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=ENGLISH, text="Someone keeps breaking into sheds", intent="ask_safety"
    )
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route") == [{"role": "wijkagent", "topic": "ask_safety"}]
    [route] = dispatcher.messages
    assert route["text"] == say(
        "route.role", "en", role="the wijkagent, your neighbourhood police officer"
    )
    assert [b["title"] for b in route["buttons"]] == ["What does the wijkagent do?"]
    assert slots_of(events)["glossed_roles"] == ["wijkagent"]


async def test_the_gloss_is_said_once_per_conversation(directory, dispatcher, domain, make_tracker):
    slots = {**ENGLISH, "glossed_roles": ["wijkagent"]}
    tracker = make_tracker(slots=slots, text="Drug dealing in my street", intent="ask_safety")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert texts(dispatcher)[0] == say("route.role", "en", role="the wijkagent")
    assert "glossed_roles" not in slots_of(events)


async def test_a_dutch_conversation_gets_no_gloss(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(text="Er wordt ingebroken", intent="ask_safety")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert texts(dispatcher) == [say("route.role", role="de wijkagent")]
    assert "glossed_roles" not in slots_of(events)


def _pop_reachable(parts: object) -> list[str]:
    """Takes every contact's `reachable` sentence out of the payloads, and returns them."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("reachable"), str):
                found.append(node.pop("reachable"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)

    walk(parts)
    return found


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("Wie is de wijkagent voor 8101AC?", "ask_role_contact", {}),
        ("Ik heb ruzie met de buren", "neighbour_conflict", PARKZICHT),
        ("Ik wil mijn paspoort verlengen", "municipal_service", {}),
        ("Wie is de wijkagent voor 1012 AB?", "ask_role_contact", {}),
        ("Mijn buren maken herrie", "neighbour_conflict", {}),
    ],
)
async def test_payloads_and_button_payloads_are_the_same_in_both_languages(
    text, intent, slots, directory, domain, make_tracker
):
    answers = []
    for language in ("nl", "en"):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(slots={**slots, "language": language}, text=text, intent=intent)
        events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
        found = slots_of(events)
        found.pop("glossed_roles", None)
        answers.append((machine_parts(dispatcher), found, texts(dispatcher)))
    (dutch_parts, dutch_slots, dutch_texts), (english_parts, english_slots, english_texts) = answers
    # `reachable` is the one sentence in a card, so it is in the conversation's language.
    dutch_reachable = _pop_reachable(dutch_parts)
    english_reachable = _pop_reachable(english_parts)
    assert not set(dutch_reachable) & set(english_reachable)
    assert english_parts == dutch_parts
    assert english_slots == dutch_slots
    assert not set(english_texts) & set(dutch_texts)


async def test_an_english_card_offers_the_callback_and_asks_in_english(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=ENGLISH, text="Who is the wijkagent for 8101AC?", intent="ask_role_contact"
    )
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["role"] == "wijkagent"
    offer = next(m for m in dispatcher.messages if m.get("response") == "utter_callback_offer")
    assert offer["role_name"] == "the wijkagent"
    assert [b["title"] for b in offer["buttons"]] == ["Ask the wijkagent to contact me"]
    assert offer["buttons"][0]["payload"].startswith("/ask_callback")
    # Rasa chooses the English variation of these responses on the language slot.
    assert dispatcher.messages[-1]["response"] == "utter_ask_feedback"


async def test_the_location_form_answers_in_english(directory, dispatcher, domain, make_tracker):
    slots = {**ENGLISH, "role": "wijkagent", "location_attempts": 0}
    tracker = make_tracker(slots=slots, text="near the big church", intent="inform_location")
    result = await ValidateLocationForm(directory).validate_location(
        "near the big church", dispatcher, tracker, domain
    )
    assert result["location_status"] == "unknown"
    assert texts(dispatcher) == [say("location.not_found", "en")]


async def test_the_location_form_gives_up_in_english(directory, dispatcher, domain, make_tracker):
    slots = {**ENGLISH, "role": "wijkagent", "location_attempts": 1}
    tracker = make_tracker(slots=slots, text="somewhere", intent="inform_location")
    await ValidateLocationForm(directory).validate_location(
        "somewhere", dispatcher, tracker, domain
    )
    [text] = texts(dispatcher)
    assert text.startswith(say("location.given_up", "en"))


async def test_the_location_question_offers_buurten_in_english(dispatcher, domain, make_tracker):
    slots = {**ENGLISH, "location_options": ["Parkzicht", "Centrum"]}
    await ActionAskLocation().run(dispatcher, make_tracker(slots=slots), domain)
    [message] = dispatcher.messages
    assert message["text"] == say("location.choose_buurt", "en")
    assert [b["payload"] for b in message["buttons"]] == ["Parkzicht", "Centrum"]


async def test_a_place_given_later_is_saved_in_english(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(slots=ENGLISH, text="8102 BA", intent="inform_location")
    await ActionSetLocation(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "location")[0]["status"] == "found"
    assert texts(dispatcher)[0].startswith("Thank you. I will remember that you live in ")


async def test_a_role_is_explained_in_english_and_needs_no_gloss_after(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=ENGLISH, text="What does a sociaal makelaar do?", intent="explain_role"
    )
    events = await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["text"].startswith("The sociaal makelaar brings people in the neighbourhood")
    assert message["custom"] == {"explain": {"roles": ["sociaal_makelaar"]}}
    assert [b["title"] for b in message["buttons"]] == ["Contact the sociaal makelaar"]
    assert slots_of(events)["glossed_roles"] == ["sociaal_makelaar"]


async def test_who_is_who_in_english(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(slots=ENGLISH, text="Who is who?", intent="explain_all_roles")
    await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    lines = message["text"].splitlines()
    assert lines[0] == say("explain.all_intro", "en")
    assert "- The wijkagent is the police officer of your neighbourhood." in lines


async def test_the_fallback_offers_english_topics_with_the_same_payloads(
    directory, domain, make_tracker
):
    ranking = [
        {"name": "neighbour_conflict", "confidence": 0.3},
        {"name": "ask_safety", "confidence": 0.2},
        {"name": "greet", "confidence": 0.1},
    ]
    buttons = {}
    for language in ("nl", "en"):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(
            slots={"language": language}, text="hmm", intent="nlu_fallback", intent_ranking=ranking
        )
        await ActionDefaultAskAffirmation(directory).run(dispatcher, tracker, domain)
        [message] = dispatcher.messages
        buttons[language] = message["buttons"]
        if language == "en":
            assert message["text"] == say("fallback.unsure", "en")
    assert [b["payload"] for b in buttons["en"]] == [b["payload"] for b in buttons["nl"]]
    assert [b["title"] for b in buttons["en"]] == [
        "A conflict or nuisance with neighbours",
        "Safety, crime or trouble caused by people",
        "Something else",
    ]


async def test_asking_for_a_person_without_a_card_answers_in_english(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(slots=ENGLISH, text="Can someone call me back?", intent="ask_callback")
    await ActionOfferCallback(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route")[0]["role"] == "medewerker"
    assert texts(dispatcher)[0] == say("route.medewerker", "en")


async def test_a_sent_request_can_be_withdrawn_with_an_english_button(
    directory, session_factory, dispatcher, domain, make_tracker
):
    from actions.callback import SLOT_SEAL_PURPOSE
    from bot.core.sealing import Sealer
    from bot.handover.outbox import CallbackStore
    from bot.handover.service import CallbackService

    sealer = Sealer("test-key-material-for-callbacks")
    service = CallbackService(CallbackStore(session_factory, sealer), sealer)
    slots = {
        **ENGLISH,
        **PARKZICHT,
        "role": "wijkagent",
        "callback_consent": True,
        "callback_name": sealer.seal({"name": "Kim Baker"}, SLOT_SEAL_PURPOSE),
        "callback_contact": sealer.seal(
            {"kind": "email", "value": "kim@example.com"}, SLOT_SEAL_PURPOSE
        ),
        "callback_time": "",
        "callback_question": "Young people bother people at the playground every evening",
        "callback_confirmed": "yes",
    }
    try:
        await ActionSubmitCallback(directory, service).run(
            dispatcher, make_tracker(slots=slots), domain
        )
    finally:
        service.stop()
    [message] = dispatcher.messages
    assert message["response"] == "utter_callback_requested"
    assert message["custom"]["callback"]["status"] == "requested"
    [button] = message["buttons"]
    assert button["title"] == "Withdraw the request"
    assert button["payload"].startswith("/cancel_callback")


def typed_answers(domain: dict, response: str) -> list[str]:
    """What the buttons of `response` type, in every language."""
    variations = domain["responses"][response]
    return [b["payload"] for variation in variations for b in variation.get("buttons") or []]


def test_the_typed_answer_buttons_are_understood_in_both_languages(domain) -> None:
    from actions.callback import NO_PREFERENCE, THIS_WHATSAPP_NUMBER

    times = typed_answers(domain, "utter_ask_callback_time")
    assert times == ["Maakt niet uit", "Any time"]
    assert all(answer.lower() in NO_PREFERENCE for answer in times)
    numbers = typed_answers(domain, "utter_ask_callback_contact_whatsapp")
    assert numbers == ["Dit WhatsApp-nummer", "This WhatsApp number"]
    assert all(answer.lower() in THIS_WHATSAPP_NUMBER for answer in numbers)


@pytest.mark.parametrize("answer", ["Any time", "doesn't matter", "Maakt niet uit"])
async def test_no_preferred_time_in_either_language(answer, dispatcher, domain, make_tracker):
    tracker = make_tracker(slots=ENGLISH, text=answer, active_loop="callback_form")
    result = await ValidateCallbackForm().validate_callback_time(
        answer, dispatcher, tracker, domain
    )
    assert result == {"callback_time": ""}


# --- the conversation's start and languages we do not serve ------------------------------


def session_tracker(make_tracker, metadata: Any, events: list[dict] | None = None):
    return make_tracker(slots={"session_started_metadata": metadata}, events=events or [], text="")


@pytest.mark.parametrize(("sent", "language"), [("en", "en"), ("nl", "nl")])
async def test_the_session_starts_in_the_language_the_channel_sends(
    sent, language, dispatcher, domain, make_tracker
):
    metadata = {"language": sent, "gemeente": "GM9100"}
    events = await ActionSessionStart().run(
        dispatcher, session_tracker(make_tracker, metadata), domain
    )
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    assert slots_of(events)["language"] == language
    assert slots_of(events)["session_started_metadata"] == metadata
    assert dispatcher.messages == []


@pytest.mark.parametrize("sent", [None, "fr", "EN", 3, ["en"]])
async def test_a_starting_language_we_do_not_serve_is_ignored(
    sent, dispatcher, domain, make_tracker
):
    events = await ActionSessionStart().run(
        dispatcher, session_tracker(make_tracker, {"language": sent}), domain
    )
    assert "language" not in slots_of(events)


async def test_slots_carry_over_to_the_new_session_as_configured(dispatcher, domain, make_tracker):
    earlier = [
        {"event": "slot", "name": "area_code", "value": "BU00000000"},
        {"event": "session_started"},
        {"event": "slot", "name": "area_code", "value": "BU91000201"},
        {"event": "slot", "name": "language", "value": "en"},
        {"event": "slot", "name": "language", "value": "nl"},
    ]
    tracker = session_tracker(make_tracker, {"language": "en"}, earlier)
    events = await ActionSessionStart().run(dispatcher, tracker, domain)
    slot_events = [(e["name"], e["value"]) for e in events if e["event"] == "slot"]
    assert slot_events[:3] == [("area_code", "BU91000201"), ("language", "en"), ("language", "nl")]
    # The channel's starting language wins over the one carried over.
    assert slots_of(events)["language"] == "en"

    not_carried = {**domain, "session_config": {"carry_over_slots_to_new_session": False}}
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, not_carried)
    assert slots_of(events) == {
        "session_started_metadata": {"language": "en"},
        "language": "en",
    }


@pytest.mark.parametrize(
    ("code", "language"),
    [("ar", "ar"), ("tr", "tr"), ("pl", "pl"), ("uk", "uk"), ("so", "en"), (None, "en")],
)
async def test_another_language_gets_the_fixed_answer_in_that_language(
    code, language, directory, dispatcher, domain, make_tracker
):
    entities = [{"entity": "foreign_language", "value": code}] if code else []
    tracker = make_tracker(slots=ENGLISH, text="...", intent="other_language", entities=entities)
    events = await ActionAnswerOtherLanguage(directory).run(dispatcher, tracker, domain)
    [message] = dispatcher.messages
    assert message["text"].startswith(say("other_language.help", language))
    assert message["custom"] == {"foreign_language": {"code": language}}
    assert payloads(dispatcher, "route") == []
    assert events == []


async def test_the_fixed_answer_gives_the_municipality_s_number(
    demo_directory, dispatcher, domain, make_tracker
):
    entities = [{"entity": "foreign_language", "value": "tr"}]
    tracker = make_tracker(text="Merhaba", intent="other_language", entities=entities)
    await ActionAnswerOtherLanguage(demo_directory).run(dispatcher, tracker, domain)
    assert texts(dispatcher) == [
        f"{say('other_language.help', 'tr')} {say('other_language.call', 'tr', phone='14 0599')}"
    ]


@pytest.mark.parametrize(
    ("intent", "entities"),
    [
        ("switch_language", [{"entity": "language", "value": "en"}]),
        ("other_language", [{"entity": "foreign_language", "value": "pl"}]),
    ],
)
async def test_the_location_form_steps_aside_for_the_language(
    intent, entities, directory, dispatcher, domain, make_tracker
):
    """Not read as an address: the form rejects, so the language rule answers, then the
    form asks again (tests/stories/test_english.yml)."""
    tracker = make_tracker(
        slots={"requested_slot": "location", "role": "wijkagent"},
        text="Can we speak English please?",
        intent=intent,
        entities=entities,
        active_loop="location_form",
    )
    extracted = await ValidateLocationForm(directory).extract_location(dispatcher, tracker, domain)
    assert extracted == {}
    assert dispatcher.messages == []


async def test_the_which_person_buttons_route_without_a_dutch_sentence(
    directory, domain, make_tracker
):
    """Their payloads name the intent and role, so pressing one in an English conversation
    sends no Dutch text that the language detector would take as a switch to Dutch."""
    [dutch, english] = domain["responses"]["utter_which_role"]
    assert [b["payload"] for b in english["buttons"]] == [b["payload"] for b in dutch["buttons"]]
    routed = []
    for button in english["buttons"]:
        payload = button["payload"]
        assert payload.startswith("/")
        intent = payload[1:].split("{")[0]
        if intent != "ask_role_contact":
            assert intent == "explain_all_roles"
            continue
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(slots=ENGLISH, text=payload, intent=intent)
        await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
        routed += [route["role"] for route in payloads(dispatcher, "route")]
    assert routed == ["wijkagent", "wijkteam", "buurtbemiddeling"]


async def test_a_role_named_in_english_words_is_explained(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=ENGLISH, text="What does a youth worker do?", intent="explain_role"
    )
    await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "explain") == [{"roles": ["jongerenwerker"]}]


async def test_a_role_asked_for_in_english_words_gets_its_card(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=ENGLISH, text="Who is the police officer for 8101AC?", intent="ask_role_contact"
    )
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route")[0]["role"] == "wijkagent"
    assert payloads(dispatcher, "contact_card")[0]["role"] == "wijkagent"
