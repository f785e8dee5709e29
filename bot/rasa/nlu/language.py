"""Rasa NLU component: the language of each message (bot/core/language.py) as entities and intents.

- A decisive Dutch or English message gets the entity `language` ("nl" or "en"), which
  fills the `language` slot; an undecided one ("ok", a postcode) gets none, and the slot
  keeps its value.
- Asking to continue in the other language ("can we speak English?", "Nederlands graag")
  is `switch_language` with `language` set to the language asked for: by pattern, without
  training examples, like CallbackIntent.
- A message in another language (Arabic, Turkish, ...) is `other_language` with the entity
  `foreign_language`: the classifier, trained on Dutch and English, would only guess a route.

Placed after CallbackIntent and before EmergencyGuard, so acute danger still wins.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, EXTRACTOR, INTENT, TEXT
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_VALUE as VALUE
from rasa.shared.nlu.training_data.message import Message

from bot.core.constants import (
    ENTITY_FOREIGN_LANGUAGE,
    ENTITY_LANGUAGE,
    INTENT_OTHER_LANGUAGE,
    INTENT_SWITCH_LANGUAGE,
)
from bot.core.language import detect_language, detector, switch_request
from bot.rasa.nlu.base import StatelessComponent, is_resident_text
from bot.rasa.nlu.ranking import intent_entry, intent_name, set_top_intent

# What the component decided, in the parse data (the staff inbox and tests read it).
DECISION_KEY = "language_detection"

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(StatelessComponent, IntentClassifier):
    """Adds `language` or `foreign_language`, and sets the two language intents."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        # The models load here, when the server loads the model, not on the first message.
        detector()

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not is_resident_text(text):
            return
        predicted = intent_name(message.get(INTENT))
        target = switch_request(text)
        if target is not None:
            set_top_intent(message, intent_entry(INTENT_SWITCH_LANGUAGE, 1.0))
            _add_entity(message, ENTITY_LANGUAGE, target)
            record: dict[str, Any] = {"language": target, "reason": "switch request"}
        else:
            detection = detect_language(text)
            if detection.other:
                set_top_intent(message, intent_entry(INTENT_OTHER_LANGUAGE, 1.0))
                _add_entity(message, ENTITY_FOREIGN_LANGUAGE, str(detection.language))
            elif detection.served:
                _add_entity(message, ENTITY_LANGUAGE, str(detection.language))
            record = {
                "language": detection.language,
                "confidence": round(detection.confidence, 3),
                "reason": detection.reason,
            }
        chosen = intent_name(message.get(INTENT))
        if chosen != predicted:
            logger.debug(f"Language detector: '{predicted}' -> '{chosen}' ({record['reason']}).")
        message.set(DECISION_KEY, record, add_to_output=True)


def _add_entity(message: Message, entity: str, value: str) -> None:
    entities = list(message.get(ENTITIES) or [])
    entities.append(
        {ENTITY_ATTRIBUTE_TYPE: entity, VALUE: value, EXTRACTOR: LanguageDetector.__name__}
    )
    message.set(ENTITIES, entities, add_to_output=True)
