"""Where a location pin lies: buurt outlines (buurten.geojson) and the nearest known address."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    delete,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from bot.core.geo import (
    GeoJSONError,
    GeometryError,
    Shape,
    bounding_box,
    box_around,
    declares_rd,
    distance_m,
    distance_to_shape_m,
    first_position,
    iter_features,
    join_shapes,
    parse_geometry,
    point_in_shape,
    read_crs,
    shape_from_geojson,
    shape_to_geojson,
)
from bot.db.models import Address, BuurtShape

GEOJSON_FILE = "buurten.geojson"
# Property names of the CBS code in the wijk- en buurtkaart (recent years, older years).
CODE_PROPERTIES = ("buurtcode", "BU_CODE")
# A pin this close to a buurt (GPS error, a street on the border) still counts as in it.
SNAP_DISTANCE_M = 25.0
# Bounding boxes are widened by this many degrees (about 30 m) for the snap distance.
_SNAP_DEGREES = 0.0003
# Without an outline, a pin counts for the buurt of the nearest address with coordinates,
# but not from farther than this: a kilometre from any house is no address of ours.
NEAREST_ADDRESS_MAX_M = 1000.0
# Boxes of growing half-width: in a town the first box already holds a nearest address
# and reads a few hundred index entries; only a pin in open country reaches the last.
NEAREST_SEARCH_STEPS_M = (100.0, 300.0, NEAREST_ADDRESS_MAX_M)
# Addresses nearer than this to each other's distance from the pin are equally near:
# a phone's position is not better than a few metres.
TIE_DISTANCE_M = 1.0


class GeometryImportFailed(Exception):
    """buurten.geojson was refused; `problems` holds (line, Dutch message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"regel {line}: {message}" for line, message in problems))


@dataclass(frozen=True)
class GeometryImportReport:
    shapes: int
    # Features of buurten outside the imported municipalities (a national map file).
    skipped: int


def import_geojson(
    path: Path | str, session: Session, buurt_codes: Collection[str]
) -> GeometryImportReport:
    """Replaces the outlines of `buurt_codes` with those in a FeatureCollection file.

    The caller owns the transaction (the importer's all-or-nothing import). Features of
    buurten in other municipalities are skipped, so the national CBS map can be used
    as it is; a feature of an imported municipality whose code is not in buurten.csv
    is an error. Coordinates are WGS84, or RD New (EPSG:28992) when the file says so
    in `crs` or its numbers are clearly metres.
    """
    problems: list[tuple[int, str]] = []
    codes = set(buurt_codes)
    gemeente_parts = {code[2:6] for code in codes}
    shapes: dict[str, Shape] = {}
    skipped = 0
    # Streamed twice (the `crs` member may follow the features), never held whole.
    with Path(path).open("rb") as raw:
        try:
            rd: bool | None = declares_rd(read_crs(raw)) or None
            raw.seek(0)
            for line, feature in iter_features(raw):
                if rd is None:
                    # Without a `crs`, the first coordinate pair tells: metres are RD New.
                    geometry = feature.get("geometry") if isinstance(feature, dict) else None
                    position = first_position(geometry)
                    if position is not None:
                        rd = abs(position[0]) > 180 or abs(position[1]) > 90
                problem = _add_feature(shapes, feature, codes, gemeente_parts, bool(rd))
                if problem == _SKIPPED:
                    skipped += 1
                elif problem:
                    problems.append((line, problem))
        except GeoJSONError as error:
            raise GeometryImportFailed([(error.line, str(error))]) from None
    if problems:
        raise GeometryImportFailed(problems)

    session.execute(
        delete(BuurtShape)
        .where(BuurtShape.buurt_code.in_(codes))
        .execution_options(synchronize_session=False)
    )
    for code, shape in shapes.items():
        box = bounding_box(shape)
        session.add(
            BuurtShape(
                buurt_code=code,
                min_lat=box.min_lat,
                max_lat=box.max_lat,
                min_lon=box.min_lon,
                max_lon=box.max_lon,
                geometry=shape_to_geojson(shape),
            )
        )
    session.flush()
    return GeometryImportReport(shapes=len(shapes), skipped=skipped)


_SKIPPED = "skipped"


def _add_feature(
    shapes: dict[str, Shape],
    feature: Any,
    codes: set[str],
    gemeente_parts: set[str],
    rd: bool,
) -> str | None:
    """Adds the feature's outline to `shapes`; a Dutch problem, _SKIPPED, or None."""
    if not isinstance(feature, dict):
        return "dit element van 'features' is geen Feature."
    code = _buurt_code(feature)
    if code is None:
        return "de eigenschap 'buurtcode' ontbreekt."
    if code not in codes:
        if code[2:6] in gemeente_parts:
            return f"buurtcode {code} staat niet in buurten.csv."
        return _SKIPPED
    try:
        shape = parse_geometry(feature.get("geometry"), rd=rd)
    except GeometryError as error:
        return f"buurt {code}: {error}"
    # One buurt in several features (islands exported apart) becomes one shape.
    shapes[code] = join_shapes(shapes[code], shape) if code in shapes else shape
    return None


