"""SQLite: stage changes and milestones become WITHOUT ROWID tables. Their rows are small and
always found by their primary key, so the key's b-tree can hold them: every change or award
inserted writes one b-tree fewer. PostgreSQL has no rowid, and nothing changes there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-24 13:50:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_TABLES = ("crm_stage_changes", "crm_milestones")


def _rebuild(with_rowid: bool) -> None:
    """Copy each table into a new one with (or without) a rowid, keeping its indexes."""
    if op.get_context().dialect.name != "sqlite":
        return
    for table in _TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
        ):
            pass


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
