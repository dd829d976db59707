"""Journeys: stages and milestones, orders and activities.

Clients stored before get no journey and are due at once: the next scheduled run (or any
event about them) evaluates their journey from their history.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientcrm.rules.bookings import BEGINNING
from clientcrm.stores.sql.types import Amount, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.String(128)
_WS = sa.String(64)


def _client_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["workspace_id", "client_id"],
        ["crm_clients.workspace_id", "crm_clients.client_id"],
        name=f"fk_{table}_crm_clients",
    )


def upgrade() -> None:
    # Plain ADD COLUMNs: SQLite need not rebuild the table (and its search triggers).
    op.add_column("crm_clients", sa.Column("stage", sa.String(16)))
    op.add_column("crm_clients", sa.Column("stage_at", UTCDateTime()))
    op.add_column("crm_clients", sa.Column("journey", sa.Text()))
    op.add_column(
        "crm_clients",
        sa.Column("journey_due", UTCDateTime(), nullable=False, server_default="0001-01-01"),
    )
    due = sa.table("crm_clients", sa.column("journey_due", UTCDateTime()))
    op.get_bind().execute(sa.update(due).values(journey_due=BEGINNING.occurred_at))
    op.create_index(
        "ix_crm_clients_workspace_id_journey_due", "crm_clients", ["workspace_id", "journey_due"]
    )
    op.create_index(
        "ix_crm_clients_workspace_id_stage_last_activity_at_client_id",
        "crm_clients",
        ["workspace_id", "stage", "last_activity_at", "client_id"],
    )
    op.create_table(
        "crm_orders",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("order_id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", Amount(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("details_at", UTCDateTime(), nullable=False),
        sa.Column("details_event", _ID, nullable=False),
        sa.Column("status_at", UTCDateTime(), nullable=False),
        sa.Column("status_event", _ID, nullable=False),
        _client_fk("crm_orders"),
        sa.PrimaryKeyConstraint("workspace_id", "order_id", name="pk_crm_orders"),
    )
    op.create_index(
        "ix_crm_orders_workspace_id_client_id_placed_at_order_id",
        "crm_orders",
        ["workspace_id", "client_id", "placed_at", "order_id"],
    )
    op.create_table(
        "crm_activities",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("activity_id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("title", sa.Text()),
        _client_fk("crm_activities"),
        sa.PrimaryKeyConstraint("workspace_id", "activity_id", name="pk_crm_activities"),
    )
    op.create_index(
        "ix_crm_activities_workspace_id_client_id_at_activity_id",
        "crm_activities",
        ["workspace_id", "client_id", "at", "activity_id"],
    )
    op.create_table(
        "crm_stage_changes",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("previous", sa.String(16)),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "client_id", "seq", name="pk_crm_stage_changes"),
    )
    op.create_index(
        "ix_crm_stage_changes_workspace_id_at", "crm_stage_changes", ["workspace_id", "at"]
    )
    op.create_table(
        "crm_milestones",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", "client_id", "kind", name="pk_crm_milestones"),
    )
    op.create_index(
        "ix_crm_milestones_workspace_id_kind_at", "crm_milestones", ["workspace_id", "kind", "at"]
    )


def downgrade() -> None:
    for table in ("crm_milestones", "crm_stage_changes", "crm_activities", "crm_orders"):
        op.drop_table(table)
    op.drop_index("ix_crm_clients_workspace_id_stage_last_activity_at_client_id", "crm_clients")
    op.drop_index("ix_crm_clients_workspace_id_journey_due", "crm_clients")
    # Plain DROP COLUMNs (SQLite 3.35+): rebuilding the table would trip its foreign keys.
    for column in ("journey_due", "journey", "stage_at", "stage"):
        op.execute(f"ALTER TABLE crm_clients DROP COLUMN {column}")
