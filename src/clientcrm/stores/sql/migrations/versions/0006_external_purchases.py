"""External purchases: sales on other platforms, keyed by platform and transaction.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientcrm.stores.sql.types import Amount, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_purchases",
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("purchase_id", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("platform", sa.Text(), nullable=False),
        sa.Column("transaction_id", sa.Text(), nullable=False),
        sa.Column("product", sa.Text(), nullable=False),
        sa.Column("price", Amount(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("purchased_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name="fk_crm_purchases_crm_clients",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "purchase_id", name="pk_crm_purchases"),
    )
    op.create_index(
        "ix_crm_purchases_client",
        "crm_purchases",
        ["workspace_id", "client_id", "purchased_at", "purchase_id"],
    )
    op.create_index(
        "ix_crm_purchases_time",
        "crm_purchases",
        ["workspace_id", "purchased_at", "purchase_id"],
    )


def downgrade() -> None:
    op.drop_table("crm_purchases")
