"""Fixtures for the NLU components: an EmergencyGuard and messages as the classifiers leave them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.emergency_guard import EmergencyGuard

MakeGuard = Callable[..., EmergencyGuard]
Classified = Callable[..., Message]


@pytest.fixture
def make_guard(tmp_path: Path) -> MakeGuard:
    """A factory of guards with the default config, overridden by keyword arguments."""

    def make(**config: Any) -> EmergencyGuard:
        return EmergencyGuard.create(
            {**EmergencyGuard.get_default_config(), **config},
            LocalModelStorage(tmp_path),
            Resource("emergency_guard"),
            ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
        )

    return make


@pytest.fixture
def guard(make_guard: MakeGuard) -> EmergencyGuard:
    return make_guard()


@pytest.fixture
def classified() -> Classified:
    """`classified(text, (intent, confidence), ...)`: a message as DIETClassifier (and
    FallbackClassifier) would leave it, best intent first."""

    def make(text: str, *ranking: tuple[str, float]) -> Message:
        entries = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: conf} for name, conf in ranking
        ]
        return Message(
            data={TEXT: text, INTENT: dict(entries[0]), INTENT_RANKING_KEY: entries},
            output_properties={TEXT, INTENT, INTENT_RANKING_KEY},
        )

    return make
