"""Databases of their own on the local PostgreSQL server (127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.support.servers import refuse_in_fast_lane

# The server's maintenance database; the tests create their databases next to it.
POSTGRES_SERVER_URL = os.environ.get(
    "WIJKWIJZER_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


def _server_engine() -> Any:
    return create_engine(
        POSTGRES_SERVER_URL,
        future=True,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 3},
    )


def create_database(label: str) -> str:
    """A fresh database on the local PostgreSQL; skips the test when none is reachable."""
    refuse_in_fast_lane("a PostgreSQL database", "postgres")
    server = _server_engine()
    try:
        with server.connect() as connection:
            name = f"wijkwijzer_{label}_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        pytest.skip(f"PostgreSQL not reachable at {server.url!r}: {reason}")
    finally:
        server.dispose()
    return str(server.url.set(database=name).render_as_string(hide_password=False))


def _database_name(url: str) -> str:
    return str(make_url(url).database)


def drop_database(url: str) -> None:
    server = _server_engine()
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{_database_name(url)}" WITH (FORCE)'))
    server.dispose()


def set_database_online(url: str, online: bool) -> None:
    """Take a database down as its users see it: no new connections, current ones cut."""
    name = _database_name(url)
    server = _server_engine()
    with server.connect() as connection:
        allow = "true" if online else "false"
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {allow}'))
        if not online:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
    server.dispose()
