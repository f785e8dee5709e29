"""Where a message mentions a place, found by its shape alone: for masking it before the
intent classifier and for telling "only an address" from "a question with an address".

The neighbourhood database decides later what a mention means (bot/directory/__init__.py); this
module needs no database, so the NLU pipeline can use it while training and in the Rasa
server alike. It errs towards finding a mention: a word wrongly taken as a place is masked
for the classifier and then looked up in vain, a place missed is still looked up by the
action in the whole message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.location import (
    MAX_PARSE_CHARS,
    STREET_SUFFIXES,
    find_pc4s,
    find_postcodes,
    find_street_numbers,
)
from bot.core.roles import find_role_mentions, words_besides_roles
from bot.core.text import fold

# What the classifier sees instead of a place: one token that no resident writes.
PLACEHOLDER = "plaatsxx"

# Words around a place that only say "this is where I live": a message of nothing but
# these and places gives a location and asks nothing.
_FILLER_WORDS = frozenset(
    """
    ik wij we mijn m mn ons onze u uw je jij mijnadres mama papa moeder vader
    woon woont wonen woonachtig gewoond verhuisd verhuizen
    adres postcode postcodes huisnummer nummer nr no straat buurt wijk wijkje buurtje
    plaats woonplaats
    op in aan bij te de het t een is ben zijn zit zitten zitte staat hier daar naar van voor
    ja jawel nee neen klopt oke ok okay oké prima goed hoi hallo hey hee hi dag
    goedemorgen goedemiddag goedenavond graag dus sorry bedoel bedoelde bedoelt dat die dit
    en of ook nu net even eh uh ehm hoor oh o trouwens btw gewoon dan maar toch al nog wel
    pc nummertje
    """.split()
) | frozenset(
    # English framings (issue 14): "I live at ...", "my postcode is ...", "near the ...".
    """
    i im i'm me my we our us you your he she they their it its it's his her
    live lives living lived stay staying moved move moving address postcode postal zip code
    house home flat apartment street road number no area neighbourhood neighborhood
    at on in near nearby around by close to of from the a an is am are was that this that's
    thats here there yes yeah yep no nope right correct exactly okay ok fine hi hello hey
    please thanks so and or also actually just now sorry mean meant well um uh oh btw then
    """.split()
)

# A remainder with one of these asks something, however short.
_QUESTION_WORDS = frozenset(
    """
    wie wat waar wanneer hoe welke welk waarom kan kun kunt kunnen wil wilt willen moet
    moeten mag zoek zoeken help helpen hulp vraag vragen probleem last overlast contact
    bellen mail
    who what where when how which why could would should will want need looking find
    helping question problem issue nuisance noise call phone email
    """.split()
)

# Words that look like places by their ending but are everyday nouns.
_NOT_PLACE_WORDS = frozenset(
    """
    woonwijk nieuwbouwwijk probleemwijk volkswijk achterbuurt arbeiderswijk vinexwijk
    krachtwijk achterstandswijk prachtwijk buitenwijk stadswijk wijk buurt stadsdeel
    speelpark parkeerplaats winkelcentrum skatepark buurtpark speeltuin park
    wegen straat straten pad paden hof erf markt ring baan dam haven veld weg plein kade
    """.split()
)

# Words after which a capitalised name is a place ("in Kadekwartier", "bij de Weiden").
_PLACE_PREPOSITIONS = frozenset(
    {"in", "op", "aan", "bij", "uit", "rond", "rondom", "naar", "voor"}
    # English: "on Kerkstraat", "near the Grote Markt", "at De Weiden", "for the Binnenstad".
    | {"on", "at", "near", "around", "for"}
)
_ARTICLES = frozenset({"de", "het", "t", "'t", "the"})
# Capitalised words that are not places: institutions, roles and sentence openers.
_NOT_PLACE_NAMES = frozenset(
    """
    gemeente politie ggd wijkteam whatsapp facebook instagram google buurtapp nextdoor
    mijn onze ons ik wij we de het een dit dat die deze er hier daar wie wat waar hoe
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag
    i i'm my our your the this that monday tuesday wednesday thursday friday saturday sunday
    english dutch christmas
    """.split()
)
_PLACE_NAME_SUFFIXES = ("buurt", "wijk", "kwartier", "dorp", "polder", "zicht", "hoven", "veld")
# Typos of street endings, so that "kerkstrat 9" is still a street and number.
_STREET_TYPO_SUFFIXES = ("strat", "straa", "staat", "str", "sraat", "laa", "lan", "wg", "pln")
# After these a number is an age, a time or an amount ("ben 67", "van 16", "al 3 weken").
_NUMBER_CONTEXT_WORDS = frozenset(
    """
    ben bent is zijn was waren van al sinds om rond tot per en of dan na voor over pas
    nog keer jaar jaren jaartje maanden weken dagen uur minuten euro procent kinderen
    mensen jongeren huizen woningen leeftijd groep klas bus lijn tram cm m meter km kilo
    kg graden stuks auto's autos fietsen procent
    am are for since about around over under than only every after before until till from
    years year months weeks days hours minutes euros people kids children times old aged age
    line
    """.split()
)
# Small words inside a street name ("Burgemeester van der Veldelaan").
_NAME_PARTICLES = frozenset(
    {"de", "der", "den", "van", "het", "t", "'t", "ter", "ten", "op", "aan"}
)
# Words right before a place that name it as the resident's home: "ik woon op", "wij
# wonen in de", "ik zelf in", "mijn adres is".
_HOME_CUE_RE = re.compile(
    r"\b(?:ik|wij|we|ikzelf|i)\b(?:\s+[^\s.?!,;]+){0,4}\s*$"
    r"|\b(?:woon|wonen)\s+(?:ik|wij|we)\b[^.?!,;]*$"
    r"|\b(?:mijn|my|our)\s+(?:adres|huis|postcode|address|house|home|flat)\b[^.?!,;]*$"
)
# "woon op de", "woont aan", "zit in het" right before a place.
_LIVES_AT_RE = re.compile(
    r"\b(?:woon|woont|wonen|woonde|woonden|zit|zitten|woonachtig)\s+"
    r"(?:op|in|aan|bij|te)\s+(?:(?:de|het|'t)\s+)?$"
    r"|\b(?:live|lives|living|lived|stay|stays|staying)\s+(?:at|on|in|near)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NUMBER_AFTER_POSTCODE_RE = re.compile(
    r"[ \t,]*(?:(?:huis)?(?:nummer|nr\.?|no\.?)[ \t]*)?"
    r"\d{1,5}(?:[ \t]?[a-zA-Z](?!\w)|-\w{1,4})?(?!\w)"
)


@dataclass(frozen=True)
class Mention:
    """A place in the text: `text[start:end]`, and what kind of place it looks like."""

    start: int
    end: int
    text: str
    kind: str  # "postcode", "pc4", "street", "name"


@dataclass(frozen=True)
class MaskedText:
    text: str
    mentions: tuple[Mention, ...]


def find_mentions(text: object) -> list[Mention]:
    """Places in `text` by shape, in order, not overlapping; never raises."""
    if not isinstance(text, str) or not text.strip():
        return []
    original = text[:MAX_PARSE_CHARS]
    text = _without_shouting(original)
    spans: list[tuple[int, int, str]] = []
    postcodes = find_postcodes(text)
    for postcode in postcodes:
        if postcode.certain or postcode.text[-2:].isupper():
            end = postcode.end
            number = _NUMBER_AFTER_POSTCODE_RE.match(text, end)
            if number:
                end = number.end()
            spans.append((postcode.start, end, "postcode"))
    for pc4 in find_pc4s(text, postcodes):
        if not pc4.weak and not pc4.year_like:
            spans.append((pc4.start, pc4.start + len(pc4.text), "pc4"))
    spans.extend(_street_spans(text))
    spans.extend(_name_spans(text))
    return _merge(original, spans)


def _without_shouting(text: str) -> str:
    """A message in capitals says nothing by its capitals: read it in lower case (postcode
    letters stay as they are), keeping every character's position."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 8 or sum(ch.isupper() for ch in letters) < 0.8 * len(letters):
        return text
    lowered = [ch.lower() if len(ch.lower()) == 1 else ch for ch in text]
    for postcode in find_postcodes(text):
        lowered[postcode.start : postcode.end] = list(text[postcode.start : postcode.end])
    return "".join(lowered)


