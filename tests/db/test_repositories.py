"""AddressRepository: the street lookups behind "Lindelaan 12" and "aan de Stationsweg"."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.db.repositories import AddressRepository, StreetPlace


def _demo_addresses(demo_dir: Path) -> list[dict[str, str]]:
    with (demo_dir / "adressen.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_street_places_name_each_place_once(session_factory: sessionmaker, demo_dir: Path) -> None:
    import_directory(demo_dir, session_factory)
    rows = [row for row in _demo_addresses(demo_dir) if row["straat"] == "Stationsweg"]
    expected = {StreetPlace("stationsweg", row["woonplaats"], row["buurtcode"]) for row in rows}

    with session_factory() as session:
        places = AddressRepository(session).street_places(["stationsweg", "nergensweg"])

    # Many houses, two buurten: one row per buurt, not one per house.
    assert len(rows) > len(expected) == 2
    assert sorted(places) == sorted(expected)


def test_on_street_finds_only_that_house_number(
    session_factory: sessionmaker, demo_dir: Path
) -> None:
    import_directory(demo_dir, session_factory)
    with session_factory() as session:
        addresses = AddressRepository(session)
        hits = addresses.on_street(["lindelaan"], 12)
        assert addresses.on_street(["lindelaan"], 99999) == []
        assert addresses.street_places([]) == []

    # 12, 12a and 12b; not 1, 112 or 120.
    found = sorted((hit.street_norm, hit.house_number, hit.addition) for hit in hits)
    assert found == [("lindelaan", 12, ""), ("lindelaan", 12, "a"), ("lindelaan", 12, "b")]
