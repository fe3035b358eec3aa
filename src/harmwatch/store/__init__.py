"""The harmwatch database: the only package that speaks SQL.

``open_store(path)`` creates or migrates a SQLite file (or a PostgreSQL schema, given a
``postgresql://`` URL) and returns a ``Store``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from . import blocking
from .db import connect, is_postgres
from .schema import SCHEMA_VERSION, current_version, migrate
from .store import Clock, Store

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]


def open_store(db: str | Path, *, clock: Clock | None = None) -> Store:
    """Open (creating and migrating as needed) the database at ``db``.

    ``clock`` stamps audit rows; it defaults to the current UTC time.
    """
    target = str(db)
    if not is_postgres(target) and target != ":memory:" and not Path(target).parent.is_dir():
        raise StoreError(f"cannot create database {target}: folder {Path(target).parent} does not exist; "
                         "create it first or choose another --db path.")
    database = connect(target)  # issue 9: a postgresql:// URL gives the PostgreSQL dialect
    try:
        before = current_version(database)
        migrate(database)
        if 0 < before < blocking.INDEX_VERSION:  # linked before the linking index existed: file it now
            with database.transaction():
                blocking.fill(database)
    except BaseException:
        database.close()
        raise
    return Store(database, clock)
