"""Baseline: the schema as it was when migrations were introduced.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Databases made before Alembic already hold some or all of these tables (the buurt outlines
and the staff tables came later than the rest), so each table is created only when it is
missing; an existing one is left with its data. Later revisions assume this schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CODE = 16  # CODE_LENGTH of the models at the time: CBS codes plus a little room.


def _create_missing(
    existing: set[str],
    name: str,
    *elements: sa.Column | sa.Constraint,
    indexes: tuple[tuple[str, list[str]], ...] = (),
) -> None:
    if name in existing:
        return
    op.create_table(name, *elements)
    for index_name, columns in indexes:
        op.create_index(index_name, name, columns)


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    _create_missing(
        existing,
        "gemeente",
        sa.Column("code", sa.String(CODE), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(100), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("report_url", sa.String(500), nullable=False),
        sa.Column("hours", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    _create_missing(
        existing,
        "role",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organisation_type", sa.String(200), nullable=False),
        sa.Column("needs_location", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    _create_missing(
        existing,
        "staff_review_decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("intent", sa.String(100), nullable=True),
        sa.Column("written_text", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_staff_review_event"),
    )
    _create_missing(
        existing,
        "staff_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    _create_missing(
        existing,
        "contact",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("gemeente_code", sa.String(CODE), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role_code", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("hours", sa.String(500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["gemeente_code"], ["gemeente.code"]),
        sa.ForeignKeyConstraint(["role_code"], ["role.code"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_contact_role_gemeente", ["role_code", "gemeente_code"]),),
    )
    _create_missing(
        existing,
        "route_rule",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("role_code", sa.String(64), nullable=False),
        sa.Column("gemeente_code", sa.String(CODE), nullable=True),
        sa.ForeignKeyConstraint(["gemeente_code"], ["gemeente.code"]),
        sa.ForeignKeyConstraint(["role_code"], ["role.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("topic", "gemeente_code", name="uq_route_rule_topic"),
        indexes=(("ix_route_rule_topic", ["topic"]),),
    )
    _create_missing(
        existing,
        "wijk",
        sa.Column("code", sa.String(CODE), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_norm", sa.String(200), nullable=False),
        sa.Column("gemeente_code", sa.String(CODE), nullable=False),
        sa.ForeignKeyConstraint(["gemeente_code"], ["gemeente.code"]),
        sa.PrimaryKeyConstraint("code"),
        indexes=(
            ("ix_wijk_gemeente_code", ["gemeente_code"]),
            ("ix_wijk_name_norm", ["name_norm"]),
        ),
    )
    _create_missing(
        existing,
        "buurt",
        sa.Column("code", sa.String(CODE), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_norm", sa.String(200), nullable=False),
        sa.Column("wijk_code", sa.String(CODE), nullable=False),
        sa.Column("gemeente_code", sa.String(CODE), nullable=False),
        sa.ForeignKeyConstraint(["gemeente_code"], ["gemeente.code"]),
        sa.ForeignKeyConstraint(["wijk_code"], ["wijk.code"]),
        sa.PrimaryKeyConstraint("code"),
        indexes=(
            ("ix_buurt_gemeente_code", ["gemeente_code"]),
            ("ix_buurt_name_norm", ["name_norm"]),
            ("ix_buurt_wijk_code", ["wijk_code"]),
        ),
    )
    _create_missing(
        existing,
        "contact_area",
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(CODE), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contact_id", "area_code"),
        indexes=(("ix_contact_area_area_code", ["area_code"]),),
    )
    _create_missing(
        existing,
        "address",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("postcode", sa.CHAR(6), nullable=False),
        sa.Column("house_number", sa.Integer(), nullable=False),
        sa.Column("addition", sa.String(16), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("street_norm", sa.String(200), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("buurt_code", sa.String(CODE), nullable=False),
        sa.ForeignKeyConstraint(["buurt_code"], ["buurt.code"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(
            ("ix_address_buurt_code", ["buurt_code"]),
            ("ix_address_postcode_number", ["postcode", "house_number"]),
            ("ix_address_street_number", ["street_norm", "house_number"]),
        ),
    )
    _create_missing(
        existing,
        "buurt_shape",
        sa.Column("buurt_code", sa.String(CODE), nullable=False),
        sa.Column("min_lat", sa.Float(), nullable=False),
        sa.Column("max_lat", sa.Float(), nullable=False),
        sa.Column("min_lon", sa.Float(), nullable=False),
        sa.Column("max_lon", sa.Float(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["buurt_code"], ["buurt.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("buurt_code"),
        indexes=(
            ("ix_buurt_shape_lat", ["min_lat", "max_lat"]),
            ("ix_buurt_shape_lon", ["min_lon", "max_lon"]),
        ),
    )


def downgrade() -> None:
    # Children before parents, so foreign keys never point at a dropped table.
    for name in (
        "buurt_shape",
        "address",
        "contact_area",
        "buurt",
        "wijk",
        "route_rule",
        "contact",
        "staff_user",
        "staff_review_decision",
        "role",
        "gemeente",
    ):
        op.drop_table(name)
