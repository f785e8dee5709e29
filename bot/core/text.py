"""Comparing what people write: folding case and accents, name keys, edit distance."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import OSA

# Articles a place name may start with ("de Vogelbuurt", "'t Zand").
_ARTICLES = frozenset({"de", "het", "t"})
# Python's \W knows every script's letters, so "Ørsted" keeps its "ø".
_NON_ALNUM_RE = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case without diacritics: 'Buurtcoördinator' -> 'buurtcoordinator'.

    rapidfuzz's `utils.default_process` lowers case but keeps the accents, so this
    stays on the standard library's Unicode decomposition.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str) -> str:
    """Folded, with every run of white space one space: for searching and sorting lists."""
    return " ".join(fold(text).split())


def caseless(text: str) -> str:
    """Case and runs of white space ignored, accents kept: 'José  de Vries' = 'josé de vries'.

    For people's names, where 'Jose' and 'José' may be two different people.
    """
    return " ".join(text.casefold().split())


def normalize_text(text: str) -> str:
    """Folded words separated by single spaces; punctuation and symbols dropped."""
    return _NON_ALNUM_RE.sub(" ", fold(text)).strip()


def normalize_name(name: str) -> str:
    """Key for buurt, wijk and gemeente names: folded, without a leading article."""
    words = normalize_text(name).split()
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def name_key(name: str) -> str:
    """Place name key without spaces, so 'Kade kwartier' and 'Kadekwartier' are one name."""
    return normalize_name(name).replace(" ", "")


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent transpositions, capped: anything above `limit` is limit+1.

    Optimal string alignment distance (a transposition counts once, no edits inside it).
    """
    return int(OSA.distance(a, b, score_cutoff=limit))


def one_edit_apart(a: str, b: str) -> bool:
    """One letter dropped, added, changed, or two neighbours swapped; not equal."""
    return edit_distance(a, b, 1) == 1
