"""Reply texts built from directory results; the sentences themselves are in bot/core/texts."""

from __future__ import annotations

import json
import re

from bot.core.cards import Area, ContactCard, GemeenteInfo, LocationResult, RoleInfo
from bot.core.constants import (
    INTENT_ASK_ROLE_CONTACT,
    INTENT_EXPLAIN_ROLE,
    INTENT_INFORM_LOCATION,
    STATUS_AMBIGUOUS,
    STATUS_OUTSIDE,
)
from bot.core.texts import say

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


def area_phrase(name: str, level: str = "buurt") -> str:
    """An area as it reads in a sentence: "de Vogelbuurt", "Het Veld", "de wijk Oost"."""
    if level == "gemeente":
        return say("place.gemeente", name=name)
    if level == "wijk":
        return say("place.wijk", name=name)
    article = _article(name)
    return f"{article} {name}" if article else name


def _relative_pronoun(name: str, level: str) -> str:
    """ "die" or "dat" for a clause about the area ("de Vogelbuurt, die u eerder noemde")."""
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


def route_text(role: RoleInfo) -> str:
    """The one line of why that opens a routed answer; the explanation is a button away."""
    if role.code == "melding":
        return say("route.melding")
    if role.code == "medewerker":
        return say("route.medewerker")
    return say("route.role", role=role.name)


def explain_buttons(role: RoleInfo) -> list[dict[str, str]]:
    """ "Wat doet de wijkagent?": the role's explanation, one tap away."""
    if not role.needs_location:
        return []
    return [
        {
            "title": say("button.explain", role=role.name),
            "payload": _payload(INTENT_EXPLAIN_ROLE, role.code),
        }
    ]


def contact_buttons(roles: list[RoleInfo]) -> list[dict[str, str]]:
    """After an explanation: the way on to the local contact of each explained role."""
    return [
        {
            "title": say("button.contact", role=role.name),
            "payload": _payload(INTENT_ASK_ROLE_CONTACT, role.code),
        }
        for role in roles
        if role.needs_location
    ]


def other_address_buttons() -> list[dict[str, str]]:
    """Under a card for a remembered place: give another address instead."""
    return [{"title": say("button.other_address"), "payload": f"/{INTENT_INFORM_LOCATION}"}]


def contact_text(
    role: RoleInfo,
    card: ContactCard,
    gemeente_name: str | None = None,
    remembered_area: Area | None = None,
) -> str:
    """Text beside a contact card; the card itself (role, area, names, phone, e-mail) is a
    payload every channel shows in its own way, so the text only says what the card does not:

    `remembered_area`: the place the resident gave earlier in the conversation (not in this
    message), said out loud so a wrong old place is noticed; `gemeente_name`: the
    municipality, when the resident lives in another one than the channel serves.
    Empty when there is nothing to add.
    """
    if remembered_area is not None:
        place = area_phrase(remembered_area.name, remembered_area.level)
        pronoun = _relative_pronoun(remembered_area.name, remembered_area.level)
        text = say("card.remembered", place=place, pronoun=pronoun)
        if gemeente_name:
            text += say("card.remembered_gemeente", gemeente=gemeente_name)
        return text + "."
    if gemeente_name:
        place = area_phrase(card.area.name, card.area.level)
        if card.area.level == "gemeente":
            return say("card.in_gemeente", role=role.name, place=place)
        return say("card.for_area_in_gemeente", role=role.name, place=place, gemeente=gemeente_name)
    return ""


def no_contact_text(
    role: RoleInfo, area_name: str, gemeente: GemeenteInfo | None, level: str = "buurt"
) -> str:
    text = say("card.nobody", role=role.name, place=area_phrase(area_name, level))
    return f"{text} {general_contact_text(gemeente)}"


def general_contact_text(gemeente: GemeenteInfo | None) -> str:
    """How to reach the municipality in general: 14 + area code, website."""
    if gemeente is None or not (gemeente.phone or gemeente.website):
        return say("gemeente.call_14")
    municipality = say("gemeente.name", name=gemeente.name).strip()
    if not gemeente.phone:
        return say("gemeente.website_only", municipality=municipality, website=gemeente.website)
    text = say("gemeente.call", municipality=municipality, phone=gemeente.phone)
    if gemeente.hours:
        text += say("gemeente.hours", hours=gemeente.hours)
    if gemeente.website:
        text += say("gemeente.or_website", website=gemeente.website)
    return text + "."


def general_route_text(role_code: str, gemeente: GemeenteInfo | None) -> str:
    """Answer for routes that need no local contact (melding, gemeente, medewerker); it
    follows route_text, so it says only how."""
    if role_code == "melding" and gemeente is not None and gemeente.report_url:
        return say("melding.url", url=gemeente.report_url)
    return general_contact_text(gemeente)


def location_problem_text(
    result: LocationResult, gemeente_names: list[str], *, asked_again: bool = False
) -> str:
    """What to say when a location was not found: outside, ambiguous or unknown.

    `asked_again`: the bot asks for the location right after this, so no instructions.
    """
    joiner = say("place.served_joiner")
    served = joiner.join(gemeente_names) if gemeente_names else say("place.served_default")
    if result.status == STATUS_OUTSIDE:
        return say("location.outside", served=served)
    if result.status == STATUS_AMBIGUOUS:
        if result.options:
            return choose_buurt_text()
        return say("location.need_own_buurt")
    if result.postcode_not_found:
        text = say("location.postcode_unknown", postcode=result.query)
        if asked_again:
            return text
        return f"{text} {say('location.postcode_retype')}"
    if asked_again:
        return say("location.not_found")
    return f"{say('location.not_found')} {say('location.not_found_how')}"


def choose_buurt_text() -> str:
    return say("location.choose_buurt")


def location_given_up_text(gemeente: GemeenteInfo | None) -> str:
    return f"{say('location.given_up')} {general_contact_text(gemeente)}"


def location_saved_text(result: LocationResult) -> str:
    assert result.area is not None
    return say("location.saved", place=area_phrase(result.area.name, result.area.level))


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.?!])(\s|$)", text.strip())
    return match.group(1) if match else text.strip()


def _described(role: RoleInfo, *, short: bool = False) -> str:
    """The role's description; its name in front only when the description leaves it out."""
    description = _first_sentence(role.description) if short else role.description.strip()
    if role.name.lower() in description.lower():
        return description
    return f"{capitalise(role.name)}: {description}"


def explain_text(roles: list[RoleInfo]) -> str:
    """Explain one role, compare two, or list all (one sentence each)."""
    if len(roles) <= 2:
        return "\n\n".join(_described(role) for role in roles)
    lines = [say("explain.all_intro")]
    lines += [f"- {_described(role, short=True)}" for role in roles]
    lines.append(say("explain.all_outro"))
    return "\n".join(lines)


def unsure_text() -> str:
    """The two-stage fallback's question, above the most likely topics as buttons."""
    return say("fallback.unsure")
