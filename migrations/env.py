"""Alembic environment. The URL comes from ``INTEROP_HUB_DATABASE_URL`` (or the embedded
SQLite default) unless a caller passes a live connection in ``config.attributes``."""

from __future__ import annotations

from alembic import context

import interop_hub.models  # noqa: F401  (registers every table)
from interop_hub.config import get_settings
from interop_hub.core.db import Base, create_db_engine, is_hub_object, is_sqlite

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, is_sqlite(connection.engine))
        return
    url = context.config.get_main_option("sqlalchemy.url") or get_settings().resolved_database_url()
    engine = create_db_engine(url)
    with engine.connect() as conn:
        _run(conn, is_sqlite(engine))
    engine.dispose()


def _run(connection: object, sqlite: bool) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
        include_name=is_hub_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
