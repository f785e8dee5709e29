"""The WhatsApp channel's handled message ids (whatsapp_processed_message) under Alembic.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Until now the channel created this table itself. A database where it already exists keeps
its rows: the table is adopted as it is (same columns and index), not created again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLE = "whatsapp_processed_message"
INDEX = "ix_whatsapp_processed_message_processed_at"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(TABLE):
        op.create_table(
            TABLE,
            sa.Column("message_id", sa.String(length=255), nullable=False),
            sa.Column("processed_at", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("message_id"),
        )
    if INDEX not in {index["name"] for index in inspector.get_indexes(TABLE)}:
        op.create_index(INDEX, TABLE, ["processed_at"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
