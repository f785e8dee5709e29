"""Tests of the pure location parsing: postcodes, four-digit areas, street and number, names."""

from __future__ import annotations

import time

import pytest

from bot.core.location import (
    find_name_candidates,
    find_pc4s,
    find_postcodes,
    find_street_numbers,
    looks_like_street,
    normalize_postcode,
    normalize_street,
    parse_house_number,
    parse_location,
)


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("3511 AB", "3511AB"),
        ("3511ab", "3511AB"),
        ("3511AB", "3511AB"),
        (" 8101 aa ", "8101AA"),
        ("1000AA", "1000AA"),
        ("9999ZZ", "9999ZZ"),
    ],
)
def test_normalize_postcode(text: str, postcode: str) -> None:
    assert normalize_postcode(text) == postcode


@pytest.mark.parametrize(
    "text", ["0123AB", "3511 SA", "3511SD", "3511ss", "3511A", "35111AB", "AB3511", "", "3511 1A"]
)
def test_normalize_postcode_rejects(text: str) -> None:
    assert normalize_postcode(text) is None


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("Wie is de sociaal makelaar voor 8101AC?", "8101AC"),
        ("mijn postcode is 3511 AB.", "3511AB"),
        ("3511ab, de rest weet ik niet", "3511AB"),
        ("(8102 BA)", "8102BA"),
    ],
)
def test_find_postcodes_in_a_sentence(text: str, postcode: str) -> None:
    found = find_postcodes(text)
    assert [candidate.postcode for candidate in found] == [postcode]
    assert found[0].certain


@pytest.mark.parametrize("text", ["3511 SS", "35111 AB", "3511ABC", "0511 AB", "nummer 12"])
def test_find_postcodes_ignores_what_is_no_postcode(text: str) -> None:
    assert find_postcodes(text) == []


def test_a_dutch_word_after_four_digits_leaves_the_decision_to_the_directory() -> None:
    (candidate,) = find_postcodes("ik woon in 3511 en ik heb een vraag")
    assert candidate.postcode == "3511EN"
    assert not candidate.certain
    assert [pc4.pc4 for pc4 in find_pc4s("ik woon in 3511 en ik heb een vraag")] == ["3511"]


def test_capital_letters_after_a_space_are_a_postcode() -> None:
    (candidate,) = find_postcodes("3511 EN")
    assert candidate.certain


def test_a_full_postcode_is_not_also_a_four_digit_area() -> None:
    assert find_pc4s("8102 BA") == []
    assert find_pc4s("8102BA") == []


@pytest.mark.parametrize(
    ("text", "weak", "year_like"),
    [
        ("3511", False, False),
        ("ik woon in 8101", False, False),
        ("postcode 2011", False, False),
        ("2019", False, True),
        ("sinds 2019", True, True),
        ("al 4000 handtekeningen", True, False),
        ("het kost 2500 euro", True, False),
        ("bel 0900 8844", True, False),
    ],
)
def test_find_pc4s_context(text: str, weak: bool, year_like: bool) -> None:
    (candidate,) = find_pc4s(text)
    assert (candidate.weak, candidate.year_like) == (weak, year_like)


@pytest.mark.parametrize("text", ["0123", "12345", "3.500", "12-2019", "999", "€2500,-"])
def test_find_pc4s_ignores_other_numbers(text: str) -> None:
    assert [candidate for candidate in find_pc4s(text) if not candidate.weak] == []


@pytest.mark.parametrize(
    ("text", "street", "number", "addition"),
    [
        ("Lindelaan 12", "lindelaan", 12, ""),
        ("Lindelaan 12a", "lindelaan", 12, "a"),
        ("Lindelaan 12 B", "lindelaan", 12, "b"),
        ("Parklaan 12-2", "parklaan", 12, "2"),
        ("Burgemeester de Withstraat 7", "burgemeester de withstraat", 7, ""),
        ("Burg. de Withstraat 7", "burgemeester de withstraat", 7, ""),
        ("ik woon op de Kerkstraat 4", "kerkstraat", 4, ""),
        ("Kerkstr. 4, Rivierstad", "kerkstraat", 4, ""),
        ("Wie is onze buurtcoördinator? Ik woon op de Kerkstraat 4", "kerkstraat", 4, ""),
    ],
)
def test_find_street_numbers(text: str, street: str, number: int, addition: str) -> None:
    (candidate,) = find_street_numbers(text)
    options = [norm for norm, _raw in candidate.streets]
    assert street in options
    assert (candidate.number, candidate.addition) == (number, addition)
    # Longest first, so the directory can prefer the most specific street that exists.
    assert options == sorted(options, key=len, reverse=True)


def test_street_options_stop_at_the_end_of_a_sentence() -> None:
    (candidate,) = find_street_numbers("Wie is onze buurtcoördinator? Ik woon op de Kerkstraat 4")
    assert all("buurtcoordinator" not in norm for norm, _raw in candidate.streets)


def test_the_digits_of_a_postcode_are_no_house_number() -> None:
    found = find_street_numbers("Parklaan 3, 8102 BA Rivierstad")
    assert [(candidate.number, candidate.streets[-1][0]) for candidate in found] == [
        (3, "parklaan")
    ]


def test_a_number_without_a_word_before_it_is_no_address() -> None:
    assert find_street_numbers("4") == []
    assert find_street_numbers("12, 13") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", (12, "")),
        ("12a", (12, "a")),
        ("12 A", (12, "a")),
        ("12-2", (12, "2")),
        ("0", None),
        ("abc", None),
        ("", None),
        ("-3", None),
        ("123456", None),
        ("12 bis", (12, "bis")),
    ],
)
def test_parse_house_number(text: str, expected: tuple[int, str] | None) -> None:
    assert parse_house_number(text) == expected


def test_street_normalisation() -> None:
    assert normalize_street("Burg. de Withstraat") == "burgemeester de withstraat"
    assert normalize_street("Dr. Schaepmanstraat") == "doctor schaepmanstraat"


def test_name_candidates_cover_multi_word_names_and_articles() -> None:
    keys = {candidate.key for candidate in find_name_candidates("Ik woon in de Vogelbuurt")}
    assert "vogelbuurt" in keys
    keys = {candidate.key for candidate in find_name_candidates("Ik woon in Kade kwartier.")}
    assert "kadekwartier" in keys


def test_name_candidates_do_not_run_across_punctuation() -> None:
    texts = {candidate.text for candidate in find_name_candidates("Oost, Parkzicht")}
    assert "Oost, Parkzicht" not in texts
    assert {"Oost", "Parkzicht"} <= texts


@pytest.mark.parametrize(
    ("norm", "street"),
    [("parklaan", True), ("aan de kerkstraat", True), ("weiden", False), ("laan", False)],
)
def test_looks_like_street(norm: str, street: bool) -> None:
    assert looks_like_street(norm) is street


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "🙂🙂🙂",
        "'; DROP TABLE address; --",
        "<b>8101 AA</b><script>alert(1)</script" + ">",
        "x" * 10_000,
        "Kerkstraat " * 2_000 + "4",
        "1234 " * 2_000,
        "\x00\x01\u202e",
    ],
)
def test_parse_location_never_raises(text: str | None) -> None:
    started = time.perf_counter()
    parsed = parse_location(text)
    assert time.perf_counter() - started < 1.0
    if not text or not text.strip():
        assert parsed == parse_location(None)


def test_markup_around_a_postcode_does_not_hide_it() -> None:
    parsed = parse_location("<b>8101 AA</b>")
    assert [candidate.postcode for candidate in parsed.postcodes] == ["8101AA"]
