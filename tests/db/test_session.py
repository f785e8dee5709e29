"""Tests of the database URL, engines and schema creation with its default data."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.core.constants import DEFAULT_TOPIC_ROUTES, ROUTE_CODES
from bot.db.models import Role, RouteRule
from bot.db.session import create_schema, database_url, make_engine, make_session_factory


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKWIJZER_DATABASE_URL", "postgresql://db.example/wijkwijzer")
    assert database_url() == "postgresql://db.example/wijkwijzer"


def test_default_database_is_a_file_next_to_pyproject(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIJKWIJZER_DATABASE_URL", raising=False)
    url = database_url()
    assert url.startswith("sqlite:///")
    path = Path(url.removeprefix("sqlite:///"))
    assert path.name == "wijkwijzer.db"
    assert (path.parent / "pyproject.toml").is_file()


def test_importing_creates_no_engine_or_session(tmp_path: Path) -> None:
    # An engine made at import would fail on this URL before any test code ran.
    environment = {**os.environ, "WIJKWIJZER_DATABASE_URL": "nosuchdialect://nowhere/db"}
    code = "import bot.db, bot.db.session, bot.db.importer, bot.db.repositories, bot.directory"
    finished = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_in_memory_sqlite_keeps_its_data_across_sessions() -> None:
    factory = make_session_factory("sqlite://")
    create_schema(factory.kw["bind"])
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)


def test_schema_is_seeded_once_and_keeps_staff_edits(session_factory: sessionmaker) -> None:
    with session_factory() as session, session.begin():
        session.get(Role, "wijkagent").name = "de buurtagent"
    create_schema(session_factory.kw["bind"])
    create_schema(session_factory.kw["bind"])
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)
        assert session.get(Role, "wijkagent").name == "de buurtagent"
        rules = session.execute(
            select(RouteRule.topic, RouteRule.role_code).where(RouteRule.gemeente_code.is_(None))
        ).all()
    assert dict(rules) == DEFAULT_TOPIC_ROUTES
    assert len(rules) == len(DEFAULT_TOPIC_ROUTES)


def test_two_processes_creating_the_schema_at_once(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def create(engine: Engine) -> None:
        start.wait()
        try:
            create_schema(engine)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=create, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()

    assert errors == []
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Role)) == len(ROUTE_CODES)
    engine.dispose()
