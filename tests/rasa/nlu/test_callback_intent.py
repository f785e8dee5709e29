"""Tests of the CallbackIntent component: asking to be called back, or withdrawing it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.callback_intent import CallbackIntent

# `classified` comes from tests/rasa/nlu/conftest.py.
Classified = Callable[..., Message]
PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def component(tmp_path: Path) -> CallbackIntent:
    return CallbackIntent.create(
        {},
        LocalModelStorage(tmp_path),
        Resource("callback_intent"),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )


def after(component: CallbackIntent, message: Message) -> str:
    component.process([message])
    return str(message.get(INTENT)[INTENT_NAME_KEY])


@pytest.mark.parametrize(
    ("text", "predicted"),
    [
        ("kan de wijkagent mij terugbellen?", "ask_safety"),  # a role named: wins over a topic
        ("ik wil dat iemand contact met me opneemt", "ask_human"),
        ("ik durf niet zelf te bellen", "nlu_fallback"),
        ("Kunt u mij terugbellen?", "ask_human"),
        ("Laat de sociaal makelaar contact met mij opnemen", "meet_neighbours"),
    ],
)
def test_asking_to_be_contacted(
    component: CallbackIntent, classified: Classified, text: str, predicted: str
) -> None:
    assert after(component, classified(text, (predicted, 0.6))) == "ask_callback"


@pytest.mark.parametrize(
    ("text", "predicted", "expected"),
    [
        ("can someone call me back?", "ask_human", "ask_callback"),
        ("please have the wijkagent phone me", "ask_safety", "ask_callback"),
        ("cancel my callback request", "ask_safety", "cancel_callback"),
    ],
)
def test_english_phrasings(
    component: CallbackIntent, classified: Classified, text: str, predicted: str, expected: str
) -> None:
    assert after(component, classified(text, (predicted, 0.6))) == expected


def test_a_topic_the_classifier_is_sure_of_is_answered_first(
    component: CallbackIntent, classified: Classified
) -> None:
    # The card that follows offers the callback button.
    message = classified("kan iemand mij bellen over mijn schulden?", ("personal_help", 0.8))
    assert after(component, message) == "personal_help"


@pytest.mark.parametrize(
    "text",
    [
        "intrekken WW-7K3M9Q2D",
        "ik wil mijn terugbelverzoek annuleren",
        "ww 7k3m 9q2d",
        "niet versturen",
    ],
)
def test_withdrawing_a_request(
    component: CallbackIntent, classified: Classified, text: str
) -> None:
    assert after(component, classified(text, ("ask_safety", 0.9))) == "cancel_callback"


def test_acute_danger_and_ordinary_questions_are_left_alone(
    component: CallbackIntent, classified: Classified
) -> None:
    danger = classified("bel mij terug, er is brand bij de buren", ("emergency", 0.9))
    assert after(component, danger) == "emergency"
    for text in (
        "Wie is de wijkagent?",
        "Kan ik iemand bellen?",
        "wat is het nummer van de wijkagent",
    ):
        assert after(component, classified(text, ("ask_role_contact", 0.9))) == "ask_role_contact"
    button = classified('/ask_role_contact{"role":"wijkagent"}', ("ask_role_contact", 1.0))
    assert after(component, button) == "ask_role_contact"


def test_the_component_runs_before_the_emergency_guard() -> None:
    pipeline = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))["pipeline"]
    names = [component["name"].rsplit(".", 1)[-1] for component in pipeline]
    assert names.index("FallbackClassifier") < names.index("CallbackIntent")
    assert names.index("CallbackIntent") < names.index("EmergencyGuard")
