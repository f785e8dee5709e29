"""Shared pytest fixtures for the whole test suite."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.db.importer import import_directory
from bot.db.session import create_schema, make_engine, make_session_factory
from bot.directory import ContactDirectory
from tests.support.postgres import create_database, drop_database
from tests.support.servers import DEMO_DIR, PROJECT_ROOT, VOORBEELD_DIR
from tests.support.smtp import LoopbackSmtp


@pytest.fixture(scope="session", autouse=True)
def data_key_in_environment() -> Iterator[None]:
    """A key for sealed callback details, so that no test writes `.wijkwijzer-data-key` into
    the checkout (one file for every parallel worker); servers a test starts inherit it."""
    with pytest.MonkeyPatch.context() as patch:
        if not os.environ.get("WIJKWIJZER_DATA_KEY", "").strip():
            patch.setenv("WIJKWIJZER_DATA_KEY", f"tests-{secrets.token_urlsafe(24)}")
        yield


# =============================================================================================
# Neighbourhood database (bot/db, bot/directory)
#
#   db_url            an empty database: SQLite (file in tmp_path) and PostgreSQL (a fresh
#                     database per test session on 127.0.0.1:5432, skipped when unreachable)
#   session_factory   sessions on db_url with the schema created and defaults seeded
#   voorbeeld_dir     the public sample municipality Rivierstad (../shared/eval/voorbeeld)
#   demo_dir          the demo municipality Weidehaven (demo/)
#   voorbeeld_directory, demo_directory
#                     a ContactDirectory on session_factory with that municipality imported
# =============================================================================================


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    url = create_database("test")
    try:
        yield url
    finally:
        drop_database(url)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        # A test that forgot to dispose an engine must not block the next test's schema.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'wijkwijzer.db'}"
    url: str = request.getfixturevalue("postgres_database_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def session_factory(db_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(db_url)
    create_schema(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def voorbeeld_dir() -> Path:
    if not (VOORBEELD_DIR / "buurten.csv").is_file():
        pytest.skip(f"sample municipality not found at {VOORBEELD_DIR}")
    return VOORBEELD_DIR


@pytest.fixture
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture
def voorbeeld_directory(session_factory: sessionmaker, voorbeeld_dir: Path) -> ContactDirectory:
    import_directory(voorbeeld_dir, session_factory)
    return ContactDirectory(session_factory)


@pytest.fixture
def demo_directory(session_factory: sessionmaker, demo_dir: Path) -> ContactDirectory:
    import_directory(demo_dir, session_factory)
    return ContactDirectory(session_factory)


# ============================ end of the neighbourhood database section ======================


# =============================================================================================
# Rasa custom actions: a dispatcher, the real domain and a tracker factory
# =============================================================================================


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The real domain as rasa-sdk receives it (a dict)."""
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def make_tracker() -> Callable[..., Tracker]:
    """Build a tracker the way rasa-sdk's own tests do (Tracker.from_dict)."""

    def make(
        slots: dict[str, Any] | None = None,
        text: str = "",
        intent: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        intent_ranking: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
        metadata: dict[str, Any] | None = None,
        events: list[dict[str, Any]] | None = None,
        sender_id: str = "test-resident",
    ) -> Tracker:
        latest_message = {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0} if intent else {},
            "entities": entities or [],
            "intent_ranking": intent_ranking or [],
            "metadata": metadata or {},
        }
        return Tracker.from_dict(
            {
                "sender_id": sender_id,
                "slots": dict(slots or {}),
                "latest_message": latest_message,
                "events": list(events or []),
                "paused": False,
                "followup_action": None,
                "active_loop": {"name": active_loop} if active_loop else {},
                "latest_action_name": "action_listen",
            }
        )

    return make


@pytest.fixture
def smtp_server() -> Iterator[LoopbackSmtp]:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it receives."""
    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()


# =============================================================================================
# Two municipalities in one deployment: Rivierstad as it is, Weidehaven with its own routing
# table, role texts and a deployment default for the general contact details.
# =============================================================================================

WEIDEHAVEN_ROUTES = (
    "onderwerp,rol\nliveability,wijkregisseur\n"
    "Buren ontmoeten of vrijwilligerswerk,Opbouwwerker\n"
)
WEIDEHAVEN_ROLLEN = (
    "rol,naam,beschrijving\n"
    "Wijkregisseur,de gebiedsregisseur,Werkt bij de gemeente Weidehaven en zorgt voor een "
    "prettige wijk.\n"
)


@pytest.fixture
def weidehaven_dir(tmp_path: Path) -> Path:
    """The demo municipality with routes.csv, rollen.csv and a `standaard` gemeenten.csv row."""
    target = tmp_path / "weidehaven"
    target.mkdir()
    for name in ("buurten.csv", "adressen.csv", "contacten.csv"):
        (target / name).write_bytes((DEMO_DIR / name).read_bytes())
    (target / "gemeenten.csv").write_text(
        (DEMO_DIR / "gemeenten.csv").read_text(encoding="utf-8")
        + "standaard,14 0000,https://www.regio.example,,werkdagen 9.00-17.00 uur\n",
        encoding="utf-8",
    )
    (target / "routes.csv").write_text(WEIDEHAVEN_ROUTES, encoding="utf-8")
    (target / "rollen.csv").write_text(WEIDEHAVEN_ROLLEN, encoding="utf-8")
    return target


@pytest.fixture
def two_gemeenten_directory(
    session_factory: sessionmaker, voorbeeld_dir: Path, weidehaven_dir: Path
) -> ContactDirectory:
    import_directory(voorbeeld_dir, session_factory)
    import_directory(weidehaven_dir, session_factory)
    return ContactDirectory(session_factory)
