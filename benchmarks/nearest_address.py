"""Time of the nearest-address lookup for location pins in a database of national size."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bot.db.geometry import nearest_address
from bot.db.models import Address, Buurt, Gemeente, Wijk
from bot.db.session import create_schema, make_engine, make_session_factory

# The Netherlands, roughly; a third of the addresses in towns of a few kilometres across.
SOUTH, NORTH, WEST, EAST = 50.75, 53.5, 3.4, 7.2
TOWNS = 40
TOWN_HALF_WIDTH = 0.03
BATCH = 50_000


def fill(session_factory: object, count: int, rng: random.Random) -> None:
    towns = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(TOWNS)]
    with session_factory() as session, session.begin():  # type: ignore[operator]
        # Flushed one by one: the models declare no relationships to order the inserts by.
        session.add(Gemeente(code="GM9999", name="Bench"))
        session.flush()
        session.add(Wijk(code="WK999901", name="Wijk", name_norm="wijk", gemeente_code="GM9999"))
        session.flush()
        session.add(
            Buurt(
                code="BU99990101",
                name="Buurt",
                name_norm="buurt",
                wijk_code="WK999901",
                gemeente_code="GM9999",
            )
        )
        session.flush()
        for start in range(0, count, BATCH):
            rows = []
            for number in range(start, min(start + BATCH, count)):
                if number % 3 == 0:
                    lat, lon = rng.choice(towns)
                    lat += rng.uniform(-TOWN_HALF_WIDTH, TOWN_HALF_WIDTH)
                    lon += rng.uniform(-TOWN_HALF_WIDTH, TOWN_HALF_WIDTH)
                else:
                    lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                rows.append(
                    {
                        "postcode": "9999AA",
                        "house_number": number + 1,
                        "buurt_code": "BU99990101",
                        "latitude": lat,
                        "longitude": lon,
                    }
                )
            session.execute(insert(Address), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--addresses", type=int, default=2_000_000)
    parser.add_argument("--pins", type=int, default=300)
    parser.add_argument("--url", help="database URL (default: a new SQLite file)")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as directory:
        url = args.url or f"sqlite:///{Path(directory) / 'bench.db'}"
        engine = make_engine(url)
        create_schema(engine)
        session_factory = make_session_factory(engine)
        started = time.perf_counter()
        fill(session_factory, args.addresses, rng)
        print(f"{args.addresses} addresses written in {time.perf_counter() - started:.0f} s")
        timings = []
        found = 0
        with session_factory() as session:
            for _ in range(args.pins):
                lat, lon = rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)
                started = time.perf_counter()
                found += nearest_address(session, lat, lon) is not None
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{args.pins} pins, {found} with an address within 1 km: "
            f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
            f"max {timings[-1]:.1f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
