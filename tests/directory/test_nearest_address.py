"""Location pins without buurt outlines: the buurt of the nearest address with coordinates."""

from __future__ import annotations

import csv
import shutil
from math import cos, radians
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import sessionmaker

from bot.core.constants import STATUS_AMBIGUOUS, STATUS_FOUND, STATUS_OUTSIDE, STATUS_UNKNOWN
from bot.core.geo import distance_m, iter_features, parse_geometry, point_in_shape
from bot.db import geometry
from bot.db.importer import import_directory
from bot.db.migrate import downgrade
from bot.db.models import Address
from bot.directory import ContactDirectory

NOORDHOEK = "BU99000101"
ZUIDHOEK = "BU99000102"
# The pin of the tie tests; addresses are placed east and west of it.
PIN = (52.0, 5.0)


Row = tuple[str, str, str, float, float]


def write_municipality(directory: Path, addresses: list[Row]) -> Path:
    """A two-buurt municipality; addresses are (postcode, number, buurt code, lat, lon)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "buurten.csv").write_text(
        "buurtcode,buurtnaam,wijkcode,wijknaam,gemeentecode,gemeentenaam\n"
        f"{NOORDHOEK},Noordhoek,WK990001,Hoeken,GM9900,Proefdorp\n"
        f"{ZUIDHOEK},Zuidhoek,WK990001,Hoeken,GM9900,Proefdorp\n",
        encoding="utf-8",
    )
    rows = "".join(
        f"{postcode},{number},Proefstraat,Proefdorp,{code},{lat},{lon}\n"
        for postcode, number, code, lat, lon in addresses
    )
    (directory / "adressen.csv").write_text(
        "postcode,huisnummer,straat,woonplaats,buurtcode,lat,lon\n" + rows, encoding="utf-8"
    )
    (directory / "contacten.csv").write_text(
        "naam,rol,organisatie,telefoon,email,spreekuur,gebied\n"
        "Wijkteam Proefdorp,wijkteam,Gemeente,0599-1,,,GM9900\n",
        encoding="utf-8",
    )
    return directory


def offset(lat: float, lon: float, east_m: float = 0, north_m: float = 0) -> tuple[float, float]:
    """A point `east_m` east and `north_m` north of (lat, lon) (small distances)."""
    metres_per_degree = 111_194.93
    return (
        lat + north_m / metres_per_degree,
        lon + east_m / (metres_per_degree * cos(radians(lat))),
    )


@pytest.fixture
def demo_without_outlines(tmp_path: Path, demo_dir: Path) -> Path:
    """The demo municipality as CSV only: addresses with coordinates, no buurten.geojson."""
    target = tmp_path / "weidehaven-zonder-kaart"
    target.mkdir()
    for path in demo_dir.glob("*.csv"):
        shutil.copy(path, target / path.name)
    return target


# A point inside the Marktkwartier outline whose nearest house is in the Oude Haven.
MARKT_EDGE = (53.0295, 6.9005)
# 330 m north of the houses of De Gaarden, outside every outline of the demo.
NORTH_OF_GAARDEN = (53.052, 6.900)


def test_without_outlines_a_pin_gets_the_buurt_of_the_nearest_address(
    session_factory: sessionmaker, demo_without_outlines: Path
) -> None:
    import_directory(demo_without_outlines, session_factory)
    directory = ContactDirectory(session_factory)

    vogelbuurt = directory.resolve_point(53.0400, 6.8900)
    assert vogelbuurt.status == STATUS_FOUND
    assert vogelbuurt.area is not None and vogelbuurt.area.code == "BU92000201"
    assert vogelbuurt.to_payload()["area"]["level"] == "buurt"

    edge = directory.resolve_point(*MARKT_EDGE)
    assert edge.area is not None and edge.area.code == "BU92000101"
    north = directory.resolve_point(*NORTH_OF_GAARDEN)
    assert north.status == STATUS_FOUND
    assert north.area is not None and north.area.code == "BU92000203"


def test_outlines_decide_first_and_the_nearest_address_only_speaks_for_buurten_without(
    demo_directory: ContactDirectory,
) -> None:
    edge = demo_directory.resolve_point(*MARKT_EDGE)
    assert edge.area is not None and edge.area.code == "BU92000102"
    # The nearest house is in De Gaarden, but its outline says the pin is not there.
    assert demo_directory.resolve_point(*NORTH_OF_GAARDEN).status == STATUS_OUTSIDE


def test_a_pin_farther_than_the_maximum_from_every_address_is_outside(
    session_factory: sessionmaker, tmp_path: Path
) -> None:
    lat, lon = offset(*PIN, east_m=40)
    import_directory(
        write_municipality(tmp_path / "m", [("9900 AA", "1", NOORDHOEK, lat, lon)]),
        session_factory,
    )
    directory = ContactDirectory(session_factory)
    near = offset(lat, lon, north_m=geometry.NEAREST_ADDRESS_MAX_M - 20)
    far = offset(lat, lon, north_m=geometry.NEAREST_ADDRESS_MAX_M + 20)
    assert directory.resolve_point(*near).status == STATUS_FOUND
    assert directory.resolve_point(*far).status == STATUS_OUTSIDE
    # Between the search steps too: east, at 250 m (in the second box only).
    between = offset(lat, lon, east_m=250)
    with session_factory() as session:
        nearest = geometry.nearest_address(session, *between)
    assert nearest is not None and nearest.buurt_codes == (NOORDHOEK,)
    assert nearest.distance_m == pytest.approx(250, abs=1)


def test_the_nearest_is_found_even_when_a_farther_one_is_in_the_first_box(
    session_factory: sessionmaker, tmp_path: Path
) -> None:
    # The box's corner is farther than its half-width: an address 90 m north-east (in the
    # 100 m box, 127 m away) must lose to one 110 m due south (outside that box).
    corner = offset(*PIN, east_m=90, north_m=90)
    south = offset(*PIN, north_m=-110)
    import_directory(
        write_municipality(
            tmp_path / "m",
            [("9900 AA", "1", NOORDHOEK, *corner), ("9900 AB", "1", ZUIDHOEK, *south)],
        ),
        session_factory,
    )
    result = ContactDirectory(session_factory).resolve_point(*PIN)
    assert result.area is not None and result.area.code == ZUIDHOEK


def test_equally_near_addresses_in_two_buurten_make_the_pin_ambiguous(
    session_factory: sessionmaker, tmp_path: Path
) -> None:
    east = offset(*PIN, east_m=30)
    west = offset(*PIN, east_m=-30)
    assert distance_m(*PIN, *east) == pytest.approx(distance_m(*PIN, *west), abs=0.01)
    import_directory(
        write_municipality(
            tmp_path / "m",
            [("9900 AA", "1", NOORDHOEK, *east), ("9900 AB", "1", ZUIDHOEK, *west)],
        ),
        session_factory,
    )
    result = ContactDirectory(session_factory).resolve_point(*PIN)
    assert result.status == STATUS_AMBIGUOUS
    assert [area.code for area in result.options] == [NOORDHOEK, ZUIDHOEK]
    # Five metres nearer settles it.
    nearer = offset(*PIN, east_m=5)
    result = ContactDirectory(session_factory).resolve_point(*nearer)
    assert result.status == STATUS_FOUND and result.area is not None
    assert result.area.code == NOORDHOEK


def test_a_tie_within_one_buurt_is_no_ambiguity(
    session_factory: sessionmaker, tmp_path: Path
) -> None:
    # Flats: many addresses on the same spot.
    same = offset(*PIN, east_m=30)
    west = offset(*PIN, east_m=-30)
    import_directory(
        write_municipality(
            tmp_path / "m",
            [
                ("9900 AA", "1", NOORDHOEK, *same),
                ("9900 AA", "2", NOORDHOEK, *same),
                ("9900 AA", "3", NOORDHOEK, *west),
            ],
        ),
        session_factory,
    )
    result = ContactDirectory(session_factory).resolve_point(*PIN)
    assert result.status == STATUS_FOUND
    assert result.area is not None and result.area.code == NOORDHOEK


def test_without_outlines_or_coordinates_a_pin_is_unknown(
    session_factory: sessionmaker, voorbeeld_dir: Path
) -> None:
    import_directory(voorbeeld_dir, session_factory)
    directory = ContactDirectory(session_factory)
    assert directory.resolve_point(52.09, 5.12).status == STATUS_UNKNOWN


def test_a_database_from_before_coordinates_works_and_gains_them_on_upgrade(
    session_factory: sessionmaker, demo_without_outlines: Path
) -> None:
    import_directory(demo_without_outlines, session_factory)
    engine = session_factory.kw["bind"]
    downgrade(engine, "0002")
    with session_factory() as session:
        columns = {
            column["name"] for column in inspect(session.connection()).get_columns("address")
        }
    assert "latitude" not in columns
    directory = ContactDirectory(session_factory)
    # A bot still running on the old schema: no coordinates, but no failure either.
    assert directory.resolve_point(53.0400, 6.8900).status == STATUS_UNKNOWN

    # The import upgrades the database (revision 0003) and keeps the addresses.
    import_directory(demo_without_outlines, session_factory)
    with session_factory() as session:
        inspector = inspect(session.connection())
        columns = {column["name"] for column in inspector.get_columns("address")}
        indexes = {index["name"] for index in inspector.get_indexes("address")}
        located = session.scalar(
            select(func.count()).select_from(Address).where(Address.latitude.is_not(None))
        )
    assert {"latitude", "longitude"} <= columns and "ix_address_lat_lon" in indexes
    assert located == 605
    assert directory.resolve_point(53.0400, 6.8900).status == STATUS_FOUND


def test_the_box_query_reads_the_coordinate_index(
    session_factory: sessionmaker, demo_without_outlines: Path
) -> None:
    """At national size (millions of addresses) a full scan per pin is too slow."""
    import_directory(demo_without_outlines, session_factory)
    box = (
        "SELECT buurt_code, latitude, longitude FROM address "
        "WHERE latitude BETWEEN 53.039 AND 53.041 AND longitude BETWEEN 6.889 AND 6.891"
    )
    with session_factory() as session:
        if session.get_bind().dialect.name == "sqlite":
            plan = " ".join(str(row) for row in session.execute(text(f"EXPLAIN QUERY PLAN {box}")))
        else:
            # A few hundred rows are read faster without an index; the planner must still
            # be able to use it, which it shows when sequential scans are priced out.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(str(row) for row in session.execute(text(f"EXPLAIN {box}")))
    assert "ix_address_lat_lon" in plan


def test_demo_houses_stand_inside_their_own_buurt_outline(demo_dir: Path) -> None:
    """demo/generate.py places houses; they must agree with demo/buurten.geojson."""
    outlines = (demo_dir / "buurten.geojson").read_text(encoding="utf-8")
    shapes = {
        feature["properties"]["buurtcode"]: parse_geometry(feature["geometry"])
        for _, feature in iter_features(outlines)
    }
    with (demo_dir / "adressen.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        holders = [code for code, shape in shapes.items() if point_in_shape(lat, lon, shape)]
        assert holders == [row["buurtcode"]], row
