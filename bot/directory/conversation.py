"""Conversation decisions that need the directory: whose municipality, which role, which place.

The custom actions read the tracker and pass its values here; nothing here knows Rasa.
Decisions on plain values alone are in bot/core/conversation.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from bot.core.cards import ContactCard, LocationResult, RoleInfo
from bot.core.constants import (
    CARD_GEMEENTE,
    DEFAULT_TOPIC_ROUTES,
    INTENT_ASK_ROLE_CONTACT,
    INTENT_EMERGENCY,
    INTENT_EXPLAIN_ALL_ROLES,
    INTENT_OTHER_LANGUAGE,
    INTENT_SWITCH_LANGUAGE,
    METADATA_GEMEENTE,
    QUESTION_INTENTS,
    STATUS_AMBIGUOUS,
    STATUS_FOUND,
    STATUS_UNKNOWN,
)
from bot.core.conversation import role_payload
from bot.core.location_mentions import question_place
from bot.core.roles import role_mentions
from bot.core.texts import DEFAULT_LANGUAGE
from bot.directory import ContactDirectory

# A new question asked instead of an address is taken as a question from this confidence.
NEW_QUESTION_CONFIDENCE: Final = 0.7


def serving_gemeente(directory: ContactDirectory, metadata: Iterable[object]) -> str | None:
    """The municipality the channel serves: the widget's setting or the WhatsApp number's,
    sent with each message (or with the first of the session); in a deployment for one
    municipality, that one. `metadata`: the message's, then the session start's."""
    for candidate in metadata:
        if isinstance(candidate, dict) and candidate.get(METADATA_GEMEENTE):
            area = directory.find_gemeente(candidate[METADATA_GEMEENTE])
            if area is not None:
                return area.code
    only = directory.gemeente(None)
    return (only.code or None) if only is not None else None


def resolve(
    directory: ContactDirectory,
    text: str,
    *,
    expecting: bool,
    pin: tuple[float, float] | None,
    metadata: Sequence[object],
) -> LocationResult:
    """A shared pin, else the place in the text (the serving municipality's first).

    `metadata`: the message's, then the session start's (see `serving_gemeente`).
    """
    if pin is not None:
        return directory.resolve_point(*pin)
    return directory.resolve_location(
        text, expecting=expecting, prefer_gemeente=serving_gemeente(directory, metadata)
    )


def locate_in_message(
    directory: ContactDirectory,
    text: str,
    mentions: Sequence[str],
    *,
    pin: tuple[float, float] | None,
    metadata: Sequence[object],
) -> LocationResult:
    """The place a question is about. With two different places in one message ("ik woon
    op X maar het gaat om Y") the one the question is about counts; when the words do
    not tell which, the resident chooses."""
    if pin is None and len(mentions) >= 2:
        prefer = serving_gemeente(directory, metadata)
        results = [directory.resolve_location(m, prefer_gemeente=prefer) for m in mentions]
        found = [
            (mention, result)
            for mention, result in zip(mentions, results, strict=True)
            if result.status == STATUS_FOUND and result.area is not None
        ]
        # A place inside another one named with it ("Weidepad 5 in Rivierstad") is one place.
        precise = {
            area.code for area in directory.most_precise([r.area for _, r in found if r.area])
        }
        found = [
            (mention, result)
            for mention, result in found
            if result.area and result.area.code in precise
        ]
        if len({result.area.code for _, result in found if result.area}) >= 2:
            chosen = question_place(text, [mention for mention, _ in found])
            if chosen is not None:
                return found[chosen][1]
            areas = tuple(result.area for _, result in found if result.area)
            return LocationResult(STATUS_AMBIGUOUS, text[:80], None, areas)
        if len(found) == 1:
            return found[0][1]
    return resolve(directory, text, expecting=False, pin=pin, metadata=metadata)


def precise_enough(
    directory: ContactDirectory, role_code: str | None, result: LocationResult
) -> LocationResult:
    """A found wijk or gemeente without contacts of its own for the role is too coarse:
    the resident is asked for a postcode instead of getting no card."""
    if result.status != STATUS_FOUND or result.area is None or not role_code:
        return result
    if result.area.level == "buurt" or directory.find_contacts(role_code, result.area.code):
        return result
    return LocationResult(STATUS_AMBIGUOUS, result.query)


def question_role(
    directory: ContactDirectory, intent: str, text: str, gemeente_code: str | None
) -> RoleInfo | None:
    """Who answers a question: the role named in it ("wie is de wijkagent?"), else the
    municipality's routing table for the topic."""
    if intent == INTENT_ASK_ROLE_CONTACT:
        mentions = role_mentions(text)
        role_code = mentions[0] if mentions else None
    else:
        role_code = directory.role_for_topic(intent, gemeente_code)
    return directory.role(role_code, gemeente_code) if role_code else None


def routed_role(
    directory: ContactDirectory,
    topic: str | None,
    role_code: str | None,
    gemeente_code: str | None,
) -> RoleInfo | None:
    """The role for the conversation's topic in this municipality (its table, its texts).

    A topic routed by the table is routed again where the resident turns out to live; a
    role the resident named keeps its code.
    """
    if topic in DEFAULT_TOPIC_ROUTES:
        role_code = directory.role_for_topic(topic, gemeente_code) or role_code
    return directory.role(role_code, gemeente_code) if role_code else None


def roles_to_explain(
    directory: ContactDirectory, intent: str | None, text: str, gemeente_code: str | None
) -> list[RoleInfo]:
    """The one or two roles named, or all local roles for "wie is wie in de wijk"."""
    mentions = role_mentions(text)
    if intent == INTENT_EXPLAIN_ALL_ROLES or not mentions:
        return [role for role in directory.roles(gemeente_code) if role.needs_location]
    found = (directory.role(code, gemeente_code) for code in mentions[:2])
    return [role for role in found if role]


def gemeente_to_mention(
    directory: ContactDirectory, serving: str | None, gemeente_code: str
) -> str | None:
    """The municipality's name when the resident should be told it: another municipality
    than the one the channel serves, or any one when a deployment serves several."""
    if serving == gemeente_code or (serving is None and directory.gemeente_count() <= 1):
        return None
    gemeente = directory.gemeente(gemeente_code)
    return gemeente.name if gemeente is not None else None


def card_payload(
    directory: ContactDirectory,
    role: RoleInfo,
    card: ContactCard,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """The `contact_card` payload; in a deployment for several municipalities it also names
    its municipality, in an extra key beside `area` (whose shape the contract fixes)."""
    payload = role_payload(role, card.to_payload(language))
    if directory.gemeente_count() > 1:
        gemeente = directory.gemeente(card.area.gemeente_code)
        if gemeente is not None:
            payload[CARD_GEMEENTE] = {"code": gemeente.code, "name": gemeente.name}
    return payload


def is_new_question(
    directory: ContactDirectory,
    intent: str | None,
    confidence: float,
    text: str,
    *,
    pin: tuple[float, float] | None,
) -> bool:
    """While the form asks where the resident lives: a confident new question (or an
    emergency, or something about the language) rather than an answer, so the form steps
    aside and the rules answer it."""
    if intent in (INTENT_SWITCH_LANGUAGE, INTENT_OTHER_LANGUAGE) and pin is None:
        return True
    if intent not in QUESTION_INTENTS or pin is not None:
        return False
    looks_like_place = directory.resolve_location(text)
    if looks_like_place.status == STATUS_UNKNOWN and confidence >= NEW_QUESTION_CONFIDENCE:
        return True
    return intent == INTENT_EMERGENCY
