"""Which language a resident writes in: Dutch, English, another language we answer, or unknown.

The detector is lingua's, restricted to the languages we answer (Dutch, English) and the
other languages we answer with one fixed text. Raw lingua calls "Who is my wijkagent?"
Dutch: the Dutch role names, places and institutions in an English sentence weigh more
than its function words. So those are removed before detecting (`masked_for_detection`).
A message gets a language only when it is long enough and lingua is sure enough; "ok",
"thanks", a postcode or a name give none, and the conversation keeps its language. The
thresholds below were measured on the examples in tests/core/test_language.py; docs/nlu.md
has the figures on the held-out set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from bot.core.constants import CONVERSATION_LANGUAGES, LANGUAGE_EN, LANGUAGE_NL
from bot.core.location_mentions import find_mentions
from bot.core.roles import role_spans
from bot.core.text import fold

# Languages answered with one fixed text ("I can help in Dutch or English"), as ISO 639-1.
# German, French and Spanish cost no time but about 130 MB of models (docs/nlu.md); without
# them their messages would be undecided or, for German, Dutch. A Dutch message taken for
# German is what the thresholds below guard against (tests/core, the Dutch training data).
OTHER_LANGUAGES: Final = ("ar", "tr", "pl", "uk", "de", "fr", "es")

# Words (letters only) a message needs, after masking, before Dutch or English is decided:
# two words ("thank you", "ja graag", "yes please") are what both languages share or
# borrow; from three on lingua's confidence carries.
MIN_WORDS_SERVED: Final = 3
# Dutch against English: lingua's share of the two, p(en) / (p(en) + p(nl)), on the masked
# text. English sentences with Dutch names masked scored 0.78 and up, Dutch sentences with
# English words 0.28 and down, but one at 0.73 ("is er een repair cafe in de buurt" loses
# its Dutch "buurt" to the mask): English needs 0.75.
MIN_SHARE_ENGLISH: Final = 0.75
# Dutch needs the same share of the masked text or of the whole text: a Dutch place or
# role name is Dutch evidence once the sentence is not English...
MIN_SHARE_DUTCH: Final = 0.75
# ...that is, while the masked text leans Dutch: "I live at Beukenlaan 14" ("I live at",
# English share 0.67) is no Dutch sentence because of its street's name.
MAX_SHARE_ENGLISH_FOR_PLACES: Final = 0.5
# Another language answers with a fixed text instead of helping: only on clear evidence,
# lingua's confidence over all languages, with Dutch and English together unlikely.
MIN_WORDS_OTHER: Final = 3
MIN_CONFIDENCE_OTHER: Final = 0.70
MAX_SERVED_FOR_OTHER: Final = 0.25
# Two words are enough when lingua is all but certain ("¿Hablas español?").
MIN_CONFIDENCE_OTHER_SHORT: Final = 0.95
# A script of its own (Arabic, Cyrillic) is evidence by itself: one word is enough.
MIN_CONFIDENCE_SCRIPT: Final = 0.50

_SCRIPTS: Final = {"ar": re.compile(r"[\u0600-\u06ff]"), "uk": re.compile(r"[\u0400-\u04ff]")}
_WORD_RE: Final = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LANGUAGES: Final = tuple(
    Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    for code in (*CONVERSATION_LANGUAGES, *OTHER_LANGUAGES)
)

# Dutch words residents use inside English sentences, besides role names and places with a
# shape: institutions, services and kinds of place. They say nothing about the language.
_DUTCH_LOAN_WORDS: Final = frozenset(
    """
    gemeente gemeentehuis stadhuis stadskantoor stadsdeel wijk wijken buurt buurten
    buurthuis buurthuizen wijkcentrum wijkcentra buurtcentrum wijkteam wijkteams
    buurtteam buurtapp buurtpreventie buurtbudget buurtbemiddeling wijkbudget
    speeltuin hofje woningcorporatie corporatie huurcommissie zorgverzekeraar
    huisarts thuiszorg jeugdzorg schuldhulp schuldhulpverlening wmo toeslag toeslagen
    bsn digid gezinsvoogd zorgloket loket meldpunt ggd politie
    straat laan plein gracht kade singel dijk
    """.split()
)
# Endings of Dutch place names without a number ("the playground on Kerkstraat"). Not
# location.STREET_SUFFIXES: "ring", "gang" and "park" end English words ("bothering").
_PLACE_SUFFIXES: Final = (
    "straat",
    "laan",
    "plein",
    "gracht",
    "kade",
    "singel",
    "dijk",
    "buurt",
    "wijk",
    "kwartier",
    "dorp",
    "polder",
    "hof",
)


@dataclass(frozen=True)
class Detection:
    """The language of one message: an ISO 639-1 code, or None when the words do not tell."""

    language: str | None
    confidence: float
    reason: str

    @property
    def served(self) -> bool:
        return self.language in CONVERSATION_LANGUAGES

    @property
    def other(self) -> bool:
        return self.language is not None and self.language not in CONVERSATION_LANGUAGES


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    """lingua's detector with its models loaded (about 2 s, once per process)."""
    return (
        LanguageDetectorBuilder.from_languages(*_LANGUAGES).with_preloaded_language_models().build()
    )


