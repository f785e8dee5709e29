"""Reply texts built from directory results; the sentences themselves are in bot/core/texts.

Every function takes the conversation's `language` ("nl" or "en"). In English the Dutch
role names stay, with an English article and, the first time, a short gloss
("the wijkagent, your neighbourhood police officer").
"""

from __future__ import annotations

import json
import re

from bot.core.cards import Area, ContactCard, GemeenteInfo, LocationResult, RoleInfo
from bot.core.constants import (
    INTENT_ASK_CALLBACK,
    INTENT_ASK_ROLE_CONTACT,
    INTENT_EXPLAIN_ROLE,
    INTENT_INFORM_LOCATION,
    STATUS_AMBIGUOUS,
    STATUS_OUTSIDE,
)
from bot.core.roles import ROLES_BY_CODE
from bot.core.texts import DEFAULT_LANGUAGE, role_texts, say

# A buurt or wijk name is a proper name ("Parkzicht", "Wolderveen-Dorp": "in Parkzicht")
# unless it ends in a common noun, which brings its article: "in de Vogelbuurt", "in het
# Marktkwartier". Longer endings first, so "landen" wins over "land".
_DE_ENDINGS = (
    "buurt",
    "wijk",
    "haven",
    "polder",
    "landen",
    "stad",
    "kade",
    "laan",
    "singel",
    "dreef",
    "gaarden",
    "weiden",
    "akkers",
    "velden",
    "hoven",
)
_HET_ENDINGS = (
    "kwartier",
    "centrum",
    "park",
    "veld",
    "dorp",
    "eiland",
    "plein",
    "gebied",
    "land",
    "terrein",
)
_ARTICLES = ("de", "het", "'t", "t", "den")
_PLURAL_ENDINGS = ("landen", "gaarden", "weiden", "akkers", "velden", "hoven")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(name: str) -> str:
    """The article a buurt or wijk name takes in a sentence: "de", "het" or ""."""
    words = name.split()
    if not words or words[0].lower() in _ARTICLES or "-" in name:
        return ""
    # "Oude Haven": the last word; "Buitengebied Wolderveen": the first.
    for word in (words[-1], words[0]):
        lowered = word.lower()
        for ending in sorted(_DE_ENDINGS + _HET_ENDINGS, key=len, reverse=True):
            if lowered.endswith(ending):
                return "de" if ending in _DE_ENDINGS else "het"
    return ""


def area_phrase(name: str, level: str = "buurt", language: str = DEFAULT_LANGUAGE) -> str:
    """An area as it reads in a sentence: "de Vogelbuurt", "Het Veld", "de wijk Oost"
    (in English the buurt's name alone: "Vogelbuurt")."""
    if level == "gemeente":
        return say("place.gemeente", language, name=name)
    if level == "wijk":
        return say("place.wijk", language, name=name)
    article = _article(name) if language == DEFAULT_LANGUAGE else ""
    return f"{article} {name}" if article else name


