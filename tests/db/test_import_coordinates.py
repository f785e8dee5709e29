"""Optional lat,lon columns of adressen.csv: stored when given, refused with line numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.db.importer import ImportFailed, ImportProblem, import_directory
from bot.db.models import Address


@pytest.fixture
def source(tmp_path: Path, voorbeeld_dir: Path) -> Path:
    """A writable copy of the sample municipality (its adressen.csv has no coordinates)."""
    target = tmp_path / "rivierstad"
    shutil.copytree(voorbeeld_dir, target)
    return target


def with_coordinates(directory: Path, coordinates: dict[int, tuple[str, str]]) -> None:
    """Add lat,lon columns; `coordinates` maps a line number to its two fields."""
    path = directory / "adressen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",lat,lon"]
    for number, line in enumerate(lines[1:], start=2):
        lat, lon = coordinates.get(number, ("", ""))
        out.append(f"{line},{lat},{lon}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


Coordinates = dict[tuple[str, int], tuple[float | None, float | None]]


def stored(session_factory: sessionmaker) -> Coordinates:
    with session_factory() as session:
        rows = session.execute(
            select(Address.postcode, Address.house_number, Address.latitude, Address.longitude)
        ).all()
    return {(postcode, number): (lat, lon) for postcode, number, lat, lon in rows}


def refused(path: Path, session_factory: sessionmaker) -> tuple[ImportProblem, ...]:
    with pytest.raises(ImportFailed) as failure:
        import_directory(path, session_factory)
    return failure.value.problems


def test_without_coordinate_columns_addresses_import_as_before(
    source: Path, session_factory: sessionmaker
) -> None:
    report = import_directory(source, session_factory)
    assert (report.addresses, report.located) == (195, 0)
    assert "coördinaten" not in str(report)
    values = stored(session_factory)
    assert len(values) == 195
    assert set(values.values()) == {(None, None)}


def test_coordinates_are_stored_and_may_be_left_empty(
    source: Path, session_factory: sessionmaker
) -> None:
    # Line 2 is 8101 AA 1, line 3 is 8101 AA 2; a decimal comma is read as well.
    with_coordinates(source, {2: ("52.0907", "5.1214"), 3: ('"52,0911"', '"5,1220"')})
    report = import_directory(source, session_factory)
    assert (report.addresses, report.located) == (195, 2)
    assert "2 met coördinaten" in str(report)
    values = stored(session_factory)
    assert values[("8101AA", 1)] == (pytest.approx(52.0907), pytest.approx(5.1214))
    assert values[("8101AA", 2)] == (pytest.approx(52.0911), pytest.approx(5.1220))
    assert values[("8101AA", 3)] == (None, None)


def test_the_demo_has_coordinates_for_every_address(
    demo_dir: Path, session_factory: sessionmaker
) -> None:
    report = import_directory(demo_dir, session_factory)
    assert report.located == report.addresses == 605
    with session_factory() as session:
        missing = session.scalar(
            select(func.count()).select_from(Address).where(Address.latitude.is_(None))
        )
    assert missing == 0


@pytest.mark.parametrize(
    ("lat", "lon", "fragment"),
    [
        ("52.09x", "5.12", "ongeldige coördinaat '52.09x'"),
        ("52.09", "", "allebei"),
        ("", "5.12", "allebei"),
        ("nan", "5.12", "ongeldige coördinaat 'nan'"),
        ("136000", "455000", "geen graden"),  # RD metres, not degrees
        ("5.12", "52.09", "verwisseld"),
    ],
)
def test_bad_coordinates_are_refused_with_their_line_and_nothing_changes(
    source: Path, session_factory: sessionmaker, lat: str, lon: str, fragment: str
) -> None:
    import_directory(source, session_factory)
    before = stored(session_factory)
    with_coordinates(source, {2: ("52.0907", "5.1214"), 7: (lat, lon)})
    problems = refused(source, session_factory)
    assert [(problem.file, problem.line) for problem in problems] == [("adressen.csv", 7)]
    assert fragment in problems[0].message
    assert stored(session_factory) == before


def test_a_header_with_only_one_coordinate_column_is_refused_once(
    source: Path, session_factory: sessionmaker
) -> None:
    path = source / "adressen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join([lines[0] + ",lat", *(line + ",52.1" for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    problems = refused(source, session_factory)
    assert [(problem.file, problem.line) for problem in problems] == [("adressen.csv", 1)]
    assert "lon" in problems[0].message
