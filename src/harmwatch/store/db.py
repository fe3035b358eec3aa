"""The one place that talks to the database driver.

Everything dialect-specific lives here: connecting, pragmas, how a transaction
starts, how driver errors become ``StoreError``, and how tables are listed.
SQL elsewhere in the store is written for SQLite with ``?`` placeholders;
``connect`` gives a ``PostgresDatabase`` (``store.postgres``, same methods) for a
``postgresql://`` URL, which translates each statement (``store.translate``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import SchemaError, StoreError

Row = dict[str, Any]
Params = Sequence[Any]

BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 262_144  # SQLite page cache: linking re-reads the recent index pages of a large database
FETCH_SIZE = 256
CHUNK = 400  # values per IN (...) list: under SQLite's 999 parameters a statement
# WAL pages between checkpoints during ``bulk_writes`` (400 MiB of 4 KiB pages, against SQLite's 1,000):
# a long run rewrites the same index pages batch after batch, and each checkpoint copies them once.
BULK_CHECKPOINT_PAGES = 100_000


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """``items`` a CHUNK at a time, for ``IN (...)`` lists."""
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def marks(n: int) -> str:
    """``n`` comma-separated placeholders."""
    return ", ".join("?" * n)


def _names(cursor: sqlite3.Cursor) -> list[str]:
    # Read once per statement, not once per row as a row factory would: large reads are common.
    return [col[0] for col in cursor.description or ()]


class Database:
    """A SQLite connection with explicit, nestable transactions."""

    dialect = "sqlite"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._depth = 0
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing commits behind our back.
            self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise self._error(exc, "open") from exc
        try:
            self._run(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}", ())
            self._run("PRAGMA foreign_keys = ON", ())
            self._run("PRAGMA journal_mode = WAL", ())
            # NORMAL is safe in WAL mode: a killed process never corrupts the file or half-applies a commit.
            self._run("PRAGMA synchronous = NORMAL", ())
            # Negative: KiB, not pages. Pages are allocated as used, so a small database stays small.
            self._run(f"PRAGMA cache_size = -{CACHE_KIB}", ())
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit; nested calls join the outermost one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self._commit()
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Many large transactions ahead: checkpoint the WAL less often, and once at the end.

        A crash of the process loses no commit, as before; a power cut can undo those since the last
        checkpoint (``process`` then does those batches again: they were not marked processed either).
        """
        before = self.pragma("wal_autocheckpoint")
        self._run(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}", ())
        try:
            yield
        finally:
            self._run(f"PRAGMA wal_autocheckpoint = {int(before)}", ())
            if not self.in_transaction:
                self._run("PRAGMA wal_checkpoint(PASSIVE)", ())

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self._run("BEGIN IMMEDIATE", ())

    def _commit(self) -> None:
        try:
            self._conn.commit()
        except sqlite3.Error as exc:
            raise self._error(exc, "COMMIT") from exc

    def _rollback(self) -> None:
        self._conn.rollback()

    def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement; returns the number of rows it changed."""
        return self._run(sql, params).rowcount

    def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one write statement once per parameter row (fewer round trips than ``execute`` in a loop)."""
        if not rows:
            return
        try:
            self._conn.executemany(sql, [tuple(r) for r in rows])
        except sqlite3.Error as exc:
            raise self._error(exc, sql) from exc

    def one(self, sql: str, params: Params = ()) -> Row | None:
        cursor = self._run(sql, params)
        row = cursor.fetchone()
        return None if row is None else dict(zip(_names(cursor), row, strict=True))

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        cursor = self._run(sql, params)
        rows = cursor.fetchall()
        if not rows:
            return []
        names = _names(cursor)
        return [dict(zip(names, row, strict=True)) for row in rows]

    def stream(self, sql: str, params: Params = ()) -> Iterator[Row]:
        """Rows a few at a time, so a large result is never held in memory at once."""
        cursor = self._run(sql, params)
        try:
            names = _names(cursor)
            while chunk := cursor.fetchmany(FETCH_SIZE):
                yield from (dict(zip(names, row, strict=True)) for row in chunk)
        finally:
            cursor.close()

    def table_names(self) -> set[str]:
        return {r["name"] for r in self.all("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def pragma(self, name: str) -> Any:
        row = self.one(f"PRAGMA {name}")
        return next(iter(row.values())) if row else None

    def _run(self, sql: str, params: Params) -> Any:
        try:
            return self._conn.execute(sql, tuple(params))
        except sqlite3.Error as exc:
            raise self._error(exc, sql) from exc

    def _error(self, exc: Exception, sql: str) -> StoreError:
        what = sql.split(None, 3)[:3]
        text = str(exc)
        if "locked" in text or "busy" in text:
            hint = "another harmwatch process is writing to it; wait for it to finish and retry"
        elif "not a database" in text or "malformed" in text:
            return SchemaError(f"{self.path} is not a healthy SQLite database ({text}); "
                               "point --db at a harmwatch database, or at a new file to start one.")
        elif "unable to open" in text:
            hint = "check that the folder exists and is writable"
        else:
            hint = "this is likely a bug in harmwatch; please report it with the command you ran"
        return StoreError(f"database {self.path}: {' '.join(what)} failed ({text}); {hint}.")


POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_PREFIXES)


def connect(target: str | Path) -> Database:
    """A SQLite database for a path (or ``:memory:``), a PostgreSQL one for a ``postgresql://`` URL."""
    if is_postgres(target):
        from .postgres import PostgresDatabase  # imported on use: psycopg loads only for PostgreSQL

        return PostgresDatabase(str(target))
    return Database(target)
