"""Alembic environment: runs on the connection handed over by ``runink.store.db``."""

from __future__ import annotations

from alembic import context

from runink.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - migrations always run through runink.store.db
    raise RuntimeError("run migrations through runink.store.db.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
