"""National-size data: generate, `wijkwijzer import`, then time lookups on SQLite and PostgreSQL.

    python -m benchmarks.national                       # quick: 200,000 addresses
    python -m benchmarks.national --addresses 8000000   # the national figure (~20 min)

With --workdir and --keep the generated data, the SQLite file and the PostgreSQL database
(named by --postgres-database) stay, and a later run with the same options times lookups on
them again without a new import: before and after a change to the lookups, on the same data.

Prints, per database: import time, peak memory of the import process (and its memory at each
quarter of the run, to show it does not grow with the file), database size, and p50/p99 of
postcode, street + number and buurt-name lookups through the real ContactDirectory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import SQLAlchemyError

from benchmarks.synthetic import DataSet, generate
from bot.db.models import Address
from bot.db.session import make_engine, make_session_factory
from bot.directory import ContactDirectory

POSTGRES_SERVER_URL = os.environ.get(
    "WIJKWIJZER_BENCH_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
RSS_SAMPLE_SECONDS = 0.2


@dataclass
class ImportFigures:
    seconds: float
    peak_rss_mb: float
    # Resident memory at 25, 50, 75 and 100 % of the import's duration.
    rss_quarters_mb: list[float]
    database_mb: float
    rows: int
    output: str


@dataclass
class LookupFigures:
    kind: str
    latencies_ms: list[float]
    statuses: Counter[str] = field(default_factory=Counter)

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    def line(self) -> str:
        statuses = ", ".join(f"{key} {count}" for key, count in sorted(self.statuses.items()))
        return (
            f"  {self.kind:<16} n={len(self.latencies_ms):<5} "
            f"p50 {statistics.median(self.latencies_ms):6.2f} ms  "
            f"p99 {self.percentile(0.99):6.2f} ms  max {max(self.latencies_ms):7.2f} ms  "
            f"({statuses})"
        )


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_import(directory: Path, database_url: str) -> ImportFigures:
    """`wijkwijzer import DIR` in its own process, sampling its memory while it runs."""
    wijkwijzer = str(Path(sys.executable).with_name("wijkwijzer"))
    env = dict(os.environ, WIJKWIJZER_DATABASE_URL=database_url)
    started = time.monotonic()
    process = subprocess.Popen(
        [wijkwijzer, "import", str(directory)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    samples: list[tuple[float, int]] = []
    # wait4 gives this child's own peak RSS (ru_maxrss), which poll() would throw away.
    # The child's output is small (one report line), so the pipe cannot fill up meanwhile.
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        samples.append((time.monotonic() - started, _rss_kb(process.pid)))
        time.sleep(RSS_SAMPLE_SECONDS)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    output = process.stdout.read().strip() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"import failed ({process.returncode}):\n{output}")
    quarters = []
    for quarter in (0.25, 0.5, 0.75, 1.0):
        before = [kb for at, kb in samples if at <= quarter * seconds and kb]
        quarters.append((before[-1] if before else 0) / 1024)
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = int(connection.scalar(select(func.count()).select_from(Address)) or 0)
            if engine.dialect.name == "postgresql":
                size = int(connection.scalar(text("SELECT pg_database_size(current_database())")))
            else:
                size = Path(engine.url.database or "").stat().st_size
    finally:
        engine.dispose()
    return ImportFigures(
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        rss_quarters_mb=quarters,
        database_mb=size / 1024 / 1024,
        rows=rows,
        output=output,
    )


def _timed(kind: str, queries: list[str], call: Callable[[str], str]) -> LookupFigures:
    figures = LookupFigures(kind, [])
    for query in queries:
        started = time.perf_counter()
        status = call(query)
        figures.latencies_ms.append((time.perf_counter() - started) * 1000)
        figures.statuses[status] += 1
    return figures


def run_lookups(
    data: DataSet, database_url: str, count: int, seed: int = 11
) -> tuple[float, list[LookupFigures]]:
    """(ms to load the name index, figures per lookup kind) through the real ContactDirectory."""
    rng = random.Random(seed)
    engine = make_engine(database_url)
    directory = ContactDirectory(make_session_factory(engine))
    try:
        started = time.perf_counter()
        directory.resolve_location("ik woon in de " + data.buurt_names[0][0])
        index_ms = (time.perf_counter() - started) * 1000

        def pick(items: list) -> list:  # type: ignore[type-arg]
            return [rng.choice(items) for _ in range(count)] if items else []

        def status(query: str) -> str:
            return directory.resolve_location(query).status

        postcodes = [f"Wie is de wijkagent voor {pc}?" for pc in pick(data.postcodes)]
        streets = [f"Ik woon op de {s} {n} in {place}" for s, n, place in pick(data.streets)]
        bare_streets = [f"{s} {n}" for s, n, _place in pick(data.streets)]
        names = [f"ik woon in de {name}" for name, _gemeente in pick(data.buurt_names)]
        with_place = [f"{name} in {gemeente}" for name, gemeente in pick(data.buurt_names)]
        # A typo in the name: the fuzzy search over every buurt name in the country.
        typos = [
            f"ik woon in de {name[:3] + name[4:]}" for name, _gemeente in pick(data.buurt_names)
        ]
        found_areas = []
        for query in postcodes[: min(200, len(postcodes))]:
            result = directory.resolve_location(query)
            if result.area is not None:
                found_areas.append(result.area.code)

        def card(code: str) -> str:
            found = directory.find_contacts("wijkagent", code)
            return found.area.level if found else "none"

        figures = [
            _timed("postcode", postcodes, status),
            _timed("street+number", streets, status),
            _timed("street (bare)", bare_streets, status),
            _timed("buurt name", names, status),
            _timed("buurt+gemeente", with_place, status),
            _timed("buurt (typo)", typos, status),
            _timed("contact card", pick(found_areas), card),
        ]
    finally:
        engine.dispose()
    return index_ms, [each for each in figures if each.latencies_ms]


@contextmanager
def fresh_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database, dropped afterwards."""
    server = create_engine(POSTGRES_SERVER_URL, future=True, isolation_level="AUTOCOMMIT")
    name = f"wijkwijzer_bench_{uuid.uuid4().hex[:10]}"
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@contextmanager
def kept_postgres(name: str) -> Iterator[str]:
    """The PostgreSQL database `name`, created when missing and left in place afterwards."""
    server = create_engine(POSTGRES_SERVER_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.url.set(database=name).render_as_string(hide_password=False)
    finally:
        server.dispose()


@contextmanager
def database(
    kind: str, workdir: Path, keep: bool = False, postgres_database: str = ""
) -> Iterator[str]:
    if kind == "sqlite":
        path = workdir / "national.db"
        if not keep:
            path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        if not keep:
            path.unlink(missing_ok=True)
    elif kind == "postgresql":
        if keep:
            with kept_postgres(postgres_database) as url:
                yield url
        else:
            with fresh_postgres() as url:
                yield url
    else:
        raise SystemExit(f"unknown database {kind!r}: use sqlite or postgresql")


def imported_rows(database_url: str) -> int:
    """Addresses already in a kept database (0 when it is new or empty)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Address)) or 0)
    except SQLAlchemyError:
        return 0
    finally:
        engine.dispose()


def _data_set(directory: Path, addresses: int, street_addresses: int) -> DataSet:
    """Generate, or reuse what an earlier run with the same sizes left in --workdir."""
    marker = directory / "dataset.json"
    wanted = {"addresses": addresses, "street_addresses": street_addresses}
    if marker.is_file():
        saved = json.loads(marker.read_text())
        if saved.pop("asked") == wanted:
            saved["directory"] = directory
            return DataSet(**saved)
    data = generate(directory, addresses, street_addresses=street_addresses)
    saved = {key: value for key, value in vars(data).items() if key != "directory"}
    marker.write_text(json.dumps({**saved, "asked": wanted}))
    return data


def _print_lookups(data: DataSet, url: str, count: int) -> None:
    before_kb = _rss_kb(os.getpid())
    index_ms, lookups = run_lookups(data, url, count)
    grown_mb = (_rss_kb(os.getpid()) - before_kb) / 1024
    print(f"  name index (all areas) loaded in {index_ms:.0f} ms; RSS +{grown_mb:.0f} MB")
    for each in lookups:
        print(each.line())
    print(f"  load now: {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--addresses", type=int, default=200_000, help="national: 8000000")
    parser.add_argument(
        "--street-addresses",
        type=int,
        default=100_000,
        help="addresses (whole gemeenten) that also get a street in adressen.csv",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--lookups", type=int, default=2000, help="lookups per kind")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary dir")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep data and databases in --workdir; reuse them when they hold the data",
    )
    parser.add_argument(
        "--postgres-database",
        default="wijkwijzer_bench_kept",
        help="the PostgreSQL database kept with --keep",
    )
    args = parser.parse_args(argv)
    if args.keep and args.workdir is None:
        parser.error("--keep needs --workdir")

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="wijkwijzer-national-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        data = _data_set(workdir / "data", args.addresses, args.street_addresses)
        size = sum(path.stat().st_size for path in (workdir / "data").iterdir()) / 1024 / 1024
        print(
            f"data set: {data.addresses:,} addresses ({data.street_addresses:,} with street), "
            f"{data.gemeenten} gemeenten, {data.wijken} wijken, {data.buurten} buurten, "
            f"{data.contacts} contacts; {size:.0f} MB written in "
            f"{time.monotonic() - started:.0f} s"
        )
        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} at start")
        for kind in args.databases.split(","):
            with database(kind.strip(), workdir, args.keep, args.postgres_database) as url:
                # An import is all or nothing: any address means a complete one.
                existing = imported_rows(url) if args.keep else 0
                if existing:
                    print(f"\n{kind}: {existing:,} addresses already imported, lookups only")
                    _print_lookups(data, url, args.lookups)
                    continue
                figures = run_import(workdir / "data", url)
                quarters = " / ".join(f"{mb:.0f}" for mb in figures.rss_quarters_mb)
                print(f"\n{kind}: {figures.output[:100]}...")
                print(
                    f"  import: {figures.seconds:.0f} s ({figures.rows / figures.seconds:,.0f} "
                    f"addresses/s), {figures.rows:,} rows"
                )
                print(
                    f"  import memory: peak {figures.peak_rss_mb:.0f} MB RSS; at 25/50/75/100 % "
                    f"of the run {quarters} MB"
                )
                print(f"  database size: {figures.database_mb:.0f} MB")
                _print_lookups(data, url, args.lookups)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
