"""What residents read (bot/core/replies.py and every other text): grammatical, used, no doubles."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.core import replies
from bot.core.cards import Area, ContactCard, ContactInfo, GemeenteInfo, LocationResult, RoleInfo
from bot.core.opening_hours import AMSTERDAM, availability, availability_text, parse_opening_hours
from bot.core.roles import DEFAULT_ROLES
from bot.core.texts import LANGUAGES, OTHER_LANGUAGES
from bot.core.topics import TOPIC_LABELS, topic_labels
from bot.rasa import outage
from bot.rasa.channels import whatsapp

ROOT = Path(__file__).parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))

ROLES = [
    RoleInfo(r.code, r.name, r.description, r.organisation_type, r.needs_location)
    for r in DEFAULT_ROLES
]
ROLE = {role.code: role for role in ROLES}
VOGELBUURT = Area("BU92000201", "Vogelbuurt", "buurt", "GM9200")
AREAS = [
    VOGELBUURT,
    Area("BU92000203", "De Gaarden", "buurt", "GM9200"),
    Area("BU92000102", "Marktkwartier", "buurt", "GM9200"),
    Area("BU92000401", "Wolderveen-Dorp", "buurt", "GM9200"),
    Area("WK920002", "Weidehaven-Noord", "wijk", "GM9200"),
    Area("GM9200", "Weidehaven", "gemeente", "GM9200"),
]
GEMEENTEN = [
    None,
    GemeenteInfo("GM9200", "Weidehaven", "14 0599", "https://www.weidehaven.example",
                 "https://www.weidehaven.example/melding", "ma-vr 8.30-17.00 uur"),
    GemeenteInfo("GM9200", "Weidehaven", website="https://www.weidehaven.example"),
    GemeenteInfo("GM9200", "Weidehaven", phone="14 0599"),
]  # fmt: skip
CONTACT = ContactInfo("Sanne de Vries", "Politie", "0900-8844")
LOCATIONS = [
    LocationResult("outside", "1012 AB"),
    LocationResult("ambiguous", "8101", None, (VOGELBUURT, AREAS[1])),
    LocationResult("ambiguous", "Centrum"),
    LocationResult("unknown", "ergens bij de rivier"),
    LocationResult("unknown", "9281 ZZ", postcode_not_found=True),
]


def every_reply() -> Iterator[tuple[str, str]]:
    """(function name, text) for every public reply function with every kind of input."""
    for language in LANGUAGES:
        yield from _every_reply(language)
    for language in (*OTHER_LANGUAGES, *LANGUAGES):
        for phone in ("", "14 0599"):
            yield "other_language_text", replies.other_language_text(language, phone)


def _every_reply(language: str) -> Iterator[tuple[str, str]]:
    for role in ROLES:
        yield "route_text", replies.route_text(role, language)
        yield "route_text", replies.route_text(role, language, gloss=True)
        yield "role_name", replies.role_name(role, language, gloss=True)
        yield "has_gloss", str(replies.has_gloss(role, language))
        yield "role_description", replies.role_description(role, language)
        for button in replies.explain_buttons(role, language) + replies.contact_buttons(
            [role], language
        ):
            yield "explain_buttons", button["title"]
        titles = " ".join(b["title"] for b in replies.contact_buttons([role], language))
        yield "contact_buttons", titles
        for button in replies.callback_buttons(role, language):
            yield "callback_buttons", button["title"]
        for area in AREAS:
            card = ContactCard(role.code, area, (CONTACT,))
            for gemeente_name in (None, "Rivierstad"):
                for remembered in (None, *AREAS):
                    text = replies.contact_text(role, card, gemeente_name, remembered, language)
                    yield "contact_text", text
            for gemeente in GEMEENTEN:
                yield (
                    "no_contact_text",
                    replies.no_contact_text(role, area.name, gemeente, area.level, language),
                )
        for gemeente in GEMEENTEN:
            yield "general_route_text", replies.general_route_text(role.code, gemeente, language)
    for gemeente in GEMEENTEN:
        yield "general_contact_text", replies.general_contact_text(gemeente, language)
        yield "location_given_up_text", replies.location_given_up_text(gemeente, language)
    for result in LOCATIONS:
        for names in ([], ["Weidehaven"], ["Weidehaven", "Rivierstad"]):
            for asked_again in (False, True):
                text = replies.location_problem_text(
                    result, names, asked_again=asked_again, language=language
                )
                yield "location_problem_text", text
    for area in AREAS:
        found = LocationResult("found", "", area)
        yield "location_saved_text", replies.location_saved_text(found, language)
        yield "area_phrase", replies.area_phrase(area.name, area.level, language)
    for count in (1, 2, len(ROLES)):
        yield "explain_text", replies.explain_text(ROLES[:count], language)
    yield "other_address_buttons", replies.other_address_buttons(language)[0]["title"]
    yield "choose_buurt_text", replies.choose_buurt_text(language)
    yield "unsure_text", replies.unsure_text(language)
    labels = topic_labels(language)
    for button in replies.topic_buttons(list(labels)[:3], labels, language):
        yield "topic_buttons", button["title"]
    yield "capitalise", replies.capitalise("de wijkagent")


def domain_texts() -> Iterator[str]:
    for variants in DOMAIN["responses"].values():
        for variant in variants:
            yield variant.get("text") or ""
            yield from (button["title"] for button in variant.get("buttons") or [])


def strings_js_texts() -> Iterator[str]:
    source = (ROOT / "web" / "src" / "strings.js").read_text(encoding="utf-8")
    yield from re.findall(r'"((?:[^"\\]|\\.)*)"', source)
    yield from re.findall(r"`([^`]*)`", source)


def other_texts() -> Iterator[str]:
    """Texts residents read that live outside replies.py and domain.yml."""
    yield from (role.description for role in DEFAULT_ROLES)
    yield from outage.TEXTS.values()
    yield from TOPIC_LABELS.values()
    yield from topic_labels("en").values()
    yield from (replies.role_description(role, "en") for role in ROLES)
    yield from (
        value
        for name, value in vars(whatsapp).items()
        if name.isupper() and isinstance(value, str) and " " in value
    )
    yield from strings_js_texts()
    yield from reachable_texts()


def reachable_texts() -> Iterator[str]:
    """The open-now line of a card at moments around a week of sessions."""
    hours = parse_opening_hours("di 10-12 en do 14-16 in het wijkbureau Noord, za 9-12")
    start = datetime(2026, 4, 20, 8, 0, tzinfo=AMSTERDAM)
    for quarter in range(0, 14 * 24 * 4, 7):
        yield availability_text(availability(hours, start + timedelta(minutes=15 * quarter)))


# A word or a few words said twice in a row, also across a colon ("X: X ...").
DOUBLED_WORD = re.compile(r"\b(\w+(?:\s+\w+){0,2})[:,]?\s+\1\b", re.IGNORECASE)


def problems(text: str) -> list[str]:
    found = [f"doubled word {m.group(0)!r}" for m in DOUBLED_WORD.finditer(text)]
    sentences = [s.strip().lower() for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]
    found += [f"repeated sentence {s!r}" for s in {s for s in sentences if sentences.count(s) > 1}]
    return found


def test_the_doubles_check_finds_doubles() -> None:
    assert problems("Bel nu 112 112.") == ["doubled word '112 112'"]
    assert problems("Kijk op de de website.") == ["doubled word 'de de'"]
    assert problems("Bel 112. Wacht niet. Bel 112.") == ["repeated sentence 'bel 112.'"]
    assert problems("De sociaal makelaar: De sociaal makelaar brengt mensen samen.") == [
        "doubled word 'De sociaal makelaar: De sociaal makelaar'"
    ]
    assert problems("Bel de gemeente op 14 0599.") == []


def test_every_reply_function_is_exercised_here() -> None:
    public = {
        name
        for name, function in inspect.getmembers(replies, inspect.isfunction)
        if function.__module__ == replies.__name__ and not name.startswith("_")
    }
    assert {name for name, _ in every_reply()} == public


@pytest.mark.parametrize(
    "source", ["replies", "domain", "other"], ids=["replies", "domain.yml", "elsewhere"]
)
def test_no_text_has_doubled_words_or_a_repeated_sentence(source: str) -> None:
    texts = {
        "replies": (text for _, text in every_reply()),
        "domain": domain_texts(),
        "other": other_texts(),
    }[source]
    found = {text: problems(text) for text in texts if problems(text)}
    assert found == {}


def _sources(*patterns: str) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for pattern in patterns for path in ROOT.glob(pattern)
    )


def test_every_reply_function_is_used_by_the_bot() -> None:
    code = _sources("actions/*.py", "bot/**/*.py")
    unused = []
    for name, function in inspect.getmembers(replies, inspect.isfunction):
        if function.__module__ != replies.__name__ or name.startswith("_"):
            continue
        calls = len(re.findall(rf"\b{name}\(", code)) - len(re.findall(rf"def {name}\(", code))
        if calls < 1:
            unused.append(name)
    assert unused == []


# Responses that Rasa itself sends, not named in rules, stories or actions.
SENT_BY_RASA = {
    "utter_ask_rephrase": "action_two_stage_fallback asks to rephrase with it",
    "utter_default": "action_two_stage_fallback ends with it",
}


def test_every_domain_response_is_used() -> None:
    used = _sources("actions/*.py", "bot/**/*.py", "data/**/*.yml")
    # A form asks for each required slot with utter_ask_<slot>.
    slots = {slot for form in DOMAIN["forms"].values() for slot in form["required_slots"]}
    asked = {f"utter_ask_{slot}" for slot in slots}
    unused = [
        name
        for name in DOMAIN["responses"]
        if name not in used and name not in asked and name not in SENT_BY_RASA
    ]
    assert unused == []
    assert set(SENT_BY_RASA) <= set(DOMAIN["responses"])


@pytest.mark.parametrize(
    ("name", "level", "phrase"),
    [
        ("Vogelbuurt", "buurt", "de Vogelbuurt"),
        ("Oude Haven", "buurt", "de Oude Haven"),
        ("Marktkwartier", "buurt", "het Marktkwartier"),
        ("Buitengebied Wolderveen", "buurt", "het Buitengebied Wolderveen"),
        ("Rietlanden", "buurt", "de Rietlanden"),
        # Names with their own article, and proper names, take no extra one.
        ("Het Veld", "buurt", "Het Veld"),
        ("De Gaarden", "buurt", "De Gaarden"),
        ("Parkzicht", "buurt", "Parkzicht"),
        ("Molenhoek", "buurt", "Molenhoek"),
        ("Wolderveen-Dorp", "buurt", "Wolderveen-Dorp"),
        ("Weidehaven-Noord", "wijk", "de wijk Weidehaven-Noord"),
        ("Weidehaven", "gemeente", "de gemeente Weidehaven"),
    ],
)
def test_areas_read_with_the_right_article(name: str, level: str, phrase: str) -> None:
    assert replies.area_phrase(name, level) == phrase


def test_the_saved_place_reads_as_a_sentence() -> None:
    saved = replies.location_saved_text(LocationResult("found", "9281 AA", VOGELBUURT))
    assert "in de Vogelbuurt woont" in saved
    veld = Area("BU1", "Het Veld", "buurt", "GM1")
    assert "in Het Veld woont" in replies.location_saved_text(LocationResult("found", "", veld))


def test_a_remembered_place_is_named_with_the_card_else_the_card_speaks_for_itself() -> None:
    card = ContactCard("wijkagent", VOGELBUURT, (CONTACT,))
    wijkagent = ROLE["wijkagent"]
    assert replies.contact_text(wijkagent, card) == ""
    remembered = replies.contact_text(wijkagent, card, remembered_area=VOGELBUURT)
    assert remembered.startswith("Voor de Vogelbuurt, die u eerder noemde")
    markt = Area("BU92000102", "Marktkwartier", "buurt", "GM9200")
    assert "het Marktkwartier, dat u eerder" in replies.contact_text(
        wijkagent, card, remembered_area=markt
    )
    assert "Rivierstad" in replies.contact_text(wijkagent, card, "Rivierstad")


@pytest.mark.parametrize("role", ROLES, ids=[role.code for role in ROLES])
def test_the_route_line_is_one_grammatical_sentence(role: RoleInfo) -> None:
    text = replies.route_text(role)
    assert len(re.findall(r"[.?!]", text)) == 1
    # "terecht bij melding openbare ruimte": a report is made, not visited.
    assert "bij melding" not in text


@pytest.mark.parametrize("count", [1, 2])
def test_an_explanation_names_each_role_once_at_its_start(count: int) -> None:
    roles = [ROLE["sociaal_makelaar"], ROLE["buurtbemiddeling"]][:count]
    text = replies.explain_text(roles)
    for role in roles:
        assert text.lower().count(f"{role.name}: {role.name}") == 0
        assert role.name in text.lower()


def test_an_explanation_of_a_renamed_role_still_says_who() -> None:
    own = RoleInfo(
        "wijkregisseur", "de gebiedsregisseur", "Werkt bij de gemeente.", "gemeente", True
    )
    assert replies.explain_text([own]) == "De gebiedsregisseur: Werkt bij de gemeente."


def test_a_missing_postcode_is_named_and_the_resident_asked_to_check_it() -> None:
    result = LocationResult("unknown", "9281 ZZ", postcode_not_found=True)
    text = replies.location_problem_text(result, ["Weidehaven"])
    assert "9281 ZZ" in text and "klopt" in text
    assert "ligt niet in" not in text


def test_the_emergency_answer_leads_with_112_once_and_keeps_its_route() -> None:
    dutch, english = DOMAIN["responses"]["utter_emergency"]
    assert dutch["text"].startswith("Bel nu 112.")
    assert english["text"].startswith("Call 112 now.")
    assert english["condition"] == [{"type": "slot", "name": "language", "value": "en"}]
    for variant in (dutch, english):
        assert variant["text"].count("112") == 1
        assert variant["custom"] == {"route": {"role": "noodgeval", "topic": "emergency"}}


# --- English (issue 14) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level", "phrase"),
    [
        ("Vogelbuurt", "buurt", "Vogelbuurt"),
        ("Marktkwartier", "buurt", "Marktkwartier"),
        ("De Gaarden", "buurt", "De Gaarden"),
        ("Weidehaven-Noord", "wijk", "the Weidehaven-Noord district"),
        ("Weidehaven", "gemeente", "the municipality of Weidehaven"),
    ],
)
def test_english_areas_take_no_dutch_article(name: str, level: str, phrase: str) -> None:
    assert replies.area_phrase(name, level, "en") == phrase


@pytest.mark.parametrize("role", ROLES, ids=[role.code for role in ROLES])
@pytest.mark.parametrize("gloss", [False, True])
def test_the_english_route_line_is_one_sentence_with_the_dutch_name(
    role: RoleInfo, gloss: bool
) -> None:
    text = replies.route_text(role, "en", gloss=gloss)
    assert len(re.findall(r"[.?!]", text)) == 1
    if role.code not in ("melding", "medewerker", "gemeente"):
        # The Dutch word stays: it is what the resident will hear and see on the card.
        assert role.name.split()[-1] in text
    glossed = replies.role_name(role, "en", gloss=True)
    assert (glossed in text and glossed != replies.role_name(role, "en")) == (
        gloss and replies.has_gloss(role, "en")
    )


def test_the_gloss_explains_the_dutch_name_once_in_english_only() -> None:
    wijkagent = ROLE["wijkagent"]
    assert replies.role_name(wijkagent, "en", gloss=True) == (
        "the wijkagent, your neighbourhood police officer"
    )
    assert replies.role_name(wijkagent, "en") == "the wijkagent"
    assert replies.role_name(wijkagent, "nl", gloss=True) == "de wijkagent"
    assert not replies.has_gloss(wijkagent, "nl")
    assert not replies.has_gloss(ROLE["medewerker"], "en")


def test_a_renamed_role_keeps_its_own_dutch_word_in_english() -> None:
    own = RoleInfo(
        "wijkregisseur", "de gebiedsregisseur", "Werkt bij de gemeente.", "gemeente", True
    )
    assert replies.role_name(own, "en", gloss=True).startswith("the gebiedsregisseur, ")
    # Its own description is Dutch: the English one of its route code is told instead.
    assert replies.explain_text([own], "en").startswith("The gebiedsregisseur: The wijkregisseur")
    added = RoleInfo("buurtconcierge", "de buurtconciërge", "Houdt de buurt schoon.", "", True)
    assert replies.role_name(added, "en") == "the buurtconciërge"
    assert replies.explain_text([added], "en") == "The buurtconciërge: Houdt de buurt schoon."


def test_an_english_card_names_the_remembered_place() -> None:
    card = ContactCard("wijkagent", VOGELBUURT, (CONTACT,))
    text = replies.contact_text(ROLE["wijkagent"], card, None, VOGELBUURT, "en")
    assert text == "For Vogelbuurt, which you mentioned earlier."


@pytest.mark.parametrize("language", ["ar", "tr", "pl", "uk", "en"])
def test_the_other_language_answer_gives_the_number_or_14(language: str) -> None:
    with_phone = replies.other_language_text(language, "14 0599")
    assert "14 0599" in with_phone
    without = replies.other_language_text(language, "")
    assert "14" in without and "{" not in without
    assert with_phone.split(".")[0] == without.split(".")[0]
