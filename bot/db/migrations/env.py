"""Alembic environment: the neighbourhood models' metadata and WIJKWIJZER_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from bot.db.migrate import context_options, locked_connection
from bot.db.session import database_url, make_engine

config = context.config


def run_on(connection: object) -> None:
    context.configure(connection=connection, **context_options())
    # The caller's transaction (locked_connection) wraps all revisions; Alembic adds none.
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=database_url(), literal_binds=True, **context_options())
    with context.begin_transaction():
        context.run_migrations()
elif "connection" in config.attributes:
    run_on(config.attributes["connection"])
else:
    engine = make_engine()
    try:
        with locked_connection(engine) as connection:
            run_on(connection)
    finally:
        engine.dispose()