def masked_for_detection(text: str) -> str:
    """`text` without what is Dutch whatever the sentence's language: places, postcodes,
    street and number, role names and Dutch words for institutions."""
    spans = [(mention.start, mention.end) for mention in find_mentions(text)]
    spans += role_spans(text)
    for match in _WORD_RE.finditer(text):
        word = fold(match.group(0))
        if word in _DUTCH_LOAN_WORDS or any(
            word.endswith(suffix) and len(word) >= len(suffix) + 3 for suffix in _PLACE_SUFFIXES
        ):
            spans.append((match.start(), match.end()))
    kept = list(text)
    for start, end in spans:
        kept[start:end] = [" "] * (end - start)
    return " ".join("".join(kept).split())


def detect_language(text: object) -> Detection:
    """The language `text` is written in, or none when it is too short or lingua unsure."""
    if not isinstance(text, str) or not text.strip():
        return Detection(None, 0.0, "empty")
    masked = masked_for_detection(text)
    words = len(_WORD_RE.findall(masked))
    if not words:
        return Detection(None, 0.0, "no words besides places and names")
    values = _confidences(masked)
    code = max(values, key=values.__getitem__)
    confidence = values[code]
    script = _SCRIPTS.get(code)
    if script is not None and script.search(masked) and confidence >= MIN_CONFIDENCE_SCRIPT:
        return Detection(code, confidence, "own script")
    if code not in CONVERSATION_LANGUAGES:
        served = values[LANGUAGE_NL] + values[LANGUAGE_EN]
        if served > MAX_SERVED_FOR_OTHER or confidence < MIN_CONFIDENCE_OTHER:
            return Detection(None, confidence, f"perhaps {code}: not sure enough")
        if words >= MIN_WORDS_OTHER or (words == 2 and confidence >= MIN_CONFIDENCE_OTHER_SHORT):
            return Detection(code, confidence, "lingua")
        return Detection(None, confidence, f"perhaps {code}: too short to tell")
    if words < MIN_WORDS_SERVED:
        return Detection(None, confidence, f"{words} word(s): too short to tell")
    english = _share(values, LANGUAGE_EN)
    if code == LANGUAGE_EN and english >= MIN_SHARE_ENGLISH:
        return Detection(LANGUAGE_EN, english, "lingua, Dutch names masked")
    dutch = 1.0 - english
    if english < MAX_SHARE_ENGLISH_FOR_PLACES:
        dutch = max(dutch, _share(_confidences(text), LANGUAGE_NL))
    if dutch >= MIN_SHARE_DUTCH:
        return Detection(LANGUAGE_NL, dutch, "lingua")
    return Detection(None, max(english, dutch), "Dutch or English: lingua unsure")


def _confidences(text: str) -> dict[str, float]:
    """lingua's confidence per language (ISO 639-1), summing to 1 over the restricted set."""
    values = {code: 0.0 for code in (*CONVERSATION_LANGUAGES, *OTHER_LANGUAGES)}
    for value in detector().compute_language_confidence_values(text):
        values[value.language.iso_code_639_1.name.lower()] = float(value.value)
    return values


def _share(values: dict[str, float], code: str) -> float:
    """`code`'s part of Dutch and English together."""
    both = values[LANGUAGE_NL] + values[LANGUAGE_EN]
    return values[code] / both if both > 0 else 0.0


