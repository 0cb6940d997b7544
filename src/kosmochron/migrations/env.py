"""Alembic environment: migrate the connection handed over by the store, or a URL.

The store passes its open connection in ``config.attributes["connection"]``;
the ``alembic`` command line can use ``-x url=…`` or ``$KOSMOCHRON_DB``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from kosmochron.store.db import Settings, make_engine
from kosmochron.store.schema import metadata

config = context.config


def run(connection: sa.engine.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = make_engine(Settings.from_env(url))
    with engine.begin() as conn:
        run(conn)
