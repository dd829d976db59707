"""Milestones lose their index on (workspace, kind, moment): no query reads them that way
(they are read by client, through the primary key), and every award paid to keep it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 08:40:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_NAME = "ix_crm_milestones_workspace_id_kind_at"


def upgrade() -> None:
    op.drop_index(_NAME, "crm_milestones")


def downgrade() -> None:
    op.create_index(_NAME, "crm_milestones", ["workspace_id", "kind", "at"])
