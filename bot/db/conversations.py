"""Rasa's SQL tracker store settings from WIJKWIJZER_TRACKER_STORE_URL, and its `events` table."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import make_url

from bot.settings import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]

ENV_TRACKER_STORE_URL: Final = "WIJKWIJZER_TRACKER_STORE_URL"
# The variables endpoints.yml reads (unquoted `${VAR}`, the only form Rasa expands).
ENV_DIALECT: Final = "WIJKWIJZER_TRACKER_DIALECT"
ENV_HOST: Final = "WIJKWIJZER_TRACKER_HOST"
ENV_PORT: Final = "WIJKWIJZER_TRACKER_PORT"
ENV_DB: Final = "WIJKWIJZER_TRACKER_DB"
ENV_USERNAME: Final = "WIJKWIJZER_TRACKER_USERNAME"
ENV_PASSWORD: Final = "WIJKWIJZER_TRACKER_PASSWORD"

DEFAULT_PORTS: Final = {"postgresql": 5432, "mysql": 3306, "mssql": 1433, "oracle": 1521}


def tracker_store_url() -> str:
    """The configured SQLAlchemy URL of the conversations, or `trackers.db` in the project."""
    return settings().tracker_store


def tracker_store_settings(url: str | None = None) -> dict[str, str]:
    """The environment variables endpoints.yml's `tracker_store` reads, from one SQLAlchemy URL.

    Every variable is set, possibly to "": Rasa refuses an endpoints file whose `${VAR}` is
    unset. The port is always a number, since Rasa casts it with int(); "0" means "none"
    (SQLAlchemy leaves out a false port, and SQLite refuses any host, port or user).
    """
    parsed = make_url(url or tracker_store_url())
    if parsed.query:
        raise ValueError(
            f"{ENV_TRACKER_STORE_URL}: query options ({', '.join(parsed.query)}) cannot be "
            "passed to Rasa's tracker store; set them on the database server instead"
        )
    dialect = parsed.drivername
    backend = parsed.get_backend_name()
    database = parsed.database or ""
    if backend == "sqlite":
        if not database or database == ":memory:":
            raise ValueError(f"{ENV_TRACKER_STORE_URL}: conversations need an SQLite file")
        # Rasa runs in the project directory, but a relative path should not depend on it.
        database = str((PROJECT_ROOT / database).resolve())
        host, port, username, password = "", 0, "", ""
    else:
        if not database:
            raise ValueError(f"{ENV_TRACKER_STORE_URL}: the URL names no database")
        host = parsed.host or ""
        port = parsed.port or DEFAULT_PORTS.get(backend, 0)
        username = parsed.username or ""
        password = parsed.password or ""
    return {
        ENV_DIALECT: dialect,
        ENV_HOST: host,
        ENV_PORT: str(port),
        ENV_DB: database,
        ENV_USERNAME: username,
        ENV_PASSWORD: str(password),
    }


# Rasa's SQLTrackerStore.SQLEvent, spelled out for reading with SQLAlchemy Core, so that
# bot/ reads conversations without importing Rasa.
tracker_metadata = MetaData()
events_table = Table(
    "events",
    tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
