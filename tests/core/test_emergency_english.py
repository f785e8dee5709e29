"""English danger words (bot/core/emergency/english.py): acute danger found, no false alarms."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from bot.core.emergency import Level, assess
from bot.core.emergency.english import normalise_english

ACUTE = [
    "a toddler is walking alone along the canal, no parents anywhere",
    "there's a little boy on his own standing on the roof edge of the shed",
    "there is a fire in the flat next door",
    "FIRE!!",
    "our shed is on fire",
    "I smell gas in the stairwell",
    "it smells of gas in the kitchen",
    "gas leak in our street, the workers hit a pipe",
    "my neighbour collapsed in the hallway",
    "someone is unconscious on the pavement",
    "my father is not breathing",
    "my husband has chest pain and is sweating",
    "a man has been stabbed near the supermarket",
    "someone got stabbed outside",
    "there is a shooting on the square",
    "shots fired near the school",
    "someone is breaking into my neighbour's house right now",
    "there are burglars in our garden right now",
    "a man with a knife is threatening people",
    "a child fell into the canal",
    "help, my mother fell and there is a lot of blood",
    "the smoke alarm is going off next door and nobody answers",
    "thick black smoke coming out of the window",
    "my neighbour is beating his wife, I can hear her screaming",
    "someone is lying on the street and not moving",
    "an old man collapsed at the bus stop",
    "call an ambulance",
    "a cyclist was hit by a car and is bleeding badly",
    "a break-in is happening now at number 5",
    "someone is in my house, I don't know him",
    "i think my daughter is having a seizure",
    "my neighbour is threatening to kill himself",
]

# Past, prevention, hypotheticals, questions about the services, and other meanings of the words.
NOT_ACUTE = [
    "i'm drowning in debt and letters, who can help me sort it out",
    "a man with a knife was seen near the school, he's not there now but people are worried",
    "someone was stabbed outside the snackbar last weekend, it's quiet now",
    "second bike stolen from our shed this month!!",
    "the swing has a loose bolt, children could hurt themselves on it",
    "a lamp post got hit by a van and is now leaning over the pavement",
    "kids play alone near the water every day, can the municipality put up a fence",
    "my 4 year old likes to play in the playground by the pond",
    "the fire station plans to close",
    "I smelled gas last week and it was fixed",
    "how can I prevent a fire in my kitchen",
    "where can I get a fire extinguisher",
    "there was a burglary in our street last month",
    "what should I do if I smell gas?",
    "we were burgled two weeks ago, who can I talk to",
    "is there a first aid course in the neighbourhood",
    "my smoke alarm keeps beeping, I think the battery is empty",
    "which brand of smoke alarm should I buy",
    "there are a lot of break-ins in our area lately",
    "who is the wijkagent",
    "my neighbour smokes on the balcony and the smoke comes in",
    "I want to talk about domestic violence",
    "when should I call 112?",
    "the gas bill is too high",
    "my boss fired me and I cannot pay rent",
    "the kids set off fireworks every night",
    "what does the fire brigade do",
    "can you help me with my debts",
    "we had a blast at the street party",
    "the street light is broken",
    "my dog fell into the canal",
    "the neighbours had a bonfire in the garden",
    "the shooting range is noisy",
]


@pytest.mark.parametrize("text", ACUTE)
@pytest.mark.parametrize("language", ["en", None])
def test_acute_danger_in_english(text: str, language: str | None) -> None:
    # Without a language (a short message) the English tables are read after the Dutch ones.
    assert assess(text, language).level is Level.ACUTE


@pytest.mark.parametrize("text", NOT_ACUTE)
@pytest.mark.parametrize("language", ["en", None])
def test_no_false_alarm_in_english(text: str, language: str | None) -> None:
    assert assess(text, language).level is not Level.ACUTE


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("I smelled gas last week and it was fixed", "over_or_recurring"),
        ("how can I prevent a fire in my kitchen", "prevention"),
        ("what should I do if I smell gas?", "hypothetical"),
    ],
)
def test_the_context_that_decides_is_named(text: str, context: str) -> None:
    assert assess(text, "en").context == context


def test_the_same_danger_flips_with_its_context() -> None:
    assert assess("there is a break-in happening now at number 5", "en").level is Level.ACUTE
    assert assess("there was a break-in at number 5 last week", "en").level is Level.NOT_ACUTE


def test_dutch_messages_keep_their_dutch_verdict() -> None:
    # The Dutch tables go first for Dutch and undecided messages, as before issue 14.
    verdict = assess("er is brand in de schuur", None)
    assert verdict.level is Level.ACUTE and verdict.danger.startswith("fire.")
    assert assess("which brand of smoke alarm should I buy", None).level is not Level.ACUTE


def test_normalise_english() -> None:
    assert normalise_english("He ISN'T breathing!!! Heeelp") == "he isnt breathing help"


def test_fast_enough() -> None:
    texts = ACUTE + NOT_ACUTE
    per_message = []
    for i in range(5):
        start = time.perf_counter()
        for text in texts:
            assess(f"{text} {i}", "en")
        per_message.append((time.perf_counter() - start) / len(texts))
    assert min(per_message) < 0.002


def test_no_english_training_example_of_another_intent_is_taken_for_an_emergency() -> None:
    """The English examples of every other intent are what residents write without acute
    danger: none may trip the safety net (it would answer 112 instead of routing)."""
    root = Path(__file__).resolve().parents[2] / "data" / "nlu" / "en"
    alarms = []
    for path in sorted(root.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent") in (None, "emergency"):
                continue
            for line in block["examples"].splitlines():
                text = line.strip()[2:]
                if text and assess(text, language="en").level is Level.ACUTE:
                    alarms.append((block["intent"], text))
    assert alarms == []
