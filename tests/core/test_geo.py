"""Buurt geometry: point-in-polygon with holes, RD New, the GeoJSON import and the point lookup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.core.geo import (
    GeometryError,
    bounding_box,
    distance_to_shape_m,
    iter_features,
    parse_geometry,
    point_in_polygon,
    point_in_shape,
    rd_to_wgs84,
    shape_from_geojson,
    shape_to_geojson,
)
from bot.db.geometry import (
    BuurtShape,
    GeometryImportFailed,
    find_buurt_at,
    has_geometry,
    import_geojson,
)
from bot.db.models import Buurt, Gemeente, Wijk

# A square buurt of about 1.1 by 0.7 km with a square hole (a park of another buurt).
OUTER = [[5.10, 52.08], [5.12, 52.08], [5.12, 52.09], [5.10, 52.09], [5.10, 52.08]]
HOLE = [[5.105, 52.083], [5.115, 52.083], [5.115, 52.087], [5.105, 52.087], [5.105, 52.083]]
SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [OUTER, HOLE]}


def test_point_in_polygon_respects_holes() -> None:
    [polygon] = parse_geometry(SQUARE_WITH_HOLE).geoms
    assert point_in_polygon(52.081, 5.101, polygon)  # inside, near a corner
    assert point_in_polygon(52.085, 5.119, polygon)  # inside, east of the hole
    assert not point_in_polygon(52.085, 5.110, polygon)  # in the hole
    assert not point_in_polygon(52.095, 5.110, polygon)  # north of it
    assert not point_in_polygon(52.085, 5.125, polygon)  # east of it


def test_concave_polygon() -> None:
    # A "U": the notch between its arms is outside.
    u_shape = [[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]
    shape = parse_geometry({"type": "Polygon", "coordinates": [u_shape]})
    assert point_in_shape(2.5, 0.5, shape)  # lat 2.5, lon 0.5: left arm
    assert point_in_shape(2.5, 2.5, shape)  # right arm
    assert not point_in_shape(2.0, 1.5, shape)  # the notch
    assert point_in_shape(0.5, 1.5, shape)  # the base


def test_multipolygon_with_two_islands() -> None:
    far = [[5.20, 52.20], [5.21, 52.20], [5.21, 52.21], [5.20, 52.20]]
    shape = parse_geometry({"type": "MultiPolygon", "coordinates": [[OUTER, HOLE], [far]]})
    assert point_in_shape(52.081, 5.101, shape)
    assert point_in_shape(52.202, 5.208, shape)
    assert not point_in_shape(52.15, 5.15, shape)
    box = bounding_box(shape)
    assert (box.min_lat, box.max_lat, box.min_lon, box.max_lon) == (52.08, 52.21, 5.10, 5.21)


def test_geojson_text_round_trip() -> None:
    shape = parse_geometry(SQUARE_WITH_HOLE)
    assert shape_from_geojson(shape_to_geojson(shape)) == shape


def test_distance_to_a_shape_in_metres() -> None:
    shape = parse_geometry(SQUARE_WITH_HOLE)
    assert distance_to_shape_m(52.085, 5.119, shape) == 0
    # 0.0003 degrees of latitude north of the top edge: about 33 m.
    assert 32 < distance_to_shape_m(52.0903, 5.11, shape) < 35
    # In the hole, 0.002 degrees of longitude from its west edge at 52.085 N: about 137 m.
    assert 130 < distance_to_shape_m(52.085, 5.107, shape) < 140


def test_rd_new_to_wgs84() -> None:
    # Expected: RDNAPTRANS(TM)2018, the official transformation (pyrdnap 26.8.18), to
    # 1e-6 degrees (about 10 cm). The polynomial used before was 0.24 m off at the origin.
    assert rd_to_wgs84(155_000, 463_000) == pytest.approx((52.1551729, 5.3872036), abs=1e-6)
    # The Dam in Amsterdam.
    assert rd_to_wgs84(121_687, 487_484) == pytest.approx((52.3742183, 4.8980091), abs=1e-6)


def test_rd_coordinates_are_converted_when_asked() -> None:
    square = [[121_600, 487_400], [121_800, 487_400], [121_800, 487_600], [121_600, 487_400]]
    shape = parse_geometry({"type": "Polygon", "coordinates": [square]}, rd=True)
    assert point_in_shape(52.37422, 4.89801, shape)


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [5.1, 52.1]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[5.1, 52.1], [5.2, 52.1], [5.1, 52.1]]]},
        {"type": "Polygon", "coordinates": [[[5.1, 52.1], [5.2, "x"], [5.2, 52.2], [5.1, 52.1]]]},
        {
            "type": "Polygon",
            "coordinates": [[[155000, 463000], [155100, 463000], [155100, 463100]]],
        },
        {"type": "MultiPolygon", "coordinates": []},
    ],
)
def test_unusable_geometries_are_refused(geometry: Any) -> None:
    with pytest.raises(GeometryError):
        parse_geometry(geometry)


def test_features_come_with_their_line_numbers() -> None:
    text = (
        '{"type": "FeatureCollection", "name": "buurten",\n'
        '"features": [\n'
        '{"type": "Feature", "properties": {"buurtcode": "A"}, "geometry": null},\n'
        '{"type": "Feature", "properties": {"buurtcode": "B"}, "geometry": null}\n'
        '], "crs": {}}\n'
    )
    assert [(line, f["properties"]["buurtcode"]) for line, f in iter_features(text)] == [
        (3, "A"),
        (4, "B"),
    ]
    with pytest.raises(ValueError):
        list(iter_features('{"type": "FeatureCollection"}'))
    with pytest.raises(ValueError):
        list(iter_features("[]"))


# --------------------------------------------------------------------------- database


BUURTEN = {"BU99990101": "Noord", "BU99990102": "Zuid", "BU99990201": "Park"}


@pytest.fixture
def session(session_factory: sessionmaker) -> Iterator[Session]:
    """A session on an imported-looking database (SQLite, and PostgreSQL where reachable)."""
    with session_factory() as session:
        session.add(Gemeente(code="GM9999", name="Proefdorp"))
        session.flush()
        for code, name in (("WK999901", "Centrum"), ("WK999902", "Groen")):
            session.add(Wijk(code=code, name=name, name_norm=name.lower(), gemeente_code="GM9999"))
        session.flush()
        for code, name in BUURTEN.items():
            session.add(
                Buurt(
                    code=code,
                    name=name,
                    name_norm=name.lower(),
                    wijk_code="WK9999" + code[6:8],
                    gemeente_code="GM9999",
                )
            )
        session.commit()
        yield session


def feature(code: str | None, geometry: Any, key: str = "buurtcode") -> dict[str, Any]:
    properties = {key: code, "buurtnaam": "x"} if code else {"buurtnaam": "x"}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_collection(path: Path, features: list[dict], **extra: Any) -> Path:
    lines = ",\n".join(json.dumps(f) for f in features)
    members = "".join(f'"{k}": {json.dumps(v)},\n' for k, v in extra.items())
    path.write_text(
        '{"type": "FeatureCollection",\n' + members + '"features": [\n' + lines + "\n]}\n",
        encoding="utf-8",
    )
    return path


def rect(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# Noord (north half) and Zuid (south half) tile the square; Park is the hole in Zuid.
NOORD = {"type": "Polygon", "coordinates": [rect(5.10, 52.085, 5.12, 52.09)]}
ZUID = {
    "type": "Polygon",
    "coordinates": [rect(5.10, 52.08, 5.12, 52.085), rect(5.105, 52.081, 5.115, 52.084)],
}
PARK = {"type": "Polygon", "coordinates": [rect(5.105, 52.081, 5.115, 52.084)]}


def test_import_and_find_the_buurt_of_a_pin(session: Session, tmp_path: Path) -> None:
    path = write_collection(
        tmp_path / "buurten.geojson",
        [
            feature("BU99990101", NOORD),
            feature("bu99990102", ZUID, key="BU_CODE"),
            feature("BU99990201", PARK),
            feature("BU03440100", NOORD),  # another municipality: the national map
        ],
    )
    assert not has_geometry(session)
    report = import_geojson(path, session, BUURTEN)
    session.commit()
    assert (report.shapes, report.skipped) == (3, 1)
    assert has_geometry(session)
    assert find_buurt_at(session, 52.088, 5.11) == "BU99990101"
    assert find_buurt_at(session, 52.0805, 5.11) == "BU99990102"
    assert find_buurt_at(session, 52.0825, 5.11) == "BU99990201"  # in Zuid's hole
    assert find_buurt_at(session, 52.20, 5.30) is None  # outside every buurt
    # 10 m outside the outline (GPS error) still counts; 100 m does not.
    assert find_buurt_at(session, 52.09009, 5.11) == "BU99990101"
    assert find_buurt_at(session, 52.0909, 5.11) is None


def test_reimport_replaces_the_outlines(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "buurten.geojson"
    write_collection(path, [feature("BU99990101", NOORD), feature("BU99990102", ZUID)])
    import_geojson(path, session, BUURTEN)
    write_collection(path, [feature("BU99990101", ZUID)])
    import_geojson(path, session, BUURTEN)
    session.commit()
    assert session.scalars(select(BuurtShape.buurt_code)).all() == ["BU99990101"]
    assert find_buurt_at(session, 52.0805, 5.10 + 0.001) == "BU99990101"


def test_rd_file_is_detected_and_converted(session: Session, tmp_path: Path) -> None:
    square = [[121_600, 487_400], [121_800, 487_400], [121_800, 487_600], [121_600, 487_400]]
    path = write_collection(
        tmp_path / "buurten.geojson",
        [feature("BU99990101", {"type": "Polygon", "coordinates": [square]})],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
    )
    import_geojson(path, session, BUURTEN)
    assert find_buurt_at(session, 52.37422, 4.89801) == "BU99990101"


def test_a_crs_after_the_features_and_a_byte_order_mark_are_read(
    session: Session, tmp_path: Path
) -> None:
    # The file is streamed, so the RD decision must still see a `crs` that comes last:
    # here it says RD New of numbers that are degrees, which the import refuses.
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    collection = {"type": "FeatureCollection", "features": [feature("BU99990101", NOORD)]}
    path = tmp_path / "buurten.geojson"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({**collection, "crs": crs}).encode())
    with pytest.raises(GeometryImportFailed) as failure:
        import_geojson(path, session, BUURTEN)
    assert "(RD)" in failure.value.problems[0][1]
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(collection).encode())
    assert import_geojson(path, session, BUURTEN).shapes == 1


def test_a_file_that_is_not_utf8_is_refused(session: Session, tmp_path: Path) -> None:
    path = write_collection(tmp_path / "buurten.geojson", [feature("BU99990101", NOORD)])
    path.write_bytes(path.read_bytes().replace(b'"x"', '"Zuid\u00e9"'.encode("latin-1")))
    with pytest.raises(GeometryImportFailed) as failure:
        import_geojson(path, session, BUURTEN)
    assert "UTF-8" in failure.value.problems[0][1]


def test_problems_are_reported_with_line_numbers(session: Session, tmp_path: Path) -> None:
    path = write_collection(
        tmp_path / "buurten.geojson",
        [
            feature("BU99990101", NOORD),
            feature(None, NOORD),
            feature("BU99990999", NOORD),
            feature("BU99990102", {"type": "Point", "coordinates": [5.1, 52.1]}),
            "geen feature",  # type: ignore[list-item]
        ],
    )
    with pytest.raises(GeometryImportFailed) as failure:
        import_geojson(path, session, BUURTEN)
    lines = [line for line, _ in failure.value.problems]
    assert lines == [4, 5, 6, 7]
    messages = " ".join(message for _, message in failure.value.problems)
    assert "buurtcode" in messages and "BU99990999" in messages and "Point" in messages
    session.rollback()
    assert not has_geometry(session)


@pytest.mark.parametrize(
    ("content", "line"),
    [("{\n  not json", 2), ('{"type": "Feature"}', 1), ("[1, 2]", 1)],
)
def test_files_that_are_no_feature_collection_are_refused(
    session: Session, tmp_path: Path, content: str, line: int
) -> None:
    path = tmp_path / "buurten.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GeometryImportFailed) as failure:
        import_geojson(path, session, BUURTEN)
    assert failure.value.problems[0][0] == line


# --------------------------------------------------------------------------- demo data

DEMO = Path(__file__).resolve().parents[2] / "demo"


def test_demo_outlines_match_the_demo_buurten_and_do_not_overlap() -> None:
    with (DEMO / "buurten.csv").open(encoding="utf-8") as handle:
        codes = {line.split(",")[0] for line in handle.read().splitlines()[1:] if line}
    text = (DEMO / "buurten.geojson").read_text(encoding="utf-8")
    shapes = {
        f["properties"]["buurtcode"]: parse_geometry(f["geometry"]) for _, f in iter_features(text)
    }
    assert set(shapes) == codes
    boxes = [bounding_box(shape) for shape in shapes.values()]
    south, north = min(b.min_lat for b in boxes), max(b.max_lat for b in boxes)
    west, east = min(b.min_lon for b in boxes), max(b.max_lon for b in boxes)
    steps = 60
    for i in range(steps):
        for j in range(steps):
            lat = south + (north - south) * (i + 0.5) / steps
            lon = west + (east - west) * (j + 0.5) / steps
            holders = [code for code, shape in shapes.items() if point_in_shape(lat, lon, shape)]
            # A point exactly on a shared edge is inside neither (GEOS `contains`); a pin
            # there gets the buurt within the snap distance.
            on_edge = not holders and any(
                distance_to_shape_m(lat, lon, shape) < 0.01 for shape in shapes.values()
            )
            assert len(holders) == 1 or on_edge, (lat, lon, holders)
