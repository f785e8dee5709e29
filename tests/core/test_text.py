"""Folding, name keys and edit distance: the one place every layer compares text."""

from __future__ import annotations

import random

import pytest

from bot.core.text import (
    caseless,
    edit_distance,
    fold,
    fold_words,
    name_key,
    normalize_name,
    normalize_text,
    one_edit_apart,
)


def test_folding_drops_case_and_accents() -> None:
    assert fold("Buurtcoördinator") == "buurtcoordinator"
    assert fold("IDEEËN Café") == "ideeen cafe"
    assert fold_words("  Coördinator   Wijk\tOost ") == "coordinator wijk oost"


def test_people_keep_their_accents() -> None:
    assert caseless("José  de Vries") == caseless("josé DE vries") == "josé de vries"
    assert caseless("José") != caseless("Jose")


def test_place_names() -> None:
    assert normalize_text("  Buurtcoördinator!  ") == "buurtcoordinator"
    assert normalize_name("De Weiden") == "weiden"
    assert normalize_name("'t Zand") == "zand"
    assert normalize_name("'s-Hertogenbosch") == "s hertogenbosch"
    assert normalize_name("Het") == "het"
    assert name_key("Kade kwartier") == name_key("Kadekwartier") == "kadekwartier"


@pytest.mark.parametrize(
    ("a", "b", "limit", "distance"),
    [
        ("parkzicht", "parkzicht", 1, 0),
        ("buurtcoordinater", "buurtcoordinator", 1, 1),
        ("jongerewerker", "jongerenwerker", 1, 1),
        ("weiden", "wieden", 1, 1),
        ("binnenstaat", "binnenstad", 2, 2),
        ("kerkbuurt", "kerkstraat", 2, 3),
        ("abc", "abcdef", 2, 3),
    ],
)
def test_edit_distance(a: str, b: str, limit: int, distance: int) -> None:
    assert edit_distance(a, b, limit) == distance


def reference_one_edit_apart(a: str, b: str) -> bool:
    """The hand-written check that bot.core.emergency used before rapidfuzz."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def test_one_edit_apart_agrees_with_the_hand_written_check() -> None:
    rng = random.Random(12)
    apart = 0
    for _ in range(20_000):
        a = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 8)))
        b = list(a)
        for _ in range(rng.randint(0, 2)):
            position = rng.randint(0, len(b))
            kind = rng.choice(("drop", "add", "change", "swap"))
            if kind == "add" or not b:
                b.insert(position, rng.choice("abcd"))
            elif kind == "drop" and position < len(b):
                del b[position]
            elif kind == "change" and position < len(b):
                b[position] = rng.choice("abcd")
            elif position + 1 < len(b):
                b[position], b[position + 1] = b[position + 1], b[position]
        other = "".join(b)
        expected = reference_one_edit_apart(a, other)
        assert one_edit_apart(a, other) is expected, (a, other)
        apart += expected
    # The comparison means something only when both answers were common.
    assert 3000 < apart < 17000, apart
