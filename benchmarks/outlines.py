"""Buurt outlines of national size: buurten.geojson import time and memory, pin lookup time.

The file is a grid of square buurten over the Netherlands, each side divided into many
vertices (real outlines follow streets and water), every tenth with a hole; written in
WGS84 or, with --rd, in RD New. The import runs in a fresh child process, so its peak
memory (ru_maxrss) is the import's own.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.db.geometry import find_buurt_at, import_geojson
from bot.db.models import Buurt, Gemeente, Wijk
from bot.db.session import create_schema, make_engine, make_session_factory

SOUTH, WEST = 51.0, 4.0
# A buurt is about 700 m across; RD New grows to the north-east from here.
CELL_DEGREES = 0.01
RD_ORIGIN = (100_000.0, 400_000.0)
CELL_METRES = 700.0


def _grid(buurten: int) -> int:
    side = 1
    while side * side < buurten:
        side += 1
    return side


def _square(x0: float, y0: float, size: float, per_side: int) -> list[list[float]]:
    """A closed ring of 4 * per_side vertices around a square."""
    step = size / per_side
    ring = [[x0 + i * step, y0] for i in range(per_side)]
    ring += [[x0 + size, y0 + i * step] for i in range(per_side)]
    ring += [[x0 + size - i * step, y0 + size] for i in range(per_side)]
    ring += [[x0, y0 + size - i * step] for i in range(per_side)]
    return [*ring, ring[0]]


def write_geojson(path: Path, buurten: int, vertices: int, rd: bool) -> list[str]:
    """One feature per line, as ogr2ogr writes them; returns the buurt codes."""
    side = _grid(buurten)
    size = CELL_METRES if rd else CELL_DEGREES
    x_origin, y_origin = RD_ORIGIN if rd else (WEST, SOUTH)
    per_side = max(1, vertices // 4)
    codes = []
    lines = []
    for number in range(buurten):
        row, column = divmod(number, side)
        x0, y0 = x_origin + column * size, y_origin + row * size
        rings = [_square(x0, y0, size, per_side)]
        if number % 10 == 0:
            rings.append(_square(x0 + size * 0.4, y0 + size * 0.4, size * 0.2, 4))
        code = f"BU9999{number // 100:02d}{number % 100:02d}"
        codes.append(code)
        feature = {
            "type": "Feature",
            "properties": {"buurtcode": code, "buurtnaam": f"Buurt {number}"},
            "geometry": {"type": "Polygon", "coordinates": rings},
        }
        lines.append(json.dumps(feature, separators=(",", ":")))
    crs = '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},\n'
    path.write_text(
        '{"type":"FeatureCollection","name":"buurten",\n'
        + (crs if rd else "")
        + '"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n",
        encoding="utf-8",
    )
    return codes


def fill_areas(session_factory: sessionmaker, codes: list[str]) -> None:
    with session_factory() as session, session.begin():
        session.add(Gemeente(code="GM9999", name="Bench"))
        session.flush()
        for wijk in sorted({code[:8] for code in codes}):
            session.add(
                Wijk(code="WK" + wijk[2:], name=wijk, name_norm=wijk, gemeente_code="GM9999")
            )
        session.flush()
        for code in codes:
            session.add(
                Buurt(
                    code=code,
                    name=code,
                    name_norm=code.lower(),
                    wijk_code="WK" + code[2:8],
                    gemeente_code="GM9999",
                )
            )


def run_import(url: str, path: Path, codes_file: Path) -> None:
    """The child process: import the file and print seconds and peak memory as JSON."""
    codes = json.loads(codes_file.read_text(encoding="utf-8"))
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    with session_factory() as session, session.begin():
        report = import_geojson(path, session, codes)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "peak_mb": peak / 1024,
                "grown_mb": (peak - before) / 1024,
                "shapes": report.shapes,
            }
        )
    )
    engine.dispose()


def time_pins(session: Session, buurten: int, pins: int, rng: random.Random) -> list[float]:
    side = _grid(buurten)
    timings = []
    found = 0
    for _ in range(pins):
        # Inside the grid's filled rows; some fall near a border (the snap distance).
        lat = SOUTH + rng.uniform(0, (buurten // side) * CELL_DEGREES)
        lon = WEST + rng.uniform(0, side * CELL_DEGREES)
        # CPU time: the machine is shared, and a lookup waits for nothing but SQLite.
        started = time.process_time()
        found += find_buurt_at(session, lat, lon) is not None
        timings.append((time.process_time() - started) * 1000)
    if found < pins * 0.9:
        raise SystemExit(f"only {found} of {pins} pins found a buurt: the grid is wrong")
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--buurten", type=int, default=2000, help="at most 9999 (CBS 2024 has about 14000)"
    )
    parser.add_argument("--vertices", type=int, default=200, help="per buurt outline")
    parser.add_argument("--pins", type=int, default=1000)
    parser.add_argument("--rd", action="store_true", help="write the file in RD New")
    parser.add_argument(
        "--child", nargs=3, metavar=("URL", "GEOJSON", "CODES"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if not 1 <= args.buurten <= 9999:
        parser.error("--buurten: from 1 to 9999")
    if args.child:
        run_import(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        url = f"sqlite:///{folder / 'bench.db'}"
        engine = make_engine(url)
        create_schema(engine)
        session_factory = make_session_factory(engine)
        path = folder / "buurten.geojson"
        codes = write_geojson(path, args.buurten, args.vertices, args.rd)
        fill_areas(session_factory, codes)
        (folder / "codes.json").write_text(json.dumps(codes), encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.outlines",
                "--child",
                url,
                str(path),
                str(folder / "codes.json"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"import of {args.buurten} buurten x {args.vertices} vertices "
            f"({size_mb:.1f} MB{', RD New' if args.rd else ''}): {figures['seconds']:.2f} s "
            f"({figures['cpu']:.2f} s CPU), "
            f"peak RSS {figures['peak_mb']:.0f} MB "
            f"(+{figures['grown_mb']:.0f} MB during the import)"
        )
        if args.rd:
            engine.dispose()
            return
        with session_factory() as session:
            time_pins(session, args.buurten, 20, rng)  # warm the caches
            timings = sorted(time_pins(session, args.buurten, args.pins, rng))
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{args.pins} pins (CPU time): median {statistics.median(timings):.2f} ms, "
            f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
