"""Buurt geometry: GeoJSON outlines (streamed with ijson), point in polygon and distances
(shapely), RD New to WGS84 (pyproj)."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any, TypeAlias

import ijson
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon

# Coordinates are (longitude, latitude) pairs, as in GeoJSON.
Point = tuple[float, float]
# A buurt's outline: one or more polygons (with holes), in WGS84 (x = lon, y = lat).
Shape: TypeAlias = MultiPolygon

EARTH_RADIUS_M = 6_371_000.0


class GeometryError(ValueError):
    """A geometry that cannot be used; the message is Dutch, for staff importing files."""


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


# --------------------------------------------------------------------------- point in polygon


def point_in_polygon(lat: float, lon: float, polygon: Polygon) -> bool:
    """Inside the outer ring and in none of the holes (a point on an edge is not inside)."""
    return bool(shapely.contains_xy(polygon, lon, lat))


def point_in_shape(lat: float, lon: float, shape: Shape) -> bool:
    return bool(shapely.contains_xy(shape, lon, lat))


def bounding_box(shape: Shape) -> BoundingBox:
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)


def distance_to_shape_m(lat: float, lon: float, shape: Shape) -> float:
    """Metres from the point to the nearest edge of the shape (0 inside it).

    An equirectangular projection around the point is accurate to well under a metre
    at the distances this is used for (tens of metres).
    """
    scale_x = math.cos(math.radians(lat)) * math.pi / 180 * EARTH_RADIUS_M
    scale_y = math.pi / 180 * EARTH_RADIUS_M
    local = shapely.transform(shape, lambda xy: (xy - (lon, lat)) * (scale_x, scale_y))
    return float(shapely.distance(local, shapely.points(0.0, 0.0)))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine), exact enough at any distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def box_around(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """A box that holds every point within `radius_m` of (lat, lon)."""
    # 0.5% wider than the circle, so rounding never leaves a point just inside it out.
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.005
    # Degrees of longitude shrink towards the poles; the floor keeps the box finite there.
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


# --------------------------------------------------------------------------- RD New


@lru_cache(maxsize=1)
def _rd_transformer() -> Transformer:
    # Built on first use (tens of milliseconds), not at import. Without PROJ's RDNAPTRANS
    # grid (not shipped in the wheel, and no network) PROJ takes the 7-parameter
    # "Amersfoort to WGS 84 (4)": measured against RDNAPTRANS(TM)2018 on 400 points over
    # the country, 0.06 m median and 0.22 m at most (the polynomial it replaced: 0.30
    # and 0.46 m), and 0.8 instead of 3.5 microseconds a point in arrays.
    return Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (EPSG:28992) metres to WGS84 (latitude, longitude)."""
    lon, lat = _rd_transformer().transform(x, y)
    return float(lat), float(lon)


def _looks_like_rd(x: float, y: float) -> bool:
    return 0 <= x <= 300_000 and 280_000 <= y <= 630_000


# --------------------------------------------------------------------------- GeoJSON


