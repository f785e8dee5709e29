"""Dutch labels of the workspace: which text is no resident's, and how it is shown."""

from __future__ import annotations

import pytest

from bot.staff.labels import (
    describe_custom,
    describe_machine_text,
    guess_label,
    is_machine_text,
    payload_intent,
)


@pytest.mark.parametrize(
    "text",
    [
        "/stuck_between_departments",
        " /affirm",
        '/inform_location{"latitude": 53.02951, "longitude": 6.90052}',
        "/greet@0.9",
        "EXTERNAL: reminder_callback",
    ],
)
def test_payloads_and_system_messages_are_machine_text(text: str) -> None:
    assert is_machine_text(text)


@pytest.mark.parametrize(
    "text", ["Wie is de wijkagent?", "3511 AB 12", "ja / nee weet ik niet", "extern: hallo"]
)
def test_resident_text_is_not(text: str) -> None:
    assert not is_machine_text(text)


def test_machine_text_is_described_in_dutch_without_coordinates() -> None:
    pin = '/inform_location{"latitude": 53.02951, "longitude": 6.90052}'
    assert payload_intent(pin) == "inform_location"
    assert describe_machine_text(pin) == "[deelde een locatie]"
    assert describe_machine_text("/affirm") == "[klikte op de knop: Ja]"
    assert describe_machine_text("/stuck_between_departments") == (
        "[klikte op de knop: Ik word van het kastje naar de muur gestuurd]"
    )
    assert "reminder" not in describe_machine_text("EXTERNAL: reminder_callback")


def test_what_the_bot_thought_reads_in_dutch() -> None:
    assert guess_label("nlu_fallback") == "bot herkende geen onderwerp"
    assert guess_label(None) == "bot herkende geen onderwerp"
    assert guess_label("youth") == "bot dacht: Jongeren en activiteiten voor jongeren"


def test_cards_and_routes_read_in_dutch() -> None:
    card = {"contact_card": {"role": "wijkagent", "area": {"name": "Vogelbuurt"}}}
    assert describe_custom(card) == "[contactkaart: de wijkagent, Vogelbuurt]"
    assert describe_custom({"route": {"role": "buurtbemiddeling"}}) == (
        "[doorverwezen naar: buurtbemiddeling]"
    )
    assert describe_custom({"location": {"status": "outside"}}) == "[plaats buiten de gemeente]"
    assert describe_custom({"explain": {"roles": ["wijkagent", "wijkregisseur"]}}) == (
        "[uitleg over: de wijkagent, de wijkregisseur]"
    )
