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
