"""Places found by shape in resident messages (bot/core/location_mentions.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.location_mentions import (
    PLACEHOLDER,
    asks_more_than_location,
    find_mentions,
    mask,
    only_location,
    question_place,
    role_and_place_only,
)


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("wie is de wijkagent bij 8102 BB", ["8102 BB"]),
        ("jongerenwerker voor 8102bc?", ["8102bc"]),
        ("Wie is de buurtcoördinator van 8101 AB?", ["8101 AB"]),
        ("Mijn vader woont op 8101 AA nummer 3 en vergeet te eten", ["8101 AA nummer 3"]),
        ("Wie is hier de wijkagent? Ik woon aan de Weidepad 12", ["Weidepad 12"]),
        ("ik woon op de Burgemeester de Withstraat 4a", ["Burgemeester de Withstraat 4a"]),
        ("De hond blaft de hele dag. Rivierkade 21.", ["Rivierkade 21"]),
        ("sociaal makelaar kerkstrat 9", ["kerkstrat 9"]),
        ("In Kadekwartier wonen veel ouderen", ["Kadekwartier"]),
        ("wie is de wijkagent in de vogelbuurt", ["vogelbuurt"]),
        ("nee ik woon in Het Veld", ["Het Veld"]),
        ("bij De Weiden ligt veel afval", ["De Weiden"]),
        ("wijkagent 8102?", ["8102"]),
    ],
)
def test_finds_the_place_in_a_question(text: str, places: list[str]) -> None:
    assert [mention.text for mention in find_mentions(text)] == places


@pytest.mark.parametrize(
    "text",
    [
        "Mijn zoon van 16 verveelt zich",
        "ik ben 67 en voel me eenzaam",
        "al 3 weken brandt de lantaarnpaal niet",
        "sinds 2019 is het hier onrustig",
        "wie is de wijkagent",
        "ik wil de buurtcoördinator spreken",
        "in de wijk is veel overlast",
        "het buurtbudget is op",
        "dat kost 2500 euro",
    ],
)
def test_no_place_in_ordinary_sentences(text: str) -> None:
    assert find_mentions(text) == []


def test_mask_replaces_each_place_by_one_placeholder() -> None:
    masked = mask("ik woon op de Kerkstraat 12 maar het gaat om de speeltuin in Kadekwartier")
    # "woon op de" goes with the place; "in" before a place the question is about stays.
    expected = f"ik {PLACEHOLDER} maar het gaat om de speeltuin in {PLACEHOLDER}"
    assert masked.text == expected
    assert [mention.kind for mention in masked.mentions] == ["street", "name"]


@pytest.mark.parametrize(
    "text",
    [
        "8102 BB",
        "3514ck",
        "Ik woon op de Kerkstraat 12",
        "mijn postcode is 8101 AA",
        "nee ik woon in Het Veld",
        "Kerkstraat 4 Rivierstad",
        "ik woon in de Vogelbuurt hoor",
        "en voor Weidepad 4?",
        "8102 BB?",
    ],
)
def test_only_a_location(text: str) -> None:
    assert only_location(text)
    assert not asks_more_than_location(text)


@pytest.mark.parametrize(
    "text",
    [
        "wie is de wijkagent voor 8102 BB",
        "Ik woon op Merelstraat 5 en er is veel overlast van hangjongeren",
        "Wie is mijn wijkagent? Ik woon op de Lindelaan 3",
        "sociaal makelaar kerkstrat 9",
        "jongerenwerker 8102bc",
        "De buren laten hun hond de hele dag blaffen. Rivierkade 21.",
    ],
)
def test_a_question_with_a_location_is_more_than_a_location(text: str) -> None:
    assert not only_location(text)
    assert asks_more_than_location(text)


def test_without_a_place_nothing_is_a_location() -> None:
    assert not only_location("hallo")
    assert not asks_more_than_location("wie is de wijkagent?")


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        (
            "ik woon op de Kerkstraat 12 maar het gaat om de speeltuin in Kadekwartier",
            ["Kerkstraat 12", "Kadekwartier"],
            1,
        ),
        ("Wij wonen in Oost. Wie gaat over het plein in Parkzicht?", ["Oost", "Parkzicht"], 1),
        ("Mijn adres is 8101 AA 3, de overlast is in De Weiden", ["8101 AA 3", "De Weiden"], 1),
        ("wie is de wijkagent van Kadekwartier en van Oost", ["Kadekwartier", "Oost"], None),
    ],
)
def test_question_place_picks_the_place_that_is_not_home(
    text: str, places: list[str], expected: int | None
) -> None:
    assert question_place(text, places) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_hostile_text_never_raises_and_masking_keeps_the_rest(text: str) -> None:
    masked = mask(text)
    mentions = find_mentions(text)
    assert masked.mentions == tuple(mentions)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    # Outside the places every character is kept, in order.
    kept = "".join(
        text[start:end]
        for start, end in zip(
            [0, *(mention.end for mention in mentions)],
            [*(mention.start for mention in mentions), len(text)],
            strict=True,
        )
    )
    assert masked.text.replace(PLACEHOLDER, "") == kept
    only_location(text)
    asks_more_than_location(text)


def test_a_very_long_message_is_parsed_only_at_its_start() -> None:
    text = "Kerkstraat 4 " + "bla " * 50_000 + "8101 AA"
    assert [mention.text for mention in find_mentions(text)] == ["Kerkstraat 4"]
    assert mask(text).text.endswith("8101 AA")


def test_where_someone_lives_is_masked_with_the_place() -> None:
    assert mask("Mijn vader woont op 8101 AA nr 3 en vergeet te eten").text == (
        f"Mijn vader {PLACEHOLDER} en vergeet te eten"
    )
    assert mask("wij wonen in Het Veld").text == f"wij {PLACEHOLDER}"
    assert mask("de speeltuin in de Vogelbuurt").text == f"de speeltuin in de {PLACEHOLDER}"


def test_a_message_in_capitals_is_read_like_any_other() -> None:
    text = "WIE IS DE WIJKAGENT VAN TORENPAD 9"
    assert [mention.text for mention in find_mentions(text)] == ["TORENPAD 9"]
    assert not only_location(text)
    assert [m.text for m in find_mentions("MIJN POSTCODE IS 8101 AA")] == ["8101 AA"]


def test_a_number_with_a_unit_is_no_house_number() -> None:
    text = "mn buurman zet zn schutting 30 cm op onze grond. vijverhof 9"
    assert [mention.text for mention in find_mentions(text)] == ["vijverhof 9"]


@pytest.mark.parametrize(
    "text",
    [
        "wie is de wijkagent voor 8101 AA?",
        "WIE IS DE WIJKAGENT VAN TORENPAD 9",
        "wijk agent rivierkade 30?",
        "wijkteem 8101 ac",
        "Hoi, ik zoek de Buurtcoördinator van de Vogelbuurt",
        "Scharrel ambtenaar voor de binnenstad?",
    ],
)
def test_a_role_and_a_place_only(text: str) -> None:
    assert role_and_place_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "wat doet de wijkagent in Oost",
        "moet ik de wijkagent bellen over de buren op Kerkstraat 4",
        "wie is de wijkagent",
        "8101 AA",
        "kan de wijkagent langskomen in de avond",
        "is de wijkagent voor iedereen",
    ],
)
def test_more_than_a_role_and_a_place(text: str) -> None:
    assert not role_and_place_only(text)


def test_the_residents_own_place_is_home_whatever_the_verb() -> None:
    text = "Wie helpt mijn moeder? Zij woont op de Rivierkade 12, ik zelf in Parkzicht."
    assert question_place(text, ["Rivierkade 12", "Parkzicht"]) == 0


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("I live at Beukenlaan 14", ["Beukenlaan 14"]),
        ("my postcode is 2564 KD", ["2564 KD"]),
        ("on Kerkstraat 3b", ["Kerkstraat 3b"]),
        ("in the Bloemenbuurt", ["Bloemenbuurt"]),
        ("near the Kerkstraat", ["Kerkstraat"]),
        ("near the Grote Markt", ["Grote Markt"]),
        ("I live near Het Veld", ["Het Veld"]),
        ("in the Binnenstad", ["Binnenstad"]),
    ],
)
def test_english_framings_give_the_place_and_nothing_else(text: str, places: list[str]) -> None:
    mentions = find_mentions(text)
    assert [mention.text for mention in mentions] == places
    assert only_location(text, mentions)


@pytest.mark.parametrize(
    "text",
    [
        "my neighbour plays loud music, I live at Beukenlaan 14",
        "we live at Kerkstraat 3, who can help with noise?",
        "who is the wijkagent for Beukenlaan 14?",
    ],
)
def test_an_english_question_with_a_place_asks_more(text: str) -> None:
    assert asks_more_than_location(text)
    assert not only_location(text)


@pytest.mark.parametrize("text", ["I am 67 and lonely", "my son is 16", "I have 2 kids"])
def test_no_place_in_ordinary_english_sentences(text: str) -> None:
    assert find_mentions(text) == []


def test_english_framings_of_home_and_role() -> None:
    assert mask("I live at Beukenlaan 14").text == f"I {PLACEHOLDER}"
    assert role_and_place_only("who is the wijkagent in the Vogelbuurt?")
    assert role_and_place_only("wijkagent for the binnenstad")
    text = "I live at Beukenlaan 14 but the problem is in the Vogelbuurt"
    assert question_place(text, ["Beukenlaan 14", "Vogelbuurt"]) == 1