def _buurt_code(feature: dict) -> str | None:
    properties = feature.get("properties")
    if not isinstance(properties, dict):
        return None
    for name in CODE_PROPERTIES:
        value = properties.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip().upper()
    return None


def has_geometry(session: Session) -> bool:
    """Whether any buurt outline is loaded (the table may not even exist yet)."""
    if not inspect(session.connection()).has_table(BuurtShape.__tablename__):
        return False
    return session.scalar(select(BuurtShape.buurt_code).limit(1)) is not None


def find_buurt_at(session: Session, lat: float, lon: float) -> str | None:
    """The code of the buurt the point lies in, or of one within SNAP_DISTANCE_M of it.

    The bounding-box columns are the spatial index: they leave one to four outlines to
    test. A shapely STRtree would need every outline in every process's memory (a
    national map: hundreds of MB) to save a query that takes well under a millisecond.
    """
    candidates = session.execute(
        select(BuurtShape.buurt_code, BuurtShape.geometry).where(
            BuurtShape.min_lat <= lat + _SNAP_DEGREES,
            BuurtShape.max_lat >= lat - _SNAP_DEGREES,
            BuurtShape.min_lon <= lon + _SNAP_DEGREES,
            BuurtShape.max_lon >= lon - _SNAP_DEGREES,
        )
    ).all()
    nearest: tuple[float, str] | None = None
    for code, geometry in candidates:
        shape = shape_from_geojson(geometry)
        if point_in_shape(lat, lon, shape):
            return str(code)
        distance = distance_to_shape_m(lat, lon, shape)
        if distance <= SNAP_DISTANCE_M and (nearest is None or distance < nearest[0]):
            nearest = (distance, str(code))
    return nearest[1] if nearest else None


# --------------------------------------------------------------------------- nearest address


@dataclass(frozen=True)
class NearestAddress:
    """The buurten of the address(es) nearest to a pin, and how far they are."""

    distance_m: float
    # More than one only when addresses in different buurten are equally near (a tie).
    buurt_codes: tuple[str, ...]


_COORDINATE_COLUMNS = ("latitude", "longitude")


def has_coordinates(session: Session) -> bool:
    """Whether any address has coordinates.

    A database not yet migrated to revision 0003 lacks even the columns: then no pin can
    use addresses, but nothing fails.
    """
    columns = inspect(session.connection()).get_columns(Address.__tablename__)
    if not set(_COORDINATE_COLUMNS) <= {column["name"] for column in columns}:
        return False
    query = select(Address.id).where(Address.latitude.is_not(None)).limit(1)
    return session.scalar(query) is not None


def nearest_address(
    session: Session,
    lat: float,
    lon: float,
    *,
    max_distance_m: float = NEAREST_ADDRESS_MAX_M,
    steps_m: tuple[float, ...] = NEAREST_SEARCH_STEPS_M,
) -> NearestAddress | None:
    """The nearest address with coordinates within `max_distance_m`, in a buurt without outline.

    Buurten with an outline are left out: there the outline has already said the pin is
    not in them. Each step reads the addresses in a box around the pin through the
    (latitude, longitude) index; every address within the box's half-width lies inside
    the box, so a nearest one at most that far away is the nearest of all.
    """
    outlined = inspect(session.connection()).has_table(BuurtShape.__tablename__)
    radii = [radius for radius in steps_m if radius < max_distance_m] + [max_distance_m]
    for radius in radii:
        box = box_around(lat, lon, radius)
        rows = session.execute(
            select(Address.buurt_code, Address.latitude, Address.longitude).where(
                Address.latitude.between(box.min_lat, box.max_lat),
                Address.longitude.between(box.min_lon, box.max_lon),
            )
        ).all()
        candidates = [
            (distance_m(lat, lon, float(row_lat), float(row_lon)), str(code))
            for code, row_lat, row_lon in rows
        ]
        if outlined and candidates:
            codes = {code for _, code in candidates}
            shaped = set(
                session.scalars(
                    select(BuurtShape.buurt_code).where(BuurtShape.buurt_code.in_(codes))
                )
            )
            candidates = [item for item in candidates if item[1] not in shaped]
        within = [item for item in candidates if item[0] <= radius]
        if within:
            best = min(distance for distance, _ in within)
            tied = {code for distance, code in within if distance <= best + TIE_DISTANCE_M}
            return NearestAddress(best, tuple(sorted(tied)))
    return None
