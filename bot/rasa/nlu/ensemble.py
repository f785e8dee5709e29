"""Two intent classifiers, one answer: DIET's ranking blended with logistic regression's.

DIET alone moved two to four Dutch dev questions between retrainings on the same data (a
new example elsewhere, a different shuffle), and adding the English examples made that
worse. Logistic regression on the same sparse features is deterministic and steady on
long sentences but weak on short keyword messages, where DIET is strong. The average of
their probabilities keeps what each does well (docs/nlu.md has the measurement).

In config.yml: LogisticRegressionClassifier, then `KeepRanking` (puts its ranking aside),
then DIETClassifier with `ranking_length: 0`, then `BlendRankings`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.rasa.nlu.base import StatelessComponent
from bot.rasa.nlu.ranking import intent_entry

# Where the first classifier's ranking waits for the blend (also in the parse data, so a
# measurement can re-weigh the two without retraining).
KEPT_RANKING = "kept_intent_ranking"
BLENDED_FROM = "blended_from"
# Intents shown in the final ranking (Rasa's default ranking length).
RANKING_LENGTH = 10


def _confidences(ranking: object) -> dict[str, float]:
    if not isinstance(ranking, list):
        return {}
    found: dict[str, float] = {}
    for entry in ranking:
        if isinstance(entry, dict) and isinstance(entry.get(INTENT_NAME_KEY), str):
            found[entry[INTENT_NAME_KEY]] = float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return found


def blend(
    first: dict[str, float], second: dict[str, float], weight: float
) -> list[tuple[str, float]]:
    """`weight` * second + (1 - weight) * first per intent, best first. An intent missing from
    one ranking counts as 0 there; with one ranking empty the other is returned unchanged."""
    if not first:
        return sorted(second.items(), key=lambda item: -item[1])
    if not second:
        return sorted(first.items(), key=lambda item: -item[1])
    names = set(first) | set(second)
    scores = {
        name: weight * second.get(name, 0.0) + (1.0 - weight) * first.get(name, 0.0)
        for name in names
    }
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class KeepRanking(StatelessComponent, IntentClassifier):
    """Puts the intent ranking so far aside, for `BlendRankings` after the next classifier."""

    def process_message(self, message: Message) -> None:
        ranking = message.get(INTENT_RANKING_KEY)
        if isinstance(ranking, list):
            message.set(KEPT_RANKING, [dict(entry) for entry in ranking], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BlendRankings(StatelessComponent, IntentClassifier):
    """The kept ranking and the current one, averaged with `weight` on the current one."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"weight": 0.5}

    def process_message(self, message: Message) -> None:
        kept = _confidences(message.get(KEPT_RANKING))
        current = _confidences(message.get(INTENT_RANKING_KEY))
        if not kept or not current:
            return
        weight = float(self.component_config.get("weight", 0.5))
        ranking = [intent_entry(name, score) for name, score in blend(kept, current, weight)]
        message.set(
            BLENDED_FROM,
            [dict(entry) for entry in message.get(INTENT_RANKING_KEY)],
            add_to_output=True,
        )
        message.set(INTENT, dict(ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking[:RANKING_LENGTH], add_to_output=True)
