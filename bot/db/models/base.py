"""The declarative base every table of the project's database is declared on."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeMeta, registry

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """Declarative base spelled out, so type checkers see a real class (SQLAlchemy 1.4 style)."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor
