"""Callback requests (callback_request, the outbox) and their audit trail (callback_event).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Both tables are new, so running instances keep working during the upgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CODE = 16  # CODE_LENGTH of the models at the time.


def upgrade() -> None:
    op.create_table(
        "callback_request",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("role_code", sa.String(length=50), nullable=False),
        sa.Column("role_name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=CODE), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("gemeente_code", sa.String(length=CODE), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_organisation", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("handled_by", sa.String(length=100), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("mail_status", sa.String(length=16), nullable=False),
        sa.Column("mail_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=False),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("reference"),
    )
    op.create_index(
        "ix_callback_request_mail_due", "callback_request", ["mail_status", "next_attempt_at"]
    )
    op.create_index("ix_callback_request_role_area", "callback_request", ["role_code", "area_code"])
    op.create_index("ix_callback_request_status", "callback_request", ["status"])
    op.create_table(
        "callback_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["callback_request.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_callback_event_request_id", "callback_event", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_callback_event_request_id", table_name="callback_event")
    op.drop_table("callback_event")
    op.drop_index("ix_callback_request_status", table_name="callback_request")
    op.drop_index("ix_callback_request_role_area", table_name="callback_request")
    op.drop_index("ix_callback_request_mail_due", table_name="callback_request")
    op.drop_table("callback_request")
