"""Many municipalities: per-gemeente role names and texts, a deployment default contact.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Both tables are new, so existing data is untouched; the default contact starts empty.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "general_contact_default",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=False),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("report_url", sa.String(length=500), nullable=False),
        sa.Column("hours", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "role_override",
        sa.Column("gemeente_code", sa.String(length=16), nullable=False),
        sa.Column("role_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["gemeente_code"], ["gemeente.code"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["role_code"], ["role.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("gemeente_code", "role_code"),
    )


def downgrade() -> None:
    op.drop_table("role_override")
    op.drop_table("general_contact_default")
