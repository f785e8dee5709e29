"""The buurt outline benchmark at a small size: its file imports and every pin finds a buurt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.outlines import main, write_geojson
from bot.core.geo import iter_features, parse_geometry


@pytest.mark.parametrize("rd", [False, True])
def test_the_generated_file_is_a_grid_of_buurten(tmp_path: Path, rd: bool) -> None:
    path = tmp_path / "buurten.geojson"
    codes = write_geojson(path, 30, 16, rd)
    features = list(iter_features(path.read_text(encoding="utf-8")))
    assert [feature["properties"]["buurtcode"] for _, feature in features] == codes
    assert [line for line, _ in features] == list(range(3 + rd, 3 + rd + 30))
    shape = parse_geometry(features[0][1]["geometry"], rd=rd)
    # 16 vertices around the square, and a hole in every tenth buurt.
    assert len(shape.geoms[0].exterior.coords) == 17 and len(shape.geoms[0].interiors) == 1
    assert ("28992" in json.dumps(json.loads(path.read_text(encoding="utf-8")).get("crs"))) is rd


def test_import_and_pins_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--buurten", "30", "--vertices", "16", "--pins", "20"])
    out = capsys.readouterr().out
    assert "import of 30 buurten" in out and "20 pins (CPU time)" in out
