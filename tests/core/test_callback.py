"""Tests of reading callback details: references, phone numbers, e-mail addresses, names."""

from __future__ import annotations

import pytest

from bot.core.callback import (
    CONTACT_EMAIL,
    CONTACT_PHONE,
    PROBLEM_EMAIL,
    PROBLEM_EMPTY,
    PROBLEM_NEITHER,
    PROBLEM_NOT_A_NAME,
    PROBLEM_PHONE,
    REFERENCE_PATTERN,
    REQUEST_ASK,
    REQUEST_CANCEL,
    ContactDetail,
    callback_request_kind,
    clean_text,
    find_reference,
    masked,
    new_reference,
    read_contact,
    read_name,
)


def test_references_are_new_each_time_and_read_back_from_what_residents_type() -> None:
    references = {new_reference() for _ in range(500)}
    assert len(references) == 500
    for reference in list(references)[:50]:
        assert REFERENCE_PATTERN.search(reference)
        assert find_reference(f"ik wil {reference.lower()} intrekken") == reference
    body = "7K3M9Q2D"
    assert find_reference("annuleer ww 7k3m-9q2d graag") == f"WW-{body}"
    # Residents type O for 0 and I or L for 1; the alphabet has neither.
    assert find_reference("WW-7K3M9Q2O") == "WW-7K3M9Q20"
    assert find_reference("WW-1K3M9Q2L") == "WW-1K3M9Q21"
    assert find_reference("mijn postcode is 3511 AB") is None
    assert find_reference("WW-7K3M") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06-12345678", "+31612345678"),
        ("06 1234 5678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("(020) 555 1234", "+31205551234"),
        ("010-1234567", "+31101234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("+44 20 7946 0958", "+442079460958"),
        ("u kunt mij bellen op 06-12345678, liefst 's avonds", "+31612345678"),
    ],
)
def test_dutch_and_international_phone_numbers_are_read_as_e164(text: str, expected: str) -> None:
    reading = read_contact(text)
    assert reading.detail == ContactDetail(CONTACT_PHONE, expected)
    assert reading.problem == ""


@pytest.mark.parametrize(
    "text", ["0612345", "06-123456789012", "12345678", "+31 6 123", "0000000000", "06-ABCDEFGH12"]
)
def test_bad_phone_numbers_are_refused_as_phone_numbers(text: str) -> None:
    reading = read_contact(text)
    assert reading.detail is None
    assert reading.problem == PROBLEM_PHONE


def test_e_mail_addresses_are_checked_without_the_network() -> None:
    reading = read_contact("Mijn mail: Kim.Bakker@Voorbeeld.nl")
    assert reading.detail is not None
    assert reading.detail.kind == CONTACT_EMAIL
    assert reading.detail.value == "Kim.Bakker@voorbeeld.nl"
    for bad in ("kim@", "kim@voorbeeld", "kim@@voorbeeld.nl", "kim bakker@voorbeeld.nl@"):
        assert read_contact(bad).problem == PROBLEM_EMAIL, bad


def test_answers_that_are_neither_say_so() -> None:
    assert read_contact("   ").problem == PROBLEM_EMPTY
    assert read_contact("bel me maar").problem == PROBLEM_NEITHER


def test_the_phone_number_reads_as_residents_write_it() -> None:
    assert ContactDetail(CONTACT_PHONE, "+31612345678").display == "06 12345678"
    assert ContactDetail(CONTACT_PHONE, "+32470123456").display == "+32 470 12 34 56"


def test_masked_details_hide_most_of_the_number_and_address() -> None:
    phone = ContactDetail(CONTACT_PHONE, "+31612345678")
    assert masked(phone) == "+316******78"
    assert "12345" not in repr(phone)
    assert masked(ContactDetail(CONTACT_EMAIL, "kim.bakker@voorbeeld.nl")) == "k***@voorbeeld.nl"


def test_names_are_taken_as_given_without_the_introduction() -> None:
    assert read_name("Ik heet Kim Bakker.") == ("Kim Bakker", "")
    assert read_name("mijn naam is fatima el amrani") == ("fatima el amrani", "")
    assert read_name("Jan") == ("Jan", "")
    assert read_name("My name is Kim Baker.") == ("Kim Baker", "")
    assert read_name("I'm Anna") == ("Anna", "")
    assert read_name("  ")[1] == PROBLEM_EMPTY
    assert read_name("0612345678")[1] == PROBLEM_NOT_A_NAME
    assert read_name("kim@voorbeeld.nl")[1] == PROBLEM_NOT_A_NAME


def test_long_questions_are_cut_on_a_word() -> None:
    assert clean_text("  een   vraag \n over iets ", 100) == "een vraag over iets"
    cut = clean_text("woord " * 100, 30)
    assert len(cut) <= 31
    assert cut.endswith("woord…")


@pytest.mark.parametrize(
    "text",
    [
        "kan de wijkagent mij terugbellen?",
        "ik wil dat iemand contact met me opneemt",
        "ik durf niet zelf te bellen",
        "Ik durf zelf niet te bellen",
        "Laat de wijkagent contact met mij opnemen",
        "ik wil graag teruggebeld worden",
        "bellen vind ik eng",
        "ik bel liever niet zelf",
        "kan de buurtcoördinator mij mailen?",
    ],
)
def test_asking_to_be_contacted_is_recognised(text: str) -> None:
    assert callback_request_kind(text) == REQUEST_ASK


@pytest.mark.parametrize(
    "text",
    [
        "intrekken WW-7K3M9Q2D",
        "ik wil mijn terugbelverzoek intrekken",
        "annuleer mijn verzoek",
        "ik hoef niet meer gebeld te worden",
        "niet versturen",
    ],
)
def test_withdrawing_is_recognised(text: str) -> None:
    assert callback_request_kind(text) == REQUEST_CANCEL


@pytest.mark.parametrize(
    "text",
    [
        "Wie is de wijkagent?",
        "Kan ik iemand bellen?",
        "wat is het telefoonnummer van de wijkagent",
        "Wie kan ik bellen over overlast?",
        "de buurman belt steeds aan",
        "ik wil een verzoek indienen voor een bankje",
        "Mijn buurvrouw vergeet te eten, wie kan er naar haar kijken?",
    ],
)
def test_other_questions_are_not_callback_requests(text: str) -> None:
    assert callback_request_kind(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "can someone call me back",
        "please have them phone me",
        "Could the wijkagent call me?",
        "I would like a callback",
        "I'd like to be contacted by the buurtcoördinator",
        "can somebody get in touch with me",
        "I don't dare to call them myself",
        "please ring me back tomorrow",
    ],
)
def test_asking_to_be_contacted_in_english(text: str) -> None:
    assert callback_request_kind(text) == REQUEST_ASK


@pytest.mark.parametrize(
    "text",
    [
        "cancel my callback request",
        "please withdraw my request",
        "no need to call me back anymore",
        "I no longer need a callback",
        "don't send it",
        "cancel WW-7K3M9Q2D",
    ],
)
def test_withdrawing_in_english(text: str) -> None:
    assert callback_request_kind(text) == REQUEST_CANCEL


@pytest.mark.parametrize(
    "text",
    [
        "who can I call about noise?",
        "can I call the wijkagent",
        "what is the phone number of the wijkagent",
        "my neighbour keeps calling me names",
        "what should the group be called",
        "the police called me yesterday",
        "call me by my first name",
    ],
)
def test_other_english_questions_are_not_callback_requests(text: str) -> None:
    assert callback_request_kind(text) is None
