"""A covering index of the figures the insights page aggregates, so its scans read a narrow
index rather than every client row; and the PT console's records.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 22:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientcrm.stores.sql.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = [
    "workspace_id", "last_booking_at", "bookings", "made", "completed", "cancelled",
    "no_shows", "spend", "credits_available",
]  # fmt: skip


def upgrade() -> None:
    op.create_index("ix_crm_clients_figures", "crm_clients", _COLUMNS)
    op.create_table(
        "crm_coaching",
        sa.Column("workspace_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_key", sa.String(400), nullable=False),
        sa.Column("client_id", sa.String(128)),
        sa.Column("owner_id", sa.String(128)),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "kind", "record_key", name="pk_crm_coaching"),
    )
    for column in ("client_id", "owner_id"):
        op.create_index(
            f"ix_crm_coaching_workspace_id_kind_{column}_at",
            "crm_coaching",
            ["workspace_id", "kind", column, "at"],
        )


def downgrade() -> None:
    op.drop_table("crm_coaching")
    op.drop_index("ix_crm_clients_figures", "crm_clients")