def _position(value: Any) -> Point:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in value[:2])
    ):
        raise GeometryError("een coördinaat is geen paar getallen.")
    x, y = float(value[0]), float(value[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GeometryError("een coördinaat is geen eindig getal.")
    return x, y


def _ring(value: Any, rd: bool) -> list[Point]:
    if not isinstance(value, list):
        raise GeometryError("een ring van de polygoon is geen lijst van coördinaten.")
    points = [_position(position) for position in value]
    if rd:
        for x, y in points:
            if not _looks_like_rd(x, y):
                raise GeometryError(f"de coördinaat ({x}, {y}) ligt niet in Nederland (RD).")
        if points:
            # One call for the whole ring: pyproj converts arrays in C.
            xs = [x for x, _ in points]
            ys = [y for _, y in points]
            lons, lats = _rd_transformer().transform(xs, ys)
            points = list(zip(lons, lats, strict=True))
    else:
        for x, y in points:
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise GeometryError(
                    f"de coördinaat ({x}, {y}) is geen lengte- en breedtegraad; "
                    "gebruik WGS84 (EPSG:4326) of RD New (EPSG:28992)."
                )
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(set(points)) < 3:
        raise GeometryError("een ring van de polygoon heeft minder dan drie hoekpunten.")
    return points


def _polygon(value: Any, rd: bool) -> Polygon:
    if not isinstance(value, list) or not value:
        raise GeometryError("een polygoon heeft geen ringen.")
    outer, *holes = (_ring(ring, rd) for ring in value)
    return Polygon(outer, holes)


def parse_geometry(geometry: Any, *, rd: bool = False) -> Shape:
    """A GeoJSON Polygon or MultiPolygon as a shape in WGS84 (lon, lat)."""
    if not isinstance(geometry, dict):
        raise GeometryError("de geometrie ontbreekt.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return MultiPolygon([_polygon(coordinates, rd)])
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError("de MultiPolygon heeft geen polygonen.")
        return MultiPolygon([_polygon(polygon, rd) for polygon in coordinates])
    raise GeometryError(
        f"het geometrietype {kind!r} wordt niet ondersteund (alleen Polygon en MultiPolygon)."
    )


def join_shapes(first: Shape, second: Shape) -> Shape:
    """One buurt exported as several features (islands apart) becomes one shape."""
    return MultiPolygon([*first.geoms, *second.geoms])


def shape_to_geojson(shape: Shape) -> str:
    """Compact GeoJSON MultiPolygon text (closed rings, 6 decimals: about 10 cm)."""
    coordinates = [
        [
            [[round(lon, 6), round(lat, 6)] for lon, lat in ring.coords]
            for ring in (polygon.exterior, *polygon.interiors)
        ]
        for polygon in shape.geoms
    ]
    return json.dumps({"type": "MultiPolygon", "coordinates": coordinates}, separators=(",", ":"))


def shape_from_geojson(text: str) -> Shape:
    """A shape as stored by shape_to_geojson (GEOS reads it, in C)."""
    return shapely.from_geojson(text)


def declares_rd(crs: Any) -> bool:
    """Whether a FeatureCollection's (pre-RFC 7946) `crs` member names RD New."""
    name = crs.get("properties", {}).get("name", "") if isinstance(crs, dict) else ""
    return isinstance(name, str) and "28992" in name


def first_position(geometry: Any) -> tuple[float, float] | None:
    """The first coordinate pair of a geometry, to guess its coordinate system."""
    value = geometry.get("coordinates") if isinstance(geometry, dict) else None
    while isinstance(value, list) and value and isinstance(value[0], list):
        value = value[0]
    if isinstance(value, list) and len(value) >= 2:
        x, y = value[0], value[1]
        if isinstance(x, int | float) and isinstance(y, int | float):
            return float(x), float(y)
    return None


class GeoJSONError(GeometryError):
    """The file is no readable FeatureCollection; `line` is where the reading stopped."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(message)


# Read a line at a time so an error or a feature has its line number; a line longer than
# this (a file on one line) is read in parts, which keeps the memory bounded.
_CHUNK_BYTES = 1 << 20
_BOM = b"\xef\xbb\xbf"


class _Lines:
    """A binary file read line by line for ijson, counting the lines it has handed out."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._newlines = 0
        self._started = False
        self.line = 1

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson asks for nothing first, to tell bytes from text
        data = self._raw.readline(_CHUNK_BYTES)
        if not self._started:
            self._started = True
            data = data.removeprefix(_BOM)
        self.line = self._newlines + 1
        self._newlines += data.count(b"\n")
        return data


def _json_error(error: Exception, lines: _Lines) -> GeoJSONError:
    message = str(error).strip().splitlines()[0] if str(error).strip() else "onvolledig"
    if "UTF8" in message or "UTF-8" in message:
        return GeoJSONError(0, "het bestand is geen UTF-8.")
    return GeoJSONError(lines.line, f"geen geldige JSON ({message}).")


def _coroutine_readers(raw: IO[bytes], prefixes: tuple[str, ...]) -> list[list[Any]]:
    """The values at each top-level prefix, from one read of the file, parsed in C."""
    lines = _Lines(raw)
    found = [ijson.sendable_list() for _ in prefixes]
    readers = [
        ijson.items_coro(target, prefix, use_float=True)
        for target, prefix in zip(found, prefixes, strict=True)
    ]
    try:
        while chunk := lines.read(_CHUNK_BYTES):
            for reader in readers:
                reader.send(chunk)
        for reader in readers:
            reader.close()
    except ijson.JSONError as error:
        raise _json_error(error, lines) from None
    return [list(values) for values in found]


def read_crs(raw: IO[bytes]) -> Any:
    """The `crs` member of a FeatureCollection (None without one).

    Raises GeoJSONError when the file is no valid JSON or no FeatureCollection.
    """
    kinds, crs = _coroutine_readers(raw, ("type", "crs"))
    if kinds[:1] != ["FeatureCollection"]:
        raise GeoJSONError(1, "het bestand is geen GeoJSON FeatureCollection.")
    return crs[0] if crs else None


def iter_features(source: str | IO[bytes]) -> Iterator[tuple[int, Any]]:
    """(line number, feature) for each entry of a FeatureCollection's `features`, streamed.

    Line numbers let staff find a bad feature; CBS and ogr2ogr exports put one feature
    on each line (a feature over several lines gets the line where it ends). Numbers come
    as float or int. Raises GeoJSONError (a ValueError) when the text is not a
    FeatureCollection with a list `features`, or no valid JSON.
    """
    raw = io.BytesIO(source.encode("utf-8")) if isinstance(source, str) else source
    lines = _Lines(raw)
    count = 0
    try:
        for feature in ijson.items(lines, "features.item", use_float=True):
            count += 1
            yield lines.line, feature
    except ijson.JSONError as error:
        raise _json_error(error, lines) from None
    if count == 0:
        # Rare (no features at all): read again to tell an empty list from none.
        raw.seek(0)
        (members,) = _coroutine_readers(raw, ("",))
        if not (members and isinstance(members[0], dict)):
            raise GeoJSONError(1, "het bestand is geen GeoJSON FeatureCollection.")
        if not isinstance(members[0].get("features"), list):
            raise GeoJSONError(0, "het bestand heeft geen lijst 'features'.")