def _relative_pronoun(name: str, level: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ "die" or "dat" for a clause about the area ("de Vogelbuurt, die u eerder noemde");
    "which" in English."""
    if language != DEFAULT_LANGUAGE:
        return "which"
    if level in ("wijk", "gemeente"):
        return "die"
    first = name.split()[0].lower() if name.split() else ""
    if first == "de" or _article(name) == "de":
        return "die"
    if any(name.lower().endswith(ending) for ending in _PLURAL_ENDINGS):
        return "die"
    return "dat"


def _payload(intent: str, role_code: str) -> str:
    """A button payload that names its intent directly; the role travels in the text."""
    return f"/{intent}{json.dumps({'role': role_code}, separators=(',', ':'))}"


_DUTCH_ARTICLES = ("de ", "het ", "een ")


def role_name(role: RoleInfo, language: str = DEFAULT_LANGUAGE, *, gloss: bool = False) -> str:
    """The role as it reads in a sentence: "de wijkagent"; in English "the wijkagent", and
    with `gloss` "the wijkagent, your neighbourhood police officer".

    A name a municipality gave the role itself ("de gebiedsregisseur") keeps its Dutch
    word in English too, with "the" for its article.
    """
    if language == DEFAULT_LANGUAGE:
        return role.name
    english = role_texts(language).get(role.code) or {}
    default = ROLES_BY_CODE.get(role.code)
    if english.get("name") and default is not None and default.name == role.name:
        name = english["name"]
    else:
        name = role.name
        for article in _DUTCH_ARTICLES:
            if name.lower().startswith(article):
                name = "the " + name[len(article) :]
                break
    if gloss and english.get("gloss"):
        return f"{name}, {english['gloss']}"
    return name


def has_gloss(role: RoleInfo, language: str) -> bool:
    """Whether `role_name(..., gloss=True)` adds an explanation in `language`."""
    return language != DEFAULT_LANGUAGE and bool(
        (role_texts(language).get(role.code) or {}).get("gloss")
    )


def role_description(role: RoleInfo, language: str = DEFAULT_LANGUAGE) -> str:
    """What the role does: the municipality's own text in Dutch; in English the English
    text of the role's code (a role without one keeps its own, Dutch, description)."""
    if language == DEFAULT_LANGUAGE:
        return role.description
    english = role_texts(language).get(role.code) or {}
    return english.get("description") or role.description


def route_text(role: RoleInfo, language: str = DEFAULT_LANGUAGE, *, gloss: bool = False) -> str:
    """The one line of why that opens a routed answer; the explanation is a button away.

    `gloss`: the role is named for the first time in an English conversation.
    """
    if role.code == "melding":
        return say("route.melding", language)
    if role.code == "medewerker":
        return say("route.medewerker", language)
    return say("route.role", language, role=role_name(role, language, gloss=gloss))


def explain_buttons(role: RoleInfo, language: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    """ "Wat doet de wijkagent?": the role's explanation, one tap away."""
    if not role.needs_location:
        return []
    return [
        {
            "title": say("button.explain", language, role=role_name(role, language)),
            "payload": _payload(INTENT_EXPLAIN_ROLE, role.code),
        }
    ]


def contact_buttons(
    roles: list[RoleInfo], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    """After an explanation: the way on to the local contact of each explained role."""
    return [
        {
            "title": say("button.contact", language, role=role_name(role, language)),
            "payload": _payload(INTENT_ASK_ROLE_CONTACT, role.code),
        }
        for role in roles
        if role.needs_location
    ]


def other_address_buttons(language: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    """Under a card for a remembered place: give another address instead."""
    return [
        {"title": say("button.other_address", language), "payload": f"/{INTENT_INFORM_LOCATION}"}
    ]


def topic_buttons(
    topics: list[str], labels: dict[str, str], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    """The two-stage fallback's guesses as buttons, and a way out; payloads name the intent."""
    buttons = [{"title": labels[topic], "payload": f"/{topic}"} for topic in topics]
    buttons.append({"title": say("button.something_else", language), "payload": "/out_of_scope"})
    return buttons


def contact_text(
    role: RoleInfo,
    card: ContactCard,
    gemeente_name: str | None = None,
    remembered_area: Area | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Text beside a contact card; the card itself (role, area, names, phone, e-mail) is a
    payload every channel shows in its own way, so the text only says what the card does not:

    `remembered_area`: the place the resident gave earlier in the conversation (not in this
    message), said out loud so a wrong old place is noticed; `gemeente_name`: the
    municipality, when the resident lives in another one than the channel serves.
    Empty when there is nothing to add.
    """
    if remembered_area is not None:
        name, level = remembered_area.name, remembered_area.level
        place = area_phrase(name, level, language)
        pronoun = _relative_pronoun(name, level, language)
        text = say("card.remembered", language, place=place, pronoun=pronoun)
        if gemeente_name:
            text += say("card.remembered_gemeente", language, gemeente=gemeente_name)
        return text + "."
    if gemeente_name:
        place = area_phrase(card.area.name, card.area.level, language)
        name = role_name(role, language)
        if card.area.level == "gemeente":
            return say("card.in_gemeente", language, role=name, place=place)
        return say(
            "card.for_area_in_gemeente", language, role=name, place=place, gemeente=gemeente_name
        )
    return ""


def no_contact_text(
    role: RoleInfo,
    area_name: str,
    gemeente: GemeenteInfo | None,
    level: str = "buurt",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    place = area_phrase(area_name, level, language)
    text = say("card.nobody", language, role=role_name(role, language), place=place)
    return f"{text} {general_contact_text(gemeente, language)}"


def general_contact_text(gemeente: GemeenteInfo | None, language: str = DEFAULT_LANGUAGE) -> str:
    """How to reach the municipality in general: 14 + area code, website."""
    if gemeente is None or not (gemeente.phone or gemeente.website):
        return say("gemeente.call_14", language)
    municipality = say("gemeente.name", language, name=gemeente.name).strip()
    if not gemeente.phone:
        return say(
            "gemeente.website_only", language, municipality=municipality, website=gemeente.website
        )
    text = say("gemeente.call", language, municipality=municipality, phone=gemeente.phone)
    if gemeente.hours:
        text += say("gemeente.hours", language, hours=gemeente.hours)
    if gemeente.website:
        text += say("gemeente.or_website", language, website=gemeente.website)
    return text + "."


def general_route_text(
    role_code: str, gemeente: GemeenteInfo | None, language: str = DEFAULT_LANGUAGE
) -> str:
    """Answer for routes that need no local contact (melding, gemeente, medewerker); it
    follows route_text, so it says only how."""
    if role_code == "melding" and gemeente is not None and gemeente.report_url:
        return say("melding.url", language, url=gemeente.report_url)
    return general_contact_text(gemeente, language)


def location_problem_text(
    result: LocationResult,
    gemeente_names: list[str],
    *,
    asked_again: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """What to say when a location was not found: outside, ambiguous or unknown.

    `asked_again`: the bot asks for the location right after this, so no instructions.
    """
    joiner = say("place.served_joiner", language)
    served = (
        joiner.join(gemeente_names) if gemeente_names else say("place.served_default", language)
    )
    if result.status == STATUS_OUTSIDE:
        return say("location.outside", language, served=served)
    if result.status == STATUS_AMBIGUOUS:
        if result.options:
            return choose_buurt_text(language)
        return say("location.need_own_buurt", language)
    if result.postcode_not_found:
        text = say("location.postcode_unknown", language, postcode=result.query)
        if asked_again:
            return text
        return f"{text} {say('location.postcode_retype', language)}"
    if asked_again:
        return say("location.not_found", language)
    return f"{say('location.not_found', language)} {say('location.not_found_how', language)}"


def choose_buurt_text(language: str = DEFAULT_LANGUAGE) -> str:
    return say("location.choose_buurt", language)


def location_given_up_text(gemeente: GemeenteInfo | None, language: str = DEFAULT_LANGUAGE) -> str:
    return f"{say('location.given_up', language)} {general_contact_text(gemeente, language)}"


def location_saved_text(result: LocationResult, language: str = DEFAULT_LANGUAGE) -> str:
    assert result.area is not None
    place = area_phrase(result.area.name, result.area.level, language)
    return say("location.saved", language, place=place)


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.?!])(\s|$)", text.strip())
    return match.group(1) if match else text.strip()


def _described(role: RoleInfo, language: str, *, short: bool = False) -> str:
    """The role's description; its name in front only when the description leaves it out."""
    full = role_description(role, language)
    description = _first_sentence(full) if short else full.strip()
    name = role_name(role, language)
    if name.lower() in description.lower():
        return description
    return f"{capitalise(name)}: {description}"


def explain_text(roles: list[RoleInfo], language: str = DEFAULT_LANGUAGE) -> str:
    """Explain one role, compare two, or list all (one sentence each)."""
    if len(roles) <= 2:
        return "\n\n".join(_described(role, language) for role in roles)
    lines = [say("explain.all_intro", language)]
    lines += [f"- {_described(role, language, short=True)}" for role in roles]
    lines.append(say("explain.all_outro", language))
    return "\n".join(lines)


def unsure_text(language: str = DEFAULT_LANGUAGE) -> str:
    """The two-stage fallback's question, above the most likely topics as buttons."""
    return say("fallback.unsure", language)


def callback_buttons(role: RoleInfo, language: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    """Under every contact card: ask the professional to make contact (issue 13)."""
    if not role.needs_location:
        return []
    return [
        {
            "title": say("button.callback", language, role=role_name(role, language)),
            "payload": _payload(INTENT_ASK_CALLBACK, role.code),
        }
    ]


def other_language_text(language: str, phone: str) -> str:
    """The one fixed answer to a message in a language we do not serve, in that language
    (`language` one of texts.OTHER_LANGUAGES or a served one): which languages we serve,
    and the municipality's general number (`phone`; "14 + area code" when unknown)."""
    if phone:
        call = say("other_language.call", language, phone=phone)
    else:
        call = say("other_language.call_14", language)
    return f"{say('other_language.help', language)} {call}"
