"""The neighbourhood database: models, sessions, repositories and the importer."""

from bot.db.session import create_schema, database_url, make_engine, make_session_factory

__all__ = ["create_schema", "database_url", "make_engine", "make_session_factory"]
