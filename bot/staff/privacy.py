"""Masks residents' personal data (addresses, phone numbers, e-mail, names) with fixed examples."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

# Realistic, invented stand-ins: a training sentence keeps its shape, the resident is gone.
POSTCODE_EXAMPLES: Final = ("1234 AB 5", "3511 XY 12", "9876 ZZ 3")
POSTCODE_ONLY_EXAMPLES: Final = ("1234 AB", "3511 XY", "9876 ZZ")
STREET_EXAMPLES: Final = ("Dorpsstraat 1", "Kerkweg 12", "Stationsplein 3")
PHONE_EXAMPLES: Final = ("06 12345678", "010 1234567", "06 87654321")
EMAIL_EXAMPLES: Final = ("naam@voorbeeld.nl", "iemand@voorbeeld.nl")
NAME_EXAMPLES: Final = ("Sam", "Robin", "Kim")
FULL_NAME_EXAMPLES: Final = ("Sam de Vries", "Robin Jansen", "Kim Bakker")

_HOUSE_NUMBER = r"\d{1,5}(?:\s?[a-zA-Z](?![a-zA-Z])|\s?-\s?\d{1,4}|\s?(?:hs|bis|zw|I{1,3})\b)?"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A full postcode, optionally followed by a house number ("3511 AB 12", "3511ab, nr 12a").
_SMALL_WORDS = "om|is|in|en|op|te|al|nu|er|ik|ze|we|je|of|na|bij|af|uw|zo|tot|ca|uur"
POSTCODE = re.compile(
    r"(?<![\w-])[1-9]\d{3}"
    rf"(?:\s?(?!SA|SD|SS)[A-Z]{{2}}|(?!sa|sd|ss)[a-z]{{2}}|\s(?!(?:{_SMALL_WORDS})\b)[a-z]{{2}}(?=\s*\d))"
    r"(?![A-Za-z])"
    rf"(?P<number>\s*,?\s*(?:(?:huis)?(?:nr\.?|nummer))?\s*{_HOUSE_NUMBER}(?!\d))?"
)
# Phone numbers: 06-12345678, 0612 345 678, +31 6 1234 5678, 0031 20 123 4567, (020) 1234567.
PHONE = re.compile(
    r"(?<![\w+])(?:\+31|0031)(?:\s?\(0\))?(?:[\s.-]*\d){9}(?!\d)"
    # Other countries (callback requests take them): +32 470 12 34 56, 0044 20 7946 0958.
    r"|(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[\s.-]*\d){6,12}(?!\d)"
    r"|(?<![\w+])\(?0(?:[\s.)-]*\d){9}(?!\d)"
)
_STREET_SUFFIX = (
    r"(?:straat|laan|weg|plein|gracht|kade|singel|dijk|hof|park|pad|steeg|dreef|ring|"
    r"baan|markt|wal|erf|veld|plantsoen|boulevard|allee|hoeve|akker|kamp|burg|haven)"
)
# A street name with a house number: "Lindelaan 12", "op de Korte Molenstraat 3a".
STREET = re.compile(rf"\b(?:[A-Z][\w'-]*\s)?[A-Za-z][\w'-]*{_STREET_SUFFIX}\s{_HOUSE_NUMBER}(?!\d)")

_PARTICLE = r"(?:van|de|der|den|het|ter|ten|te|in|'t|el|al|bin|ben|da|di|du|la|le|op)"
_CAPITAL_WORD = r"[A-Z][a-zà-ÿ'-]+"
_ANY_WORD = r"[A-Za-zà-ÿ][a-zà-ÿ'-]+"
# A name of one or more capitalised words, with Dutch particles between them.
_CAPITAL_NAME = rf"{_CAPITAL_WORD}(?:\s(?:{_PARTICLE}\s){{0,3}}{_CAPITAL_WORD})*"
# After "mijn naam is" / "ik heet" a name follows for certain, written small or not.
_SURE_NAME = rf"{_ANY_WORD}(?:\s(?:{_PARTICLE}\s){{0,3}}{_CAPITAL_WORD})*"
_NOT_NAMES: Final = frozenset(
    {
        "Nederlander",
        "Nederlands",
        "Marokkaans",
        "Turks",
        "Surinaams",
        "Ik",
        "Het",
        "De",
        "Een",
        "Niet",
        "Wel",
        "Zelf",
        "Bang",
        "Ziek",
        "Oud",
        "Moe",
        # After the English "I am ..." (issue 14).
        "Dutch",
        "English",
        "Polish",
        "Turkish",
        "Moroccan",
        "I",
        "The",
        "A",
        "An",
        "Not",
        "Afraid",
        "Scared",
        "Worried",
        "Sick",
        "Old",
        "Tired",
        "Sorry",
        "New",
        "Looking",
        "Living",
    }
)
NAME_AFTER_SURE = re.compile(
    rf"(?i:\b(?:mijn naam is|ik heet|met vriendelijke groet,?|groetjes,?|groet,?|mvg,?"
    # English (issue 14): "my name is Sam", "kind regards, Sam".
    rf"|my name is|my name's|i'm called|kind regards,?|best regards,?|regards,?)\s+)"
    rf"(?P<name>{_SURE_NAME})"
)
NAME_AFTER_INTRO = re.compile(
    rf"(?i:\b(?:ik ben|dit is|hier is|u spreekt met|je spreekt met|met|i am|i'm|this is)\s+)"
    rf"(?:(?i:mevrouw|meneer|mevr\.?|dhr\.?|de heer|mr\.?|mrs\.?|ms\.?|miss)\s+)?"
    rf"(?P<name>{_CAPITAL_NAME})"
)
NAME_AFTER_TITLE = re.compile(
    rf"(?i:\b(?:buurman|buurvrouw|buurjongen|buurmeisje|buren|mevrouw|meneer|mevr\.?|dhr\.?"
    rf"|de heer|familie|fam\.?|neighbou?r|mr\.?|mrs\.?|ms\.?|miss)\s+)"
    rf"(?P<name>{_CAPITAL_NAME})"
)


def mask(text: str) -> str:
    """The text with addresses, phone numbers, e-mail addresses and names replaced."""
    text = _replace(EMAIL, text, EMAIL_EXAMPLES)
    text = _replace_postcodes(text)
    text = _replace(STREET, text, STREET_EXAMPLES)
    text = _replace(PHONE, text, PHONE_EXAMPLES)
    single, full = _cycling(NAME_EXAMPLES), _cycling(FULL_NAME_EXAMPLES)
    for pattern in (NAME_AFTER_SURE, NAME_AFTER_INTRO, NAME_AFTER_TITLE):
        text = _replace_names(pattern, text, single, full)
    return text


def _replace(pattern: re.Pattern[str], text: str, examples: Sequence[str]) -> str:
    return pattern.sub(_cycling(examples), text)


def _cycling(examples: Sequence[str]) -> Callable[[re.Match[str]], str]:
    count = 0

    def next_example(_match: re.Match[str]) -> str:
        nonlocal count
        example = examples[count % len(examples)]
        count += 1
        return example

    return next_example


def _replace_postcodes(text: str) -> str:
    with_number = _cycling(POSTCODE_EXAMPLES)
    without_number = _cycling(POSTCODE_ONLY_EXAMPLES)

    def replace(match: re.Match[str]) -> str:
        return with_number(match) if match.group("number") else without_number(match)

    return POSTCODE.sub(replace, text)


def _replace_names(
    pattern: re.Pattern[str],
    text: str,
    single: Callable[[re.Match[str]], str],
    full: Callable[[re.Match[str]], str],
) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        words = name.split()
        # "ik ben Bang" at the start of a shouted sentence is not a name.
        if words[0].capitalize() in _NOT_NAMES or name in (*NAME_EXAMPLES, *FULL_NAME_EXAMPLES):
            return match.group(0)
        placeholder = full(match) if len(words) > 1 else single(match)
        start = match.start("name") - match.start(0)
        return match.group(0)[:start] + placeholder

    return pattern.sub(replace, text)
