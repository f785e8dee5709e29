"""Custom actions against a real directory: the sample municipality in SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from actions.actions import (
    ActionAskLocation,
    ActionDefaultAskAffirmation,
    ActionExplainRoles,
    ActionGiveContact,
    ActionRouteQuestion,
    ActionSetLocation,
    ValidateLocationForm,
)


def payloads(dispatcher: Any, key: str) -> list[dict]:
    return [m["custom"][key] for m in dispatcher.messages if key in (m.get("custom") or {})]


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture
def directory(voorbeeld_directory):
    return voorbeeld_directory


async def test_route_question_names_the_role_and_asks_nothing_else(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="Er wordt steeds ingebroken in schuurtjes", intent="ask_safety")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route") == [{"role": "wijkagent", "topic": "ask_safety"}]
    assert payloads(dispatcher, "location") == []
    assert payloads(dispatcher, "contact_card") == []
    slots = slots_of(events)
    assert slots["role"] == "wijkagent"
    assert slots["topic"] == "ask_safety"
    assert slots["location_status"] is None
    assert slots["location_needed"] is True


async def test_route_question_with_postcode_inside_finds_the_buurt(
    directory, dispatcher, domain, make_tracker
):
    text = "Wie is de sociaal makelaar voor 8101AC?"
    tracker = make_tracker(text=text, intent="ask_role_contact")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route")[0]["role"] == "sociaal_makelaar"
    [location] = payloads(dispatcher, "location")
    assert location["status"] == "found"
    assert location["area"]["code"] == "BU91000102"
    slots = slots_of(events)
    assert slots["area_code"] == "BU91000102"
    assert slots["location_status"] == "found"
    assert slots["gemeente_code"] == "GM9100"


async def test_route_question_with_postcode_elsewhere_says_outside(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="Wie is de wijkagent voor 1012 AB?", intent="ask_role_contact")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "location")[0]["status"] == "outside"
    assert slots_of(events)["location_status"] == "outside"
    assert any("Rivierstad" in (m.get("text") or "") for m in dispatcher.messages)


async def test_routing_table_of_the_municipality_decides_the_role(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="de buurt gaat hard achteruit", intent="liveability")
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route") == [{"role": "buurtcoordinator", "topic": "liveability"}]


async def test_ask_role_contact_without_a_role_asks_which(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="wie is mijn contactpersoon", intent="ask_role_contact")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route") == []
    assert dispatcher.messages[0]["response"] == "utter_which_role"
    assert slots_of(events)["role"] is None
    assert slots_of(events)["location_needed"] is False


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE address; --",
        "<script>alert(1)</script> wie is de wijkagent",
        "x" * 10_000,
        "😀😀😀",
        "",
    ],
)
async def test_hostile_questions_get_a_calm_answer(
    hostile, directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text=hostile, intent="ask_safety")
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route") == [{"role": "wijkagent", "topic": "ask_safety"}]
    for message in dispatcher.messages:
        assert "<script>" not in (message.get("text") or "")
    # The directory still answers: nothing was dropped or changed.
    assert directory.resolve_location("8102 BA").status == "found"


async def test_form_resolves_a_postcode_answer(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(slots={"role": "wijkagent"}, text="8102 BA", intent="inform_location")
    result = await ValidateLocationForm(directory).validate_location(
        "8102 BA", dispatcher, tracker, domain
    )
    assert result["area_code"] == "BU91000201"
    assert result["location_status"] == "found"
    assert payloads(dispatcher, "location")[0]["status"] == "found"


async def test_form_gives_a_second_chance_then_stops(directory, dispatcher, domain, make_tracker):
    form = ValidateLocationForm(directory)
    tracker = make_tracker(slots={"role": "wijkagent"}, text="geen idee")
    first = await form.validate_location("geen idee", dispatcher, tracker, domain)
    assert first == {
        "location": None,
        "location_status": "unknown",
        "location_attempts": 1,
        "location_options": None,
    }
    assert await form.required_slots(["location"], dispatcher, tracker, domain) == ["location"]

    tracker = make_tracker(
        slots={"role": "wijkagent", "location_attempts": 1.0, "location_status": "unknown"},
        text="weet ik niet",
    )
    second = await form.validate_location("weet ik niet", dispatcher, tracker, domain)
    assert second["location_attempts"] == 2
    tracker = make_tracker(slots={"role": "wijkagent", **second})
    assert await form.required_slots(["location"], dispatcher, tracker, domain) == []
    assert [p["status"] for p in payloads(dispatcher, "location")] == ["unknown", "unknown"]


async def test_form_stops_for_an_outside_postcode(directory, dispatcher, domain, make_tracker):
    form = ValidateLocationForm(directory)
    tracker = make_tracker(slots={"role": "wijkagent"}, text="1012 AB")
    result = await form.validate_location("1012 AB", dispatcher, tracker, domain)
    assert result["location_status"] == "outside"
    tracker = make_tracker(slots={"role": "wijkagent", **result})
    assert await form.required_slots(["location"], dispatcher, tracker, domain) == []


async def test_form_asks_nothing_for_routes_without_local_contact(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(slots={"role": "gemeente"})
    form = ValidateLocationForm(directory)
    assert await form.required_slots(["location"], dispatcher, tracker, domain) == []


async def test_form_keeps_a_remembered_location_quietly(
    directory, dispatcher, domain, make_tracker
):
    slots = {"role": "wijkagent", "location": "Kerkstraat 4", "area_code": "BU91000101"}
    tracker = make_tracker(slots=slots)
    result = await ValidateLocationForm(directory).validate_location(
        "Kerkstraat 4", dispatcher, tracker, domain
    )
    assert result == {"location": "Kerkstraat 4"}
    assert dispatcher.messages == []


async def test_contact_card_falls_back_to_the_wijk(directory, dispatcher, domain, make_tracker):
    slots = {"role": "buurtcoordinator", "location_status": "found", "area_code": "BU91000101"}
    await ActionGiveContact(directory).run(dispatcher, make_tracker(slots=slots), domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["role"] == "buurtcoordinator"
    assert card["area"] == {"code": "WK910001", "name": "Binnenstad", "level": "wijk"}
    assert [c["name"] for c in card["contacts"]] == ["Gerrit Hoekstra"]
    assert all(value is not None for contact in card["contacts"] for value in contact.values())


async def test_contact_card_falls_back_to_the_gemeente(directory, dispatcher, domain, make_tracker):
    slots = {"role": "sociaal_makelaar", "location_status": "found", "area_code": "BU91000201"}
    await ActionGiveContact(directory).run(dispatcher, make_tracker(slots=slots), domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["area"]["level"] == "gemeente"
    assert card["area"]["code"] == "GM9100"
    assert "Welzijnsloket Rivierstad" in [c["name"] for c in card["contacts"]]


async def test_no_card_without_a_found_location(directory, dispatcher, domain, make_tracker):
    slots = {"role": "wijkagent", "location_status": "outside"}
    await ActionGiveContact(directory).run(dispatcher, make_tracker(slots=slots), domain)
    assert payloads(dispatcher, "contact_card") == []


@pytest.mark.parametrize("role", ["gemeente", "melding", "medewerker"])
async def test_general_routes_answer_without_a_card(
    role, directory, dispatcher, domain, make_tracker
):
    await ActionGiveContact(directory).run(dispatcher, make_tracker(slots={"role": role}), domain)
    assert payloads(dispatcher, "contact_card") == []
    assert dispatcher.messages and dispatcher.messages[0]["text"]


async def test_changing_location_answers_the_last_question_again(
    directory, dispatcher, domain, make_tracker
):
    slots = {"role": "wijkagent", "area_code": "BU91000101", "location_status": "found"}
    tracker = make_tracker(slots=slots, text="ik woon nu in De Weiden", intent="inform_location")
    events = await ActionSetLocation(directory).run(dispatcher, tracker, domain)
    assert slots_of(events)["area_code"] == "BU91000202"
    [card] = payloads(dispatcher, "contact_card")
    assert card["role"] == "wijkagent"
    assert card["area"]["code"] == "WK910002"


async def test_unrecognised_location_changes_nothing(directory, dispatcher, domain, make_tracker):
    slots = {"area_code": "BU91000101", "location_status": "found"}
    tracker = make_tracker(slots=slots, text="ergens bij de rivier", intent="inform_location")
    events = await ActionSetLocation(directory).run(dispatcher, tracker, domain)
    assert events == []
    assert payloads(dispatcher, "location")[0]["status"] == "unknown"


async def test_a_whatsapp_pin_is_resolved_by_point(dispatcher, domain, make_tracker):
    class PinDirectory:
        def resolve_point(self, latitude: float, longitude: float):
            from bot.directory import Area, LocationResult

            self.asked = (latitude, longitude)
            area = Area("BU91000101", "Kerkbuurt", "buurt", "GM9100")
            return LocationResult("found", "52.1,5.1", area)

    pin_directory = PinDirectory()
    entities = [
        {"entity": "latitude", "value": 52.1},
        {"entity": "longitude", "value": 5.1},
    ]
    tracker = make_tracker(
        slots={"role": "wijkagent"},
        text="/inform_location",
        intent="inform_location",
        entities=entities,
    )
    result = await ValidateLocationForm(pin_directory).validate_location(
        tracker.latest_message["text"], dispatcher, tracker, domain
    )
    assert pin_directory.asked == (52.1, 5.1)
    assert result["area_code"] == "BU91000101"


async def test_explain_one_role(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(text="wat doet een opbouwwerker eigenlijk", intent="explain_role")
    await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "explain") == [{"roles": ["opbouwwerker"]}]


async def test_explain_two_roles_compares_both(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(
        text="verschil tussen wijkregisseur en buurtcoördinator?", intent="explain_role"
    )
    await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "explain") == [{"roles": ["wijkregisseur", "buurtcoordinator"]}]


async def test_explain_all_roles(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(text="wie is wie in de wijk", intent="explain_all_roles")
    await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
    [explain] = payloads(dispatcher, "explain")
    assert {"wijkagent", "wijkteam", "opbouwwerker", "sociaal_makelaar"} <= set(explain["roles"])
    assert "noodgeval" not in explain["roles"]


async def test_unsure_classifier_offers_top_topics_as_buttons(dispatcher, domain, make_tracker):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "neighbour_conflict", "confidence": 0.4},
        {"name": "greet", "confidence": 0.3},
        {"name": "ask_safety", "confidence": 0.2},
        {"name": "personal_help", "confidence": 0.1},
        {"name": "youth", "confidence": 0.05},
    ]
    tracker = make_tracker(text="tja", intent="nlu_fallback", intent_ranking=ranking)
    await ActionDefaultAskAffirmation().run(dispatcher, tracker, domain)
    payloads_offered = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads_offered == [
        "/neighbour_conflict",
        "/ask_safety",
        "/personal_help",
        "/out_of_scope",
    ]


async def test_too_coarse_a_place_asks_for_the_postcode(
    directory, dispatcher, domain, make_tracker
):
    # Rivierstad has wijkagenten per wijk only: the town's name is not enough.
    tracker = make_tracker(slots={"role": "wijkagent"}, text="Rivierstad")
    result = await ValidateLocationForm(directory).validate_location(
        "Rivierstad", dispatcher, tracker, domain
    )
    assert result["location"] is None
    assert result["location_status"] == "ambiguous"
    assert payloads(dispatcher, "location")[0]["status"] == "ambiguous"


async def test_a_place_with_its_own_contacts_is_precise_enough(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(slots={"role": "wijkregisseur"}, text="Rivierstad")
    result = await ValidateLocationForm(directory).validate_location(
        "Rivierstad", dispatcher, tracker, domain
    )
    assert result["area_code"] == "GM9100"


def asking(make_tracker, text: str, intent: str, confidence: float = 0.95):
    tracker = make_tracker(
        slots={"role": "wijkagent", "requested_slot": "location"},
        text=text,
        intent=intent,
        active_loop="location_form",
    )
    tracker.latest_message["intent"]["confidence"] = confidence
    return tracker


async def test_answer_to_the_location_question_is_read(directory, dispatcher, domain, make_tracker):
    form = ValidateLocationForm(directory)
    for text, intent in [
        ("8102 BA", "inform_location"),
        ("geen idee", "deny"),
        ("Parkzicht", "liveability"),
    ]:
        tracker = asking(make_tracker, text, intent)
        assert await form.extract_location(dispatcher, tracker, domain) == {"location": text}


async def test_a_new_question_instead_of_an_address_is_left_to_the_rules(
    directory, dispatcher, domain, make_tracker
):
    form = ValidateLocationForm(directory)
    tracker = asking(make_tracker, "en wie is de opbouwwerker?", "ask_role_contact")
    assert await form.extract_location(dispatcher, tracker, domain) == {}
    tracker = asking(make_tracker, "er komt rook uit het huis", "emergency")
    assert await form.extract_location(dispatcher, tracker, domain) == {}
    # Unsure about the new question: read it as an answer after all.
    tracker = asking(make_tracker, "ruzie", "neighbour_conflict", confidence=0.4)
    assert await form.extract_location(dispatcher, tracker, domain) == {"location": "ruzie"}


async def test_nothing_is_read_before_the_question_was_asked(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(slots={"role": "wijkagent"}, text="8102 BA", intent="inform_location")
    assert await ValidateLocationForm(directory).extract_location(dispatcher, tracker, domain) == {}


async def test_ambiguous_answer_offers_the_buurten(directory, dispatcher, domain, make_tracker):
    form = ValidateLocationForm(directory)
    tracker = make_tracker(slots={"role": "wijkagent"}, text="8101")
    result = await form.validate_location("8101", dispatcher, tracker, domain)
    assert result["location_status"] == "ambiguous"
    assert set(result["location_options"]) == {"Kerkbuurt", "Kadekwartier"}
    assert result["location_attempts"] == 0

    ask_dispatcher = type(dispatcher)()
    await ActionAskLocation().run(ask_dispatcher, make_tracker(slots=result), domain)
    [message] = ask_dispatcher.messages
    assert {b["payload"] for b in message["buttons"]} == {"Kerkbuurt", "Kadekwartier"}


async def test_ask_location_uses_the_editable_response(dispatcher, domain, make_tracker):
    await ActionAskLocation().run(dispatcher, make_tracker(), domain)
    assert dispatcher.messages[0]["response"] == "utter_ask_location"


async def test_a_contact_card_is_followed_by_the_feedback_question(
    directory, dispatcher, domain, make_tracker
):
    slots = {"role": "wijkagent", "location_status": "found", "area_code": "BU91000201"}
    await ActionGiveContact(directory).run(dispatcher, make_tracker(slots=slots), domain)
    assert [m.get("response") for m in dispatcher.messages] == [None, "utter_ask_feedback"]
    assert "utter_ask_feedback" in domain["responses"]


# -- issue 16: fewer bubbles, remembered places said out loud, unknown postcodes ------------

FOUND_IN_KERKBUURT = {
    "role": "wijkagent",
    "location_status": "found",
    "area_code": "BU91000101",
    "area_name": "Kerkbuurt",
    "area_level": "buurt",
    "gemeente_code": "GM9100",
}


def card_message(dispatcher: Any) -> dict:
    [message] = [m for m in dispatcher.messages if "contact_card" in (m.get("custom") or {})]
    return message


async def test_a_card_for_a_remembered_place_says_so_and_offers_another_address(
    directory, dispatcher, domain, make_tracker
):
    # The place came with an earlier message; this message only asks a new question.
    tracker = make_tracker(
        slots=FOUND_IN_KERKBUURT, text="En wie is de wijkagent?", intent="ask_role_contact"
    )
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    message = card_message(dispatcher)
    assert "de Kerkbuurt" in message["text"]
    assert message["buttons"] == [{"title": "Ander adres", "payload": "/inform_location"}]


async def test_a_card_for_a_place_given_in_this_message_adds_nothing(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=FOUND_IN_KERKBUURT,
        text="Wie is de wijkagent voor 8101 AC?",
        intent="ask_role_contact",
    )
    await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    message = card_message(dispatcher)
    assert not message.get("text")
    assert not message.get("buttons")


async def test_the_other_address_button_asks_for_the_place_and_changes_nothing(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(
        slots=FOUND_IN_KERKBUURT, text="/inform_location", intent="inform_location"
    )
    events = await ActionSetLocation(directory).run(dispatcher, tracker, domain)
    assert events == []
    assert [m.get("response") for m in dispatcher.messages] == ["utter_ask_location"]


async def test_the_explanation_is_one_tap_away_and_leads_on_to_the_contact(
    directory, domain, make_tracker
):
    from rasa_sdk.executor import CollectingDispatcher

    routed = CollectingDispatcher()
    tracker = make_tracker(text="Er wordt steeds ingebroken in schuurtjes", intent="ask_safety")
    await ActionRouteQuestion(directory).run(routed, tracker, domain)
    [route_message] = [m for m in routed.messages if "route" in (m.get("custom") or {})]
    [explain_button] = route_message["buttons"]

    # The button's payload, as Rasa hands it to the action, explains that role only.
    explained = CollectingDispatcher()
    tracker = make_tracker(text=explain_button["payload"], intent="explain_role")
    await ActionExplainRoles(directory).run(explained, tracker, domain)
    assert payloads(explained, "explain") == [{"roles": ["wijkagent"]}]
    [explain_message] = explained.messages
    text = explain_message["text"].lower()
    assert text.count("de wijkagent") >= 1
    assert not text.startswith("de wijkagent: de wijkagent")
    [contact_button] = explain_message["buttons"]

    # ... and its own button asks for the wijkagent's contact.
    asked = CollectingDispatcher()
    tracker = make_tracker(text=contact_button["payload"], intent="ask_role_contact")
    await ActionRouteQuestion(directory).run(asked, tracker, domain)
    assert payloads(asked, "route") == [{"role": "wijkagent", "topic": "ask_role_contact"}]


@pytest.mark.parametrize("role", ["sociaal_makelaar", "buurtbemiddeling", "wijkteam"])
async def test_button_payloads_name_their_role_and_nothing_else(
    role, directory, dispatcher, domain, make_tracker
):
    from bot.core import replies

    info = directory.role(role)
    [explain] = replies.explain_buttons(info)
    [contact] = replies.contact_buttons([info])
    for button in (explain, contact):
        tracker = make_tracker(text=button["payload"], intent="explain_role")
        dispatcher.messages.clear()
        await ActionExplainRoles(directory).run(dispatcher, tracker, domain)
        assert payloads(dispatcher, "explain") == [{"roles": [role]}]


async def test_a_missing_postcode_in_a_question_is_named_and_the_form_asks_again(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="Wie is de wijkagent voor 8101 ZZ?", intent="ask_role_contact")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "location") == [{"status": "unknown", "query": "8101 ZZ"}]
    assert any("8101 ZZ" in (m.get("text") or "") for m in dispatcher.messages)
    assert slots_of(events)["location_status"] is None  # the form will ask


async def test_a_missing_postcode_as_answer_is_unknown_not_outside(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(slots={"role": "wijkagent"}, text="8101 ZZ")
    result = await ValidateLocationForm(directory).validate_location(
        "8101 ZZ", dispatcher, tracker, domain
    )
    assert payloads(dispatcher, "location") == [{"status": "unknown", "query": "8101 ZZ"}]
    assert result["location_status"] == "unknown"
    assert result["location_attempts"] == 1
    [text] = [m["text"] for m in dispatcher.messages if m.get("text")]
    assert "8101 ZZ" in text and "Rivierstad" not in text


# -- a question and its place in one message: answered in one action --------------------------


def location_entities(text: str) -> list[dict[str, Any]]:
    """The `location` entities the NLU pipeline (bot/rasa/nlu/location_finder.py) adds."""
    from bot.core.location_mentions import find_mentions

    return [
        {"entity": "location", "value": m.text, "start": m.start, "end": m.end}
        for m in find_mentions(text)
    ]


def kinds_in_order(dispatcher: Any) -> list[str]:
    return [key for m in dispatcher.messages for key in (m.get("custom") or {})]


@pytest.mark.parametrize(
    ("text", "intent", "role", "area"),
    [
        ("wie is de wijkagent bij 8102 BB", "ask_role_contact", "wijkagent", "WK910002"),
        ("Ik woon op Torenpad 6, er worden auto's opengebroken", "ask_safety", "wijkagent", None),
        ("jongerenwerker voor 8102bc?", "ask_role_contact", "jongerenwerker", "WK910002"),
        ("In Kadekwartier wil ik een koffieochtend opzetten", "meet_neighbours", None, None),
    ],
)
async def test_a_question_with_its_place_gets_route_location_and_card_at_once(
    text, intent, role, area, directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text=text, intent=intent, entities=location_entities(text))
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert kinds_in_order(dispatcher)[:3] == ["route", "location", "contact_card"]
    [card] = payloads(dispatcher, "contact_card")
    assert card["role"] == payloads(dispatcher, "route")[0]["role"]
    if role:
        assert card["role"] == role
    if area:
        assert card["area"]["code"] == area
    slots = slots_of(events)
    assert slots["location_needed"] is False
    assert slots["location_status"] == "found"
    assert slots["area_code"]


async def test_a_question_without_a_place_uses_the_remembered_one(
    directory, dispatcher, domain, make_tracker
):
    remembered = {
        "area_code": "BU91000201",
        "area_name": "Parkzicht",
        "area_level": "buurt",
        "gemeente_code": "GM9100",
        "location_status": "found",
        "location": "8102 BA",
    }
    tracker = make_tracker(slots=remembered, text="en wie is de jongerenwerker?", intent="youth")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["role"] == "jongerenwerker"
    assert card["area"]["code"] == "WK910002"
    assert slots_of(events)["location_needed"] is False


async def test_a_question_without_any_place_lets_the_form_ask(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="ik heb ruzie met de buren", intent="neighbour_conflict")
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "contact_card") == []
    slots = slots_of(events)
    assert slots["location_needed"] is True
    assert "location" not in slots  # nothing to clear: the form asks


async def test_a_remembered_place_is_cleared_when_the_form_must_ask(
    directory, dispatcher, domain, make_tracker
):
    text = "wie is de wijkagent van Kadekwartier en Parkzicht"
    slots = {"location": "8101 AA", "area_code": "BU91000101", "location_status": "found"}
    tracker = make_tracker(
        slots=slots, text=text, intent="ask_role_contact", entities=location_entities(text)
    )
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert slots_of(events)["location"] is None
    assert slots_of(events)["location_needed"] is True


async def test_the_form_checks_a_cleared_place_quietly(directory, dispatcher, domain, make_tracker):
    tracker = make_tracker(slots={"role": "wijkagent"}, text="wie is de wijkagent")
    result = await ValidateLocationForm(directory).validate_location(
        None, dispatcher, tracker, domain
    )
    assert result == {"location": None}
    assert dispatcher.messages == []


async def test_two_places_use_the_one_the_question_is_about(
    directory, dispatcher, domain, make_tracker
):
    text = "ik woon op de Kerkstraat 12 maar het gaat om de speeltuin in Parkzicht"
    tracker = make_tracker(text=text, intent="ask_role_contact", entities=location_entities(text))
    tracker.latest_message["text"] = "wie is de wijkagent? " + text
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["area"]["code"] == "WK910002"  # Parkzicht lies in Oost; Kerkstraat in Binnenstad
    assert slots_of(events)["area_code"] == "BU91000201"


async def test_two_places_without_a_cue_ask_which(directory, dispatcher, domain, make_tracker):
    text = "wie is de wijkagent van Kadekwartier en Parkzicht"
    tracker = make_tracker(text=text, intent="ask_role_contact", entities=location_entities(text))
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "contact_card") == []
    [location] = payloads(dispatcher, "location")
    assert location["status"] == "ambiguous"
    slots = slots_of(events)
    assert slots["location_needed"] is True
    assert set(slots["location_options"]) == {"Kadekwartier", "Parkzicht"}


@pytest.mark.parametrize("intent", ["ask_human", "municipal_service", "report_defect"])
async def test_routes_without_a_local_contact_answer_in_the_same_action(
    intent, directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="8102 BB", intent=intent, entities=location_entities("8102 BB"))
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "contact_card") == []
    texts = [m.get("text") for m in dispatcher.messages if m.get("text")]
    assert len(texts) == 2  # the route, then how to reach the municipality
    assert slots_of(events)["location_needed"] is False


async def test_an_outside_place_is_said_and_nothing_more_is_asked(
    directory, dispatcher, domain, make_tracker
):
    text = "Wie is de wijkagent voor 1012 AB?"
    tracker = make_tracker(text=text, intent="ask_role_contact", entities=location_entities(text))
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    assert slots_of(events)["location_needed"] is False
    assert payloads(dispatcher, "contact_card") == []


async def test_an_unclear_message_with_a_place_remembers_the_place(
    directory, dispatcher, domain, make_tracker
):
    text = "Torenpad 3 blabla"
    ranking = [{"name": "neighbour_conflict", "confidence": 0.3}]
    tracker = make_tracker(text=text, entities=location_entities(text), intent_ranking=ranking)
    events = await ActionDefaultAskAffirmation(directory).run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["buttons"]
    assert slots_of(events)["area_code"] == "BU91000101"
    assert payloads(dispatcher, "contact_card") == []


async def test_an_unclear_message_without_a_place_sets_nothing(
    directory, dispatcher, domain, make_tracker
):
    tracker = make_tracker(text="blabla", intent_ranking=[{"name": "youth", "confidence": 0.3}])
    assert await ActionDefaultAskAffirmation(directory).run(dispatcher, tracker, domain) == []


async def test_a_place_inside_another_named_with_it_is_one_place(
    directory, dispatcher, domain, make_tracker
):
    text = "Er wordt gedeald bij ons. We wonen aan de Weidepad 5 in Rivierstad."
    entities = location_entities(text)
    assert len(entities) == 2  # the street and the town
    tracker = make_tracker(text=text, intent="ask_safety", entities=entities)
    events = await ActionRouteQuestion(directory).run(dispatcher, tracker, domain)
    [card] = payloads(dispatcher, "contact_card")
    assert card["area"]["code"] == "WK910002"
    assert slots_of(events)["area_code"] == "BU91000202"


def test_most_precise_keeps_the_buurt_not_its_wijk_or_gemeente(directory):
    buurt = directory.area("BU91000202")
    wijk = directory.area("WK910002")
    gemeente = directory.area("GM9100")
    other = directory.area("BU91000101")
    assert directory.most_precise([gemeente, buurt, wijk]) == [buurt]
    assert directory.most_precise([buurt, other]) == [buurt, other]
