"""The alembic migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select

from interop_hub.core.db import Base, is_hub_object
from interop_hub.models import HubState


def test_migrated_schema_matches_models(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": is_hub_object}),
            Base.metadata,
        )
    assert diff == []


def test_hub_state_row_is_seeded(db_engine: Engine) -> None:
    with db_engine.connect() as conn:
        assert conn.execute(select(HubState.change_version)).scalar_one() == 0
