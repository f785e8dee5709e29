"""Generated hostile text (Hypothesis) through the location parser, the place mentions and the
emergency detector: every input gets an answer of the right shape, never an exception, and
in bounded time (a regex that backtracks on a long line would show here)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.emergency import Level, assess
from bot.core.location import ParsedLocation, parse_location
from bot.core.location_mentions import find_mentions, mask, only_location

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e"
# Pieces residents type, so the generated text also reaches the deeper branches.
PIECES = ["Merelstraat", " 5", "8102BA", " 8102 ", "ba", "wijkagent", "brand", "help", "!", " "]
hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from([*BIDI, "\x00", "\x1b", "\r", "\n", "\ufeff"]), max_size=50),
    st.lists(st.sampled_from([*PIECES, *BIDI, "\x00"]), max_size=60).map("".join),
    st.integers(min_value=1000, max_value=20000).map(lambda n: "a1 " * (n // 3)),
    st.just(""),
)
FUZZ = settings(max_examples=200, deadline=None)
# Far above what a normal message needs; a catastrophic backtrack takes minutes.
SECONDS_PER_TEXT = 5.0


@FUZZ
@given(text=hostile_text)
def test_the_location_parser_answers_any_text(text: str) -> None:
    started = time.monotonic()
    parsed = parse_location(text)
    assert isinstance(parsed, ParsedLocation)
    mentions = find_mentions(text)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    masked = mask(text)
    assert isinstance(masked.text, str)
    assert isinstance(only_location(text), bool)
    assert time.monotonic() - started < SECONDS_PER_TEXT


@FUZZ
@given(text=hostile_text)
def test_the_emergency_detector_answers_any_text(text: str) -> None:
    started = time.monotonic()
    verdict = assess(text)
    assert verdict.level in set(Level)
    assert time.monotonic() - started < SECONDS_PER_TEXT


@FUZZ
@given(junk=st.text(alphabet=st.sampled_from(BIDI), max_size=5))
def test_bidi_characters_do_not_hide_an_emergency(junk: str) -> None:
    """An invisible character before a clear emergency still leaves it acute."""
    base = assess("help er is brand in mijn huis")
    assert base.level == Level.ACUTE
    assert assess(junk + "help er is brand in mijn huis").level == Level.ACUTE
