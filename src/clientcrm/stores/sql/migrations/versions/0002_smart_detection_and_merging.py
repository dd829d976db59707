"""Smart client detection and merging: merges, timeline entries, blocking keys, pending
matches and distinct pairs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 07:59:51.834039
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import clientcrm.stores.sql.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_distinctions",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("a_id", sa.String(length=128), nullable=False),
        sa.Column("b_id", sa.String(length=128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "a_id", "b_id", name=op.f("pk_crm_distinctions")),
    )
    with op.batch_alter_table("crm_distinctions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_distinctions_workspace_id_b_id"),
            ["workspace_id", "b_id"],
            unique=False,
        )

    op.create_table(
        "crm_match_keys",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("match_key", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint(
            "workspace_id", "match_key", "client_id", name=op.f("pk_crm_match_keys")
        ),
    )
    with op.batch_alter_table("crm_match_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_match_keys_workspace_id_client_id"),
            ["workspace_id", "client_id"],
            unique=False,
        )

    op.create_table(
        "crm_merges",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("merge_id", sa.String(length=128), nullable=False),
        sa.Column("survivor_id", sa.String(length=128), nullable=False),
        sa.Column("loser_id", sa.String(length=128), nullable=False),
        sa.Column(
            "merged_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "merge_id", name=op.f("pk_crm_merges")),
    )
    with op.batch_alter_table("crm_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_merges_workspace_id_loser_id"),
            ["workspace_id", "loser_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_merges_workspace_id_survivor_id"),
            ["workspace_id", "survivor_id"],
            unique=False,
        )

    op.create_table(
        "crm_pending_matches",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("match_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "match_id", name=op.f("pk_crm_pending_matches")),
    )
    with op.batch_alter_table("crm_pending_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_pending_matches_workspace_id_status_created_at_match_id"),
            ["workspace_id", "status", "created_at", "match_id"],
            unique=False,
        )

    op.create_table(
        "crm_timeline",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "entry_id", name=op.f("pk_crm_timeline")),
    )
    with op.batch_alter_table("crm_timeline", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_timeline_workspace_id_client_id_at"),
            ["workspace_id", "client_id", "at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("crm_timeline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_timeline_workspace_id_client_id_at"))

    op.drop_table("crm_timeline")
    with op.batch_alter_table("crm_pending_matches", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_crm_pending_matches_workspace_id_status_created_at_match_id")
        )

    op.drop_table("crm_pending_matches")
    with op.batch_alter_table("crm_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_merges_workspace_id_survivor_id"))
        batch_op.drop_index(batch_op.f("ix_crm_merges_workspace_id_loser_id"))

    op.drop_table("crm_merges")
    with op.batch_alter_table("crm_match_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_match_keys_workspace_id_client_id"))

    op.drop_table("crm_match_keys")
    with op.batch_alter_table("crm_distinctions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_distinctions_workspace_id_b_id"))

    op.drop_table("crm_distinctions")
