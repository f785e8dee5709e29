"""Rasa NLU component: `ask_callback` and `cancel_callback` by pattern (bot.core.callback).

The two intents have no training examples: new examples shifted the classifier's other
topics enough to lose cases of the understanding gate (issue 13), while residents ask to
be called back in a few fixed ways. Placed after the FallbackClassifier and before the
EmergencyGuard, so acute danger still wins.
"""

from __future__ import annotations

import logging
from typing import Final

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.core.callback import REQUEST_ASK, REQUEST_CANCEL, callback_request_kind
from bot.core.constants import (
    INTENT_ASK_CALLBACK,
    INTENT_ASK_HUMAN,
    INTENT_ASK_ROLE_CONTACT,
    INTENT_CANCEL_CALLBACK,
    INTENT_EMERGENCY,
)
from bot.core.roles import find_role_mentions
from bot.rasa.nlu.base import StatelessComponent, is_resident_text
from bot.rasa.nlu.ranking import intent_entry, intent_name, set_top_intent

logger = logging.getLogger(__name__)

# A topic the classifier is sure of is answered first (its card offers the callback button);
# these predictions say nothing about a topic, so asking to be called back wins over them.
NO_TOPIC: Final = frozenset(
    {
        INTENT_ASK_HUMAN,
        INTENT_ASK_ROLE_CONTACT,
        DEFAULT_NLU_FALLBACK_INTENT_NAME,
        "greet",
        "thank",
        "goodbye",
        "out_of_scope",
        "not_understood",
        "bot_challenge",
        "explain_role",
        "explain_all_roles",
    }
)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class CallbackIntent(StatelessComponent, IntentClassifier):
    """Sets `ask_callback` or `cancel_callback` where the words say so."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not is_resident_text(text):
            return
        predicted = intent_name(message.get(INTENT))
        if predicted == INTENT_EMERGENCY:
            return
        kind = callback_request_kind(text)
        if kind == REQUEST_CANCEL:
            chosen = INTENT_CANCEL_CALLBACK
        elif kind == REQUEST_ASK and (predicted in NO_TOPIC or find_role_mentions(text)):
            chosen = INTENT_ASK_CALLBACK
        else:
            return
        set_top_intent(message, intent_entry(chosen, 1.0))
        logger.debug(f"Callback intent: '{predicted}' -> '{chosen}'.")
