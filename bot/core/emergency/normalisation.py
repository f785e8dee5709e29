"""Normalising a message before the patterns read it: case, diacritics, letter runs, typos."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from bot.core.emergency.words import FUZZY_WORDS, NOT_TYPOS, SHORT_FORMS, TYPOS
from bot.core.text import fold, one_edit_apart

# Short forms of two letters that punctuation removal splits apart ("m'n" -> "m n").
_SPLIT_SHORT_FORMS: Final = re.compile(r"\b([mz]) n\b")
_SPLIT_SHORT_FORM_WORDS: Final = {"m": "mijn", "z": "zijn"}

_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_LETTER_RUN: Final = re.compile(r"([a-z])\1{2,}")

# Tags appended to the normalised text, so CONTEXTS can refer to facts that are not
# words. They contain "<", which normalised text never does.
TAG_EXCLAIM: Final = "<!!>"
TAG_PRESENT_DANGER: Final = "<present>"



@lru_cache(maxsize=8192)
def _correct(token: str) -> str:
    if token in TYPOS:
        return TYPOS[token]
    if token in SHORT_FORMS:
        return SHORT_FORMS[token]
    if len(token) < 6 or token in FUZZY_WORDS or token in NOT_TYPOS:
        return token
    for word in FUZZY_WORDS:
        # Same first letter: a typo rarely hits it, a different word often does.
        if word[0] == token[0] and one_edit_apart(token, word):
            return word
    return token


def normalise(text: str) -> str:
    """Lower case, ASCII letters and digits, single spaces, key-word typos corrected."""
    text = _NON_WORD.sub(" ", fold(text))
    text = _LETTER_RUN.sub(r"\1", text)
    text = _SPLIT_SHORT_FORMS.sub(lambda m: _SPLIT_SHORT_FORM_WORDS[m.group(1)], text)
    return " ".join(_correct(token) for token in text.split())
