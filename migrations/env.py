"""Alembic environment: the URL comes from DATABASE_URL (or the caller's config)."""

import os

from alembic import context

from models import Base
from models.coaching import include_for
from models.db import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")


def run_migrations_offline():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = make_engine(url)
    with engine.connect() as connection:
        # Batch mode so ALTERs work on SQLite too.
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True,
                          include_object=include_for(connection.dialect.name))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
