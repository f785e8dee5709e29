"""Tests for bot.directory.conversation: the decisions that need the real directory.

The sample municipality Rivierstad (GM9100) alone, or with the demo's Weidehaven (GM9200),
which routes leefbaarheid to its renamed wijkregisseur.
"""

from __future__ import annotations

from typing import Any

from bot.core.cards import LocationResult
from bot.directory import ContactDirectory
from bot.directory.conversation import (
    NEW_QUESTION_CONFIDENCE,
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

RIVIERSTAD = "GM9100"
WEIDEHAVEN = "GM9200"


def test_one_municipality_serves_without_metadata(voorbeeld_directory: ContactDirectory) -> None:
    assert serving_gemeente(voorbeeld_directory, []) == RIVIERSTAD
    assert serving_gemeente(voorbeeld_directory, [None, {"gemeente": "Nergensdorp"}]) == RIVIERSTAD


def test_the_serving_municipality_comes_from_the_first_metadata_that_names_one(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    directory = two_gemeenten_directory
    assert serving_gemeente(directory, [{"gemeente": "Weidehaven"}, None]) == WEIDEHAVEN
    assert serving_gemeente(directory, [None, {"gemeente": "9100"}]) == RIVIERSTAD
    assert serving_gemeente(directory, [{"gemeente": ""}, {"gemeente": "GM9200"}]) == WEIDEHAVEN
    # Several municipalities and none named: no single one serves.
    assert serving_gemeente(directory, [None, "GM9100", {"other": 1}]) is None


def test_a_pin_wins_over_the_text(voorbeeld_directory: ContactDirectory) -> None:
    by_text = resolve(voorbeeld_directory, "8101 AA 1", expecting=True, pin=None, metadata=[])
    assert by_text.status == "found"
    assert by_text.area is not None and by_text.area.code == "BU91000101"
    # Far out at sea: the pin decides, whatever the text says.
    by_pin = resolve(voorbeeld_directory, "8101 AA 1", expecting=True, pin=(53.9, 2.0), metadata=[])
    assert by_pin.status != "found"


def test_an_ambiguous_place_prefers_the_serving_municipality(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    for serving in (RIVIERSTAD, WEIDEHAVEN):
        result = resolve(
            two_gemeenten_directory,
            "Kerkstraat",
            expecting=True,
            pin=None,
            metadata=[{"gemeente": serving}],
        )
        direct = two_gemeenten_directory.resolve_location(
            "Kerkstraat", expecting=True, prefer_gemeente=serving
        )
        assert result == direct


def test_one_place_in_a_message_is_that_place(voorbeeld_directory: ContactDirectory) -> None:
    text = "Er is overlast in Parkzicht"
    result = locate_in_message(voorbeeld_directory, text, ["Parkzicht"], pin=None, metadata=[])
    assert result.status == "found"
    assert result.area is not None and result.area.code == "BU91000201"


def test_a_place_named_with_the_place_around_it_is_one_place(
    voorbeeld_directory: ContactDirectory,
) -> None:
    text = "Overlast in Parkzicht in Rivierstad"
    mentions = ["Parkzicht", "Rivierstad"]
    result = locate_in_message(voorbeeld_directory, text, mentions, pin=None, metadata=[])
    assert result.status == "found"
    assert result.area is not None and result.area.code == "BU91000201"


def test_two_places_are_a_choice_unless_the_words_tell_which(
    voorbeeld_directory: ContactDirectory,
) -> None:
    mentions = ["Parkzicht", "Kerkbuurt"]
    unclear = "Parkzicht Kerkbuurt"
    result = locate_in_message(voorbeeld_directory, unclear, mentions, pin=None, metadata=[])
    assert result.status == "ambiguous"
    assert {area.code for area in result.options} == {"BU91000201", "BU91000101"}

    clear = "ik woon in Parkzicht maar het gaat om de Kerkbuurt"
    result = locate_in_message(voorbeeld_directory, clear, mentions, pin=None, metadata=[])
    assert result.status == "found"
    assert result.area is not None and result.area.code == "BU91000101"


def test_a_coarse_place_without_contacts_of_its_own_is_not_precise_enough(
    voorbeeld_directory: ContactDirectory,
) -> None:
    town = voorbeeld_directory.resolve_location("Rivierstad")
    assert town.status == "found"
    # Wijkagenten work per wijk: the town asks for a postcode ...
    coarse = precise_enough(voorbeeld_directory, "wijkagent", town)
    assert coarse == LocationResult("ambiguous", town.query)
    # ... the wijkregisseur works for the whole town, so the town is enough.
    assert precise_enough(voorbeeld_directory, "wijkregisseur", town) == town
    # Without a role, or for a buurt, nothing changes.
    assert precise_enough(voorbeeld_directory, None, town) == town
    buurt = voorbeeld_directory.resolve_location("Parkzicht")
    assert precise_enough(voorbeeld_directory, "jongerenwerker", buurt) == buurt


def test_a_question_is_for_the_role_it_names_or_the_topics_role(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    directory = two_gemeenten_directory
    named = question_role(directory, "ask_role_contact", "wie is de wijkagent?", RIVIERSTAD)
    assert named is not None and named.code == "wijkagent"
    assert question_role(directory, "ask_role_contact", "wie is dat?", RIVIERSTAD) is None
    here = question_role(directory, "liveability", "het is hier vies", RIVIERSTAD)
    there = question_role(directory, "liveability", "het is hier vies", WEIDEHAVEN)
    assert here is not None and here.code == "buurtcoordinator"
    assert there is not None and there.code == "wijkregisseur"
    assert there.name == "de gebiedsregisseur"


def test_a_topic_is_routed_again_where_the_resident_lives(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    directory = two_gemeenten_directory
    role = routed_role(directory, "liveability", "buurtcoordinator", WEIDEHAVEN)
    assert role is not None and role.code == "wijkregisseur"
    # A role the resident named (no routing topic) keeps its code.
    named = routed_role(directory, "ask_role_contact", "wijkagent", WEIDEHAVEN)
    assert named is not None and named.code == "wijkagent"
    assert routed_role(directory, None, None, RIVIERSTAD) is None


def test_roles_to_explain_are_those_named_or_all_local_ones(
    voorbeeld_directory: ContactDirectory,
) -> None:
    text = "verschil tussen wijkregisseur en buurtcoördinator?"
    two = roles_to_explain(voorbeeld_directory, "explain_role", text, RIVIERSTAD)
    assert [role.code for role in two] == ["wijkregisseur", "buurtcoordinator"]
    everyone = roles_to_explain(voorbeeld_directory, "explain_all_roles", text, RIVIERSTAD)
    assert len(everyone) > 2 and all(role.needs_location for role in everyone)
    assert roles_to_explain(voorbeeld_directory, "explain_role", "wie?", RIVIERSTAD) == everyone


# The two fixtures share one database, so each test uses one of them.


def test_one_municipality_is_never_mentioned(voorbeeld_directory: ContactDirectory) -> None:
    assert gemeente_to_mention(voorbeeld_directory, RIVIERSTAD, RIVIERSTAD) is None
    assert gemeente_to_mention(voorbeeld_directory, None, RIVIERSTAD) is None


def test_the_municipality_is_mentioned_when_it_is_not_the_serving_one(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    directory = two_gemeenten_directory
    assert gemeente_to_mention(directory, RIVIERSTAD, RIVIERSTAD) is None
    assert gemeente_to_mention(directory, RIVIERSTAD, WEIDEHAVEN) == "Weidehaven"
    # Several served and none named: always say which one.
    assert gemeente_to_mention(directory, None, RIVIERSTAD) == "Rivierstad"


def _wijkagent_card(directory: ContactDirectory) -> dict[str, Any]:
    role = directory.role("wijkagent", RIVIERSTAD)
    card = directory.find_contacts("wijkagent", "BU91000101")
    assert role is not None and card is not None
    payload = card_payload(directory, role, card)
    assert payload["role"] == "wijkagent"
    assert payload["area"]["code"] == "WK910001"
    return payload


def test_the_card_of_the_only_municipality_does_not_name_it(
    voorbeeld_directory: ContactDirectory,
) -> None:
    assert "gemeente" not in _wijkagent_card(voorbeeld_directory)


def test_the_card_names_its_municipality_when_there_are_several(
    two_gemeenten_directory: ContactDirectory,
) -> None:
    payload = _wijkagent_card(two_gemeenten_directory)
    assert payload["gemeente"] == {"code": RIVIERSTAD, "name": "Rivierstad"}


def test_a_renamed_role_is_named_on_its_card(two_gemeenten_directory: ContactDirectory) -> None:
    directory = two_gemeenten_directory
    role = directory.role("wijkregisseur", WEIDEHAVEN)
    card = directory.find_contacts("wijkregisseur", "BU92000101")
    assert role is not None and card is not None
    assert card_payload(directory, role, card)["role_name"] == "de gebiedsregisseur"


def test_a_confident_question_during_the_form_is_a_new_question(
    voorbeeld_directory: ContactDirectory,
) -> None:
    directory = voorbeeld_directory
    sure, unsure = NEW_QUESTION_CONFIDENCE, NEW_QUESTION_CONFIDENCE - 0.1
    question = "wat doet de wijkregisseur"
    assert is_new_question(directory, "explain_role", sure, question, pin=None)
    assert not is_new_question(directory, "explain_role", unsure, question, pin=None)
    # A place is an answer, whatever the classifier thought; so are a pin and small talk.
    assert not is_new_question(directory, "liveability", sure, "Parkzicht", pin=None)
    assert not is_new_question(directory, "explain_role", sure, question, pin=(52.0, 5.0))
    assert not is_new_question(directory, "deny", sure, "geen idee", pin=None)
    # An emergency always steps aside, however unsure.
    assert is_new_question(directory, "emergency", 0.3, "brand in Parkzicht", pin=None)