def mask(text: str) -> MaskedText:
    """`text` with every place replaced by PLACEHOLDER (text past the parse limit is kept)."""
    mentions = find_mentions(text)
    parts: list[str] = []
    position = 0
    for mention in mentions:
        # "woont op de" goes with the place: it says where, not what is asked, and would
        # otherwise pull every "mijn vader woont op ..." towards inform_location.
        lead = _LIVES_AT_RE.search(text, position, mention.start)
        start = lead.start() if lead else mention.start
        parts.append(text[position:start])
        parts.append(PLACEHOLDER)
        position = mention.end
    parts.append(text[position:])
    return MaskedText("".join(parts), tuple(mentions))


def remainder_words(text: str, mentions: Sequence[Mention]) -> list[str]:
    """The folded words of `text` outside the mentions, less filler and capitalised names."""
    words: list[str] = []
    position = 0
    pieces = []
    for mention in mentions:
        pieces.append((position, text[position : mention.start]))
        position = mention.end
    pieces.append((position, text[position:MAX_PARSE_CHARS]))
    for offset, piece in pieces:
        for match in _WORD_RE.finditer(_without_shouting(piece)):
            raw = match.group(0)
            word = fold(raw)
            # A capitalised word inside the sentence is most likely the place's town.
            if (
                raw[:1].isupper()
                and not raw.isupper()
                and offset + match.start() > 0
                and word not in _QUESTION_WORDS
            ):
                continue
            if word in _FILLER_WORDS or word.isdigit():
                continue
            words.append(word)
    return words


