"""Buurt geometry in pure Python: GeoJSON polygons, point-in-polygon, RD New to WGS84."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Coordinates are (longitude, latitude) pairs, as in GeoJSON.
Point = tuple[float, float]
Ring = tuple[Point, ...]
# A polygon is its outer ring followed by its holes; a shape is one or more polygons.
Polygon = tuple[Ring, ...]
Shape = tuple[Polygon, ...]

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


def point_in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Ray casting (even-odd rule): does a ray east from the point cross the ring oddly often?"""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i]
        x2, y2 = ring[i - 1]
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < crossing:
                inside = not inside
    return inside


def point_in_polygon(lat: float, lon: float, polygon: Polygon) -> bool:
    """Inside the outer ring and in none of the holes."""
    if not polygon or not point_in_ring(lon, lat, polygon[0]):
        return False
    return not any(point_in_ring(lon, lat, hole) for hole in polygon[1:])


def point_in_shape(lat: float, lon: float, shape: Shape) -> bool:
    return any(point_in_polygon(lat, lon, polygon) for polygon in shape)


def bounding_box(shape: Shape) -> BoundingBox:
    points = [point for polygon in shape for point in polygon[0]]
    lons = [lon for lon, _ in points]
    lats = [lat for _, lat in points]
    return BoundingBox(min(lats), max(lats), min(lons), max(lons))


def distance_to_shape_m(lat: float, lon: float, shape: Shape) -> float:
    """Metres from the point to the nearest edge of the shape (0 inside it).

    An equirectangular projection around the point is accurate to well under a metre
    at the distances this is used for (tens of metres).
    """
    if point_in_shape(lat, lon, shape):
        return 0.0
    scale_x = math.cos(math.radians(lat)) * math.pi / 180 * EARTH_RADIUS_M
    scale_y = math.pi / 180 * EARTH_RADIUS_M
    best = math.inf
    for polygon in shape:
        for ring in polygon:
            for i in range(len(ring)):
                ax, ay = (ring[i - 1][0] - lon) * scale_x, (ring[i - 1][1] - lat) * scale_y
                bx, by = (ring[i][0] - lon) * scale_x, (ring[i][1] - lat) * scale_y
                best = min(best, _distance_to_segment(ax, ay, bx, by))
    return best


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


