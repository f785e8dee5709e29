"""Deterministic safety net: recognises acute danger in Dutch or English by words and patterns.

`assess` (assessment.py, with the notes on how a message is judged) is the entry point. The
word tables live apart from the logic: words.py (typos, short forms), dangers.py (danger
words) and contexts.py (the context markers that decide); normalisation.py prepares the text.
english.py holds the English danger words and context markers (issue 14).
"""

from bot.core.emergency.assessment import assess
from bot.core.emergency.contexts import (
    CONTEXT_DEVICE_PROBLEM,
    CONTEXT_ONGOING,
    CONTEXTS,
    DEVICE_PROBLEM,
    Context,
)
from bot.core.emergency.dangers import DANGERS, Danger
from bot.core.emergency.normalisation import TAG_EXCLAIM, TAG_PRESENT_DANGER, normalise
from bot.core.emergency.verdict import EmergencyVerdict, Level
from bot.core.emergency.words import FUZZY_WORDS, NOT_TYPOS, SHORT_FORMS, TYPOS

__all__ = [
    "CONTEXTS",
    "CONTEXT_DEVICE_PROBLEM",
    "CONTEXT_ONGOING",
    "DANGERS",
    "DEVICE_PROBLEM",
    "FUZZY_WORDS",
    "NOT_TYPOS",
    "SHORT_FORMS",
    "TAG_EXCLAIM",
    "TAG_PRESENT_DANGER",
    "TYPOS",
    "Context",
    "Danger",
    "EmergencyVerdict",
    "Level",
    "assess",
    "normalise",
]
