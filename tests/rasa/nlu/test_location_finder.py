"""NLU components that treat a place as something a message carries (location_finder)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.location_mentions import PLACEHOLDER
from bot.rasa.nlu.location_finder import (
    DECISION_KEY,
    ORIGINAL_TEXT_KEY,
    LocationIntent,
    LocationMasker,
)

PROJECT = Path(__file__).resolve().parents[3]


def _context(tmp_path: Path) -> tuple[LocalModelStorage, Resource, ExecutionContext]:
    return (
        LocalModelStorage(tmp_path),
        Resource("location"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )


@pytest.fixture
def masker(tmp_path: Path) -> LocationMasker:
    return LocationMasker.create({}, *_context(tmp_path))


@pytest.fixture
def settle(tmp_path: Path, masker: LocationMasker):
    """Runs a message through the masker, a fake classifier result and LocationIntent."""
    component = LocationIntent.create({}, *_context(tmp_path))

    def run(text: str, *ranking: tuple[str, float]) -> Message:
        [message] = masker.process([Message(data={TEXT: text}, output_properties={TEXT})])
        entries = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: conf} for name, conf in ranking
        ]
        message.set(INTENT, dict(entries[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
        [message] = component.process([message])
        return message

    return run


def intent_of(message: Message) -> tuple[str, float]:
    intent: dict[str, Any] = message.get(INTENT)
    return intent[INTENT_NAME_KEY], round(intent[PREDICTED_CONFIDENCE_KEY], 3)


def test_the_classifier_reads_the_text_with_places_masked_and_folded(masker) -> None:
    text = "Wie is de Buurtcoördinator van 8101 AB?"
    [message] = masker.process([Message(data={TEXT: text})])
    assert message.get(TEXT) == f"wie is de buurtcoordinator van {PLACEHOLDER}?"
    assert message.get(ORIGINAL_TEXT_KEY) == text


def test_training_examples_are_masked_the_same_way(masker) -> None:
    examples = [
        Message(data={TEXT: "ik woon op de Kerkstraat 12", INTENT: "inform_location"}),
        Message(data={TEXT: "wie is de ideeënmakelaar in Oud-Zuid", INTENT: "ask_role_contact"}),
        Message(data={TEXT: "/ask_safety", INTENT: "ask_safety"}),
    ]
    masker.process_training_data(TrainingData(training_examples=examples))
    assert [example.get(TEXT) for example in examples] == [
        f"ik {PLACEHOLDER}",
        f"wie is de ideeenmakelaar in {PLACEHOLDER}",
        "/ask_safety",
    ]


def test_the_residents_own_text_comes_back_with_location_entities(settle) -> None:
    text = "Wie is mijn wijkagent? Ik woon op de Lindelaan 3"
    message = settle(text, ("ask_role_contact", 0.9), ("inform_location", 0.1))
    assert message.get(TEXT) == text
    [entity] = message.get(ENTITIES)
    assert entity["entity"] == "location"
    assert text[entity["start"] : entity["end"]] == entity["value"] == "Lindelaan 3"
    # "Ik woon op ..." is no reason to doubt the question: inform_location drops out.
    assert intent_of(message) == ("ask_role_contact", 1.0)
    assert message.get(DECISION_KEY)["decision"] == "keep"


@pytest.mark.parametrize(
    "text", ["8102 BB", "ik woon op de Kerkstraat 12", "mijn postcode is 3514ck"]
)
def test_a_message_of_only_a_place_gives_a_location(settle, text: str) -> None:
    message = settle(text, ("affirm", 0.6), ("inform_location", 0.3), ("greet", 0.1))
    assert intent_of(message) == ("inform_location", 1.0)
    assert message.get(DECISION_KEY) == {"decision": "only_location", "classifier_intent": "affirm"}


def test_a_question_with_a_place_is_never_only_a_location(settle) -> None:
    message = settle(
        "Ik woon op Merelstraat 5 en er is veel overlast van hangjongeren",
        ("inform_location", 0.6),
        ("youth", 0.3),
        ("ask_safety", 0.1),
    )
    # Renormalised among the rest: how sure the classifier is that it is about youth.
    assert intent_of(message) == ("youth", 0.75)
    ranking = message.get(INTENT_RANKING_KEY)
    assert ranking[-1][INTENT_NAME_KEY] == "inform_location"
    assert message.get(DECISION_KEY)["decision"] == "question_with_location"


def test_a_message_without_a_place_is_left_alone(settle) -> None:
    message = settle("wie is de wijkagent", ("ask_role_contact", 0.8), ("explain_role", 0.2))
    assert message.get(ENTITIES) == []
    assert intent_of(message) == ("ask_role_contact", 0.8)


def test_button_payloads_are_not_touched(masker) -> None:
    [message] = masker.process([Message(data={TEXT: "/inform_location"})])
    assert message.get(TEXT) == "/inform_location"
    assert message.get(ORIGINAL_TEXT_KEY) is None


def test_the_pipeline_masks_first_and_settles_before_the_fallback() -> None:
    config = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    masker = names.index("bot.rasa.nlu.location_finder.LocationMasker")
    settler = names.index("bot.rasa.nlu.location_finder.LocationIntent")
    assert masker == 0
    assert names.index("DIETClassifier") < settler < names.index("FallbackClassifier")


def test_a_role_and_a_place_ask_for_that_role(settle) -> None:
    message = settle("wijkteem 8101 ac", ("inform_location", 0.47), ("ask_role_contact", 0.46))
    assert intent_of(message) == ("ask_role_contact", 1.0)
    assert message.get(DECISION_KEY)["decision"] == "role_and_place"


def test_inform_location_as_runner_up_does_not_make_a_question_look_unsure(settle) -> None:
    message = settle(
        "er hangen steeds jongeren bij de Kerkstraat 4, wie helpt?",
        ("youth", 0.46),
        ("inform_location", 0.44),
        ("ask_safety", 0.10),
    )
    ranking = message.get(INTENT_RANKING_KEY)
    assert [entry[INTENT_NAME_KEY] for entry in ranking] == [
        "youth",
        "ask_safety",
        "inform_location",
    ]
    assert intent_of(message) == ("youth", 0.821)


def test_asking_for_a_professional_without_naming_one_is_read_otherwise(settle) -> None:
    message = settle(
        "Mijn vader vergeet steeds te eten. Wie kan er eens bij hem kijken?",
        ("ask_role_contact", 0.78),
        ("personal_help", 0.11),
        ("meet_neighbours", 0.11),
    )
    assert intent_of(message) == ("personal_help", 0.5)
    assert message.get(DECISION_KEY)["decision"] == "no_role_named"


def test_asking_for_a_named_professional_stays(settle) -> None:
    message = settle(
        "heb een vraag voor de politie", ("ask_role_contact", 0.6), ("ask_safety", 0.4)
    )
    assert intent_of(message) == ("ask_role_contact", 0.6)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("I live at Beukenlaan 14", "Beukenlaan 14"),
        ("my postcode is 2564 KD", "2564 KD"),
        ("on Kerkstraat 3b", "Kerkstraat 3b"),
        ("in the Bloemenbuurt", "Bloemenbuurt"),
        ("near the Grote Markt", "Grote Markt"),
        ("yes, we live on Weidepad 12", "Weidepad 12"),
    ],
)
def test_an_english_framed_place_alone_gives_a_location(settle, text: str, place: str) -> None:
    message = settle(text, ("greet", 0.5), ("inform_location", 0.3), ("affirm", 0.2))
    assert intent_of(message) == ("inform_location", 1.0)
    assert [entity["value"] for entity in message.get(ENTITIES)] == [place]


def test_an_english_question_with_a_place_is_never_only_a_location(settle) -> None:
    message = settle(
        "I live at Beukenlaan 14 and my neighbour plays loud music every night",
        ("inform_location", 0.6),
        ("neighbour_conflict", 0.3),
        ("liveability", 0.1),
    )
    assert intent_of(message) == ("neighbour_conflict", 0.75)
    assert message.get(DECISION_KEY)["decision"] == "question_with_location"


def test_an_english_role_and_place_ask_for_that_role(settle) -> None:
    message = settle(
        "who is the wijkagent for Beukenlaan 14?", ("inform_location", 0.5), ("greet", 0.5)
    )
    assert intent_of(message) == ("ask_role_contact", 1.0)
    assert message.get(DECISION_KEY)["decision"] == "role_and_place"
