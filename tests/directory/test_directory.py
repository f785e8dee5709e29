"""Tests of ContactDirectory: location resolution and contact lookup on a real database."""

from __future__ import annotations

import shutil
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import sessionmaker

from bot.core.cards import Area, ContactCard, ContactInfo, LocationResult
from bot.core.opening_hours import AMSTERDAM
from bot.core.roles import find_role_mentions
from bot.db.importer import import_directory
from bot.db.models import Address, Buurt, Contact, ContactArea, Gemeente, Role
from bot.db.repositories import RouteRepository
from bot.directory import ContactDirectory


def card_of(
    directory: ContactDirectory, role: str, text: str, *, expecting: bool = False
) -> ContactCard | None:
    """What the bot does for a question: resolve the place, then look up the contacts."""
    result = directory.resolve_location(text, expecting=expecting)
    assert result.status == "found", result
    assert result.area is not None
    return directory.find_contacts(role, result.area.code)


def names(card: ContactCard | None) -> list[str]:
    assert card is not None
    return [contact.name for contact in card.contacts]


# -- the public dialogues (shared/eval/dev_dialogues.yml) --------------------------------------


def test_postcode_after_a_safety_question(voorbeeld_directory: ContactDirectory) -> None:
    card = card_of(voorbeeld_directory, "wijkagent", "8102 BA", expecting=True)
    assert card is not None
    assert (card.role, card.area.code, card.area.level) == ("wijkagent", "WK910002", "wijk")
    assert names(card) == ["Ruben Koster"]


def test_postcode_inside_the_question(voorbeeld_directory: ContactDirectory) -> None:
    text = "Wie is de sociaal makelaar voor 8101AC?"
    (role,) = find_role_mentions(text)
    card = card_of(voorbeeld_directory, role, text)
    assert card is not None
    assert (card.role, card.area.code) == ("sociaal_makelaar", "BU91000102")
    assert names(card) == ["Samira Haddou"]


def test_falls_back_to_the_municipality_wide_contact(
    voorbeeld_directory: ContactDirectory,
) -> None:
    card = card_of(
        voorbeeld_directory, "sociaal_makelaar", "Ik zoek de sociaal makelaar in Parkzicht"
    )
    assert card is not None
    assert card.area == Area("GM9100", "Rivierstad", "gemeente", "GM9100")
    assert names(card) == ["Welzijnsloket Rivierstad"]


def test_street_and_number_then_a_second_role(voorbeeld_directory: ContactDirectory) -> None:
    text = "Wie is onze buurtcoördinator? Ik woon op de Kerkstraat 4"
    result = voorbeeld_directory.resolve_location(text)
    assert result.status == "found" and result.area is not None
    assert result.query == "Kerkstraat 4"
    card = voorbeeld_directory.find_contacts(find_role_mentions(text)[0], result.area.code)
    assert card is not None
    assert (card.area.code, names(card)) == ("WK910001", ["Gerrit Hoekstra"])
    # "en de wijkagent?" uses the remembered area.
    second = voorbeeld_directory.find_contacts(
        find_role_mentions("en de wijkagent?")[0], result.area.code
    )
    assert second is not None
    assert (second.area.code, names(second)) == ("WK910001", ["Anouk Meijer"])


def test_postcode_of_another_municipality(voorbeeld_directory: ContactDirectory) -> None:
    result = voorbeeld_directory.resolve_location("1012 AB", expecting=True)
    assert (result.status, result.area, result.query) == ("outside", None, "1012 AB")
    assert result.to_payload() == {"status": "outside", "query": "1012 AB"}


# -- postcodes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["8101AC", "8101 ac", "mijn postcode is 8101 AC.", "8101ac!"])
def test_full_postcode(voorbeeld_directory: ContactDirectory, text: str) -> None:
    result = voorbeeld_directory.resolve_location(text)
    assert result.status == "found"
    assert result.area == Area("BU91000102", "Kadekwartier", "buurt", "GM9100")


