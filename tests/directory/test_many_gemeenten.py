"""Several municipalities in one database: own routes, role texts, defaults and places."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.constants import STATUS_AMBIGUOUS, STATUS_FOUND, STATUS_OUTSIDE
from bot.db.importer import ImportFailed, import_directory
from bot.db.models import RoleOverride, RouteRule
from bot.directory import ContactDirectory

RIVIERSTAD = "GM9100"
WEIDEHAVEN = "GM9200"


def test_each_municipality_has_its_own_routing_table(two_gemeenten_directory) -> None:
    directory = two_gemeenten_directory
    assert directory.role_for_topic("liveability", WEIDEHAVEN) == "wijkregisseur"
    assert directory.role_for_topic("liveability", RIVIERSTAD) == "buurtcoordinator"
    assert directory.role_for_topic("liveability") == "buurtcoordinator"
    # Topics without a rule of their own follow the shared default.
    assert directory.role_for_topic("ask_safety", WEIDEHAVEN) == "wijkagent"
    # A topic can be named by its Dutch label, a role by its Dutch name.
    assert directory.role_for_topic("meet_neighbours", WEIDEHAVEN) == "opbouwwerker"


def test_role_names_and_descriptions_per_municipality(two_gemeenten_directory) -> None:
    directory = two_gemeenten_directory
    own = directory.role("wijkregisseur", WEIDEHAVEN)
    shared = directory.role("wijkregisseur", RIVIERSTAD)
    assert own is not None and shared is not None
    assert own.name == "de gebiedsregisseur"
    assert "Weidehaven" in own.description
    assert shared.name == "de wijkregisseur"
    assert shared == directory.role("wijkregisseur")
    names = {role.code: role.name for role in directory.roles(WEIDEHAVEN)}
    assert names["wijkregisseur"] == "de gebiedsregisseur"
    assert names["wijkagent"] == "de wijkagent"


def test_general_contact_details_fall_back_to_the_deployment_default(
    two_gemeenten_directory,
) -> None:
    directory = two_gemeenten_directory
    weidehaven = directory.gemeente(WEIDEHAVEN)
    rivierstad = directory.gemeente(RIVIERSTAD)
    assert weidehaven is not None and rivierstad is not None
    assert weidehaven.phone == "14 0599"
    # Rivierstad's import has no gemeenten.csv: the shared default fills in.
    assert rivierstad.phone == "14 0000"
    assert rivierstad.website == "https://www.regio.example"
    # Without a municipality in a deployment for several: the default, under no name.
    general = directory.gemeente(None)
    assert general is not None and (general.code, general.phone) == ("", "14 0000")
    assert directory.gemeente_count() == 2


def test_a_neighbouring_municipality_in_the_deployment_is_found_not_outside(
    two_gemeenten_directory,
) -> None:
    directory = two_gemeenten_directory
    result = directory.resolve_location("9281 AA", expecting=True, prefer_gemeente=RIVIERSTAD)
    assert result.status == STATUS_FOUND
    assert result.area is not None and result.area.gemeente_code == WEIDEHAVEN
    assert directory.resolve_location("1234 AB", expecting=True).status == STATUS_OUTSIDE


def test_a_street_in_both_municipalities_prefers_the_serving_one(two_gemeenten_directory) -> None:
    directory = two_gemeenten_directory
    text = "ik woon aan de Kerkstraat"
    for serving in (RIVIERSTAD, WEIDEHAVEN):
        result = directory.resolve_location(text, expecting=True, prefer_gemeente=serving)
        assert result.status == STATUS_FOUND
        assert result.area is not None and result.area.gemeente_code == serving

    choice = directory.resolve_location(text, expecting=True)
    assert choice.status == STATUS_AMBIGUOUS
    assert {area.gemeente_code for area in choice.options} == {RIVIERSTAD, WEIDEHAVEN}
    # Different buurt names are choice enough; choosing one settles it.
    labels = directory.option_labels(choice.options)
    assert sorted(labels) == ["Kerkbuurt", "Marktkwartier"]
    for label, area in zip(labels, choice.options, strict=True):
        chosen = directory.resolve_location(label, expecting=True)
        assert chosen.status == STATUS_FOUND and chosen.area == area


def write_small_municipality(directory: Path) -> None:
    """Dijkdorp: one wijk, also called Centrum, as Weidehaven has one."""
    directory.mkdir()
    (directory / "buurten.csv").write_text(
        "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
        "BU93000101,Dorpskern,WK930001,Centrum,GM9300,Dijkdorp\n",
        encoding="utf-8",
    )
    (directory / "adressen.csv").write_text(
        "postcode,huisnummer,straat,woonplaats,buurtcode\n9301AA,1,Dijkweg,Dijkdorp,BU93000101\n",
        encoding="utf-8",
    )
    (directory / "contacten.csv").write_text(
        "naam,rol,organisatie,telefoon,email,spreekuur,gebied\n"
        "Kees Dijkstra,wijkagent,Politie,0900-8844,,,WK930001\n",
        encoding="utf-8",
    )


def test_the_same_name_in_two_municipalities_is_labelled_with_each(
    two_gemeenten_directory, session_factory: sessionmaker, tmp_path: Path
) -> None:
    write_small_municipality(tmp_path / "dijkdorp")
    import_directory(tmp_path / "dijkdorp", session_factory)
    directory = two_gemeenten_directory
    directory.invalidate_cache()
    choice = directory.resolve_location("ik woon in Centrum", expecting=True)
    assert choice.status == STATUS_AMBIGUOUS
    labels = directory.option_labels(choice.options)
    assert sorted(labels) == ["Centrum (Dijkdorp)", "Centrum (Weidehaven)"]
    for label, area in zip(labels, choice.options, strict=True):
        chosen = directory.resolve_location(label, expecting=True)
        assert chosen.status == STATUS_FOUND and chosen.area == area
    served = directory.resolve_location("Centrum", expecting=True, prefer_gemeente=WEIDEHAVEN)
    assert served.area is not None and served.area.code == "WK920001"


def test_find_gemeente_by_code_or_name(two_gemeenten_directory) -> None:
    directory = two_gemeenten_directory
    for value in ("GM9100", "gm9100", "9100", "Rivierstad", "rivierstad"):
        found = directory.find_gemeente(value)
        assert found is not None and found.code == RIVIERSTAD, value
    assert directory.find_gemeente("Kerkbuurt") is None
    assert directory.find_gemeente("GM0001") is None


def test_reimport_without_routes_file_keeps_the_rules(
    two_gemeenten_directory, session_factory: sessionmaker, weidehaven_dir: Path
) -> None:
    (weidehaven_dir / "routes.csv").unlink()
    (weidehaven_dir / "rollen.csv").write_text("rol,naam,beschrijving\n", encoding="utf-8")
    import_directory(weidehaven_dir, session_factory)
    with session_factory() as session:
        own_rules = select(RouteRule.topic).where(RouteRule.gemeente_code == WEIDEHAVEN)
        assert sorted(session.scalars(own_rules)) == ["liveability", "meet_neighbours"]
        # An empty rollen.csv is a file too: the municipality's role texts are cleared.
        assert session.scalars(select(RoleOverride)).all() == []


@pytest.mark.parametrize(
    ("file", "content", "expected"),
    [
        ("routes.csv", "onderwerp,rol\nparkeren,wijkagent\n", "onbekend onderwerp 'parkeren'"),
        ("routes.csv", "onderwerp,rol\nliveability,burgemeester\n", "onbekende rol"),
        ("routes.csv", "onderwerp,rol\nyouth,wijkagent\nyouth,wijkteam\n", "regel 2"),
        ("rollen.csv", "rol,naam,beschrijving\nwijkagent,,\n", "vul een naam"),
        (
            "gemeenten.csv",
            "gemeentecode,telefoon,website,meldingen_url,openingstijden\n"
            "standaard,1,,,\nstandaard,2,,,\n",
            "standaardregel",
        ),
    ],
)
def test_bad_routes_and_roles_files_are_refused_with_line_numbers(
    session_factory: sessionmaker, weidehaven_dir: Path, file: str, content: str, expected: str
) -> None:
    (weidehaven_dir / file).write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_directory(weidehaven_dir, session_factory)
    problems = [str(problem) for problem in failure.value.problems]
    assert any(file in problem and expected in problem for problem in problems), problems
    assert ContactDirectory(session_factory).gemeente(WEIDEHAVEN) is None
