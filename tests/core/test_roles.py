"""Tests of the default role catalogue, role-name normalisation and role mentions."""

from __future__ import annotations

import time

import pytest

from bot.core.constants import ROUTE_CODES
from bot.core.roles import (
    DEFAULT_ROLES,
    ROLES_BY_CODE,
    RoleDefinition,
    english_role_mentions,
    find_role_mentions,
    normalize_role,
    role_mentions,
)


def test_catalogue_has_every_route_code_once_in_contract_order() -> None:
    assert tuple(role.code for role in DEFAULT_ROLES) == ROUTE_CODES


def test_only_roles_without_local_contact_skip_the_location_question() -> None:
    without_location = {role.code for role in DEFAULT_ROLES if not role.needs_location}
    assert without_location == {"noodgeval", "melding", "gemeente", "medewerker"}


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("wijkagent", "de wijkagent"),
        ("buurtcoordinator", "de buurtcoördinator"),
        ("ideeenmakelaar", "de ideeënmakelaar"),
        ("wijkteam", "het wijkteam"),
        ("noodgeval", "112"),
    ],
)
def test_dutch_display_names(code: str, name: str) -> None:
    assert ROLES_BY_CODE[code].name == name


@pytest.mark.parametrize("role", DEFAULT_ROLES, ids=lambda role: role.code)
def test_descriptions_are_short_and_address_the_resident_as_u(role: RoleDefinition) -> None:
    sentences = [part for part in role.description.replace("?", ".").split(".") if part.strip()]
    words = "".join(ch if ch.isalnum() else " " for ch in role.description.lower()).split()
    assert 2 <= len(sentences) <= 3
    assert "u" in words or "uw" in words
    assert not {"je", "jij", "jouw"} & set(words)
    assert role.organisation_type


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Buurtcoördinator", "buurtcoordinator"),
        ("buurtcoordinator", "buurtcoordinator"),
        ("BUURT-COÖRDINATOR", "buurtcoordinator"),
        ("Sociaal Makelaar", "sociaal_makelaar"),
        ("sociaal_makelaar", "sociaal_makelaar"),
        ("sociaal-makelaar", "sociaal_makelaar"),
        ("de sociaal makelaar", "sociaal_makelaar"),
        ("Ideeënmakelaar", "ideeenmakelaar"),
        ("het wijkteam", "wijkteam"),
        ("Sociaal wijkteam", "wijkteam"),
        ("wijkmanager", "wijkregisseur"),
        ("Gebiedsregisseur", "wijkregisseur"),
        ("boa", "handhaving"),
        ("Handhaver", "handhaving"),
        ("buurtbemiddelaar", "buurtbemiddeling"),
        ("politieagent", "wijkagent"),
        ("agent", "wijkagent"),
        ("Politie", "wijkagent"),
        ("melding openbare ruimte", "melding"),
        ("112", "noodgeval"),
        ("gemeente", "gemeente"),
        ("  Wijkagent  ", "wijkagent"),
    ],
)
def test_normalize_role(text: str, code: str) -> None:
    assert normalize_role(text) == code


@pytest.mark.parametrize("text", ["", "onzin", "makelaar", "wijk", None, 42, "🙂"])
def test_normalize_role_unknown(text: object) -> None:
    assert normalize_role(text) is None


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Wie is de wijkagent?", ["wijkagent"]),
        (
            "Wat is het verschil tussen een ideeënmakelaar en een sociaal makelaar?",
            ["ideeenmakelaar", "sociaal_makelaar"],
        ),
        ("en de opbouwwerker?", ["opbouwwerker"]),
        ("Wie zijn hier de wijkagenten en de opbouwwerkers?", ["wijkagent", "opbouwwerker"]),
        ("Ik zoek de buurtcoordinater", ["buurtcoordinator"]),
        ("is er een jongerewerker", ["jongerenwerker"]),
        ("WIE IS ONZE BUURTCOÖRDINATOR", ["buurtcoordinator"]),
        ("boa's en handhavers", ["handhaving"]),
        ("de wijkagent of een andere agent", ["wijkagent"]),
        ("wijk agent", ["wijkagent"]),
        ("de gebiedsregisseur en de wijkmanager", ["wijkregisseur"]),
        ("het sociaal wijkteam", ["wijkteam"]),
        ("Kan buurtbemiddeling helpen of de wijkagent?", ["buurtbemiddeling", "wijkagent"]),
        ("Wat doen scharrelambtenaren?", ["scharrelambtenaar"]),
        ("ik wil een medewerker spreken", ["medewerker"]),
        # "medewerker" said of a professional is not a request for a human.
        ("een medewerker van het wijkteam", ["wijkteam"]),
        ("Wat doet de gemeente algemeen?", ["gemeente"]),
    ],
)
def test_find_role_mentions(text: str, codes: list[str]) -> None:
    assert find_role_mentions(text) == codes


@pytest.mark.parametrize(
    "text",
    [
        "Wie bij de gemeente kijkt naar het geheel?",
        "de gemeente",
        "staat het op de wijkagenda",
        "de meiden van 14",
        "agnet",
        "ik ben makelaar",
        "",
        "🙂🙂🙂",
        "'; DROP TABLE role; --",
        "<script>alert('wijkagent')</script" + ">",
    ],
)
def test_find_role_mentions_finds_nothing_that_is_not_said(text: str) -> None:
    expected = ["wijkagent"] if "wijkagent" in text else []
    assert find_role_mentions(text) == expected


def test_find_role_mentions_on_odd_input() -> None:
    assert find_role_mentions(None) == []
    assert find_role_mentions(12) == []


def test_find_role_mentions_is_fast_on_long_text() -> None:
    text = "Ik heb een vraag over mijn buurt en de buren die steeds " * 200 + "de wijkagent"
    started = time.perf_counter()
    assert find_role_mentions(text) == ["wijkagent"]
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Who is the police officer for my street?", ["wijkagent"]),
        ("What does a youth worker do?", ["jongerenwerker"]),
        ("community workers and the social broker", ["opbouwwerker", "sociaal_makelaar"]),
        ("Can neighbour mediation help us?", ["buurtbemiddeling"]),
        ("I want a staff member", ["medewerker"]),
        ("a staff member of the neighbourhood team", ["wijkteam"]),
        # Whole words only: no typo tolerance in English.
        ("I need help with my medication", []),
        ("the copper pipes are stolen", []),
    ],
)
def test_english_words_for_a_role_are_found(text: str, codes: list[str]) -> None:
    assert english_role_mentions(text) == codes


def test_dutch_names_come_first_then_english_words() -> None:
    assert role_mentions("Is the wijkagent a police officer?") == ["wijkagent"]
    assert role_mentions("Who is the community worker?") == ["opbouwwerker"]
    assert role_mentions("Wat doet de jongerenwerker?") == ["jongerenwerker"]
