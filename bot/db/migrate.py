"""Alembic migrations of the neighbourhood database: upgrade under a lock, status, new revisions."""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)
# Alembic tells about every plugin and context it sets up; upgrades are logged here instead.
if logging.getLogger("alembic").level == logging.NOTSET:
    logging.getLogger("alembic").setLevel(logging.WARNING)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BASELINE_REVISION = "0001"
# A table of the schema before Alembic: its presence without alembic_version marks such a database.
PRE_ALEMBIC_MARKER_TABLE = "gemeente"
# A table that may live in the same database but is managed by its owner, not by migrations:
# Rasa's SQL tracker store (when conversations share the database).
FOREIGN_TABLES = frozenset({"events"})
# pg_advisory_xact_lock key: "wijkwijz" as a number, so other programs' locks don't collide.
POSTGRES_LOCK_KEY = 0x77696A6B77696A7A


def target_metadata() -> MetaData:
    """The metadata with every table of the neighbourhood database registered on it."""
    from bot.db.models import metadata

    return metadata


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Autogenerate leaves alone the tables that others manage in the same database."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def context_options() -> dict[str, Any]:
    """configure() options shared by upgrades, comparisons and new revisions."""
    return {
        "target_metadata": target_metadata(),
        "include_name": include_name,
        "compare_type": True,
        # SQLite cannot ALTER most things; batch operations copy the table, elsewhere they ALTER.
        "render_as_batch": True,
    }


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration without alembic.ini; env.py uses `connection` when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest revision; more than one head means two branches must be put in line."""
    heads = script_directory().get_heads()
    if len(heads) != 1:
        raise RuntimeError(
            f"Migrations have {len(heads)} heads ({', '.join(sorted(heads))}); give the newest "
            "revision the other as down_revision (docs/migrations.md)."
        )
    return heads[0]


@contextmanager
def locked_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other process migrates at the same time.

    The bot, the action server and further instances start together: on PostgreSQL an
    advisory lock makes them migrate one after the other; SQLite's BEGIN IMMEDIATE takes
    the database's write lock for the whole migration, so it is one atomic transaction there
    too. The transaction is committed when the block ends without an error.
    """
    with engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            # Copying tables in batch migrations must not trip over foreign keys, and this
            # pragma is ignored inside a transaction, so it comes first.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield connection
                    connection.commit()
                except BaseException:
                    connection.rollback()
                    raise
            finally:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            return
        if dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY}
            )
        yield connection
        connection.commit()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Bring the database on `connection` (already locked) to `revision`.

    A database made before Alembic (tables present, no alembic_version) is adopted: the
    baseline creates only the tables it lacks (buurt outlines and staff tables came later
    than the rest) and records itself, so the data stays and later revisions follow.
    """
    config = alembic_config(connection)
    before = current_revision(connection)
    if before is None and inspect(connection).has_table(PRE_ALEMBIC_MARKER_TABLE):
        logger.info("Database made before migrations: adopting it at the baseline.")
        command.upgrade(config, BASELINE_REVISION)
    command.upgrade(config, revision)
    after = current_revision(connection)
    if after != before:
        logger.info("Database schema upgraded from %s to %s.", before or "nothing", after)


def upgrade(engine: Engine, revision: str = "head") -> None:
    with locked_connection(engine) as connection:
        upgrade_connection(connection, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with locked_connection(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def history() -> list[str]:
    """One line per revision, newest first: 'id  message'."""
    lines = []
    for script in script_directory().walk_revisions():
        lines.append(f"{script.revision}  {script.doc}")
    return lines


def next_revision_id() -> str:
    numbers = [
        int(script.revision)
        for script in script_directory().walk_revisions()
        if re.fullmatch(r"\d+", script.revision)
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def new_revision(message: str, *, autogenerate: bool = True) -> Path:
    """Write a revision file for the difference between the models and the newest revision.

    The comparison runs on a temporary SQLite database brought to head, so whatever the
    developer's own database holds does not leak into the migration.
    """
    with tempfile.TemporaryDirectory() as directory:
        engine = create_engine(f"sqlite:///{directory}/head.db", future=True)
        try:
            upgrade(engine)
            with engine.connect() as connection:
                script = command.revision(
                    alembic_config(connection),
                    message=message,
                    autogenerate=autogenerate,
                    rev_id=next_revision_id(),
                )
        finally:
            engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
