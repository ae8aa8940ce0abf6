"""procrastinate job queue schema (PostgreSQL only): sync runs on worker processes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 15:40:00

The schema SQL is procrastinate's own (``SchemaManager.get_schema``) for the pinned
version (``procrastinate>=3.10,<3.11``); upgrading procrastinate past that range needs a
migration that applies its shipped migration files. SQLite deployments run syncs
in-process and have no queue tables.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    exists = bind.exec_driver_sql(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL"
    ).scalar_one()
    if exists:
        return
    raw = bind.connection.driver_connection
    assert raw is not None
    # No parameters: psycopg sends the script as is (its '%' are PL/pgSQL, not placeholders).
    raw.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in (
        "procrastinate_events", "procrastinate_periodic_defers", "procrastinate_workers",
        "procrastinate_jobs",
    ):  # fmt: skip
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP TYPE IF EXISTS procrastinate_job_event_type CASCADE")
    op.execute("DROP TYPE IF EXISTS procrastinate_job_status CASCADE")
    op.execute("DROP TYPE IF EXISTS procrastinate_job_to_defer_v1 CASCADE")
