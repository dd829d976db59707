"""What became of each client's bookings, kept beside their figures, and recurring series.

Insights count completed, cancelled and no-show bookings per client from these columns
rather than from every booking. Existing clients are counted from their bookings here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_OUTCOMES = {
    "made": None,
    "completed": "completed",
    "cancelled": "cancelled",
    "no_shows": "no_show",
}
_CLIENTS = sa.table(
    "crm_clients", *(sa.column(c) for c in ("workspace_id", "client_id", *_OUTCOMES))
)
_BOOKINGS = sa.table(
    "crm_bookings", *(sa.column(c) for c in ("workspace_id", "client_id", "status"))
)


def _count(status: str | None) -> sa.ScalarSelect[int]:
    b, c = _BOOKINGS.c, _CLIENTS.c
    query = sa.select(sa.func.count()).where(
        b.workspace_id == c.workspace_id, b.client_id == c.client_id
    )
    if status is not None:
        query = query.where(b.status == status)
    return query.scalar_subquery()


def upgrade() -> None:
    for column in _OUTCOMES:
        op.add_column(
            "crm_clients", sa.Column(column, sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        sa.update(_CLIENTS).values({column: _count(status) for column, status in _OUTCOMES.items()})
    )
    op.create_index(
        "ix_crm_clients_top_completed",
        "crm_clients",
        ["workspace_id", sa.text("completed DESC"), "name_key", "client_id"],
    )
    op.add_column("crm_bookings", sa.Column("series_id", sa.String(128)))
    still_booked = sa.text("status = 'booked'")
    op.create_index(
        "ix_crm_bookings_still_booked",
        "crm_bookings",
        ["workspace_id", "starts_at"],
        sqlite_where=still_booked,
        postgresql_where=still_booked,
    )


def downgrade() -> None:
    op.drop_index("ix_crm_bookings_still_booked", "crm_bookings")
    op.drop_index("ix_crm_clients_top_completed", "crm_clients")
    op.execute("ALTER TABLE crm_bookings DROP COLUMN series_id")
    for column in _OUTCOMES:
        op.execute(f"ALTER TABLE crm_clients DROP COLUMN {column}")
