"""PostgreSQL: the bookings' foreign key to their client becomes triggers that check each
statement's bookings at once (see `clientcrm.stores.sql.integrity`). SQLite keeps the key.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 06:10:00.000000
"""

from __future__ import annotations

from alembic import op

from clientcrm.stores.sql.integrity import POSTGRES_BOOKING_CLIENTS, POSTGRES_BOOKING_CLIENTS_DROP

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_KEY = "fk_crm_bookings_crm_clients"


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.drop_constraint(_KEY, "crm_bookings", type_="foreignkey")
    for statement in POSTGRES_BOOKING_CLIENTS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for statement in POSTGRES_BOOKING_CLIENTS_DROP:
        op.execute(statement)
    op.create_foreign_key(
        _KEY,
        "crm_bookings",
        "crm_clients",
        ["workspace_id", "client_id"],
        ["workspace_id", "client_id"],
    )
