"""Address coordinates: optional WGS84 position of each address, for location pins.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Nullable columns, so existing rows stay valid and running instances keep working; the
index on (latitude, longitude) serves the bounding-box search of the nearest address
(bot/db/geometry.py). Adding columns and an index needs no table copy, also on SQLite,
so a national address table upgrades quickly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch_op.create_index("ix_address_lat_lon", ["latitude", "longitude"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("address", schema=None) as batch_op:
        batch_op.drop_index("ix_address_lat_lon")
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
