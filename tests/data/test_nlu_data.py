"""The NLU training data keeps its promises: places go with questions, nonsense is no question.

The Dutch examples live in data/nlu, the English ones in data/nlu/en; both keep the same promises.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.constants import DEFAULT_TOPIC_ROUTES, QUESTION_INTENTS, ROUTING_INTENTS
from bot.core.topics import top_topics

PROJECT_ROOT = Path(__file__).parents[2]
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
NLU_DIRS = {"nl": NLU_DIR, "en": NLU_DIR / "en"}
LANGUAGES = tuple(NLU_DIRS)
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"

POSTCODE = re.compile(r"\b[1-9][0-9]{3} ?[A-Za-z]{2}\b")
STREET_AND_NUMBER = re.compile(r"\b[A-Za-zÀ-ÿ-]+ [1-9][0-9]{0,3}(?: ?[a-zA-Z])?\b")
QUESTION_WORDS = {
    "nl": frozenset("wie wat waar waarom hoe wanneer welke welk kan kunt mag wil".split()),
    "en": frozenset("who whom what where why how when which can could may should".split()),
}
# Words with which a resident says where they live, besides a postcode or an address.
LIVING_WORDS = {"nl": ("woon",), "en": ("live", "living")}
# Dutch role names as residents write them (CONTRACT section 1), each with one place in a message.
ROLE_SPELLINGS = (
    "wijkagent",
    "wijkregisseur",
    "buurtcoördinator",
    "buurtcoordinator",
    "sociaal makelaar",
    "opbouwwerker",
    "ideeënmakelaar",
    "ideeenmakelaar",
    "scharrelambtenaar",
    "buurtbemiddel",
    "wijkteam",
    "jongerenwerker",
    "boa",
    "handhav",
)
# How an English-writing resident names each role: the Dutch name, or an English paraphrase.
ENGLISH_ROLE_NAMES = {
    "wijkagent": (
        r"wijkagent",
        r"community police",
        r"neighbourhood police",
        r"local police officer",
        r"neighbourhood cop",
    ),
    "wijkregisseur": (
        r"wijkregisseur",
        r"wijkmanager",
        r"gebiedsregisseur",
        r"neighbourhood manager",
        r"area manager",
    ),
    "buurtcoordinator": (r"buurtco[öo]rdinator", r"neighbourhood coordinator"),
    "sociaal_makelaar": (r"sociaal makelaar", r"social broker", r"community connector"),
    "opbouwwerker": (
        r"opbouwwerker",
        r"community organi[sz]er",
        r"community development worker",
        r"community worker",
    ),
    "ideeenmakelaar": (r"idee[ëe]nmakelaar", r"ideas? broker"),
    "scharrelambtenaar": (r"scharrelambtenaar",),
    "buurtbemiddeling": (r"buurtbemiddel\w*", r"mediat\w*"),
    "wijkteam": (r"wijkteam", r"neighbourhood team", r"social team"),
    "jongerenwerker": (r"jongerenwerker", r"youth worker"),
    "handhaving": (r"boa", r"handhav\w*", r"enforcement officer"),
}
# Routes that are no neighbourhood role a resident asks for by name.
NOT_A_ROLE = frozenset({"noodgeval", "melding", "gemeente", "medewerker"})
NOT_UNDERSTOOD = "not_understood"
NEAR_COPY = 0.6
MIN_ENGLISH_EXAMPLES = 40


def _examples(language: str = "nl") -> dict[str, list[str]]:
    """Every intent of one language with its examples."""
    examples: dict[str, list[str]] = {}
    for path in sorted(NLU_DIRS[language].glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = block["examples"].splitlines()
                examples.setdefault(block["intent"], []).extend(
                    line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")
                )
    return examples


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def _has_place(text: str, language: str = "nl") -> bool:
    return bool(
        POSTCODE.search(text)
        or STREET_AND_NUMBER.search(text)
        or any(word in text.lower() for word in LIVING_WORDS[language])
    )


def _english_role(route: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(ENGLISH_ROLE_NAMES[route]) + r")\b", re.IGNORECASE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_location_example_asks_nothing(language: str) -> None:
    english_roles = [_english_role(route) for route in ENGLISH_ROLE_NAMES]
    asking = [
        text
        for text in _examples(language).get("inform_location", [])
        if "?" in text
        or _words(text) & QUESTION_WORDS[language]
        or any(role in text.lower() for role in ROLE_SPELLINGS)
        or (language == "en" and any(role.search(text) for role in english_roles))
    ]
    assert asking == []


@pytest.mark.parametrize("role", ROLE_SPELLINGS)
def test_every_role_is_asked_for_together_with_a_place(role: str) -> None:
    examples = _examples()["ask_role_contact"]
    with_place = [text for text in examples if role in text.lower() and _has_place(text)]
    assert len(with_place) >= 2, with_place


def test_every_role_has_an_english_name() -> None:
    roles = set(DEFAULT_TOPIC_ROUTES.values()) - NOT_A_ROLE
    assert set(ENGLISH_ROLE_NAMES) == roles


@pytest.mark.parametrize("route", sorted(ENGLISH_ROLE_NAMES))
def test_every_role_is_asked_for_in_english_together_with_a_place(route: str) -> None:
    role = _english_role(route)
    examples = _examples("en").get("ask_role_contact", [])
    with_place = [text for text in examples if role.search(text) and _has_place(text, "en")]
    assert len(with_place) >= 2, with_place


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_intent_has_examples_with_a_postcode_and_with_an_address(
    language: str,
) -> None:
    def has_both(texts: list[str]) -> bool:
        with_postcode = [text for text in texts if POSTCODE.search(text)]
        with_address = [text for text in texts if STREET_AND_NUMBER.search(text)]
        return bool(with_postcode) and bool(set(with_address) - set(with_postcode))

    examples = _examples(language)
    questions = [
        intent for intent in (*ROUTING_INTENTS, "ask_role_contact") if intent != "emergency"
    ]
    missing = [intent for intent in questions if not has_both(examples.get(intent, []))]
    assert missing == []


def test_every_routing_intent_has_enough_english_examples() -> None:
    counts = {intent: len(set(_examples("en").get(intent, []))) for intent in ROUTING_INTENTS}
    too_few = {intent: count for intent, count in counts.items() if count < MIN_ENGLISH_EXAMPLES}
    assert too_few == {}


def test_english_intents_are_the_dutch_intents_in_files_of_the_same_name() -> None:
    def files(directory: Path) -> dict[str, str]:
        found: dict[str, str] = {}
        for path in sorted(directory.glob("*.yml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for block in document.get("nlu") or []:
                if "intent" in block:
                    found.setdefault(block["intent"], path.name)
        return found

    dutch, english = files(NLU_DIRS["nl"]), files(NLU_DIRS["en"])
    assert english  # the English files were read
    elsewhere = {intent: name for intent, name in english.items() if dutch.get(intent) != name}
    assert elsewhere == {}


def test_no_example_is_written_twice_or_in_two_intents() -> None:
    found: dict[str, list[tuple[str, str]]] = {}
    for language in LANGUAGES:
        for intent, items in _examples(language).items():
            for text in items:
                found.setdefault(_normalised(text), []).append((language, intent))
    doubles = {text: where for text, where in found.items() if len(where) > 1}
    assert doubles == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_nonsense_has_its_own_intent_that_is_never_a_question_or_a_guess(language: str) -> None:
    examples = _examples(language)
    assert len(examples.get(NOT_UNDERSTOOD, [])) >= 50
    assert NOT_UNDERSTOOD not in QUESTION_INTENTS
    ranking = [
        {"name": NOT_UNDERSTOOD, "confidence": 0.8},
        {"name": "neighbourhood_idea", "confidence": 0.1},
    ]
    assert top_topics(ranking) == ["neighbourhood_idea"]


def test_nonsense_is_answered_honestly_by_a_rule() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert NOT_UNDERSTOOD in domain["intents"]
    assert "utter_not_understood" in domain["responses"]
    rules_file = PROJECT_ROOT / "data" / "rules" / "smalltalk.yml"
    rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))["rules"]
    answer = [{"intent": NOT_UNDERSTOOD}, {"action": "utter_not_understood"}]
    assert any(rule["steps"] == answer for rule in rules)


def _eval_sentences() -> list[str]:
    sentences = []
    for path in sorted(EVAL_DIR.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        sentences += [case["text"] for case in document.get("cases") or []]
        for dialogue in document.get("dialogues") or []:
            sentences += [turn["say"] for turn in dialogue["turns"] if "say" in turn]
    return sentences


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason=f"public eval sets not found at {EVAL_DIR}")
def test_no_training_example_is_a_near_copy_of_a_public_eval_sentence() -> None:
    eval_words = [_words(text) for text in _eval_sentences()]
    assert eval_words, "no sentences read from the eval sets"
    too_close = [
        (language, intent, text)
        for language in LANGUAGES
        for intent, items in _examples(language).items()
        for text in items
        for other in eval_words
        if len(_words(text) & other) / max(len(_words(text) | other), 1) >= NEAR_COPY
    ]
    assert too_close == []


def test_staff_see_a_dutch_label_for_every_intent() -> None:
    from bot.staff.labels import topic_label

    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    unlabelled = [intent for intent in domain["intents"] if topic_label(intent) == intent]
    assert unlabelled == []
