"""Contacts' audit trail (contact_change) and the data version counter (data_version).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Both tables are new, so running instances keep working during the upgrade. The counter
starts at 0 for the neighbourhood data; every change of contacts or areas raises it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CODE = 16  # CODE_LENGTH of the models at the time.


def upgrade() -> None:
    op.create_table(
        "contact_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("gemeente_code", sa.String(length=CODE), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_change_action", "contact_change", ["action"])
    op.create_index("ix_contact_change_changed_at", "contact_change", ["changed_at"])
    op.create_index("ix_contact_change_contact_id", "contact_change", ["contact_id"])
    data_version = op.create_table(
        "data_version",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(data_version, [{"name": "neighbourhood", "version": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
    op.drop_index("ix_contact_change_contact_id", table_name="contact_change")
    op.drop_index("ix_contact_change_changed_at", table_name="contact_change")
    op.drop_index("ix_contact_change_action", table_name="contact_change")
    op.drop_table("contact_change")
