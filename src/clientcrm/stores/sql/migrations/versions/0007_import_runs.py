"""Recorded imports, and what each created or changed, so that an import can be undone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientcrm.stores.sql.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_WS = sa.String(64)
_ID = sa.String(128)


def upgrade() -> None:
    op.create_table(
        "crm_import_runs",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "run_id", name="pk_crm_import_runs"),
    )
    op.create_table(
        "crm_import_changes",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        sa.PrimaryKeyConstraint(
            "workspace_id", "run_id", "line", "kind", name="pk_crm_import_changes"
        ),
    )
    op.create_index(
        "ix_crm_import_changes_workspace_id_client_id",
        "crm_import_changes",
        ["workspace_id", "client_id"],
    )


def downgrade() -> None:
    op.drop_table("crm_import_changes")
    op.drop_table("crm_import_runs")