def only_location(text: str, mentions: Sequence[Mention] | None = None) -> bool:
    """True when the message gives a place and says nothing else ("ik woon op Kerkstraat 4")."""
    mentions = list(find_mentions(text) if mentions is None else mentions)
    # "en voor Weidepad 4?" only changes the place: a question mark alone asks nothing new.
    return bool(mentions) and not remainder_words(text, mentions)


def asks_more_than_location(text: str, mentions: Sequence[Mention] | None = None) -> bool:
    """True when the message holds a place and clearly also a question or a problem.

    A single unknown word beside an address ("Kerkstraat 4 Rivierstad") is not enough;
    two content words, a question word, a question mark or a role name is.
    """
    mentions = list(find_mentions(text) if mentions is None else mentions)
    if not mentions:
        return False
    rest = remainder_words(text, mentions)
    if len(rest) >= 2 or any(word in _QUESTION_WORDS for word in rest):
        return True
    outside = _outside(text, mentions)
    return bool(rest) and ("?" in outside or bool(find_role_mentions(outside)))


def question_place(text: str, places: list[str]) -> int | None:
    """Which of several places in one message the question is about, or None to ask.

    "Ik woon op X, maar het gaat om de speeltuin in Y": the place the resident lives is
    named as such ("ik woon", "mijn adres"); the question is about the other one. When
    no place is named as home, or more than one place is not, the words do not tell.
    """
    folded = fold(text)
    positions = [folded.find(fold(place)) for place in places]
    home = [
        index
        for index, position in enumerate(positions)
        if position >= 0 and _HOME_CUE_RE.search(folded[max(0, position - 40) : position])
    ]
    others = [index for index in range(len(places)) if index not in home]
    if len(home) == 1 and len(others) == 1:
        return others[0]
    return None


# Words that may stand beside a role and a place in "wie is de wijkagent voor 8101 AA?".
_ROLE_QUESTION_WORDS = frozenset(
    """
    wie is zijn de het een mijn onze ons uw voor van bij in op hier daar contact
    contactpersoon gegevens nummer telefoonnummer zoek zoeken ik graag hallo hoi hee
    waar vind bereiken spreken wil wilt graag even aub alstublieft svp welke
    who is the a an my our your for of at in on here there contact details number phone
    find reach speak talk want like would which what whats where can could please hi hello
    i me to person looking need
    """.split()
)


# Words after "voor" or "bij" that name people or things, not places.
_NOT_PLACE_AFTER_ROLE = frozenset(
    """
    iedereen mij jou jullie hun hen haar hem ouderen kinderen jongeren bewoners mensen
    huurders kopers ondernemers scholen school werk nood noodgeval spoed vragen vraag
    afspraak gesprek advies hulp informatie info uitleg
    everyone me you us them him her elderly kids children young people residents tenants
    help information advice questions appointment
    """.split()
)


def role_and_place_only(text: str, mentions: Sequence[Mention] | None = None) -> bool:
    """True for "wie is de wijkagent voor 8101 AA?" and "wijkteam kerkstraat 9": a role's
    name and a place, with nothing else that could change what is asked."""
    mentions = list(find_mentions(text) if mentions is None else mentions)
    outside = _outside(text, mentions)
    if not find_role_mentions(outside):
        return False
    rest = [word for word in words_besides_roles(outside) if word not in _ROLE_QUESTION_WORDS]
    if mentions:
        return not rest
    # "wijkagent voor de binnenstad": a last word after "voor", "in" or "bij" (and an
    # article) is taken as the place the directory will look up.
    words = words_besides_roles(outside)
    while len(words) >= 2 and words[-2] in _ARTICLES:
        words.pop(-2)
    return (
        rest == words[-1:]
        and len(words) >= 2
        and words[-2] in _PLACE_PREPOSITIONS
        and len(rest[0]) >= 3
        and rest[0] not in _FILLER_WORDS
        and rest[0] not in _NOT_PLACE_AFTER_ROLE
    )


