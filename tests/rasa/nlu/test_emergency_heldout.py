"""The emergency safety net on held-out messages: every acute one caught, no near-miss forced."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.core.constants import INTENT_EMERGENCY
from bot.core.emergency import Level, assess
from bot.rasa.nlu.emergency_guard import ACTION_DEMOTE, ACTION_OVERRIDE, GUARD_KEY, EmergencyGuard

# The fixtures `guard` and `classified` come from tests/rasa/nlu/conftest.py.
Classified = Callable[..., Message]

PROJECT = Path(__file__).resolve().parents[3]
HELDOUT = yaml.safe_load(Path(__file__).with_name("emergency_heldout.yml").read_text("utf-8"))
ACUTE: dict[str, list[str]] = HELDOUT["acute"]
NEAR_MISSES: dict[str, list[str]] = HELDOUT["near_misses"]
# Near-misses that are a matter for the wijkagent while they go on: when the classifier
# calls them `emergency`, the guard must take that back.
WIJKAGENT_MATTERS = ("suspected_crime", "online_threat")
# As in scripts/nlu/check_data.py: word-set overlap that counts as (nearly) a copy.
NEAR_COPY = 0.6


def _cases(groups: dict[str, list[str]]) -> list[pytest.param]:
    return [
        pytest.param(text, id=f"{group}-{i}")
        for group, texts in groups.items()
        for i, text in enumerate(texts)
    ]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _training_examples() -> list[str]:
    examples = []
    for path in sorted((PROJECT / "data" / "nlu").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for block in data.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    examples.append(line.strip()[2:])
    return examples


def test_every_kind_of_danger_has_many_phrasings() -> None:
    expected = {
        "smoke",
        "fire",
        "fire_alarm",
        "gas",
        "carbon_monoxide",
        "unresponsive",
        "child_in_danger",
        "weapon",
        "assault",
        "burglary_now",
    }
    assert expected <= set(ACUTE)
    assert all(len(texts) >= 8 for texts in ACUTE.values())
    assert all(len(texts) >= 6 for texts in NEAR_MISSES.values())


@pytest.mark.parametrize("text", _cases(ACUTE))
def test_guard_alone_catches_every_acute_message(
    guard: EmergencyGuard, classified: Classified, text: str
) -> None:
    verdict = assess(text)
    assert verdict.level is Level.ACUTE, verdict.reason

    # Whatever the classifier thought, even its fallback, the resident hears 112.
    message = classified(text, ("neighbour_conflict", 0.97), (INTENT_EMERGENCY, 0.03))
    guard.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == INTENT_EMERGENCY
    assert message.get(GUARD_KEY)["action"] == ACTION_OVERRIDE


@pytest.mark.parametrize("text", _cases(NEAR_MISSES))
def test_guard_never_forces_a_near_miss_to_emergency(
    guard: EmergencyGuard, classified: Classified, text: str
) -> None:
    verdict = assess(text)
    assert verdict.level is not Level.ACUTE, verdict.reason

    message = classified(text, ("ask_safety", 0.8), (INTENT_EMERGENCY, 0.2))
    guard.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "ask_safety"


@pytest.mark.parametrize("text", _cases({g: NEAR_MISSES[g] for g in WIJKAGENT_MATTERS}))
def test_guard_takes_back_a_classifier_emergency_for_a_wijkagent_matter(
    guard: EmergencyGuard, classified: Classified, text: str
) -> None:
    message = classified(text, (INTENT_EMERGENCY, 0.6), ("ask_safety", 0.35), ("youth", 0.05))
    guard.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "ask_safety"
    assert message.get(GUARD_KEY)["action"] == ACTION_DEMOTE


def test_heldout_messages_are_not_training_data() -> None:
    examples = [(example, _words(example)) for example in _training_examples()]
    heldout = [
        text for groups in (ACUTE, NEAR_MISSES) for texts in groups.values() for text in texts
    ]
    close = []
    for text in heldout:
        words = _words(text)
        for example, example_words in examples:
            if len(words & example_words) / len(words | example_words) >= NEAR_COPY:
                close.append((text, example))
    assert close == []
