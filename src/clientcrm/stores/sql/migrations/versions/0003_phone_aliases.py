"""Phone aliases: further phones a client was seen with, beside its primary phone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 11:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: SQLite need not rebuild the table (and its search triggers).
    op.add_column(
        "crm_clients",
        sa.Column("phone_aliases", sa.Text(), server_default="[]", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("crm_clients", schema=None) as batch_op:
        batch_op.drop_column("phone_aliases")
