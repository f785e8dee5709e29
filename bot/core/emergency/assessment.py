"""Judging a message: danger words found, then the first matching context decides."""

from __future__ import annotations

import re
from typing import Final

from bot.core.emergency.contexts import (
    CONTEXT_DEVICE_PROBLEM,
    CONTEXT_ONGOING,
    CONTEXTS,
    DEVICE_PROBLEM,
    Context,
)
from bot.core.emergency.dangers import DANGERS, Danger
from bot.core.emergency.english import CONTEXTS_EN, DANGERS_EN, normalise_english
from bot.core.emergency.normalisation import TAG_EXCLAIM, TAG_PRESENT_DANGER, normalise
from bot.core.emergency.verdict import EmergencyVerdict, Level

# How a message is judged
# -----------------------
# 1. The text is normalised: lower case, no diacritics, no punctuation, letter runs
#    ("brandddd") shortened, and common typos of the key words corrected.
# 2. DANGERS (dangers.py) finds the danger words: fire, gas, a burglary, violence, weapons,
#    shots, someone unconscious, drowning, a serious accident, or a request for the
#    emergency services. No danger word: Level.NONE.
# 3. CONTEXTS (contexts.py) is a precedence list. The first group with a match decides between
#    ACUTE and NOT_ACUTE. When no group matches, danger words alone count as ACUTE: a
#    safety net must rather send one resident too many to 112 than one too few. Only
#    words for a kind of danger ("huiselijk geweld") need a sign that it is happening.
#
# Borderline decisions (tests/core/test_emergency.py holds an example of each):
# - "Wat moet ik doen bij gaslucht/brand?" is ACUTE. The resident may be smelling the
#   gas right now, and the true answer is "go outside and call 112" either way; no other
#   route answers it better. Prevention ("hoe voorkom ik"), learning ("cursus"), explicit
#   hypotheticals ("stel dat") and a message that opens with "wat moet ik doen als ..."
#   make such a question NOT_ACUTE; "er ligt iemand, wat moet ik doen als ..." stays ACUTE.
# - A fire alarm going off is ACUTE, one's own as well (the fire brigade's advice is to
#   get out and call 112), unless the message says why (cooking, a test, a false alarm);
#   a smoke alarm that beeps ("piept") has a flat battery. A carbon monoxide alarm that
#   beeps is ACUTE: beeping is how it warns.
# - Drug houses, cannabis farms and threats on Instagram or WhatsApp are `ongoing`
#   dangers: a matter for the wijkagent even while they go on, never 112 on their own;
#   so is smoke from a neighbour's barbecue, stove or cigarette (buurtbemiddeling).
# - A small child is in danger when it is alone near water, traffic or a height, or does
#   something that can kill it in seconds ("hangt uit het raam"), watched or not.
# - Words for a kind of danger ("huiselijk geweld", "zelfmoord") are how residents ask
#   where to get help; alone they are NOT_ACUTE without a context, so the guard neither
#   forces nor demotes and the classifier decides. With "nu", "help" or a present-tense
#   danger ("hij slaat haar") they are ACUTE.
# - "nu" counts only next to danger in the present tense: in "vorige week beroofd, nu
#   durft hij niet meer" it speaks of the consequences.
# - Frequency words win over the present tense ("er wordt steeds ingebroken" is a
#   neighbourhood problem); the price is that "hij valt steeds weg" is missed.
# - A burglary that is over ("er is bij ons ingebroken") is NOT_ACUTE: the police's
#   advice is to report it (0900-8844, the wijkagent); 112 only while it is going on or
#   just happened ("net", "nu", "ze zijn nog binnen").
# - An injured or drowning animal is not a 112 matter (there is 144 for animals).
# - Questions about 112 and the police themselves are NONE, or NOT_ACUTE when they name
#   a danger ("wanneer bel ik 112 bij brand?").

_EXCLAMATIONS: Final = re.compile(r"!\s*!")


def assess(text: str | None, language: str | None = None) -> EmergencyVerdict:
    """Judge whether `text` reports acute danger; see the notes at the top of this module.

    Both the Dutch and the English tables are read: a short message has no language, and a
    resident in danger may mix them. `language` ("en") only says which table goes first;
    the other is read when the first finds no danger words.
    """
    if not text:
        return EmergencyVerdict(Level.NONE, "empty message")
    dutch = (normalise(text), DANGERS, CONTEXTS)
    english = (normalise_english(text), DANGERS_EN, CONTEXTS_EN)
    first, second = (english, dutch) if language == "en" else (dutch, english)
    verdict = _judge(text, *first)
    if verdict.level is Level.NONE:
        verdict = _judge(text, *second)
    return verdict


def _judge(
    text: str, normalised: str, tables: tuple[Danger, ...], contexts: tuple[Context, ...]
) -> EmergencyVerdict:
    dangers = [danger for danger in tables if danger.found_in(normalised)]
    if not dangers:
        return EmergencyVerdict(Level.NONE, "no danger words")

    if all(danger.ongoing for danger in dangers):
        return EmergencyVerdict(
            Level.NOT_ACUTE,
            f"{dangers[0].name}: not for 112, also while it goes on",
            danger=dangers[0].name,
            context=CONTEXT_ONGOING,
        )

    if all(danger.device for danger in dangers) and DEVICE_PROBLEM.search(normalised):
        return EmergencyVerdict(
            Level.NOT_ACUTE,
            f"{dangers[0].name}: the device itself is the subject",
            danger=dangers[0].name,
            context=CONTEXT_DEVICE_PROBLEM,
        )

    tags = []
    if any(danger.present for danger in dangers):
        tags.append(TAG_PRESENT_DANGER)
    if _EXCLAMATIONS.search(text):
        tags.append(TAG_EXCLAIM)
    tagged = " ".join([normalised, *tags])

    concrete = [danger for danger in dangers if not danger.abstract]
    first = (concrete or dangers)[0].name
    for context in contexts:
        if context.concrete_only and not concrete:
            continue
        match = context.regex.search(tagged)
        if match:
            return EmergencyVerdict(
                context.level,
                f"{first} with {context.name} ({match.group(0).strip()!r})",
                danger=first,
                context=context.name,
            )
    if not concrete:
        return EmergencyVerdict(
            Level.NOT_ACUTE, f"{first} without context: a kind of danger, not an event", first
        )
    return EmergencyVerdict(
        Level.ACUTE, f"{first} without context: danger words alone count", danger=first
    )
