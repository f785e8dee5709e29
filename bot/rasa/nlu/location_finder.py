"""Rasa NLU components that treat a place as something a message carries, not its topic.

`LocationMasker` runs first: it replaces every place (bot/core/location_mentions.py) by one
placeholder word and folds case and diacritics, in training and in use alike, so the
classifier learns what residents ask, whatever place they name, and "buurtcoördinator"
reads as "buurtcoordinator". `LocationIntent` runs after the classifier: it puts the
resident's own text back, adds each place as a `location` entity, and decides
`inform_location` by what the message holds: a message of nothing but a place gives a
location; a message with a place and a question is never "only a location"; a role's name
with a place asks for that role, and `ask_role_contact` without any role's name is not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.core.constants import ENTITY_LOCATION, INTENT_ASK_ROLE_CONTACT, INTENT_INFORM_LOCATION
from bot.core.location_mentions import (
    MaskedText,
    Mention,
    asks_more_than_location,
    find_mentions,
    mask,
    only_location,
    role_and_place_only,
)
from bot.core.roles import find_role_mentions
from bot.core.text import fold
from bot.rasa.nlu.base import StatelessComponent, is_resident_text
from bot.rasa.nlu.ranking import drop_intent, intent_entry, intent_name, set_top_intent

# The resident's own text, kept while the classifier works on the masked one.
ORIGINAL_TEXT_KEY = "wijkwijzer_original_text"
# The places the masker found, handed on so the message is parsed once (not output).
MENTIONS_KEY = "wijkwijzer_location_mentions"
# What the component decided, in the parse data (the staff inbox and tests read it).
DECISION_KEY = "location_intent"

logger = logging.getLogger(__name__)


def classification_text(masked: MaskedText) -> str:
    """What the classifier reads: places masked, lower case, no diacritics."""
    return fold(masked.text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class LocationMasker(StatelessComponent):
    """Masks places before tokenising, in the training data and in every message."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if is_resident_text(text):
                example.set(TEXT, classification_text(mask(text)))
        return training_data

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if is_resident_text(text):
            masked = mask(text)
            message.set(ORIGINAL_TEXT_KEY, text)
            message.set(MENTIONS_KEY, masked.mentions)
            message.set(TEXT, classification_text(masked))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LocationIntent(StatelessComponent, IntentClassifier):
    """Restores the text, adds `location` entities and settles `inform_location`.

    Placed after DIETClassifier and before FallbackClassifier, so a question whose
    location was dropped from the prediction is judged by the fallback like any other.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier, LocationMasker]

    def process_message(self, message: Message) -> None:
        original = message.get(ORIGINAL_TEXT_KEY)
        if not is_resident_text(original):
            return
        message.set(TEXT, original, add_to_output=True)
        mentions = message.get(MENTIONS_KEY)
        if mentions is None:
            mentions = tuple(find_mentions(original))
        self._add_entities(message, mentions)
        self._settle_intent(message, original, mentions)

    @staticmethod
    def _add_entities(message: Message, mentions: Sequence[Mention]) -> None:
        entities = list(message.get(ENTITIES) or [])
        for mention in mentions:
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: ENTITY_LOCATION,
                    ENTITY_ATTRIBUTE_VALUE: mention.text,
                    ENTITY_ATTRIBUTE_START: mention.start,
                    ENTITY_ATTRIBUTE_END: mention.end,
                    EXTRACTOR: LocationIntent.__name__,
                }
            )
        message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def _settle_intent(message: Message, text: str, mentions: Sequence[Mention]) -> None:
        predicted = intent_name(message.get(INTENT))
        decision = "keep"
        if only_location(text, mentions):
            if predicted != INTENT_INFORM_LOCATION:
                decision = "only_location"
            set_top_intent(message, intent_entry(INTENT_INFORM_LOCATION, 1.0))
        elif role_and_place_only(text, mentions) and predicted != INTENT_ASK_ROLE_CONTACT:
            # "wie is de wijkagent voor 8101 AA?": the commonest question there is.
            set_top_intent(message, intent_entry(INTENT_ASK_ROLE_CONTACT, 1.0))
            decision = "role_and_place"
        elif asks_more_than_location(text, mentions):
            # A question with a place is never "only a location", not even as a runner-up
            # that would make the fallback think the classifier hesitates.
            drop_intent(message, INTENT_INFORM_LOCATION)
            if predicted == INTENT_INFORM_LOCATION:
                decision = "question_with_location"
        if intent_name(message.get(INTENT)) == INTENT_ASK_ROLE_CONTACT and not find_role_mentions(
            text
        ):
            # Asking for a named professional names one; without a name the resident asks
            # about something, and the next reading says what (or the fallback asks).
            drop_intent(message, INTENT_ASK_ROLE_CONTACT)
            decision = "no_role_named"
        if decision != "keep":
            logger.debug(
                f"Location intent: {decision}: '{predicted}' -> "
                f"'{intent_name(message.get(INTENT))}'."
            )
        message.set(
            DECISION_KEY, {"decision": decision, "classifier_intent": predicted}, add_to_output=True
        )
