"""Staff accounts get a role (staff_user.role) and an audit trail (staff_account_event).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Accounts that exist already become `beheerder`: they could do everything until now, and
someone must be able to hand out the narrower roles. New accounts get the role they are
created with.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("role", sa.String(length=20), nullable=False, server_default="beheerder")
        )
    # The default only fills the existing rows; the code always names the role.
    with op.batch_alter_table("staff_user") as batch:
        batch.alter_column("role", server_default=None)
    op.create_table(
        "staff_account_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("account", sa.String(length=100), nullable=False),
        sa.Column("before", sa.String(length=100), nullable=False),
        sa.Column("after", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_account_event_at", "staff_account_event", ["at"])


def downgrade() -> None:
    op.drop_index("ix_staff_account_event_at", table_name="staff_account_event")
    op.drop_table("staff_account_event")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("role")
