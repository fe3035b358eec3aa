"""The harmwatch database: the only package that speaks SQL.

``open_store(path)`` creates or migrates a SQLite file and returns a ``Store``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError, StoreError
from .db import Database
from .schema import SCHEMA_VERSION, migrate
from .store import Clock, Store

__all__ = ["SCHEMA_VERSION", "Store", "open_store"]

_POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def open_store(db: str | Path, *, clock: Clock | None = None) -> Store:
    """Open (creating and migrating as needed) the database at ``db``.

    ``clock`` stamps audit rows; it defaults to the current UTC time.
    """
    target = str(db)
    if target.startswith(_POSTGRES_PREFIXES):
        raise ConfigError(
            f"--db {target.split('@')[-1]!r} is a PostgreSQL URL, which this harmwatch does not support yet; "
            "give a SQLite file path instead (e.g. --db harmwatch.db)."
        )
    if target != ":memory:" and not Path(target).parent.is_dir():
        raise StoreError(f"cannot create database {target}: folder {Path(target).parent} does not exist; "
                         "create it first or choose another --db path.")
    database = Database(target)
    try:
        migrate(database)
    except BaseException:
        database.close()
        raise
    return Store(database, clock)
