"""Normalising a message before the patterns read it: case, diacritics, letter runs, typos."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from bot.core.emergency.words import FUZZY_WORDS, NOT_TYPOS, SHORT_FORMS, TYPOS

# Short forms of two letters that punctuation removal splits apart ("m'n" -> "m n").
_SPLIT_SHORT_FORMS: Final = re.compile(r"\b([mz]) n\b")
_SPLIT_SHORT_FORM_WORDS: Final = {"m": "mijn", "z": "zijn"}

_NON_WORD: Final = re.compile(r"[^a-z0-9]+")
_LETTER_RUN: Final = re.compile(r"([a-z])\1{2,}")

# Tags appended to the normalised text, so CONTEXTS can refer to facts that are not
# words. They contain "<", which normalised text never does.
TAG_EXCLAIM: Final = "<!!>"
TAG_PRESENT_DANGER: Final = "<present>"


def _one_edit_apart(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


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
        if word[0] == token[0] and _one_edit_apart(token, word):
            return word
    return token


def normalise(text: str) -> str:
    """Lower case, ASCII letters and digits, single spaces, key-word typos corrected."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NON_WORD.sub(" ", text)
    text = _LETTER_RUN.sub(r"\1", text)
    text = _SPLIT_SHORT_FORMS.sub(lambda m: _SPLIT_SHORT_FORM_WORDS[m.group(1)], text)
    return " ".join(_correct(token) for token in text.split())