# Asking to continue in the other language: a language's name with a request around it.
# Only the resident's own request counts ("my neighbour speaks English" asks nothing).
_EN: Final = r"(?:english|engels|engelse|inglese?|englisch)"
_NL: Final = r"(?:dutch|nederlands|nederlandse|hollands|vlaams)"
_PLEASE: Final = r"(?:please|pls|plz|graag|alsjeblieft|alstublieft|aub|a\.u\.b\.|svp|thanks|thx)"
_REQUEST: Final = (
    r"(?:can|could|may|shall|would|kan|kun|kunt|kunnen|mag|mogen|wil|wilt|zullen|please"
    r"|graag|liever|prefer|rather|switch|change|go|wissel|verander|ga|gaan|terug|back"
    r"|continue|verder|answer|reply|respond|antwoord|write|schrijf|talk|speak|praat|spreek"
    r"|help|helpen)"
)
_SWITCH_PATTERNS: Final = (
    # "English please", "in het Nederlands graag", "English?"
    r"^\W*(?:(?:in|into)\s+)?(?:het\s+)?{lang}\W*(?:{please}\W*)?$",
    r"^\W*{please}\W*(?:(?:in|into)\s+)?(?:het\s+)?{lang}\W*$",
    # "can we speak English", "spreek je Engels", "do you speak Dutch"
    r"\b(?:speak|talk|spreek|spreekt|praat|praten|spreken|understand|begrijp|begrijpt"
    r"|versta|verstaat|snap|snapt)\s+(?:(?:you|je|jij|u|we|wij)\s+)?(?:ook\s+|also\s+)?{lang}\b",
    # "kan het in het Engels", "switch to English", "answer in Dutch"
    r"\b{request}\b[^.?!]{{0,30}}\b(?:in|to|into|naar|op)\s+(?:het\s+)?{lang}\b",
    r"\b(?:in|to|into|naar)\s+(?:het\s+)?{lang}\b[^.?!]{{0,20}}\b{please}\b",
    r"\b(?:prefer|rather|liever)\s+(?:in\s+)?(?:het\s+)?{lang}\b",
)
# Saying one does not speak a language asks for the other; read before the requests, as
# "I don't speak Dutch" names Dutch.
_NOT_DUTCH: Final = (
    r"\b(?:i|we)\s+(?:do\s*n[o']?t|can\s*n?[o']?t|cannot|can\s+not|barely|hardly)\s+"
    r"(?:speak|understand|read|talk|know)\s+(?:\w+\s+)?dutch\b",
    r"\b(?:spreek|begrijp|versta|snap|ken)\s+(?:\w+\s+)?geen\s+nederlands\b",
    r"^\W*no\s+dutch\b",
    r"\bmy\s+dutch\s+is\s+(?:not|bad|poor|limited|terrible)\b",
)
_NOT_ENGLISH: Final = (
    r"\b(?:spreek|begrijp|versta|snap|ken)\s+(?:\w+\s+)?geen\s+engels\b",
    r"\bmijn\s+engels\s+is\s+(?:niet|slecht|matig)\b",
)
# A switch request is a short message: a long one is about something else.
_MAX_SWITCH_WORDS: Final = 14
# Asking for a translation, a course or a document in a language is a question about that
# language, not a request to talk in it ("kun je een brief in het Engels vertalen").
_ABOUT_A_LANGUAGE: Final = re.compile(
    r"\b(?:vertal\w*|translat\w*|taalles\w*|cursus\w*|courses?|lessons?|les|leren|learn\w*"
    r"|tolk\w*|interpret\w*|brief|letter|formulier\w*|forms?|document\w*)\b",
    re.IGNORECASE,
)


def _compile(patterns: tuple[str, ...], lang: str = "") -> re.Pattern[str]:
    filled = (pattern.format(lang=lang, please=_PLEASE, request=_REQUEST) for pattern in patterns)
    return re.compile("|".join(f"(?:{pattern})" for pattern in filled), re.IGNORECASE)


_TO_ENGLISH: Final = _compile(_SWITCH_PATTERNS, _EN)
_TO_DUTCH: Final = _compile(_SWITCH_PATTERNS, _NL)
_NO_DUTCH: Final = _compile(_NOT_DUTCH)
_NO_ENGLISH: Final = _compile(_NOT_ENGLISH)


def switch_request(text: object) -> str | None:
    """The language the resident asks to continue in ("can we speak English?" -> "en")."""
    if not isinstance(text, str) or len(text.split()) > _MAX_SWITCH_WORDS:
        return None
    folded = fold(text)
    no_dutch = bool(_NO_DUTCH.search(folded))
    if no_dutch != bool(_NO_ENGLISH.search(folded)):
        return LANGUAGE_EN if no_dutch else LANGUAGE_NL
    if _ABOUT_A_LANGUAGE.search(folded):
        return None
    to_english = bool(_TO_ENGLISH.search(folded))
    if to_english == bool(_TO_DUTCH.search(folded)):
        # Neither, or both ("English or Dutch?"): no request for one of them.
        return None
    return LANGUAGE_EN if to_english else LANGUAGE_NL


__all__ = [
    "OTHER_LANGUAGES",
    "Detection",
    "detect_language",
    "detector",
    "masked_for_detection",
    "switch_request",
]
