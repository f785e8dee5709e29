"""Revisions of the neighbourhood database schema, oldest first by number."""
