"""Engine and session factory from WIJKWIJZER_DATABASE_URL; schema migration and default seeding."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from bot.core.constants import DEFAULT_TOPIC_ROUTES
from bot.core.roles import DEFAULT_ROLES
from bot.db.migrate import locked_connection, upgrade_connection
from bot.db.models import Role, RouteRule
from bot.db.repositories import DataVersionRepository
from bot.settings import settings


def database_url() -> str:
    """The configured SQLAlchemy URL, or an SQLite file next to pyproject.toml."""
    return settings().database


def _is_memory_sqlite(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url


def make_engine(url: str | None = None) -> Engine:
    """A 2.0-style engine; SQLite gets foreign keys switched on for every connection."""
    url = url or database_url()
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
        if _is_memory_sqlite(url):
            # Every new connection to ":memory:" would see an empty database of its own.
            kwargs["poolclass"] = StaticPool
        else:
            # SQLAlchemy 1.4 opens a new SQLite connection per session for files (NullPool);
            # a pool saves the connect and the schema parse on every lookup.
            kwargs["poolclass"] = QueuePool
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(url: str | Engine | None = None) -> sessionmaker:
    """Sessions on `url` (or an existing engine); the default is `database_url()`."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


SCHEMA_ATTEMPTS = 6


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest migration, then add missing default roles and routes.

    A fresh database gets every revision; one made before migrations is adopted at the
    baseline and upgraded, keeping its data (bot.db.migrate). Migrating and seeding run in
    one transaction under a lock, so the bot, the action server and other instances that
    start together take turns.
    """
    # The lock covers PostgreSQL and SQLite; a loaded machine can still make SQLite's wait
    # for the lock run out, or another database refuse the loser of a race, and a later
    # look finds it all there.
    for attempt in range(1, SCHEMA_ATTEMPTS + 1):
        try:
            with locked_connection(engine) as connection:
                upgrade_connection(connection)
                # Bound to the locked connection, the session joins its transaction.
                with Session(bind=connection, future=True) as session:
                    seed_defaults(session)
                    session.flush()
            return
        except DBAPIError:
            if attempt == SCHEMA_ATTEMPTS:
                raise
            time.sleep(0.1 * attempt)


def seed_defaults(session: Session) -> None:
    """Insert default roles and routes that are not there yet; staff edits are left alone."""
    existing_roles = set(session.scalars(select(Role.code)))
    for role in DEFAULT_ROLES:
        if role.code not in existing_roles:
            session.add(
                Role(
                    code=role.code,
                    name=role.name,
                    description=role.description,
                    organisation_type=role.organisation_type,
                    needs_location=role.needs_location,
                )
            )
    session.flush()
    DataVersionRepository(session).ensure()
    routed_topics = set(
        session.scalars(select(RouteRule.topic).where(RouteRule.gemeente_code.is_(None)))
    )
    for topic, role_code in DEFAULT_TOPIC_ROUTES.items():
        if topic not in routed_topics:
            session.add(RouteRule(topic=topic, role_code=role_code, gemeente_code=None))
