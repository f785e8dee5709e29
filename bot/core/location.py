"""Pure parsing of locations in free Dutch text: postcodes, street and number, name candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import normalize_name, normalize_text

# Longer messages are cut before parsing: a resident's location never needs more, and
# it bounds the work that hostile input can cause.
MAX_PARSE_CHARS = 1000

# Name candidates span at most this many words ("Burgemeester de Withstraat-Noord").
MAX_NGRAM = 5

# PostNL never issues these letter pairs.
FORBIDDEN_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})

# Short Dutch words that can follow a number in a sentence ("3511 en ..."): after a
# space and in lower case they are more likely a word than postcode letters.
TWO_LETTER_WORDS = frozenset(
    {
        "af",
        "al",
        "ca",
        "da",
        "de",
        "en",
        "er",
        "ga",
        "ge",
        "hé",
        "he",
        "ie",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jl",
        "kg",
        "km",
        "ma",
        "me",
        "mn",
        "na",
        "nl",
        "nu",
        "of",
        "oh",
        "ok",
        "om",
        "op",
        "pa",
        "te",
        "to",
        "tv",
        "uw",
        "we",
        "wo",
        "za",
        "zo",
        "ze",
        "zn",
    }
)

# Words before a four-digit number that make it a year, a count or an amount.
_NOT_POSTCODE_BEFORE = frozenset(
    {
        "sinds",
        "sedert",
        "vanaf",
        "tot",
        "jaar",
        "eind",
        "einde",
        "begin",
        "medio",
        "rond",
        "omstreeks",
        "circa",
        "ca",
        "zomer",
        "winter",
        "lente",
        "herfst",
        "voorjaar",
        "najaar",
        "nummer",
        "nr",
        "huisnummer",
        "bouwjaar",
        "anno",
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
        "jan",
        "feb",
        "mrt",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "dec",
        "eur",
        "euro",
        "ruim",
        "bijna",
        "meer",
        "dan",
    }
)
_NOT_POSTCODE_AFTER = frozenset(
    {
        "euro",
        "eur",
        "meter",
        "m",
        "m2",
        "km",
        "kilometer",
        "mensen",
        "inwoners",
        "keer",
        "uur",
        "minuten",
        "seconden",
        "dagen",
        "weken",
        "jaar",
        "jaren",
        "woningen",
        "huizen",
        "kilo",
        "kg",
        "stuks",
        "procent",
        "bewoners",
        "handtekeningen",
        "leden",
        "deelnemers",
    }
)
# Only these make a year-like number (1900-2099) count as a postcode in a question.
_POSTCODE_CUES = frozenset({"postcode", "pc", "postcodegebied"})

# Abbreviations in street names, expanded the same way on both sides of a lookup.
_STREET_ABBREVIATIONS = {
    "burg": "burgemeester",
    "dr": "doctor",
    "st": "sint",
    "pres": "president",
    "prof": "professor",
    "mr": "meester",
    "ir": "ingenieur",
    "jhr": "jonkheer",
    "gen": "generaal",
    "ds": "dominee",
}

# Last words that make an n-gram look like a street ("aan de Parklaan").
STREET_SUFFIXES = (
    "straat",
    "laan",
    "weg",
    "plein",
    "kade",
    "gracht",
    "singel",
    "pad",
    "hof",
    "dijk",
    "dreef",
    "steeg",
    "gang",
    "plantsoen",
    "erf",
    "markt",
    "wal",
    "baan",
    "ring",
    "allee",
    "boulevard",
    "veld",
    "zijde",
    "park",
    "burg",
    "oord",
    "hoven",
    "rade",
    "straatje",
    "steeg",
    "haven",
    "brink",
    "dam",
    "wijk",
    "kwartier",
    "laantje",
    "zoom",
    "schans",
)

_WORD_RE = re.compile(r"[^\W_]+")
_PC6_RE = re.compile(r"(?<!\w)([1-9][0-9]{3})([ \t\u00a0]?)([A-Za-z]{2})(?!\w)")
_PC4_RE = re.compile(r"(?<![\w.,/€+:-])([1-9][0-9]{3})(?!\w|[.,:/-]\d)")
# A house number: digits, then an optional letter ("12a", "12 A") or suffix ("12-2").
_HOUSE_NUMBER_RE = re.compile(
    r"(?<![\w.,/-])(\d{1,5})(?:([A-Za-z]{1,2})(?!\w)|[ ]([A-Z])(?!\w)|-([0-9A-Za-z]{1,4})(?!\w))?"
    r"(?![\w.,/-]\w|\w)"
)
_BLANK_SEPARATED_RE = re.compile(r"\S+")
_POSTCODE_FULL_RE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")
# Digits after the number need a separator ("12-2"); "123456" is no house number.
_HOUSE_NUMBER_FULL_RE = re.compile(
    r"\s*(\d{1,5})(?:\s*[-/]\s*([0-9A-Za-z]{1,6})|\s*([A-Za-z][0-9A-Za-z]{0,5}))?\s*"
)


def normalize_street(street: str) -> str:
    """Key for street names: folded, with the usual abbreviations written out."""
    words = []
    for word in normalize_text(street).split():
        word = _STREET_ABBREVIATIONS.get(word, word)
        if word.endswith("str") and len(word) > 3:
            word += "aat"
        words.append(word)
    return " ".join(words)


def normalize_postcode(text: str) -> str | None:
    """'3511 ab' -> '3511AB'; None when it is not a valid Dutch postcode."""
    compact = "".join(text.split()).upper()
    if _POSTCODE_FULL_RE.fullmatch(compact) and compact[4:] not in FORBIDDEN_POSTCODE_LETTERS:
        return compact
    return None


def parse_house_number(text: str) -> tuple[int, str] | None:
    """'12' -> (12, ''), '12a' / '12 A' / '12-2' -> (12, 'a') / (12, '2'); None if invalid."""
    if text.isascii() and text.isdigit() and len(text) <= 5:
        # The common case, and the only one in CBS's file of millions of rows.
        return (int(text), "") if int(text) >= 1 else None
    match = _HOUSE_NUMBER_FULL_RE.fullmatch(text)
    if not match:
        return None
    number = int(match.group(1))
    if number < 1:
        return None
    return number, (match.group(2) or match.group(3) or "").lower()


@dataclass(frozen=True)
class PostcodeCandidate:
    """A full postcode (PC6) found in the text."""

    postcode: str
    text: str
    start: int
    end: int
    # False for "3511 en": a number followed by a Dutch word; only the database can tell.
    certain: bool


@dataclass(frozen=True)
class Pc4Candidate:
    """A four-digit number that may be a postcode area."""

    pc4: str
    text: str
    start: int
    # The words around it make a year, amount or count more likely ("sinds 2019").
    weak: bool
    # 1900-2099 without "postcode" before it: in a question more likely a year.
    year_like: bool = False


@dataclass(frozen=True)
class StreetCandidate:
    """Words before a house number; `streets` holds (normalised street, raw text), longest first."""

    streets: tuple[tuple[str, str], ...]
    number: int
    addition: str
    # The number as written ("12a"); the query shown is the street as written plus this.
    number_text: str
    start: int


@dataclass(frozen=True)
class NameCandidate:
    """A run of one or more words that may name a buurt, wijk, gemeente or street."""

    key: str
    norm: str
    text: str
    start: int
    words: int


@dataclass(frozen=True)
class ParsedLocation:
    postcodes: tuple[PostcodeCandidate, ...]
    pc4s: tuple[Pc4Candidate, ...]
    streets: tuple[StreetCandidate, ...]
    names: tuple[NameCandidate, ...]


def find_postcodes(text: str) -> list[PostcodeCandidate]:
    """Full postcodes anywhere in the text, in order of appearance."""
    found = []
    for match in _PC6_RE.finditer(text):
        digits, space, letters = match.groups()
        if letters.upper() in FORBIDDEN_POSTCODE_LETTERS:
            continue
        certain = not (space and letters.lower() in TWO_LETTER_WORDS and not letters.isupper())
        found.append(
            PostcodeCandidate(
                postcode=digits + letters.upper(),
                text=match.group(0),
                start=match.start(),
                end=match.end(),
                certain=certain,
            )
        )
    return found


def find_pc4s(text: str, postcodes: list[PostcodeCandidate] | None = None) -> list[Pc4Candidate]:
    """Four-digit postcode areas (1000-9999) that are not the start of a certain full postcode."""
    if postcodes is None:
        postcodes = find_postcodes(text)
    taken = [(pc.start, pc.end) for pc in postcodes if pc.certain]
    found = []
    for match in _PC4_RE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        before_words = normalize_text(text[max(0, match.start() - 40) : match.start()]).split()
        after_words = normalize_text(text[match.end() : match.end() + 40]).split()
        previous = before_words[-1] if before_words else ""
        following = after_words[0] if after_words else ""
        cued = previous in _POSTCODE_CUES
        weak = not cued and (
            previous in _NOT_POSTCODE_BEFORE
            or following in _NOT_POSTCODE_AFTER
            or previous.isdigit()
            or following.isdigit()
            or text[max(0, match.start() - 1) : match.start()] == "€"
        )
        year_like = not cued and 1900 <= int(match.group(1)) <= 2099
        found.append(
            Pc4Candidate(
                pc4=match.group(1),
                text=match.group(1),
                start=match.start(),
                weak=weak,
                year_like=year_like,
            )
        )
    # Likely postcodes first: they are what the resident most likely meant.
    return sorted(found, key=lambda candidate: (candidate.weak, candidate.year_like))


def find_street_numbers(text: str, max_words: int = 6) -> list[StreetCandidate]:
    """'Kerkstraat 4' inside 'ik woon op de Kerkstraat 4': the street options and the number."""
    postcode_spans = [(pc.start, pc.end) for pc in find_postcodes(text) if pc.certain]
    found = []
    for match in _HOUSE_NUMBER_RE.finditer(text):
        if any(start <= match.start() < end for start, end in postcode_spans):
            continue
        prefix = text[: match.start()]
        stripped = prefix.rstrip(" \t\u00a0")
        # The street ends right before the number, like "Kerkstraat 4" or "Kerkstr. 4".
        if len(prefix) - len(stripped) not in (1, 2) or not re.search(r"[^\W\d_]\.?$", stripped):
            continue
        chain: list[tuple[int, str]] = []
        for word in reversed(list(_BLANK_SEPARATED_RE.finditer(stripped[-300:]))):
            token = word.group(0)
            if len(chain) >= max_words or any(ch.isdigit() for ch in token):
                break
            # A word ending a clause ("hier," or "dus:") is not part of the street name.
            if chain and token[-1] in ",;:!?)":
                break
            chain.append((len(stripped) - len(stripped[-300:]) + word.start(), token))
        chain.reverse()
        options = []
        for size in range(len(chain), 0, -1):
            raw = text[chain[-size][0] : len(stripped)]
            norm = normalize_street(raw)
            if norm and any(ch.isalpha() for ch in norm):
                options.append((norm, raw))
        if not options:
            continue
        addition = (match.group(2) or match.group(3) or match.group(4) or "").lower()
        found.append(
            StreetCandidate(
                streets=tuple(dict.fromkeys(options)),
                number=int(match.group(1)),
                addition=addition,
                number_text=match.group(0),
                start=match.start(),
            )
        )
    return [candidate for candidate in found if candidate.number >= 1]


def find_name_candidates(text: str, max_words: int = MAX_NGRAM) -> list[NameCandidate]:
    """Every run of 1..max_words words, normalised as a name; used for buurt/wijk/place names."""
    words = list(_WORD_RE.finditer(text))
    found = []
    for i in range(len(words)):
        for size in range(1, max_words + 1):
            if i + size > len(words):
                break
            first, last = words[i], words[i + size - 1]
            # Names do not run across sentence punctuation.
            gap = text[words[i + size - 2].end() : last.start()]
            if size > 1 and re.search(r"[.,;:!?()\n]", gap):
                break
            raw = text[first.start() : last.end()]
            if raw.isdigit():
                continue
            norm = normalize_name(raw)
            if not norm:
                continue
            found.append(
                NameCandidate(
                    key=norm.replace(" ", ""), norm=norm, text=raw, start=first.start(), words=size
                )
            )
    return found


def looks_like_street(norm: str) -> bool:
    """True when the last word ends like a Dutch street name ('parklaan', 'de weiden' is not)."""
    last = norm.rsplit(" ", 1)[-1]
    # "laan" on its own is a word, "Parklaan" a street.
    return any(last.endswith(suffix) and len(last) > len(suffix) for suffix in STREET_SUFFIXES)


def parse_location(text: str | None) -> ParsedLocation:
    """All location candidates in `text`; never raises on odd input."""
    if not isinstance(text, str) or not text.strip():
        return ParsedLocation((), (), (), ())
    text = text[:MAX_PARSE_CHARS]
    postcodes = find_postcodes(text)
    return ParsedLocation(
        postcodes=tuple(postcodes),
        pc4s=tuple(find_pc4s(text, postcodes)),
        streets=tuple(find_street_numbers(text)),
        names=tuple(find_name_candidates(text)),
    )
