"""Alembic environment: runs on the connection handed in by ballot.store.db.migrate,
or on DATABASE_URL when invoked from the alembic command line."""

import os

from alembic import context
from sqlalchemy import create_engine

from ballot.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things in place
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    with create_engine(os.environ["DATABASE_URL"]).connect() as conn:
        run_on(conn)
        conn.commit()
