"""Rasa NLU component: forces the `emergency` intent when bot.core.emergency sees acute danger."""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.core.constants import INTENT_EMERGENCY
from bot.core.emergency import EmergencyVerdict, Level, assess
from bot.rasa.nlu.base import StatelessComponent, is_resident_text
from bot.rasa.nlu.language import DECISION_KEY as LANGUAGE_DECISION_KEY
from bot.rasa.nlu.ranking import intent_entry, intent_name, set_top_intent

# Key under which the guard records its decision in the message's data (and parse data).
GUARD_KEY = "emergency_guard"
DEMOTE_NOT_ACUTE_KEY = "demote_not_acute"
FALLBACK_THRESHOLD_KEY = "fallback_threshold"

ACTION_OVERRIDE = "override"
ACTION_DEMOTE = "demote"
ACTION_KEEP = "keep"

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyGuard(StatelessComponent, IntentClassifier):
    """Overrides the classifiers for acute danger, and demotes `emergency` for past danger.

    Placed after DIETClassifier and FallbackClassifier, so that neither a confident
    wrong intent nor `nlu_fallback` can keep a resident in danger from hearing "112".
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """Components that should be included in the pipeline before this component."""
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # When the classifier says `emergency` but the message clearly speaks of the
            # past, of prevention or of a hypothetical, use the next intent instead.
            DEMOTE_NOT_ACUTE_KEY: True,
            # The FallbackClassifier's threshold (config.yml keeps the two equal, a test checks
            # it): it ran before the guard, so a demoted intent must meet it here again.
            FALLBACK_THRESHOLD_KEY: 0.40,
        }

    def process_message(self, message: Message) -> None:
        """Applies the safety net to the message's intent and intent ranking."""
        text = message.get(TEXT) or ""
        # "/intent" payloads from buttons are not the resident's words; an empty message is
        # still recorded (as no danger).
        if text and not is_resident_text(text):
            return
        # The LanguageDetector, before the guard, says which language's tables go first.
        detection = message.get(LANGUAGE_DECISION_KEY) or {}
        verdict = assess(text, detection.get("language"))
        predicted = intent_name(message.get(INTENT))

        action = ACTION_KEEP
        if verdict.level is Level.ACUTE:
            set_top_intent(message, intent_entry(INTENT_EMERGENCY, 1.0))
            action = ACTION_OVERRIDE
        elif (
            verdict.level is Level.NOT_ACUTE
            # only a clear sign (past, prevention, ...), not mere abstract danger words
            and verdict.context is not None
            and predicted == INTENT_EMERGENCY
            and self.component_config.get(DEMOTE_NOT_ACUTE_KEY, True)
        ):
            alternative = _next_intent(message)
            if alternative is not None:
                set_top_intent(message, self._demoted(message, alternative))
                _rank_emergency_last(message)
                action = ACTION_DEMOTE

        if action != ACTION_KEEP:
            logger.debug(
                f"Emergency guard: {action} '{predicted}' -> "
                f"'{intent_name(message.get(INTENT))}' ({verdict.reason})."
            )
        message.set(GUARD_KEY, _record(verdict, action, predicted), add_to_output=True)

    def _demoted(self, message: Message, alternative: dict[str, Any]) -> dict[str, Any]:
        """The alternative, with its confidence among the non-emergency intents, or fallback.

        The classifier's raw confidence in the alternative is small because most of the mass
        went to `emergency`; what counts is how sure it is among the rest. Below the fallback
        threshold the resident gets the fallback's clarifying question, as for any unsure
        prediction, instead of a confident-looking guess.
        """
        skip = {INTENT_EMERGENCY, DEFAULT_NLU_FALLBACK_INTENT_NAME}
        rest = sum(
            float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            for entry in message.get(INTENT_RANKING_KEY) or []
            if entry.get(INTENT_NAME_KEY) not in skip
        )
        raw = float(alternative.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        confidence = raw / rest if rest > 0 else 0.0
        threshold = float(self.component_config.get(FALLBACK_THRESHOLD_KEY, 0.0))
        if confidence < threshold:
            return intent_entry(DEFAULT_NLU_FALLBACK_INTENT_NAME, threshold)
        return intent_entry(alternative[INTENT_NAME_KEY], confidence)


def _next_intent(message: Message) -> dict[str, Any] | None:
    """The best-ranked intent that is neither `emergency` nor `nlu_fallback`."""
    skip = {INTENT_EMERGENCY, DEFAULT_NLU_FALLBACK_INTENT_NAME}
    for candidate in message.get(INTENT_RANKING_KEY) or []:
        if candidate.get(INTENT_NAME_KEY) not in skip:
            return dict(candidate)
    return None


def _rank_emergency_last(message: Message) -> None:
    """After a demotion, `emergency` is the least likely reading; fallback buttons follow suit."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    head, rest = ranking[:1], ranking[1:]
    others = [entry for entry in rest if entry.get(INTENT_NAME_KEY) != INTENT_EMERGENCY]
    emergency = [entry for entry in rest if entry.get(INTENT_NAME_KEY) == INTENT_EMERGENCY]
    message.set(INTENT_RANKING_KEY, [*head, *others, *emergency], add_to_output=True)


def _record(verdict: EmergencyVerdict, action: str, predicted: str | None) -> dict[str, Any]:
    return {**verdict.as_dict(), "action": action, "classifier_intent": predicted}
