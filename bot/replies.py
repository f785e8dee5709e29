"""Dutch reply texts (B1, "u") built from directory results: all resident-facing wording."""

from __future__ import annotations

from bot.constants import STATUS_AMBIGUOUS, STATUS_OUTSIDE
from bot.directory import ContactCard, GemeenteInfo, LocationResult, RoleInfo

_LEVEL_WORDS = {"buurt": "buurt", "wijk": "wijk", "gemeente": "gemeente"}


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def route_text(role: RoleInfo) -> str:
    """First answer to a routed question: who helps, and what they do."""
    return f"Hiervoor kunt u het beste terecht bij {role.name}. {role.description}".strip()


def contact_text(role: RoleInfo, card: ContactCard, gemeente_name: str | None = None) -> str:
    """Lead-in to a contact card; the card itself (names, phone, e-mail) comes as payload,
    which every channel renders in its own way (a card in the widget, text on WhatsApp).

    `gemeente_name`: the municipality to name, when the resident lives in another one
    than the channel serves.
    """
    if card.area.level == "gemeente":
        where = f"in de gemeente {card.area.name}"
    else:
        where = f"voor {_LEVEL_WORDS[card.area.level]} {card.area.name}"
        if gemeente_name:
            where += f" in de gemeente {gemeente_name}"
    count = len(card.contacts)
    if count == 1:
        return f"Dit is {role.name} {where}:"
    return f"U kunt terecht bij deze {count} contactpersonen ({role.name}) {where}:"


def no_contact_text(role: RoleInfo, area_name: str, gemeente: GemeenteInfo | None) -> str:
    text = f"Ik heb geen gegevens van {role.name} voor {area_name}."
    return f"{text} {general_contact_text(gemeente)}"


def general_contact_text(gemeente: GemeenteInfo | None) -> str:
    """How to reach the municipality in general: 14 + area code, website."""
    if gemeente is None or not (gemeente.phone or gemeente.website):
        return "Bel de gemeente op 14 en daarna het netnummer van uw gemeente."
    parts = [f"Bel de gemeente {gemeente.name}".strip()]
    if gemeente.phone:
        parts.append(f"op {gemeente.phone}")
    text = " ".join(parts)
    if gemeente.hours:
        text += f" ({gemeente.hours})"
    if gemeente.website:
        text += f" of kijk op {gemeente.website}"
    return text + "."


def general_route_text(role_code: str, gemeente: GemeenteInfo | None) -> str:
    """Answer for routes that need no local contact (melding, gemeente, medewerker)."""
    if role_code == "melding":
        if gemeente is not None and gemeente.report_url:
            return (
                f"U kunt dit melden bij de gemeente via {gemeente.report_url}. "
                "Dan wordt het zo snel mogelijk opgelost."
            )
        return "U kunt dit melden bij de gemeente. " + general_contact_text(gemeente)
    if role_code == "medewerker":
        return "Een medewerker helpt u graag. " + general_contact_text(gemeente)
    return general_contact_text(gemeente)


def location_problem_text(
    result: LocationResult, gemeente_names: list[str], *, asked_again: bool = False
) -> str:
    """What to say when a location was not found: outside, ambiguous or unknown.

    `asked_again`: the bot asks for the location right after this, so no instructions.
    """
    served = " en ".join(gemeente_names) if gemeente_names else "deze gemeente"
    if result.status == STATUS_OUTSIDE:
        return (
            f"Dat adres ligt niet in {served}. Ik ken alleen de buurten van {served}. "
            "Woont u ergens anders? Kijk dan op de website van uw eigen gemeente, "
            "of bel 14 en het netnummer van uw gemeente."
        )
    if result.status == STATUS_AMBIGUOUS:
        if result.options:
            return choose_buurt_text()
        return "Ik heb uw eigen buurt nodig om de juiste persoon te vinden."
    if asked_again:
        return "Dat adres kan ik niet vinden."
    return (
        "Dat adres kan ik niet vinden. Typ uw postcode met cijfers en letters "
        "(bijvoorbeeld 1234 AB), of uw straat en huisnummer."
    )


def choose_buurt_text() -> str:
    return (
        "Die plek hoort bij meer dan één buurt. Kies uw buurt, of typ uw postcode "
        "met de letters (bijvoorbeeld 1234 AB)."
    )


def location_given_up_text(gemeente: GemeenteInfo | None) -> str:
    return "Het lukt mij niet om uw buurt te vinden. " + general_contact_text(gemeente)


def location_saved_text(result: LocationResult) -> str:
    assert result.area is not None
    return f"Dank u. Ik onthoud dat u woont in {result.area.name}."


def explain_text(roles: list[RoleInfo]) -> str:
    """Explain one role, compare two, or list all."""
    if len(roles) == 1:
        role = roles[0]
        return f"{capitalise(role.name)}: {role.description}"
    if len(roles) == 2:
        first, second = roles
        return (
            f"{capitalise(first.name)}: {first.description}\n\n"
            f"{capitalise(second.name)}: {second.description}"
        )
    lines = ["Dit zijn de mensen die in de wijk werken, en waarvoor u bij hen terecht kunt:"]
    lines += [f"- {capitalise(role.name)}: {role.description}" for role in roles]
    lines.append("Vertel mij uw vraag, dan zoek ik de juiste persoon voor u.")
    return "\n".join(lines)


def which_role_text() -> str:
    return "Welke persoon zoekt u? Noem bijvoorbeeld de wijkagent, het wijkteam of de opbouwwerker."
