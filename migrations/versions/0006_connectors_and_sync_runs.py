"""connector instances, bookmarks, staged run files; sync run state machine columns

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import interop_hub.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC = interop_hub.models.base.UTCDateTime
ACTIVE = "state IN ('fetching', 'staged', 'resolved')"


def upgrade() -> None:
    op.create_table(
        "connector_instances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("config", JsonType, nullable=False),
        sa.Column("secrets", sa.Text(), nullable=True),
        sa.Column("schedule_interval_seconds", sa.Integer(), nullable=True),
        sa.Column("schedule_cron", sa.String(length=100), nullable=True),
        sa.Column("schedule_mode", sa.String(length=16), nullable=False),
        sa.Column("gate", JsonType, nullable=True),
        sa.Column("blackouts", JsonType, nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.Column("next_run_at", UTC(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("source"),
    )
    op.create_table(
        "connector_bookmarks",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["connector_instances.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("instance_id", "stream"),
    )
    with op.batch_alter_table("sync_runs") as batch:
        batch.add_column(sa.Column("instance_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mode", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("dry_run", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("trigger", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("progress", JsonType, nullable=True))
        batch.add_column(sa.Column("diff", JsonType, nullable=True))
        batch.add_column(sa.Column("hold_reasons", JsonType, nullable=True))
        batch.add_column(sa.Column("bookmarks", JsonType, nullable=True))
        batch.add_column(sa.Column("lease_expires_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("decided_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("error", sa.String(length=4000), nullable=True))
    # Runs left "running" by the old importer (a crash) are failed, so they do not count as
    # active in the new state machine.
    op.execute("UPDATE sync_runs SET state = 'failed' WHERE state = 'running'")
    op.create_index("ix_sync_runs_instance_id", "sync_runs", ["instance_id"])
    op.create_index(
        "uq_sync_runs_active_source",
        "sync_runs",
        ["source"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_table(
        "sync_run_files",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["sync_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("run_id", "name", "seq"),
    )


def downgrade() -> None:
    op.drop_table("sync_run_files")
    op.drop_index("uq_sync_runs_active_source", table_name="sync_runs")
    op.drop_index("ix_sync_runs_instance_id", table_name="sync_runs")
    with op.batch_alter_table("sync_runs") as batch:
        for column in (
            "error", "decided_at", "decided_by", "lease_expires_at", "bookmarks",
            "hold_reasons", "diff", "progress", "trigger", "dry_run", "mode", "instance_id",
        ):  # fmt: skip
            batch.drop_column(column)
    op.drop_table("connector_bookmarks")
    op.drop_table("connector_instances")