def test_a_full_postcode_elsewhere_is_outside_even_in_a_question(
    voorbeeld_directory: ContactDirectory,
) -> None:
    result = voorbeeld_directory.resolve_location("Wie is de wijkagent voor 1012 AB?")
    assert result.status == "outside"


@pytest.mark.parametrize("expecting", [True, False])
def test_a_missing_postcode_in_our_own_area_is_unknown_not_outside(
    demo_directory: ContactDirectory, expecting: bool
) -> None:
    """9281 is Weidehaven's, 9281 ZZ has no address: a typing error, not another town."""
    assert demo_directory.resolve_location("9281 AA").status == "found"
    result = demo_directory.resolve_location("9281 ZZ", expecting=expecting)
    assert (result.status, result.query, result.postcode_not_found) == ("unknown", "9281 ZZ", True)
    assert result.to_payload() == {"status": "unknown", "query": "9281 ZZ"}
    # A postcode whose four digits lie entirely elsewhere stays outside.
    elsewhere = demo_directory.resolve_location("1012 AB", expecting=expecting)
    assert (elsewhere.status, elsewhere.postcode_not_found) == ("outside", False)


def test_four_digit_postcode_in_several_buurten_is_ambiguous(
    voorbeeld_directory: ContactDirectory,
) -> None:
    result = voorbeeld_directory.resolve_location("8101", expecting=True)
    assert result.status == "ambiguous"
    assert result.area is None
    assert [option.code for option in result.options] == ["BU91000102", "BU91000101"]
    payload = result.to_payload()
    assert payload["status"] == "ambiguous" and payload["query"] == "8101"
    assert {option["name"] for option in payload["options"]} == {"Kerkbuurt", "Kadekwartier"}


def test_four_digit_postcode_in_one_buurt_is_found(demo_directory: ContactDirectory) -> None:
    result = demo_directory.resolve_location("Ik woon in 9285", expecting=True)
    assert result.status == "found"
    assert result.area is not None and result.area.name == "Wolderveen-Dorp"


def test_a_name_settles_an_ambiguous_four_digit_postcode(
    voorbeeld_directory: ContactDirectory,
) -> None:
    result = voorbeeld_directory.resolve_location("8102, bij Parkzicht", expecting=True)
    assert result.area is not None and result.area.code == "BU91000201"


@pytest.mark.parametrize(
    ("text", "expecting", "status"),
    [
        ("Ik woon hier sinds 2019", False, "unknown"),
        ("Ik woon hier sinds 2019", True, "unknown"),
        ("Het kost 8101 euro", True, "unknown"),
        ("9999", False, "unknown"),
        ("9999", True, "outside"),
        ("2019", True, "outside"),
        ("8101", False, "ambiguous"),
        ("bel 0900 8102", True, "unknown"),
    ],
)
def test_four_digit_numbers_count_only_where_they_are_meant_as_postcode(
    voorbeeld_directory: ContactDirectory, text: str, expecting: bool, status: str
) -> None:
    assert voorbeeld_directory.resolve_location(text, expecting=expecting).status == status


def test_a_dutch_word_after_four_digits(voorbeeld_directory: ContactDirectory) -> None:
    # "8101 en" is no postcode 8101EN here, so 8101 is read as a four-digit area.
    result = voorbeeld_directory.resolve_location("8101 en verder weet ik het niet", expecting=True)
    assert (result.status, result.query) == ("ambiguous", "8101")


