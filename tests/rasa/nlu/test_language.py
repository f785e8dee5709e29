"""Tests of the LanguageDetector component: the `language` entity and the two language intents."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from rasa.engine import validation
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.base import StatelessComponent
from bot.rasa.nlu.callback_intent import CallbackIntent
from bot.rasa.nlu.emergency_guard import EmergencyGuard
from bot.rasa.nlu.language import DECISION_KEY, LanguageDetector
from bot.rasa.nlu.location_finder import LocationIntent, LocationMasker

# `classified` comes from tests/rasa/nlu/conftest.py.
Classified = Callable[..., Message]
PROJECT = Path(__file__).resolve().parents[3]
DETECTOR_PATH = "bot.rasa.nlu.language.LanguageDetector"


@pytest.fixture
def component(tmp_path: Path) -> LanguageDetector:
    # The predict graph builds untrainable components with `load`, as here.
    return LanguageDetector.load(
        LanguageDetector.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("language_detector"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )


def entities(message: Message) -> dict[str, str]:
    return {
        entity["entity"]: entity["value"]
        for entity in message.get(ENTITIES) or []
        if entity.get("extractor") == "LanguageDetector"
    }


def intent(message: Message) -> tuple[str, float]:
    predicted = message.get(INTENT)
    return predicted[INTENT_NAME_KEY], predicted[PREDICTED_CONFIDENCE_KEY]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Who is my wijkagent? I live at Beukenlaan 14", "en"),
        ("my neighbour plays loud music every night", "en"),
        ("mijn buurman draait elke nacht harde muziek", "nl"),
        ("de wifi in het buurthuis is kapot, wie is de contact person", "nl"),
    ],
)
def test_a_decisive_message_gets_its_language_and_keeps_its_intent(
    component: LanguageDetector, classified: Classified, text: str, language: str
) -> None:
    message = classified(text, ("ask_role_contact", 0.8))
    component.process([message])
    assert entities(message) == {"language": language}
    assert intent(message) == ("ask_role_contact", 0.8)
    assert message.get(DECISION_KEY)["language"] == language


@pytest.mark.parametrize("text", ["ok", "thanks", "2564 KD", "Jan de Vries", "hoi!"])
def test_an_undecided_message_gets_no_language(
    component: LanguageDetector, classified: Classified, text: str
) -> None:
    message = classified(text, ("greet", 0.9))
    component.process([message])
    assert entities(message) == {}
    assert intent(message) == ("greet", 0.9)
    assert message.get(DECISION_KEY)["language"] is None


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("can we speak English?", "en"),
        ("in English please", "en"),
        ("Nederlands graag", "nl"),
        ("kan het in het Nederlands?", "nl"),
    ],
)
def test_a_switch_request_is_switch_language_with_the_target(
    component: LanguageDetector, classified: Classified, text: str, target: str
) -> None:
    message = classified(text, ("out_of_scope", 0.7), ("greet", 0.2))
    component.process([message])
    assert intent(message) == ("switch_language", 1.0)
    assert entities(message) == {"language": target}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Merhaba, komşum çok gürültü yapıyor", "tr"),
        ("Dzień dobry, mam problem z sąsiadem", "pl"),
        ("Мені потрібна допомога", "uk"),
        ("أحتاج إلى مساعدة", "ar"),
    ],
)
def test_another_language_is_other_language_never_a_route(
    component: LanguageDetector, classified: Classified, text: str, code: str
) -> None:
    message = classified(text, ("neighbour_conflict", 0.95))
    component.process([message])
    assert intent(message) == ("other_language", 1.0)
    assert entities(message) == {"foreign_language": code}


def test_button_payloads_are_left_alone(
    component: LanguageDetector, classified: Classified
) -> None:
    message = classified('/ask_role_contact{"role":"wijkagent"}', ("ask_role_contact", 1.0))
    component.process([message])
    assert entities(message) == {}
    assert message.get(DECISION_KEY) is None


def test_entities_of_earlier_components_are_kept(
    component: LanguageDetector, classified: Classified
) -> None:
    message = classified("who is the wijkagent for Beukenlaan 14", ("ask_role_contact", 0.9))
    message.set(ENTITIES, [{"entity": "location", "value": "Beukenlaan 14"}])
    component.process([message])
    assert [entity["entity"] for entity in message.get(ENTITIES)] == ["location", "language"]


def test_acute_danger_in_english_still_wins(
    component: LanguageDetector, classified: Classified, tmp_path: Path
) -> None:
    guard = EmergencyGuard.create(
        EmergencyGuard.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("emergency_guard"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )
    message = classified("my neighbour collapsed in the hallway", ("neighbour_conflict", 0.6))
    component.process([message])
    guard.process([message])
    assert intent(message) == ("emergency", 1.0)
    assert entities(message) == {"language": "en"}


def test_training_data_passes_through(component: LanguageDetector) -> None:
    training_data = TrainingData([Message(data={"text": "hello there", INTENT: "greet"})])
    assert component.process_training_data(training_data) is training_data


def test_registered_as_untrainable_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry(DETECTOR_PATH)
    assert registered.clazz is LanguageDetector
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert not registered.is_trainable


def test_the_stateless_components_share_one_base() -> None:
    for component in (CallbackIntent, EmergencyGuard, LanguageDetector, LocationIntent):
        assert issubclass(component, StatelessComponent)
    assert issubclass(LocationMasker, StatelessComponent)


def test_config_places_it_after_callback_intent_and_before_the_guard() -> None:
    pipeline = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [component["name"].rsplit(".", 1)[-1] for component in pipeline]
    assert names.index("CallbackIntent") < names.index("LanguageDetector")
    assert names.index("LanguageDetector") < names.index("EmergencyGuard")


def test_rasa_accepts_the_project_pipeline() -> None:
    # Rasa's own graph validation of config.yml's pipeline: signatures, type hints and
    # required components of every component, ours included.
    config = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))
    config["policies"] = []
    graph_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(graph_config)
    assert any(DETECTOR_PATH in node for node in graph_config.predict_schema.nodes)
