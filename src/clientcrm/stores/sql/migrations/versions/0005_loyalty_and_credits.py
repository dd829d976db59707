"""Loyalty points and tiers; credit packages, their ledgers and each client's credits.

Stored journeys hold no points yet: they are cleared and made due at once, so the next
scheduled run (or any event about a client) evaluates each journey again from its history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 17:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from clientcrm.rules.bookings import BEGINNING
from clientcrm.stores.sql.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


_ID = sa.String(128)
_WS = sa.String(64)


def upgrade() -> None:
    _credits()
    op.add_column(
        "crm_activities", sa.Column("points", sa.Integer(), nullable=False, server_default="0")
    )
    clients = sa.table(
        "crm_clients", sa.column("journey", sa.Text()), sa.column("journey_due", UTCDateTime())
    )
    op.get_bind().execute(
        sa.update(clients)
        .where(clients.c.journey.is_not(None))
        .values(journey=None, journey_due=BEGINNING.occurred_at)
    )


def _credits() -> None:
    for column in ("credits_available", "credits_paused", "credits_purchased"):
        op.add_column(
            "crm_clients", sa.Column(column, sa.Integer(), nullable=False, server_default="0")
        )
    for column in ("credits_available", "credits_purchased"):
        op.create_index(
            f"ix_crm_clients_workspace_id_{column}_client_id",
            "crm_clients",
            ["workspace_id", column, "client_id"],
        )
    op.create_table(
        "crm_credit_packages",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("package_id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("purchased_at", UTCDateTime(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime()),
        sa.Column("paused_at", UTCDateTime()),
        sa.Column("expired_at", UTCDateTime()),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name="fk_crm_credit_packages_crm_clients",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "package_id", name="pk_crm_credit_packages"),
    )
    op.create_index(
        "ix_crm_credit_packages_workspace_id_client_id_purchased_at",
        "crm_credit_packages",
        ["workspace_id", "client_id", "purchased_at"],
    )
    op.create_index(
        "ix_crm_credit_packages_workspace_id_expiry",
        "crm_credit_packages",
        ["workspace_id", "expired_at", "paused_at", "expires_at", "package_id"],
    )
    op.create_table(
        "crm_credit_entries",
        sa.Column("workspace_id", _WS, nullable=False),
        sa.Column("package_id", _ID, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor_id", _ID),
        sa.Column("booking_id", _ID),
        sa.Column("reason", sa.Text()),
        sa.Column("expires_at", UTCDateTime()),
        sa.ForeignKeyConstraint(
            ["workspace_id", "package_id"],
            ["crm_credit_packages.workspace_id", "crm_credit_packages.package_id"],
            name="fk_crm_credit_entries_crm_credit_packages",
        ),
        sa.PrimaryKeyConstraint("workspace_id", "package_id", "seq", name="pk_crm_credit_entries"),
    )
    op.create_index(
        "ix_crm_credit_entries_workspace_id_client_id_at",
        "crm_credit_entries",
        ["workspace_id", "client_id", "at"],
    )
    op.create_index(
        "ix_crm_credit_entries_workspace_id_booking_id",
        "crm_credit_entries",
        ["workspace_id", "booking_id"],
    )


def downgrade() -> None:
    op.drop_table("crm_credit_entries")
    op.drop_table("crm_credit_packages")
    for column in ("credits_available", "credits_purchased"):
        op.drop_index(f"ix_crm_clients_workspace_id_{column}_client_id", "crm_clients")
    # Plain DROP COLUMNs (SQLite 3.35+): rebuilding the table would trip its foreign keys.
    for column in ("credits_available", "credits_paused", "credits_purchased"):
        op.execute(f"ALTER TABLE crm_clients DROP COLUMN {column}")
    op.execute("DELETE FROM crm_activities WHERE kind = 'redemption'")
    op.execute("ALTER TABLE crm_activities DROP COLUMN points")
