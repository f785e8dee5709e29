"""Alembic migration scripts of the neighbourhood database (run through bot.db.migrate)."""
