"""Tests of the blend of two intent classifiers (bot/rasa/nlu/ensemble.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.ensemble import KEPT_RANKING, BlendRankings, KeepRanking, blend

PROJECT = Path(__file__).resolve().parents[3]


def _create(cls, config, tmp_path: Path):
    return cls.create(
        config,
        LocalModelStorage(tmp_path),
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), uuid.uuid4().hex),
    )


def _ranked(**confidences: float) -> list[dict]:
    return [
        {INTENT_NAME_KEY: name, "confidence": value}
        for name, value in sorted(confidences.items(), key=lambda item: -item[1])
    ]


def test_blend_averages_and_counts_a_missing_intent_as_zero() -> None:
    blended = dict(blend({"youth": 0.8, "ask_safety": 0.2}, {"ask_safety": 0.6, "youth": 0.1}, 0.5))
    assert blended["youth"] == pytest.approx(0.45)
    assert blended["ask_safety"] == pytest.approx(0.4)
    only_second = dict(blend({"youth": 1.0}, {"greet": 1.0}, 0.25))
    assert only_second == {"youth": pytest.approx(0.75), "greet": pytest.approx(0.25)}


def test_blend_with_one_ranking_empty_keeps_the_other() -> None:
    assert blend({}, {"greet": 0.9, "thank": 0.1}, 0.5) == [("greet", 0.9), ("thank", 0.1)]
    assert blend({"greet": 0.7}, {}, 0.5) == [("greet", 0.7)]


def test_the_kept_ranking_and_the_next_classifier_are_blended(tmp_path: Path) -> None:
    keep = _create(KeepRanking, {}, tmp_path)
    mix = _create(BlendRankings, {"weight": 0.5}, tmp_path)
    message = Message(data={TEXT: "er hangen elke avond jongeren rond bij het buurthuis"})
    # The first classifier (logistic regression) is sure of youth...
    message.set(INTENT_RANKING_KEY, _ranked(youth=0.7, ask_safety=0.3))
    keep.process([message])
    assert [e[INTENT_NAME_KEY] for e in message.get(KEPT_RANKING)] == ["youth", "ask_safety"]
    # ...the second (DIET) leans a little to safety: the blend still says youth.
    message.set(INTENT, {INTENT_NAME_KEY: "ask_safety", "confidence": 0.55})
    message.set(INTENT_RANKING_KEY, _ranked(ask_safety=0.55, youth=0.45))
    mix.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "youth"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.575)
    assert [e[INTENT_NAME_KEY] for e in message.get(INTENT_RANKING_KEY)] == ["youth", "ask_safety"]


def test_without_a_kept_ranking_the_prediction_is_left_alone(tmp_path: Path) -> None:
    mix = _create(BlendRankings, {"weight": 0.5}, tmp_path)
    message = Message(data={TEXT: "/greet"})
    message.set(INTENT, {INTENT_NAME_KEY: "greet", "confidence": 1.0})
    message.set(INTENT_RANKING_KEY, _ranked(greet=1.0))
    mix.process([message])
    assert message.get(INTENT)[INTENT_NAME_KEY] == "greet"


def test_config_puts_the_blend_around_diet_in_this_order() -> None:
    names = [c["name"] for c in yaml.safe_load((PROJECT / "config.yml").read_text())["pipeline"]]
    order = [
        "LogisticRegressionClassifier",
        "bot.rasa.nlu.ensemble.KeepRanking",
        "DIETClassifier",
        "bot.rasa.nlu.ensemble.BlendRankings",
    ]
    positions = [names.index(name) for name in order]
    assert positions == sorted(positions)
    assert positions[-1] - positions[0] == len(order) - 1
    diet = next(
        c
        for c in yaml.safe_load((PROJECT / "config.yml").read_text())["pipeline"]
        if c["name"] == "DIETClassifier"
    )
    # The blend needs DIET's whole ranking, not its top ten.
    assert diet["ranking_length"] == 0
