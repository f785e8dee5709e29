"""Short Dutch labels of the topics, for the buttons the bot shows when it is unsure."""

from __future__ import annotations

from typing import Final

from bot.core import texts

TOPIC_LABELS: Final = {
    "ask_safety": "Veiligheid, criminaliteit of overlast door mensen",
    "neighbourhood_plans": "Plannen van de gemeente voor de wijk",
    "liveability": "De buurt gaat achteruit (leefbaarheid)",
    "meet_neighbours": "Buren ontmoeten of vrijwilligerswerk",
    "organise_residents": "Samen met bewoners iets aanpakken",
    "neighbourhood_idea": "Een idee of geld voor de buurt",
    "stuck_between_departments": "Ik word van het kastje naar de muur gestuurd",
    "neighbour_conflict": "Ruzie of overlast met de buren",
    "personal_help": "Hulp voor mij of iemand anders (zorg, geld)",
    "youth": "Jongeren en activiteiten voor jongeren",
    "public_space_rules": "Foutparkeren, afval of honden (handhaving)",
    "emergency": "Nu gevaar: bel 112",
    "report_defect": "Iets kapot op straat melden",
    "municipal_service": "Paspoort, verhuizen, afval of vergunning",
    "ask_human": "Een medewerker spreken",
    "ask_role_contact": "Een bepaalde persoon in de wijk zoeken",
    "explain_role": "Uitleg over wat iemand doet",
    "explain_all_roles": "Wie is wie in de wijk",
    "inform_location": "Mijn adres of buurt doorgeven",
    "ask_callback": "Teruggebeld worden door iemand uit de wijk",
}

# Intents that are no topic and are never offered as a guess.
NOT_OFFERED: Final = frozenset(
    {
        "nlu_fallback",
        "greet",
        "thank",
        "goodbye",
        "affirm",
        "deny",
        "out_of_scope",
        "bot_challenge",
        "not_understood",
    }
)


def top_topics(ranking: list[dict], limit: int = 3) -> list[str]:
    """The most likely topics from an NLU intent ranking, for the two-stage fallback."""
    topics = []
    for entry in ranking:
        name = entry.get("name")
        if name in TOPIC_LABELS and name not in NOT_OFFERED and name not in topics:
            topics.append(name)
        if len(topics) == limit:
            break
    return topics


def topic_labels(language: str = texts.DEFAULT_LANGUAGE) -> dict[str, str]:
    """The topic labels residents read in `language`: the Dutch ones above, or the texts'
    own (bot/core/texts/en.yml `topics:`), with the Dutch label for a topic it lacks."""
    if language == texts.DEFAULT_LANGUAGE:
        return dict(TOPIC_LABELS)
    return {**TOPIC_LABELS, **texts.topic_labels(language)}
