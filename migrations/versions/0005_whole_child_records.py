"""whole-child records: attendance events, grades, assessment results

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 13:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import interop_hub.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JsonType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _entity_columns() -> list[sa.Column[object]]:
    """The columns every canonical entity has (``models.base.EntityMixin``)."""
    return [
        sa.Column("sourced_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "date_last_modified", interop_hub.models.base.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("change_version", sa.BigInteger(), nullable=False),
        sa.Column("extension", JsonType, nullable=True),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column(
            "source_seen_at", interop_hub.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("row_hash", sa.String(length=64), nullable=True),
    ]


_TABLES: dict[str, tuple[list[sa.Column[object]], tuple[str, ...]]] = {
    "attendance_events": (
        [
            sa.Column("user_id", sa.String(length=255), nullable=False),
            sa.Column("org_id", sa.String(length=255), nullable=False),
            sa.Column("class_id", sa.String(length=255), nullable=True),
            sa.Column("session_id", sa.String(length=255), nullable=True),
            sa.Column("event_date", sa.Date(), nullable=False),
            sa.Column("category", sa.String(length=255), nullable=False),
            sa.Column("reason", sa.String(length=255), nullable=True),
            sa.Column("duration", sa.Float(), nullable=True),
        ],
        ("user_id", "org_id", "class_id"),
    ),
    "grades": (
        [
            sa.Column("user_id", sa.String(length=255), nullable=False),
            sa.Column("class_id", sa.String(length=255), nullable=False),
            sa.Column("grading_period", sa.String(length=255), nullable=False),
            sa.Column("grade_type", sa.String(length=255), nullable=False),
            sa.Column("letter_grade", sa.String(length=64), nullable=True),
            sa.Column("numeric_grade", sa.Float(), nullable=True),
            sa.Column("current", sa.Boolean(), nullable=True),
        ],
        ("user_id", "class_id"),
    ),
    "assessment_results": (
        [
            sa.Column("user_id", sa.String(length=255), nullable=False),
            sa.Column("assessment_identifier", sa.String(length=255), nullable=False),
            sa.Column("assessment_namespace", sa.String(length=255), nullable=False),
            sa.Column("administration_date", sa.Date(), nullable=True),
            sa.Column("school_id", sa.String(length=255), nullable=True),
            sa.Column("scores", JsonType, nullable=True),
            sa.Column("performance_levels", JsonType, nullable=True),
        ],
        ("user_id",),
    ),
}


def upgrade() -> None:
    for table, (columns, indexed) in _TABLES.items():
        op.create_table(
            table,
            *columns,
            *_entity_columns(),
            sa.PrimaryKeyConstraint("sourced_id", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("change_version", "date_last_modified", "status", *indexed):
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
