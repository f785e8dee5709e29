"""Rewriting a message's intent and intent ranking, shared by the NLU guard components."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


def intent_entry(name: str, confidence: float) -> dict[str, Any]:
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}


def intent_name(intent: dict[str, Any] | None) -> str | None:
    return intent.get(INTENT_NAME_KEY) if intent else None


def set_top_intent(message: Message, intent: dict[str, Any]) -> None:
    """Makes `intent` the prediction and the head of the ranking, without duplicates."""
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(intent), *ranking], add_to_output=True)


def drop_intent(message: Message, name: str) -> None:
    """Takes `name` out of the prediction: the others' confidences are renormalised among
    themselves (how sure the classifier is among the rest), the best of them becomes the
    prediction, and `name` is ranked last. Later components (the FallbackClassifier) then
    judge the new prediction as they would any other."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if not any(entry.get(INTENT_NAME_KEY) == name for entry in ranking):
        return
    others = [dict(entry) for entry in ranking if entry.get(INTENT_NAME_KEY) != name]
    dropped = [dict(entry) for entry in ranking if entry.get(INTENT_NAME_KEY) == name]
    if not others:
        return
    rest = sum(float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) for entry in others)
    for entry in others:
        raw = float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        entry[PREDICTED_CONFIDENCE_KEY] = raw / rest if rest > 0 else 0.0
    for entry in dropped:
        entry[PREDICTED_CONFIDENCE_KEY] = 0.0
    message.set(INTENT, dict(others[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [*others, *dropped], add_to_output=True)
