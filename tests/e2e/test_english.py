"""Issue 14 end to end: residents who write English, through `wijkwijzer serve` over REST.

The sentences here are the team's own, not from the held-out sets; the held-out English
sets are scored in tests/e2e/test_understanding.py.
"""

from __future__ import annotations

import re

import pytest

from tests.support.rest import custom, new_sender, say, text_of

pytestmark = pytest.mark.server

# Function words only one of the two languages has: enough to tell a reply's language.
DUTCH_WORDS = frozenset("de het een ik u uw je wie niet bij voor wilt graag verder en of".split())
ENGLISH_WORDS = frozenset("the a i you your who not for would like please and or can".split())


def _dutchish(text: str) -> bool:
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    dutch = sum(word in DUTCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return dutch > english


def test_an_english_question_with_its_postcode_gets_the_card_in_english(bot):
    sender = new_sender()
    messages = say(bot, sender, "Hello, I live at 8102BA and I'd like to talk to the wijkagent")
    assert custom(messages, "route")[0]["role"] == "wijkagent"
    [card] = custom(messages, "contact_card")
    assert card["area"]["code"] == "WK910002"
    text = text_of(messages)
    # The Dutch role name stays, with its English gloss the first time.
    assert "wijkagent" in text
    assert "police" in text.lower()
    assert not _dutchish(text), text


def test_english_then_the_location_form_then_dutch_on_request(bot):
    sender = new_sender()
    first = say(
        bot, sender, "My neighbours are fighting with each other every weekend, who can mediate?"
    )
    assert custom(first, "route")[0]["role"] == "buurtbemiddeling"
    assert not _dutchish(text_of(first)), text_of(first)
    second = say(bot, sender, "8102 BA")
    assert custom(second, "contact_card")[0]["role"] == "buurtbemiddeling"
    assert not _dutchish(text_of(second)), text_of(second)
    third = say(bot, sender, "Kunnen we verder in het Nederlands?")
    assert custom(third, "route") == []
    assert _dutchish(text_of(third)), text_of(third)
    assert {m.get("lang") for m in first + second} == {"en"}
    assert {m.get("lang") for m in third} == {"nl"}


def test_page_language_starts_the_conversation_in_english(bot):
    sender = new_sender()
    messages = say(bot, sender, "hi", metadata={"language": "en"})
    text = text_of(messages)
    assert text and not _dutchish(text), text


def test_acute_danger_in_english_is_112_first_and_no_card(bot):
    sender = new_sender()
    messages = say(
        bot, sender, "there is smoke coming from under my neighbour's door and the alarm is going"
    )
    assert "112" in text_of(messages)
    assert custom(messages, "contact_card") == []


def test_another_language_gets_a_fixed_answer_and_never_a_route(bot):
    for text in (
        "Dzień dobry, mam problem z sąsiadem, który cały czas hałasuje",
        "Merhaba, komşum her gece çok gürültü yapıyor, ne yapabilirim",
        "Добрий день, у нашому будинку постійно шумлять сусіди",
    ):
        messages = say(bot, new_sender(), text)
        assert custom(messages, "route") == [], text
        assert custom(messages, "contact_card") == [], text
        assert "14" in text_of(messages) or any(ch.isdigit() for ch in text_of(messages))
