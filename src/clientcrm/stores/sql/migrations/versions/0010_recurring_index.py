"""The bookings still booked, indexed with what recurring clients are counted from (client
and series), so the count reads the index alone; and fresh planner statistics for the
figures index of 0009.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_NAME = "ix_crm_bookings_still_booked"


def _still_booked(columns: list[str]) -> None:
    where = sa.text("status = 'booked'")
    op.create_index(_NAME, "crm_bookings", columns, sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    op.drop_index(_NAME, "crm_bookings")
    _still_booked(["workspace_id", "starts_at", "client_id", "series_id"])
    op.execute("ANALYZE crm_clients")  # the planner learns what the figures index is worth


def downgrade() -> None:
    op.drop_index(_NAME, "crm_bookings")
    _still_booked(["workspace_id", "starts_at"])
