"""Actions in a deployment for two municipalities: the serving one, and places in the other."""

from __future__ import annotations

from typing import Any

from actions.actions import (
    ActionExplainRoles,
    ActionGiveContact,
    ActionRouteQuestion,
    ActionSetLocation,
    ValidateLocationForm,
)

RIVIERSTAD = "GM9100"
WEIDEHAVEN = "GM9200"
SERVED_BY_RIVIERSTAD = {"gemeente": RIVIERSTAD}


def payloads(dispatcher: Any, key: str) -> list[dict]:
    return [m["custom"][key] for m in dispatcher.messages if key in (m.get("custom") or {})]


def texts(dispatcher: Any) -> str:
    return " ".join(m.get("text") or "" for m in dispatcher.messages)


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


async def test_a_postcode_of_the_neighbour_is_routed_by_the_neighbours_table(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        text="Mijn straat bij 9281 AA raakt erg verloederd",
        intent="liveability",
        metadata=SERVED_BY_RIVIERSTAD,
    )
    events = await ActionRouteQuestion(two_gemeenten_directory).run(dispatcher, tracker, domain)

    route = payloads(dispatcher, "route")[0]
    # Weidehaven sends leefbaarheid to its (renamed) wijkregisseur; Rivierstad would not.
    assert route == {
        "role": "wijkregisseur",
        "topic": "liveability",
        "role_name": "de gebiedsregisseur",
    }
    location = payloads(dispatcher, "location")[0]
    assert location["status"] == "found"
    slots = slots_of(events)
    assert slots["gemeente_code"] == WEIDEHAVEN
    assert slots["role"] == "wijkregisseur"


async def test_the_card_for_the_neighbour_names_its_municipality(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    # Routed in Rivierstad before the resident said where they live.
    tracker = make_tracker(
        slots={
            "role": "buurtcoordinator",
            "topic": "liveability",
            "location_status": "found",
            "area_code": "BU92000101",
            "area_name": "Oude Haven",
            "area_level": "buurt",
            "gemeente_code": WEIDEHAVEN,
        },
        metadata=SERVED_BY_RIVIERSTAD,
    )
    events = await ActionGiveContact(two_gemeenten_directory).run(dispatcher, tracker, domain)

    card = payloads(dispatcher, "contact_card")[0]
    assert card["role"] == "wijkregisseur"
    assert card["area"] == {"code": "WK920001", "name": "Centrum", "level": "wijk"}
    assert card["gemeente"] == {"code": WEIDEHAVEN, "name": "Weidehaven"}
    assert card["role_name"] == "de gebiedsregisseur"
    assert {contact["name"] for contact in card["contacts"]} == {"Fleur Jansen"}
    assert "Weidehaven" in texts(dispatcher)
    assert slots_of(events) == {"role": "wijkregisseur"}


async def test_the_serving_municipality_is_not_named_again(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        slots={
            "role": "wijkagent",
            "topic": "ask_safety",
            "location_status": "found",
            "area_code": "BU91000101",
            "area_name": "Kerkbuurt",
            "area_level": "buurt",
            "gemeente_code": RIVIERSTAD,
        },
        metadata=SERVED_BY_RIVIERSTAD,
    )
    await ActionGiveContact(two_gemeenten_directory).run(dispatcher, tracker, domain)
    card = payloads(dispatcher, "contact_card")[0]
    # The extra key is there in a deployment for several; the text stays short.
    assert card["gemeente"]["code"] == RIVIERSTAD
    assert "role_name" not in card
    assert "Rivierstad" not in (dispatcher.messages[0].get("text") or "")


async def test_the_form_prefers_a_street_in_the_serving_municipality(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    for serving, buurt in ((RIVIERSTAD, "BU91000101"), (WEIDEHAVEN, "BU92000102")):
        tracker = make_tracker(
            slots={"role": "wijkagent", "topic": "ask_safety", "requested_slot": "location"},
            text="Kerkstraat",
            metadata={"gemeente": serving},
        )
        result = await ValidateLocationForm(two_gemeenten_directory).validate_location(
            "Kerkstraat", dispatcher, tracker, domain
        )
        assert result["area_code"] == buurt


async def test_without_a_serving_municipality_the_resident_chooses_with_names(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(slots={"role": "wijkagent", "topic": "ask_safety"}, text="Kerkstraat")
    events = await ActionSetLocation(two_gemeenten_directory).run(dispatcher, tracker, domain)
    assert events == []
    assert payloads(dispatcher, "location")[0]["status"] == "ambiguous"
    titles = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    assert sorted(titles) == ["Kerkbuurt", "Marktkwartier"]


async def test_roles_are_explained_in_the_municipalitys_own_words(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        text="wat doet de wijkregisseur", intent="explain_role", metadata={"gemeente": "Weidehaven"}
    )
    await ActionExplainRoles(two_gemeenten_directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "explain")[0] == {"roles": ["wijkregisseur"]}
    assert "gebiedsregisseur" in texts(dispatcher)


async def test_session_start_metadata_counts_when_a_message_has_none(
    two_gemeenten_directory, dispatcher, make_tracker, domain
) -> None:
    tracker = make_tracker(
        slots={"session_started_metadata": {"gemeente": WEIDEHAVEN}},
        text="Het is hier een rommeltje",
        intent="liveability",
    )
    await ActionRouteQuestion(two_gemeenten_directory).run(dispatcher, tracker, domain)
    assert payloads(dispatcher, "route")[0]["role"] == "wijkregisseur"
