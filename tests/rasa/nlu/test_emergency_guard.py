"""Tests for the EmergencyGuard NLU component on messages carrying a fake classifier result."""

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
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.emergency_guard import (
    ACTION_DEMOTE,
    ACTION_KEEP,
    ACTION_OVERRIDE,
    DEMOTE_NOT_ACUTE_KEY,
    FALLBACK_THRESHOLD_KEY,
    GUARD_KEY,
    EmergencyGuard,
)

# The fixtures `make_guard`, `guard` and `classified` come from tests/rasa/nlu/conftest.py.
MakeGuard = Callable[..., EmergencyGuard]
Classified = Callable[..., Message]

PROJECT = Path(__file__).resolve().parents[3]
GUARD_PATH = "bot.rasa.nlu.emergency_guard.EmergencyGuard"


def intent_of(message: Message) -> tuple[str, float]:
    intent = message.get(INTENT)
    return intent[INTENT_NAME_KEY], intent[PREDICTED_CONFIDENCE_KEY]


def ranking_names(message: Message) -> list[str]:
    return [entry[INTENT_NAME_KEY] for entry in message.get(INTENT_RANKING_KEY)]


def test_acute_danger_cannot_be_outvoted(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified(
        "er staat een man met een mes voor mijn deur",
        ("ask_safety", 0.99),
        ("neighbour_conflict", 0.006),
        ("emergency", 0.004),
    )
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
    assert ranking_names(message) == ["emergency", "ask_safety", "neighbour_conflict"]
    assert message.get(GUARD_KEY)["action"] == ACTION_OVERRIDE
    assert message.get(GUARD_KEY)["classifier_intent"] == "ask_safety"


def test_acute_danger_overrides_nlu_fallback(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified(
        "mn buurman ligt bewustloos in de tuin!!",
        ("nlu_fallback", 0.45),
        ("personal_help", 0.31),
        ("report_defect", 0.29),
    )
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
    assert ranking_names(message)[0] == "emergency"
    assert "nlu_fallback" in ranking_names(message)


def test_acute_danger_missing_from_ranking_is_added(
    guard: EmergencyGuard, classified: Classified
) -> None:
    message = classified("er komt rook uit de flat", ("municipal_service", 0.8))
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
    assert ranking_names(message) == ["emergency", "municipal_service"]


def test_classifier_emergency_on_acute_danger_gets_full_confidence(
    guard: EmergencyGuard, classified: Classified
) -> None:
    message = classified("ik ruik gas in het portiek", ("emergency", 0.7), ("ask_safety", 0.3))
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
    assert ranking_names(message) == ["emergency", "ask_safety"]


@pytest.mark.parametrize(
    "text",
    [
        "vorige week is er bij de buren ingebroken",
        "hoe voorkom ik inbraak in mijn schuur",
        "er was vorig jaar brand in de flat",
        "stel dat er brand uitbreekt, waar moeten we heen",
    ],
)
def test_emergency_for_past_or_prevention_is_demoted(
    guard: EmergencyGuard, text: str, classified: Classified
) -> None:
    message = classified(text, ("emergency", 0.88), ("ask_safety", 0.1), ("liveability", 0.02))
    guard.process([message])

    # 0.1 of the 0.12 left besides `emergency`: the classifier is sure among the rest.
    assert intent_of(message) == ("ask_safety", pytest.approx(0.1 / 0.12))
    assert ranking_names(message) == ["ask_safety", "liveability", "emergency"]
    assert message.get(GUARD_KEY)["action"] == ACTION_DEMOTE
    assert message.get(GUARD_KEY)["level"] == "not_acute"


def test_demotion_skips_nlu_fallback(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified(
        "er is gisteren ingebroken in mijn auto",
        ("emergency", 0.6),
        ("nlu_fallback", 0.3),
        ("ask_safety", 0.1),
    )
    guard.process([message])

    assert intent_of(message)[0] == "ask_safety"


def test_unsure_demotion_becomes_the_fallback(
    guard: EmergencyGuard, classified: Classified
) -> None:
    message = classified(
        "vorige maand was er brand in de schuur van de buren",
        ("emergency", 0.7),
        ("ask_safety", 0.1),
        ("liveability", 0.1),
        ("neighbour_conflict", 0.1),
    )
    guard.process([message])

    # A third among the rest is below the fallback threshold: ask, don't guess.
    assert intent_of(message) == ("nlu_fallback", 0.40)
    assert ranking_names(message) == [
        "nlu_fallback",
        "ask_safety",
        "liveability",
        "neighbour_conflict",
        "emergency",
    ]
    assert message.get(GUARD_KEY)["action"] == ACTION_DEMOTE


def test_fallback_threshold_follows_the_config(
    make_guard: MakeGuard, classified: Classified
) -> None:
    guard = make_guard(**{FALLBACK_THRESHOLD_KEY: 0.2})
    message = classified(
        "vorige maand was er brand",
        ("emergency", 0.7),
        ("youth", 0.1),
        ("ask_safety", 0.1),
        ("liveability", 0.1),
    )
    guard.process([message])

    # A third among the rest: enough for a threshold of 0.2 (not for config.yml's 0.40).
    assert intent_of(message) == ("youth", pytest.approx(1 / 3))


def test_config_keeps_guard_and_fallback_thresholds_equal() -> None:
    pipeline = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    by_name = {component["name"]: component for component in pipeline}
    fallback = by_name["FallbackClassifier"]["threshold"]
    assert by_name[GUARD_PATH][FALLBACK_THRESHOLD_KEY] == fallback


def test_demotion_needs_an_alternative(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified("er was vorig jaar brand", ("emergency", 0.9))
    guard.process([message])

    # Nothing to fall back on: keeping `emergency` is the safe side.
    assert intent_of(message) == ("emergency", 0.9)
    assert message.get(GUARD_KEY)["action"] == ACTION_KEEP


def test_demotion_can_be_switched_off(make_guard: MakeGuard, classified: Classified) -> None:
    guard = make_guard(**{DEMOTE_NOT_ACUTE_KEY: False})
    message = classified("er was vorig jaar brand", ("emergency", 0.9), ("ask_safety", 0.1))
    guard.process([message])

    assert intent_of(message) == ("emergency", 0.9)


def test_abstract_danger_words_without_context_do_not_demote(
    guard: EmergencyGuard, classified: Classified
) -> None:
    message = classified(
        "huiselijk geweld bij de buren", ("emergency", 0.7), ("personal_help", 0.2)
    )
    guard.process([message])

    assert intent_of(message) == ("emergency", 0.7)
    assert message.get(GUARD_KEY)["level"] == "not_acute"
    assert message.get(GUARD_KEY)["action"] == ACTION_KEEP


def test_non_acute_danger_with_another_intent_is_left_alone(
    guard: EmergencyGuard, classified: Classified
) -> None:
    message = classified("vorige week is er ingebroken", ("ask_safety", 0.9), ("emergency", 0.1))
    guard.process([message])

    assert intent_of(message) == ("ask_safety", 0.9)
    assert ranking_names(message) == ["ask_safety", "emergency"]
    assert message.get(GUARD_KEY)["action"] == ACTION_KEEP


def test_classifier_emergency_without_danger_words_is_kept(
    guard: EmergencyGuard, classified: Classified
) -> None:
    # The classifier knows phrasings the word lists do not; the guard only adds safety.
    message = classified("kom alsjeblieft, het gaat hier helemaal mis", ("emergency", 0.8))
    guard.process([message])

    assert intent_of(message) == ("emergency", 0.8)
    assert message.get(GUARD_KEY)["level"] == "none"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("de straatlantaarn brandt niet", "report_defect"),
        ("ik brand van nieuwsgierigheid naar de plannen", "neighbourhood_plans"),
        ("wat is het nummer van de wijkagent", "ask_role_contact"),
    ],
)
def test_other_meanings_keep_their_intent(
    guard: EmergencyGuard, text: str, intent: str, classified: Classified
) -> None:
    message = classified(text, (intent, 0.93), ("emergency", 0.05))
    guard.process([message])

    assert intent_of(message) == (intent, 0.93)


def test_intent_payloads_are_not_judged(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified("/ask_safety", ("ask_safety", 1.0))
    guard.process([message])

    assert intent_of(message) == ("ask_safety", 1.0)
    assert message.get(GUARD_KEY) is None


def test_message_without_classification_still_gets_emergency(guard: EmergencyGuard) -> None:
    message = Message(data={TEXT: "help er is brand"})
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
    assert ranking_names(message) == ["emergency"]


def test_decision_is_in_the_parse_output(guard: EmergencyGuard, classified: Classified) -> None:
    message = classified("er wordt geschoten op het plein", ("ask_safety", 0.9))
    guard.process([message])

    output = message.as_dict(only_output_properties=True)
    record = output[GUARD_KEY]
    assert record["level"] == "acute"
    assert record["danger"] == "shots.fired"
    assert record["action"] == ACTION_OVERRIDE
    assert output[INTENT][INTENT_NAME_KEY] == "emergency"


def test_processes_every_message(guard: EmergencyGuard, classified: Classified) -> None:
    acute = classified("iemand verdrinkt in de vijver", ("youth", 0.9))
    calm = classified("wanneer wordt het grofvuil opgehaald", ("municipal_service", 0.9))
    result = guard.process([acute, calm])

    assert result == [acute, calm]
    assert intent_of(acute)[0] == "emergency"
    assert intent_of(calm)[0] == "municipal_service"


def test_training_data_passes_through(guard: EmergencyGuard) -> None:
    training_data = TrainingData([Message(data={TEXT: "brand", INTENT: "emergency"})])
    assert guard.process_training_data(training_data) is training_data


def test_registered_as_untrainable_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry(GUARD_PATH)
    assert registered.clazz is EmergencyGuard
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert not registered.is_trainable
    assert EmergencyGuard.required_components() == [IntentClassifier]


def test_config_runs_the_guard_after_the_classifiers() -> None:
    config = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))
    names = [component["name"] for component in config["pipeline"]]
    assert GUARD_PATH in names
    guard_at = names.index(GUARD_PATH)
    for classifier in ("DIETClassifier", "FallbackClassifier"):
        if classifier in names:
            assert names.index(classifier) < guard_at


def test_rasa_accepts_the_guard_in_a_pipeline() -> None:
    # Rasa's own graph validation: signatures, type hints and required components.
    config = {
        "recipe": "default.v1",
        "language": "nl",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
            {"name": "FallbackClassifier", "threshold": 0.45},
            {"name": GUARD_PATH},
        ],
        "policies": [],
    }
    graph_config = DefaultV1Recipe().graph_config_for_recipe(
        config, {}, training_type=TrainingType.NLU
    )
    validation.validate(graph_config)
    assert any(GUARD_PATH in node for node in graph_config.predict_schema.nodes)


def test_loads_the_way_the_predict_graph_loads_it(tmp_path: Path, classified: Classified) -> None:
    # Rasa's predict graph builds untrainable components with `load`, not `create`.
    guard = EmergencyGuard.load(
        EmergencyGuard.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("emergency_guard"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )
    message = classified("er ligt iemand in de gracht", ("ask_safety", 0.9))
    guard.process([message])

    assert intent_of(message) == ("emergency", 1.0)
