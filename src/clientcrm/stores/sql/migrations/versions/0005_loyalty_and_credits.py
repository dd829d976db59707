"""Loyalty points and tiers.

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


def upgrade() -> None:
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


def downgrade() -> None:
    op.execute("DELETE FROM crm_activities WHERE kind = 'redemption'")
    op.execute("ALTER TABLE crm_activities DROP COLUMN points")
