"""The NLU training data keeps its promises: places go with questions, nonsense is no question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.constants import QUESTION_INTENTS, ROUTING_INTENTS
from bot.core.topics import top_topics

PROJECT_ROOT = Path(__file__).parents[2]
NLU_DIR = PROJECT_ROOT / "data" / "nlu"
EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"

POSTCODE = re.compile(r"\b[1-9][0-9]{3} ?[A-Za-z]{2}\b")
STREET_AND_NUMBER = re.compile(r"\b[A-Za-zÀ-ÿ-]+ [1-9][0-9]{0,3}(?: ?[a-zA-Z])?\b")
QUESTION_WORDS = frozenset(
    {"wie", "wat", "waar", "waarom", "hoe", "wanneer", "welke", "welk", "kan", "kunt", "mag", "wil"}
)
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
NOT_UNDERSTOOD = "not_understood"
NEAR_COPY = 0.6


def _examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = block["examples"].splitlines()
                examples.setdefault(block["intent"], []).extend(
                    line.strip()[2:].strip() for line in lines if line.strip().startswith("- ")
                )
    return examples


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _has_place(text: str) -> bool:
    return bool(POSTCODE.search(text) or STREET_AND_NUMBER.search(text) or "woon" in text.lower())


def test_a_location_example_asks_nothing() -> None:
    asking = [
        text
        for text in _examples()["inform_location"]
        if "?" in text
        or _words(text) & QUESTION_WORDS
        or any(role in text.lower() for role in ROLE_SPELLINGS)
    ]
    assert asking == []


@pytest.mark.parametrize("role", ROLE_SPELLINGS)
def test_every_role_is_asked_for_together_with_a_place(role: str) -> None:
    examples = _examples()["ask_role_contact"]
    with_place = [text for text in examples if role in text.lower() and _has_place(text)]
    assert len(with_place) >= 2, with_place


def test_every_question_intent_has_examples_with_a_postcode_and_with_an_address() -> None:
    def has_both(texts: list[str]) -> bool:
        with_postcode = [text for text in texts if POSTCODE.search(text)]
        with_address = [text for text in texts if STREET_AND_NUMBER.search(text)]
        return bool(with_postcode) and bool(set(with_address) - set(with_postcode))

    examples = _examples()
    questions = [
        intent for intent in (*ROUTING_INTENTS, "ask_role_contact") if intent != "emergency"
    ]
    missing = [intent for intent in questions if not has_both(examples[intent])]
    assert missing == []


def test_nonsense_has_its_own_intent_that_is_never_a_question_or_a_guess() -> None:
    examples = _examples()
    assert len(examples[NOT_UNDERSTOOD]) >= 50
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
        (intent, text)
        for intent, items in _examples().items()
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
