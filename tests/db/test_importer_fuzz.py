"""Generated hostile CSV files (Hypothesis) for `wijkwijzer import`: each import either succeeds
or fails with Dutch problems, and a failed one leaves every table exactly as it was."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.importer import ImportFailed, import_directory
from bot.db.models.base import Base

FILES = ["contacten.csv", "buurten.csv", "gemeenten.csv", "adressen.csv"]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u200e"
cell = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from([*BIDI, "\x00", "\r", "\n", '"', ",", ";", "="]), max_size=8),
    st.text(min_size=300, max_size=3000),
    st.just(""),
)
# A hostile line among the real ones keeps the rest of the file valid, so the checks behind the
# header are reached too; a whole-file replacement tries encodings and structure.
hostile_line = st.lists(cell, max_size=10).map(lambda cells: ",".join(cells))
whole_file = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.text(max_size=500).map(lambda t: t.encode("utf-16")),
)


def snapshot(session_factory: Callable[[], Session]) -> dict[str, Any]:
    """Every row of every table, comparable."""
    with session_factory() as session:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in session.execute(select(table))), key=repr
            )
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def imported(session_factory: sessionmaker, demo_dir: Path) -> sessionmaker:
    import_directory(demo_dir, session_factory)
    return session_factory


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(FILES),
    line=hostile_line,
    position=st.integers(min_value=0, max_value=5),
    whole=st.one_of(st.none(), whole_file),
)
def test_a_hostile_file_imports_or_changes_nothing(
    imported: sessionmaker,
    demo_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    line: str,
    position: int,
    whole: bytes | None,
) -> None:
    source = tmp_path_factory.mktemp("hostile") / "gemeente"
    shutil.copytree(demo_dir, source)
    target = source / name
    if whole is not None:
        target.write_bytes(whole)
    else:
        lines = target.read_text(encoding="utf-8").splitlines()
        lines.insert(min(position + 1, len(lines)), line)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    before = snapshot(imported)
    try:
        import_directory(source, imported)
    except ImportFailed as failed:
        assert failed.problems, "a refusal names what is wrong"
        for problem in failed.problems:
            assert problem.message and "Traceback" not in problem.message
        assert snapshot(imported) == before