def _distance_to_segment(ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from the origin to the segment a-b."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length))
    return math.hypot(ax + t * dx, ay + t * dy)


# --------------------------------------------------------------------------- RD New


# Schreutelkamp & Strang van Hees, "Benaderingsformules voor de transformatie tussen
# RD- en WGS84-kaartcoördinaten" (2001): (p, q, coefficient) for dX^p * dY^q.
_RD_LAT_TERMS = (
    (0, 1, 3235.65389),
    (2, 0, -32.58297),
    (0, 2, -0.24750),
    (2, 1, -0.84978),
    (0, 3, -0.06550),
    (2, 2, -0.01709),
    (1, 0, -0.00738),
    (4, 0, 0.00530),
    (2, 3, -0.00039),
    (4, 1, 0.00033),
    (1, 1, -0.00012),
)
_RD_LON_TERMS = (
    (1, 0, 5260.52916),
    (1, 1, 105.94684),
    (1, 2, 2.45656),
    (3, 0, -0.81885),
    (1, 3, 0.05594),
    (3, 1, -0.05607),
    (0, 1, 0.01199),
    (3, 2, -0.00256),
    (1, 4, 0.00128),
    (0, 2, 0.00022),
    (2, 0, -0.00022),
    (5, 0, 0.00026),
)


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (EPSG:28992) metres to WGS84 (latitude, longitude); about a metre accurate."""
    dx = (x - 155_000) * 1e-5
    dy = (y - 463_000) * 1e-5
    lat = 52.15517440 + sum(k * dx**p * dy**q for p, q, k in _RD_LAT_TERMS) / 3600
    lon = 5.38720621 + sum(k * dx**p * dy**q for p, q, k in _RD_LON_TERMS) / 3600
    return lat, lon


def _looks_like_rd(x: float, y: float) -> bool:
    return 0 <= x <= 300_000 and 280_000 <= y <= 630_000


# --------------------------------------------------------------------------- GeoJSON


def _position(value: Any, rd: bool) -> Point:
    if (
        not isinstance(value, list)
        or len(value) < 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in value[:2])
    ):
        raise GeometryError("een coördinaat is geen paar getallen.")
    x, y = float(value[0]), float(value[1])
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GeometryError("een coördinaat is geen eindig getal.")
    if rd:
        if not _looks_like_rd(x, y):
            raise GeometryError(f"de coördinaat ({x}, {y}) ligt niet in Nederland (RD).")
        lat, lon = rd_to_wgs84(x, y)
        return lon, lat
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise GeometryError(
            f"de coördinaat ({x}, {y}) is geen lengte- en breedtegraad; "
            "gebruik WGS84 (EPSG:4326) of RD New (EPSG:28992)."
        )
    return x, y


def _ring(value: Any, rd: bool) -> Ring:
    if not isinstance(value, list):
        raise GeometryError("een ring van de polygoon is geen lijst van coördinaten.")
    points = tuple(_position(position, rd) for position in value)
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    if len(set(points)) < 3:
        raise GeometryError("een ring van de polygoon heeft minder dan drie hoekpunten.")
    return points


def _polygon(value: Any, rd: bool) -> Polygon:
    if not isinstance(value, list) or not value:
        raise GeometryError("een polygoon heeft geen ringen.")
    return tuple(_ring(ring, rd) for ring in value)


def parse_geometry(geometry: Any, *, rd: bool = False) -> Shape:
    """A GeoJSON Polygon or MultiPolygon as a shape in WGS84 (lon, lat)."""
    if not isinstance(geometry, dict):
        raise GeometryError("de geometrie ontbreekt.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        return (_polygon(coordinates, rd),)
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError("de MultiPolygon heeft geen polygonen.")
        return tuple(_polygon(polygon, rd) for polygon in coordinates)
    raise GeometryError(
        f"het geometrietype {kind!r} wordt niet ondersteund (alleen Polygon en MultiPolygon)."
    )


def shape_to_geojson(shape: Shape) -> str:
    """Compact GeoJSON MultiPolygon text (closed rings, 6 decimals: about 10 cm)."""
    coordinates = [
        [[[round(lon, 6), round(lat, 6)] for lon, lat in (*ring, ring[0])] for ring in polygon]
        for polygon in shape
    ]
    return json.dumps({"type": "MultiPolygon", "coordinates": coordinates}, separators=(",", ":"))


def shape_from_geojson(text: str) -> Shape:
    return parse_geometry(json.loads(text))


def declares_rd(collection: dict[str, Any]) -> bool:
    """Whether a FeatureCollection names RD New in its (pre-RFC 7946) `crs` member."""
    crs = collection.get("crs")
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


def iter_features(text: str) -> Iterator[tuple[int, Any]]:
    """(line number, feature) for each entry of a FeatureCollection's `features`.

    Line numbers let staff find a bad feature; CBS and ogr2ogr exports put one feature
    on each line. Raises ValueError (json.JSONDecodeError has its own line) when the
    text is not a FeatureCollection.
    """
    decoder = json.JSONDecoder()
    index = _skip_space(text, 0)
    if text[index : index + 1] != "{":
        raise GeometryError("het bestand is geen GeoJSON FeatureCollection.")
    index = _skip_space(text, index + 1)
    found = False
    while text[index : index + 1] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index : index + 1] != ":":
            raise json.JSONDecodeError("':' verwacht", text, index)
        index = _skip_space(text, index + 1)
        if key == "features" and text[index : index + 1] == "[":
            found = True
            index = _skip_space(text, index + 1)
            while text[index : index + 1] != "]":
                line = text.count("\n", 0, index) + 1
                feature, index = decoder.raw_decode(text, index)
                yield line, feature
                index = _skip_space(text, index)
                if text[index : index + 1] == ",":
                    index = _skip_space(text, index + 1)
                elif text[index : index + 1] != "]":
                    raise json.JSONDecodeError("',' of ']' verwacht", text, index)
            index += 1
        else:
            _, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index : index + 1] == ",":
            index = _skip_space(text, index + 1)
        elif text[index : index + 1] != "}":
            raise json.JSONDecodeError("',' of '}' verwacht", text, index)
    if not found:
        raise GeometryError("het bestand heeft geen lijst 'features'.")


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index