def _outside(text: str, mentions: Sequence[Mention]) -> str:
    pieces = []
    position = 0
    for mention in mentions:
        pieces.append(text[position : mention.start])
        position = mention.end
    pieces.append(text[position:MAX_PARSE_CHARS])
    return " ".join(pieces)


def _street_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for candidate in find_street_numbers(text):
        number_end = candidate.start + len(candidate.number_text)
        options = sorted(candidate.streets, key=lambda option: len(option[1]))
        chosen = next(
            (raw for norm, raw in reversed(options) if _street_like(norm) and _name_shaped(raw)),
            None,
        )
        if chosen is None:
            # One word before the number: a street only when it is no everyday word
            # ("ben 67", "van 16") and the number is no amount ("3 weken").
            norm, raw = options[0]
            before = fold(raw)
            after = _WORD_RE.match(text[number_end:].lstrip(" "))
            after_word = fold(after.group(0)) if after else ""
            if (
                " " in norm
                or len(before) < 3
                or before in _NUMBER_CONTEXT_WORDS
                or before in _FILLER_WORDS
                or before in _QUESTION_WORDS
                or after_word in _NUMBER_CONTEXT_WORDS
                or find_role_mentions(raw)
            ):
                continue
            chosen = raw
        start = text.rfind(chosen, 0, candidate.start)
        if start >= 0:
            spans.append((start, number_end, "street"))
    return spans


def _name_shaped(raw: str) -> bool:
    """'Burgemeester de Withstraat' is one name; 'ik woon aan de Weidepad' is not."""
    words = raw.split()
    if len(words) == 1:
        return True
    if fold(words[0]) in _NAME_PARTICLES:
        return False
    return all(word[:1].isupper() or fold(word) in _NAME_PARTICLES for word in words[:-1])


def _street_like(norm: str) -> bool:
    last = norm.rsplit(" ", 1)[-1]
    if last in _NOT_PLACE_WORDS and " " not in norm:
        return False
    endings = (*STREET_SUFFIXES, *_STREET_TYPO_SUFFIXES)
    return any(last.endswith(suffix) and len(last) > len(suffix) for suffix in endings)


def _name_spans(text: str) -> list[tuple[int, int, str]]:
    words = list(_WORD_RE.finditer(text))
    spans: list[tuple[int, int, str]] = []
    for index, match in enumerate(words):
        raw = match.group(0)
        word = fold(raw)
        # A one-word name by its ending, in any case: "vogelbuurt", "Kadekwartier".
        if (
            word not in _NOT_PLACE_WORDS
            and any(word.endswith(s) and len(word) >= len(s) + 3 for s in _PLACE_NAME_SUFFIXES)
            and not find_role_mentions(raw)
        ):
            spans.append((match.start(), match.end(), "name"))
            continue
        # Capitalised words after a preposition: "in Kadekwartier", "bij De Weiden".
        if word not in _PLACE_PREPOSITIONS or index + 1 >= len(words):
            continue
        position = index + 1
        article = words[position]
        if fold(article.group(0)) in _ARTICLES and position + 1 < len(words):
            position += 1
        # A capitalised article belongs to the name: "De Weiden", "Het Veld".
        start = article.start() if article.group(0)[:1].isupper() else words[position].start()
        end = None
        while position < len(words):
            current = words[position].group(0)
            gap = text[words[position - 1].end() : words[position].start()]
            if end is not None and gap.strip(" "):
                break
            if not current[:1].isupper() or fold(current) in _NOT_PLACE_NAMES:
                break
            if find_role_mentions(current):
                break
            end = words[position].end()
            position += 1
        if end is not None:
            spans.append((start, end, "name"))
    return spans


def _merge(text: str, spans: list[tuple[int, int, str]]) -> list[Mention]:
    """Overlapping spans become one, named after the most precise kind among them."""
    rank = {"postcode": 0, "street": 1, "pc4": 2, "name": 3}
    merged: list[list] = []
    for start, end, kind in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if rank[kind] < rank[merged[-1][2]]:
                merged[-1][2] = kind
        else:
            merged.append([start, end, kind])
    return [Mention(start, end, text[start:end], kind) for start, end, kind in merged]


__all__ = [
    "PLACEHOLDER",
    "MaskedText",
    "Mention",
    "asks_more_than_location",
    "find_mentions",
    "mask",
    "only_location",
    "question_place",
    "role_and_place_only",
    "remainder_words",
]
