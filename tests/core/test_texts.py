"""Resident text lives in bot/core/texts: each sentence once, each one used, domain.yml in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import texts

ROOT = Path(__file__).resolve().parents[2]
CODE = "\n".join(
    path.read_text(encoding="utf-8")
    for pattern in ("bot/**/*.py", "actions/**/*.py")
    for path in ROOT.glob(pattern)
)
RULES_AND_STORIES = "\n".join(
    path.read_text(encoding="utf-8") for path in (ROOT / "data").glob("**/*.yml")
)
# Keys the code builds from a part (say("outage." + reason), f"whatsapp.card_{key}").
BUILT_KEYS = {
    r"outage\.(actions|slow|database)": "'outage.' + reason",
    r"whatsapp\.card_(phone|email|hours)": 'f"whatsapp.card_{key}"',
}


def _sentences(text: str) -> list[str]:
    # Sentences of at least four words: short labels ("Ja", "Keuzes") may repeat by nature.
    parts = re.split(r"(?<=[.?!])\s+", text.strip())
    return [part for part in parts if len(part.split()) >= 4]


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_every_sentence_key_is_used_by_the_code(language: str) -> None:
    unused = []
    for key in texts.sentences(language):
        if f'"{key}"' in CODE or f"'{key}'" in CODE:
            continue
        built = [pattern for pattern in BUILT_KEYS if re.fullmatch(pattern, key)]
        if built and all(BUILT_KEYS[pattern] in CODE for pattern in built):
            continue
        unused.append(key)
    assert unused == []


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_every_response_is_used_by_a_rule_story_or_action(language: str) -> None:
    unused = [
        name
        for name in texts.responses(language)
        if name not in RULES_AND_STORIES
        and f'"{name}"' not in CODE
        and not name.startswith("utter_ask_")  # forms ask with utter_ask_<slot> by name
        and name != "utter_default"  # Rasa's own action_default_fallback sends it
    ]
    assert unused == []


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_no_sentence_is_written_twice(language: str) -> None:
    seen: dict[str, str] = {}
    twice = []
    written = [(key, value) for key, value in texts.sentences(language).items()]
    for name, variations in texts.responses(language).items():
        written += [(name, variation.get("text", "")) for variation in variations]
    for where, text in written:
        for sentence in _sentences(text):
            if sentence in seen and seen[sentence] != where:
                twice.append((sentence, seen[sentence], where))
            seen.setdefault(sentence, where)
    assert twice == []


def test_domain_yml_holds_the_responses_of_the_texts() -> None:
    domain = (ROOT / "domain.yml").read_text(encoding="utf-8")
    assert texts.domain_with_responses(domain) == domain, "run `wijkwijzer texts`"


def test_say_fills_placeholders_and_falls_back_to_dutch() -> None:
    assert texts.say("route.role", role="de wijkagent") == (
        "Met deze vraag kunt u het beste bij de wijkagent terecht."
    )
    with pytest.raises(KeyError):
        texts.say("no.such.key")


def test_no_resident_sentence_is_left_in_the_code() -> None:
    """Dutch sentences (a capital, at least five words, a full stop or question mark) belong
    in the texts; docstrings, comments, log lines and staff pages are not resident text."""
    resident_code = [
        ROOT / "bot" / "core" / "replies.py",
        ROOT / "bot" / "rasa" / "outage.py",
        *sorted((ROOT / "bot" / "rasa" / "channels").glob("**/*.py")),
        ROOT / "actions" / "actions.py",
    ]
    pattern = re.compile(r'^\s*(?:return |text=|[A-Z_]+ = )f?"([A-Z][^"]*(?:\s\S+){4,}[.?!])"')
    found = []
    for path in resident_code:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = pattern.match(line)
            if match and "log" not in line:
                found.append(f"{path.name}:{number}: {match.group(1)}")
    assert found == []


PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_english_has_every_dutch_sentence_with_the_same_placeholders() -> None:
    dutch, english = texts.sentences("nl"), texts.sentences("en")
    assert set(english) == set(dutch)
    different = [key for key in dutch if _placeholders(dutch[key]) != _placeholders(english[key])]
    assert different == []


def _sent(button: dict[str, str]) -> str:
    payload = button["payload"]
    return payload if payload.startswith("/") else "<typed answer>"


def test_english_has_every_dutch_response_with_the_same_buttons_and_payloads() -> None:
    dutch, english = texts.responses("nl"), texts.responses("en")
    assert set(english) == set(dutch)
    for name, variations in dutch.items():
        assert len(english[name]) == len(variations), name
        for nl, en in zip(variations, english[name], strict=True):
            assert _placeholders(en["text"]) == _placeholders(nl["text"]), name
            # Titles are English; what a button sends, and the custom payload, are not. But
            # a button that types an answer for the resident types it in their language
            # (actions/callback.py understands both).
            assert [_sent(b) for b in en.get("buttons") or []] == [
                _sent(b) for b in nl.get("buttons") or []
            ], name
            assert en.get("custom") == nl.get("custom"), name
            assert set(en) == set(nl), name


def test_english_names_glosses_and_describes_every_role_and_labels_every_topic() -> None:
    from bot.core.constants import ROUTE_CODES
    from bot.core.topics import TOPIC_LABELS

    roles = texts.role_texts("en")
    assert list(roles) == list(ROUTE_CODES)
    for code, role in roles.items():
        assert set(role) == {"name", "gloss", "description", "words"}, code
        assert role["description"], code
    assert set(texts.topic_labels("en")) == set(TOPIC_LABELS)
    assert texts.role_texts("nl") == {} and texts.topic_labels("nl") == {}


@pytest.mark.parametrize("language", texts.OTHER_LANGUAGES)
def test_every_other_language_has_the_fixed_answer(language: str) -> None:
    english = {
        key: value
        for key, value in texts.sentences("en").items()
        if key.startswith("other_language.")
    }
    own = texts.sentences(language)
    assert set(own) == set(english)
    for key, value in own.items():
        assert _placeholders(value) == _placeholders(english[key]), key
        assert value != english[key], key


def test_domain_yml_has_a_dutch_default_and_an_english_variation_of_every_response() -> None:
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    english = [{"type": "slot", "name": "language", "value": "en"}]
    for name, variations in domain["responses"].items():
        assert [variation.get("condition") for variation in variations] == [None, english], name
    assert domain["slots"]["language"]["initial_value"] == "nl"


@pytest.mark.parametrize(("language", "expected"), [("nl", "nl"), ("en", "en"), (None, "nl")])
async def test_rasa_chooses_the_variation_of_the_conversation_s_language(
    language: str | None, expected: str
) -> None:
    """Rasa's own response generator, on the real domain: the slot picks the variation."""
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    events = [SlotSet("language", language)] if language else []
    tracker = DialogueStateTracker.from_events("resident", events, slots=domain.slots)
    generator = TemplatedNaturalLanguageGenerator(domain.responses)
    for name in ("utter_emergency", "utter_ask_feedback", "utter_ask_location", "utter_greet"):
        [variation] = [v for v in texts.responses(expected)[name]]
        message = await generator.generate(name, tracker, "rest")
        assert message is not None
        assert message["text"] == variation["text"]
        assert message.get("custom") == variation.get("custom")
        assert [b["title"] for b in message.get("buttons") or []] == [
            b["title"] for b in variation.get("buttons") or []
        ]