def test_a_full_postcode_that_looks_like_a_word_is_found_when_it_exists(
    session_factory: sessionmaker, voorbeeld_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "met_en"
    shutil.copytree(voorbeeld_dir, source)
    with (source / "adressen.csv").open("a", encoding="utf-8") as handle:
        handle.write("8102 EN,1,Weidepad,Rivierstad,BU91000202\n")
    import_directory(source, session_factory)
    result = ContactDirectory(session_factory).resolve_location("8102 en", expecting=True)
    assert result.area is not None and result.area.code == "BU91000202"


# -- streets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "buurt"),
    [
        ("Lindelaan 12", "De Gaarden"),
        ("Lindelaan 12a", "De Gaarden"),
        ("ik woon op de lindelaan 14A in Weidehaven", "De Gaarden"),
        ("Burgemeester de Withstraat 7", "Molenhoek"),
        ("Burg. de Withstraat 7", "Molenhoek"),
        ("Stationsweg 5", "Marktkwartier"),
        ("Stationsweg 25", "Vogelbuurt"),
        ("Kerkstr. 3", "Marktkwartier"),
        # The number is unknown, but the whole street lies in one buurt.
        ("Lindelaan 999", "De Gaarden"),
        ("Ik woon aan de Rozenlaan", "Bloemenbuurt"),
    ],
)
def test_street_and_number(demo_directory: ContactDirectory, text: str, buurt: str) -> None:
    result = demo_directory.resolve_location(text)
    assert result.status == "found", result
    assert result.area is not None
    assert (result.area.name, result.area.level) == (buurt, "buurt")


@pytest.mark.parametrize("text", ["Stationsweg 99", "Ik woon aan de Stationsweg"])
def test_street_in_two_buurten_without_a_known_number_is_ambiguous(
    demo_directory: ContactDirectory, text: str
) -> None:
    result = demo_directory.resolve_location(text)
    assert result.status == "ambiguous"
    assert {option.name for option in result.options} == {"Marktkwartier", "Vogelbuurt"}


@pytest.mark.parametrize(
    ("text", "buurt"),
    [
        ("sociaal makelaar kerkstrat 9", "BU91000101"),
        ("wie is de wijkagent van de Parklaam 12", "BU91000201"),
        ("voor schipersgang 5", "BU91000102"),
        ("Weidepat 3", "BU91000202"),
    ],
)
def test_a_typo_in_the_street_before_a_number_is_put_right(
    voorbeeld_directory: ContactDirectory, text: str, buurt: str
) -> None:
    result = voorbeeld_directory.resolve_location(text)
    assert result.status == "found"
    assert result.area is not None and result.area.code == buurt


@pytest.mark.parametrize("text", ["Kerkpad 9", "blablastraat 4", "Parklaantjes 12"])
def test_a_street_too_far_from_any_known_one_stays_unknown(
    voorbeeld_directory: ContactDirectory, text: str
) -> None:
    assert voorbeeld_directory.resolve_location(text).status == "unknown"


def test_street_typos_are_matched_against_the_current_data(
    session_factory: sessionmaker, voorbeeld_dir: Path, tmp_path: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    directory = ContactDirectory(session_factory, version_check_interval=0)
    assert directory.resolve_location("Molenstrat 2").status == "unknown"
    source = tmp_path / "molen"
    shutil.copytree(voorbeeld_dir, source)
    with (source / "adressen.csv").open("a", encoding="utf-8") as handle:
        handle.write("8102 BZ,2,Molenstraat,Rivierstad,BU91000202\n")
    import_directory(source, session_factory)
    result = directory.resolve_location("Molenstrat 2")
    assert result.area is not None and result.area.code == "BU91000202"


def test_unknown_street_is_unknown(demo_directory: ContactDirectory) -> None:
    assert demo_directory.resolve_location("Nergensstraat 4").status == "unknown"


# -- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        ("Ik woon in de Kerkbuurt", "BU91000101", "buurt"),
        ("kerkbuurt", "BU91000101", "buurt"),
        ("in de weiden", "BU91000202", "buurt"),
        ("Weiden", "BU91000202", "buurt"),
        ("Kade kwartier", "BU91000102", "buurt"),
        ("Oost", "WK910002", "wijk"),
        ("Ik woon in de Binnenstad", "WK910001", "wijk"),
        ("Rivierstad", "GM9100", "gemeente"),
        # Typos: one in names of 6+ letters, two in names of 10+.
        ("parkzict", "BU91000201", "buurt"),
        ("Kerkbuurd", "BU91000101", "buurt"),
        ("De Wieden", "BU91000202", "buurt"),
        ("binnenstat", "WK910001", "wijk"),
        ("Binnestaad", "WK910001", "wijk"),
        ("Kadekwartir", "BU91000102", "buurt"),
    ],
)
def test_area_names(
    voorbeeld_directory: ContactDirectory, text: str, code: str, level: str
) -> None:
    result = voorbeeld_directory.resolve_location(text)
    assert result.status == "found", result
    assert result.area is not None
    assert (result.area.code, result.area.level) == (code, level)


