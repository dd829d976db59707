"""The first schema: workspaces, clients (emails, tags, search index), bookings, notes.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 00:09:06.766919
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import clientcrm.stores.sql.types
from clientcrm.stores.sql.tables import (
    POSTGRES_SEARCH_INDEX,
    SQLITE_SEARCH_INDEX,
    create_postgres_search_index,
)

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crm_workspaces",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("phone_region", sa.String(length=2), nullable=True),
        sa.Column("client_limit", sa.Integer(), nullable=True),
        sa.Column("policies", sa.Text(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("client_keys", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_crm_workspaces")),
    )
    op.create_table(
        "crm_clients",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("avatar_url", sa.Text(), nullable=True),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column(
            "created_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("flag_vip", sa.Boolean(), nullable=False),
        sa.Column("flag_blocked", sa.Boolean(), nullable=False),
        sa.Column("flag_inactive", sa.Boolean(), nullable=False),
        sa.Column("custom", sa.Text(), nullable=False),
        sa.Column("bookings", sa.Integer(), nullable=False),
        sa.Column("spend", clientcrm.stores.sql.types.Amount(), nullable=False),
        sa.Column(
            "first_booking_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "last_booking_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "last_attended_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "last_activity_at",
            clientcrm.stores.sql.types.UTCDateTime(timezone=True),
            nullable=False,
        ),
        sa.Column("search_key", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["crm_workspaces.workspace_id"],
            name=op.f("fk_crm_clients_crm_workspaces"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "client_id", name=op.f("pk_crm_clients")),
    )
    with op.batch_alter_table("crm_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_bookings_client_id"),
            ["workspace_id", "bookings", "client_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_created_at"),
            ["workspace_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_last_activity_at_client_id"),
            ["workspace_id", "last_activity_at", "client_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_name_key_client_id"),
            ["workspace_id", "name_key", "client_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_search_key"),
            ["workspace_id", "search_key"],
            unique=True,
        )
        batch_op.create_index(
            batch_op.f("ix_crm_clients_workspace_id_spend_client_id"),
            ["workspace_id", "spend", "client_id"],
            unique=False,
        )

    op.create_table(
        "crm_bookings",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("booking_id", sa.String(length=128), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column(
            "starts_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("staff", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount_paid", clientcrm.stores.sql.types.Amount(), nullable=False),
        sa.Column("amount_refunded", clientcrm.stores.sql.types.Amount(), nullable=False),
        sa.Column("refunded_in_full", sa.Boolean(), nullable=False),
        sa.Column(
            "first_event_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "details_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("details_event", sa.String(length=128), nullable=False),
        sa.Column(
            "status_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("status_event", sa.String(length=128), nullable=False),
        sa.Column("paid_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_event", sa.String(length=128), nullable=True),
        sa.Column(
            "refund_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("refund_event", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name=op.f("fk_crm_bookings_crm_clients"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "booking_id", name=op.f("pk_crm_bookings")),
    )
    with op.batch_alter_table("crm_bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_bookings_workspace_id_client_id_starts_at_booking_id"),
            ["workspace_id", "client_id", "starts_at", "booking_id"],
            unique=False,
        )

    op.create_table(
        "crm_client_emails",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name=op.f("fk_crm_client_emails_crm_clients"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "email", name=op.f("pk_crm_client_emails")),
    )
    with op.batch_alter_table("crm_client_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_client_emails_workspace_id_client_id"),
            ["workspace_id", "client_id"],
            unique=False,
        )

    op.create_table(
        "crm_client_tags",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name=op.f("fk_crm_client_tags_crm_clients"),
        ),
        sa.PrimaryKeyConstraint(
            "workspace_id", "client_id", "tag", name=op.f("pk_crm_client_tags")
        ),
    )
    with op.batch_alter_table("crm_client_tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_client_tags_workspace_id_tag_client_id"),
            ["workspace_id", "tag", "client_id"],
            unique=False,
        )

    op.create_table(
        "crm_notes",
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("note_id", sa.String(length=128), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("author_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", clientcrm.stores.sql.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id", "client_id"],
            ["crm_clients.workspace_id", "crm_clients.client_id"],
            name=op.f("fk_crm_notes_crm_clients"),
        ),
        sa.PrimaryKeyConstraint("workspace_id", "note_id", name=op.f("pk_crm_notes")),
    )
    with op.batch_alter_table("crm_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_crm_notes_workspace_id_client_id_created_at"),
            ["workspace_id", "client_id", "created_at"],
            unique=False,
        )

    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_SEARCH_INDEX:
            op.execute(statement)
    elif dialect == "postgresql":
        create_postgres_search_index(op.get_bind())


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE crm_client_search")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {POSTGRES_SEARCH_INDEX}")
    with op.batch_alter_table("crm_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_notes_workspace_id_client_id_created_at"))

    op.drop_table("crm_notes")
    with op.batch_alter_table("crm_client_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_client_tags_workspace_id_tag_client_id"))

    op.drop_table("crm_client_tags")
    with op.batch_alter_table("crm_client_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_client_emails_workspace_id_client_id"))

    op.drop_table("crm_client_emails")
    with op.batch_alter_table("crm_bookings", schema=None) as batch_op:
        batch_op.drop_index(
            batch_op.f("ix_crm_bookings_workspace_id_client_id_starts_at_booking_id")
        )

    op.drop_table("crm_bookings")
    with op.batch_alter_table("crm_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_spend_client_id"))
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_search_key"))
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_name_key_client_id"))
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_last_activity_at_client_id"))
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_crm_clients_workspace_id_bookings_client_id"))

    op.drop_table("crm_clients")
    op.drop_table("crm_workspaces")
