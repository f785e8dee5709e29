"""The national-size data benchmark at a small size: generator, real import and lookups run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks.national import main, run_import, run_lookups
from benchmarks.synthetic import PC6HNR_FILE, generate
from bot.db.importer import PC6HNR_PATTERN


def test_generated_data_has_the_cbs_shape(tmp_path: Path) -> None:
    data = generate(tmp_path, 6000, street_addresses=1500, samples=50)
    assert (tmp_path / PC6HNR_FILE).match(PC6HNR_PATTERN)
    with open(tmp_path / PC6HNR_FILE, encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["PC6", "Huisnummer", "Buurt2023", "Wijk2023", "Gemeente2023"]
    body = rows[1:]
    assert len(body) == data.addresses == 6000
    # Sorted by postcode and house number as CBS ships it, each address once.
    keys = [(pc6, int(number)) for pc6, number, *_ in body]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    # Codes without prefix; a buurt code starts with its wijk code, that with the gemeente's.
    assert all(b.startswith(w) and w.startswith(g) for _, _, b, w, g in body)
    assert data.buurten == len({row[2] for row in body})
    with open(tmp_path / "adressen.csv", encoding="utf-8") as handle:
        own = list(csv.DictReader(handle))
    assert len(own) == data.street_addresses >= 1500
    assert all(row["straat"] for row in own)


def test_import_and_lookups_at_a_small_size(tmp_path: Path, db_url: str) -> None:
    # Small buurten, so there are several gemeenten and only the first has streets.
    data = generate(
        tmp_path / "data", 4000, street_addresses=1000, samples=40, addresses_per_buurt=40
    )
    assert data.gemeenten > 1 and data.street_addresses < data.addresses
    figures = run_import(tmp_path / "data", db_url)
    assert figures.rows == data.addresses
    assert figures.peak_rss_mb > 0 and figures.database_mb > 0
    assert "Import gelukt" in figures.output

    _index_ms, lookups = run_lookups(data, db_url, count=30)
    by_kind = {figures.kind: figures for figures in lookups}
    assert set(by_kind) >= {"postcode", "street+number", "buurt name", "contact card"}
    for figures in lookups:
        assert len(figures.latencies_ms) == 30
    # Every generated postcode lies in one buurt; streets with a place name are unique.
    assert by_kind["postcode"].statuses == {"found": 30}
    assert by_kind["street+number"].statuses == {"found": 30}
    assert set(by_kind["buurt name"].statuses) <= {"found", "ambiguous"}
    assert by_kind["buurt name"].statuses["found"] > 0
    # Contacts are generated per wijk (wijkagent), so a buurt's card comes from its wijk.
    assert by_kind["contact card"].statuses == {"wijk": 30}


def test_kept_data_and_database_are_reused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--addresses", "3000", "--street-addresses", "500", "--lookups", "5"]
    arguments += ["--databases", "sqlite", "--workdir", str(tmp_path), "--keep"]
    main(arguments)
    first = capsys.readouterr().out
    database = tmp_path / "national.db"
    assert "import:" in first and database.is_file()
    imported_at = database.stat().st_mtime_ns

    main(arguments)

    second = capsys.readouterr().out
    assert "3,000 addresses already imported, lookups only" in second
    assert "import:" not in second and "buurt (typo)" in second
    assert database.stat().st_mtime_ns == imported_at