@pytest.mark.parametrize(
    "text",
    [
        "Oast",  # short names must be exact
        "parkzigt",  # two typos in a name of nine letters
        "De meiden van 14",  # a typo never changes the first letter
        "Ik heb een vraag over mijn buurt",
    ],
)
def test_names_that_are_too_far_off(voorbeeld_directory: ContactDirectory, text: str) -> None:
    assert voorbeeld_directory.resolve_location(text).status == "unknown"


def test_a_buurt_inside_its_wijk_wins(voorbeeld_directory: ContactDirectory) -> None:
    result = voorbeeld_directory.resolve_location("Binnenstad, Kadekwartier")
    assert result.area is not None and result.area.code == "BU91000102"


def test_exact_beats_fuzzy(demo_directory: ContactDirectory) -> None:
    # "Rietlanden" is exact; nothing should pull it towards another name.
    result = demo_directory.resolve_location("Rietlanden")
    assert result.area is not None and result.area.code == "BU92000302"


def test_a_buurt_wins_over_a_wijk_of_the_same_name(
    session_factory: sessionmaker, voorbeeld_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "centrum"
    shutil.copytree(voorbeeld_dir, source)
    text = (source / "buurten.csv").read_text(encoding="utf-8")
    (source / "buurten.csv").write_text(
        text.replace("Kadekwartier", "Binnenstad"), encoding="utf-8"
    )
    import_directory(source, session_factory)

    result = ContactDirectory(session_factory).resolve_location("Ik woon in de binnenstad")

    assert result.area is not None
    assert (result.area.code, result.area.level) == ("BU91000102", "buurt")


def test_the_same_name_in_two_municipalities(
    session_factory: sessionmaker, voorbeeld_dir: Path, demo_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "weiden"
    shutil.copytree(demo_dir, source)
    text = (source / "buurten.csv").read_text(encoding="utf-8")
    (source / "buurten.csv").write_text(text.replace("Rietlanden", "De Weiden"), encoding="utf-8")
    import_directory(voorbeeld_dir, session_factory)
    import_directory(source, session_factory)
    directory = ContactDirectory(session_factory)

    both = directory.resolve_location("De Weiden")
    assert both.status == "ambiguous"
    assert {option.code for option in both.options} == {"BU91000202", "BU92000302"}
    settled = directory.resolve_location("De Weiden in Weidehaven")
    assert settled.area is not None and settled.area.code == "BU92000302"


def test_name_lookups_are_served_from_the_cache(
    session_factory: sessionmaker, voorbeeld_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    directory = ContactDirectory(session_factory)
    directory.resolve_location("Parkzicht")
    statements: list[str] = []
    engine = session_factory.kw["bind"]

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        for text in ("Ik woon in Parkzicht", "de weiden", "binnenstat"):
            assert directory.resolve_location(text).status == "found"
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []


# -- contacts ----------------------------------------------------------------------------------


def test_contacts_fall_back_from_buurt_to_wijk_to_gemeente(
    voorbeeld_directory: ContactDirectory,
) -> None:
    buurt = voorbeeld_directory.find_contacts("sociaal_makelaar", "BU91000101")
    wijk = voorbeeld_directory.find_contacts("buurtcoordinator", "BU91000101")
    gemeente = voorbeeld_directory.find_contacts("opbouwwerker", "BU91000101")
    assert buurt is not None and (buurt.area.level, names(buurt)) == ("buurt", ["Samira Haddou"])
    assert wijk is not None and (wijk.area.level, names(wijk)) == ("wijk", ["Gerrit Hoekstra"])
    assert gemeente is not None and gemeente.area.level == "gemeente"
    assert names(gemeente) == ["Jeroen Dekker"]


def test_contacts_for_a_wijk_or_gemeente_code(voorbeeld_directory: ContactDirectory) -> None:
    # Buurt contacts do not serve the whole wijk.
    wijk = voorbeeld_directory.find_contacts("sociaal_makelaar", "WK910001")
    assert wijk is not None and (wijk.area.code, names(wijk)) == (
        "GM9100",
        ["Welzijnsloket Rivierstad"],
    )
    gemeente = voorbeeld_directory.find_contacts("wijkregisseur", "gm9100")
    assert gemeente is not None and names(gemeente) == ["Linda Bos"]
    assert voorbeeld_directory.find_contacts("wijkagent", "GM9100") is None


def test_inactive_contacts_are_left_out(
    voorbeeld_directory: ContactDirectory, session_factory: sessionmaker
) -> None:
    with session_factory() as session, session.begin():
        session.execute(update(Contact).where(Contact.name == "Samira Haddou").values(active=False))
    card = voorbeeld_directory.find_contacts("sociaal_makelaar", "BU91000102")
    assert card is not None and card.area.code == "GM9100"


def test_contact_card_payload_leaves_out_empty_fields(
    voorbeeld_directory: ContactDirectory,
) -> None:
    card = voorbeeld_directory.find_contacts("wijkagent", "BU91000201")
    assert card is not None
    assert card.to_payload() == {
        "role": "wijkagent",
        "area": {"code": "WK910002", "name": "Oost", "level": "wijk"},
        "contacts": [
            {
                "name": "Ruben Koster",
                "organisation": "Politie Rivierstad",
                "phone": "0900-8844",
                "email": "ruben.koster@politie.example",
            }
        ],
    }
    assert ContactInfo("Iemand").to_payload() == {"name": "Iemand"}


@pytest.mark.parametrize(
    ("now", "reachable"),
    [
        (
            "2026-03-24 11:00",  # a Tuesday, during the spreekuur
            {
                "open_now": True,
                "open_until": "2026-03-24T12:00:00+01:00",
                "next_open": "2026-03-31T10:00:00+02:00",
                "reachable": "Nu bereikbaar tot 12:00 in wijkcentrum De Haven",
            },
        ),
        (
            "2026-04-27 09:00",  # Koningsdag, a Monday
            {
                "open_now": False,
                "next_open": "2026-04-28T10:00:00+02:00",
                "reachable": "Volgende spreekuur: morgen 10:00–12:00 in wijkcentrum De Haven",
            },
        ),
    ],
)
def test_a_card_says_whether_a_contact_is_reachable(
    session_factory: sessionmaker, demo_dir: Path, now: str, reachable: dict[str, object]
) -> None:
    import_directory(demo_dir, session_factory)
    moment = datetime.fromisoformat(now).replace(tzinfo=AMSTERDAM)
    directory = ContactDirectory(session_factory, clock=lambda: moment)

    card = directory.find_contacts("wijkagent", "BU92000101")

    assert card is not None
    sanne = card.to_payload()["contacts"][0]
    assert sanne["hours"] == "dinsdag 10.00-12.00 uur in wijkcentrum De Haven"
    assert {key: sanne[key] for key in sanne if key in reachable} == reachable


def test_a_card_keeps_an_unread_spreekuur_as_written_without_reachable(
    session_factory: sessionmaker, demo_dir: Path
) -> None:
    import_directory(demo_dir, session_factory)
    with session_factory() as session, session.begin():
        session.execute(
            update(Contact)
            .where(Contact.name == "Sanne de Vries")
            .values(hours="dinsdag 10-12, niet in de zomervakantie")
        )
    directory = ContactDirectory(session_factory, clock=lambda: datetime.now(AMSTERDAM))

    card = directory.find_contacts("wijkagent", "BU92000101")

    assert card is not None
    assert card.to_payload()["contacts"][0] == {
        "name": "Sanne de Vries",
        "organisation": "Politie basisteam Weidehaven",
        "phone": "0900-8844",
        "email": "sanne.devries@politie.example",
        "hours": "dinsdag 10-12, niet in de zomervakantie",
    }


def test_several_contacts_in_import_order(demo_directory: ContactDirectory) -> None:
    card = demo_directory.find_contacts("wijkagent", "BU92000301")
    assert card is not None and names(card) == ["Peter van Dijk"]
    card = demo_directory.find_contacts("Sociaal Makelaar", "BU92000202")
    assert card is not None and (card.role, names(card)) == ("sociaal_makelaar", ["Jasper Kok"])


@pytest.mark.parametrize(
    ("role", "area"),
    [
        ("noodgeval", "BU91000101"),
        ("onbekend", "BU91000101"),
        ("wijkagent", "BU99999999"),
        ("wijkagent", ""),
        ("wijkagent", "'; DROP TABLE contact; --"),
        (None, "BU91000101"),
        ("wijkagent", None),
    ],
)
def test_no_card_without_a_contact(
    voorbeeld_directory: ContactDirectory, role: object, area: object
) -> None:
    assert voorbeeld_directory.find_contacts(role, area) is None  # type: ignore[arg-type]


def test_location_found_payload(voorbeeld_directory: ContactDirectory) -> None:
    result = voorbeeld_directory.resolve_location("8102 BA")
    assert result.to_payload() == {
        "status": "found",
        "query": "8102 BA",
        "area": {"code": "BU91000201", "name": "Parkzicht", "level": "buurt"},
    }


# -- roles, routes and the municipality ------------------------------------------------------


def test_role_for_topic_default_and_per_municipality(
    voorbeeld_directory: ContactDirectory, session_factory: sessionmaker
) -> None:
    assert voorbeeld_directory.role_for_topic("liveability") == "buurtcoordinator"
    assert voorbeeld_directory.role_for_topic("liveability", "GM9100") == "buurtcoordinator"
    with session_factory() as session, session.begin():
        RouteRepository(session).set_rule("liveability", "wijkregisseur", "GM9100")
    assert voorbeeld_directory.role_for_topic("liveability", "GM9100") == "wijkregisseur"
    assert voorbeeld_directory.role_for_topic("liveability", "GM9200") == "buurtcoordinator"
    assert voorbeeld_directory.role_for_topic("liveability") == "buurtcoordinator"
    assert voorbeeld_directory.role_for_topic("greet") is None


def test_roles_as_stored_in_contract_order(
    voorbeeld_directory: ContactDirectory, session_factory: sessionmaker
) -> None:
    with session_factory() as session, session.begin():
        session.get(Role, "wijkagent").description = "Aangepast door de gemeente."
        session.add(Role(code="dorpsconsulent", name="de dorpsconsulent", needs_location=True))
    roles = voorbeeld_directory.roles()
    assert [role.code for role in roles][:3] == ["wijkagent", "wijkregisseur", "buurtcoordinator"]
    assert roles[-1].code == "dorpsconsulent"
    assert roles[0].description == "Aangepast door de gemeente."
    role = voorbeeld_directory.role("Buurtcoördinator")
    assert role is not None and (role.code, role.name) == (
        "buurtcoordinator",
        "de buurtcoördinator",
    )
    noodgeval = voorbeeld_directory.role("noodgeval")
    assert noodgeval is not None and not noodgeval.needs_location
    assert voorbeeld_directory.role("onzin") is None


def test_gemeente_details(demo_directory: ContactDirectory) -> None:
    gemeente = demo_directory.gemeente("GM9200")
    assert gemeente is not None
    assert (gemeente.name, gemeente.phone) == ("Weidehaven", "14 0599")
    assert demo_directory.gemeente() == gemeente
    assert demo_directory.gemeente("GM0000") is None


def test_gemeente_names(session_factory: sessionmaker, voorbeeld_dir: Path, demo_dir: Path) -> None:
    directory = ContactDirectory(session_factory, name_index_ttl=0)
    assert directory.gemeente_names() == []
    import_directory(demo_dir, session_factory)
    import_directory(voorbeeld_dir, session_factory)
    assert directory.gemeente_names() == ["Rivierstad", "Weidehaven"]


def test_area_by_code(voorbeeld_directory: ContactDirectory) -> None:
    assert voorbeeld_directory.area("WK910002") == Area("WK910002", "Oost", "wijk", "GM9100")
    assert voorbeeld_directory.area("BU00000000") is None


def test_a_pin_without_buurt_outlines_is_unknown(voorbeeld_directory: ContactDirectory) -> None:
    assert voorbeeld_directory.resolve_point(52.5, 6.1).status == "unknown"
    assert voorbeeld_directory.resolve_point(float("nan"), 6.1).status == "unknown"
    assert voorbeeld_directory.resolve_point(200.0, 6.1).status == "unknown"


def test_an_empty_database(session_factory: sessionmaker) -> None:
    directory = ContactDirectory(session_factory)
    assert directory.resolve_location("8101 AA").status == "outside"
    assert directory.resolve_location("Parkzicht").status == "unknown"
    assert directory.find_contacts("wijkagent", "BU91000101") is None
    assert directory.gemeente() is None
    assert len(directory.roles()) == 15


# -- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    None,
    "",
    "   ",
    "🙂🏘️🚓",
    "'; DROP TABLE address; --",
    "8101AA'; DELETE FROM contact; --",
    "<script>alert('Parkzicht')</script" + ">",
    "x" * 10_000,
    "Kerkstraat " * 1_000 + "4",
    "8101 " * 2_000,
    "%_%",
    "\x00\ufeff\u202e",
    12345,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_raises_and_changes_nothing(
    voorbeeld_directory: ContactDirectory, session_factory: sessionmaker, text: object
) -> None:
    def state() -> tuple[int, ...]:
        with session_factory() as session:
            return tuple(
                session.scalar(select(func.count()).select_from(model))
                for model in (Address, Contact, ContactArea, Gemeente, Role)
            )

    before = state()
    for expecting in (False, True):
        result = voorbeeld_directory.resolve_location(text, expecting=expecting)  # type: ignore[arg-type]
        assert isinstance(result, LocationResult)
        assert result.status in {"found", "outside", "ambiguous", "unknown"}
        assert len(result.query) <= 200
    assert voorbeeld_directory.find_contacts("wijkagent", text) is None  # type: ignore[arg-type]
    assert state() == before


def test_a_renamed_buurt_is_found_once_the_name_index_is_stale(
    session_factory: sessionmaker, demo_dir: Path
) -> None:
    import_directory(demo_dir, session_factory)
    directory = ContactDirectory(session_factory, name_index_ttl=2.0)
    assert directory.resolve_location("ik woon in Marktkwartier").status == "found"
    with session_factory() as session, session.begin():
        session.execute(
            update(Buurt)
            .where(Buurt.code == "BU92000102")
            .values(name="Lindekwartier", name_norm="lindekwartier")
        )
    time.sleep(2.1)
    # The first lookup after the ttl may still use the old names; the new ones follow soon.
    directory.resolve_location("ik woon in Marktkwartier")
    deadline = time.monotonic() + 20
    while directory.resolve_location("ik woon in Lindekwartier").status != "found":
        assert time.monotonic() < deadline, "the renamed buurt never became known"
        time.sleep(0.2)
    result = directory.resolve_location("ik woon in Lindekwartier")
    assert result.area is not None and result.area.code == "BU92000102"
