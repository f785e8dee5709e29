"""Tests for bot.core.conversation: what a message carries and what the slots remember."""

from __future__ import annotations

from bot.core.cards import Area, LocationResult, RoleInfo
from bot.core.conversation import (
    MAX_LOCATION_ATTEMPTS,
    found_slots,
    location_mentions,
    pin,
    place_gemeente,
    remembered_area,
    role_payload,
    still_asking_location,
)

BUURT = Area(code="BU91000101", name="Kerkbuurt", level="buurt", gemeente_code="GM9100")
WIJKAGENT = RoleInfo("wijkagent", "de wijkagent", "", "politie", needs_location=True)


def test_a_pin_is_read_from_latitude_and_longitude_entities() -> None:
    entities = [
        {"entity": "latitude", "value": "52.09"},
        {"entity": "longitude", "value": 5.12},
    ]
    assert pin(entities) == (52.09, 5.12)


def test_no_pin_without_both_numbers() -> None:
    assert pin([]) is None
    assert pin([{"entity": "latitude", "value": "52.09"}]) is None
    assert (
        pin([{"entity": "latitude", "value": "noord"}, {"entity": "longitude", "value": 5}]) is None
    )
    assert pin([{"entity": "latitude", "value": None}, {"entity": "longitude", "value": 5}]) is None


def test_location_mentions_are_the_non_empty_location_entities_in_order() -> None:
    entities = [
        {"entity": "location", "value": "Weidepad 5"},
        {"entity": "latitude", "value": "52.0"},
        {"entity": "location", "value": ""},
        {"entity": "location", "value": "Rivierstad"},
    ]
    assert location_mentions(entities) == ["Weidepad 5", "Rivierstad"]
    assert location_mentions([]) == []


def test_a_found_place_is_remembered_in_the_slots_and_read_back() -> None:
    slots = found_slots(LocationResult("found", "8102 BA", BUURT))
    assert slots["location"] == "8102 BA"
    assert slots["location_status"] == "found"
    assert slots["location_attempts"] == 0
    assert slots["location_options"] is None
    assert remembered_area(slots) == BUURT


def test_a_found_place_without_query_is_remembered_by_its_name() -> None:
    assert found_slots(LocationResult("found", "", BUURT))["location"] == "Kerkbuurt"


def test_nothing_is_remembered_without_an_area_or_for_a_place_outside() -> None:
    assert remembered_area({}) is None
    assert remembered_area({"area_code": None, "location_status": "found"}) is None
    assert remembered_area({"area_code": "BU91000101", "location_status": "outside"}) is None


def test_a_remembered_area_with_missing_slots_gets_defaults() -> None:
    area = remembered_area({"area_code": "BU91000101"})
    assert area == Area(code="BU91000101", name="BU91000101", level="buurt", gemeente_code="")


def test_the_municipality_of_a_place_only_when_it_was_found() -> None:
    assert place_gemeente(LocationResult("found", "8102 BA", BUURT)) == "GM9100"
    assert place_gemeente(LocationResult("ambiguous", "Kerkstraat", None, (BUURT,))) is None
    assert place_gemeente(LocationResult("unknown", "geen idee")) is None


def test_the_form_asks_for_a_local_role_until_the_chances_are_used() -> None:
    assert still_asking_location(WIJKAGENT, None, 0)
    assert still_asking_location(WIJKAGENT, "unknown", MAX_LOCATION_ATTEMPTS - 1)
    assert not still_asking_location(WIJKAGENT, "unknown", MAX_LOCATION_ATTEMPTS)
    assert not still_asking_location(WIJKAGENT, "outside", 0)


def test_the_form_does_not_ask_without_a_role_that_needs_a_place() -> None:
    general = RoleInfo("gemeente", "de gemeente", "", "gemeente", needs_location=False)
    assert not still_asking_location(None, None, 0)
    assert not still_asking_location(general, None, 0)


def test_a_renamed_role_adds_its_own_name_to_the_payload() -> None:
    renamed = RoleInfo("wijkregisseur", "de gebiedsregisseur", "", "gemeente", True)
    assert role_payload(renamed, {"role": "wijkregisseur"}) == {
        "role": "wijkregisseur",
        "role_name": "de gebiedsregisseur",
    }


def test_a_role_with_its_default_name_leaves_the_payload_as_it_is() -> None:
    assert role_payload(WIJKAGENT, {"role": "wijkagent"}) == {"role": "wijkagent"}
