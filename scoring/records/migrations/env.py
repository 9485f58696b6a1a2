"""Alembic's entry point: migrations run on the connection :mod:`scoring.records.migrate`
opened, inside its locked transaction; SQLite alters tables in batch mode (copy and swap)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
