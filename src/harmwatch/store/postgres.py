"""The PostgreSQL dialect: ``--db postgresql://...`` or ``HARMWATCH_DB=postgresql://...``.

``PostgresDatabase`` has the same methods as the SQLite ``Database``, so the store, the migrations and
every module under ``store/`` run unchanged: each statement goes through ``translate.to_postgres``.

- Tables live in the first schema of the connection's ``search_path`` (``public`` unless the URL says
  ``?options=-csearch_path%3Dteam_a``); that schema is created when missing, so one database can hold
  several harmwatch stores side by side.
- Reads outside a transaction run in autocommit and see every committed write. A write transaction
  takes a transaction-scoped advisory lock on the schema first, so writers queue as they do on SQLite
  (``BEGIN IMMEDIATE``) and ``process`` runs never interleave their batches.
- A few SQLite functions the store uses (``json_each``, ``json_extract``, FTS5 ``MATCH``, ``SUM`` over
  a comparison) are provided as SQL functions in that schema, created on first connection.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import SchemaError, StoreError
from .db import Database, Params, Row
from .translate import fts_terms, to_postgres

try:  # the driver is a dependency, but keep `import harmwatch.store` working without it
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.rows import dict_row
except ImportError:  # pragma: no cover - reported on first use by PostgresDatabase
    psycopg = None  # type: ignore[assignment]

CONNECT_TIMEOUT_S = 10
FETCH_SIZE = 256
_cursor_names = itertools.count()

# SQLite functions the store's SQL uses, as PostgreSQL functions (CREATE OR REPLACE: safe to rerun).
_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION hw_json_path(path text) RETURNS text[] LANGUAGE sql IMMUTABLE AS
       $$ SELECT CASE WHEN path = '$' THEN ARRAY[]::text[] ELSE string_to_array(substr(path, 3), '.') END $$""",
    """CREATE OR REPLACE FUNCTION hw_json_extract(doc text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS
       $$ SELECT CASE jsonb_typeof(j) WHEN 'object' THEN j::text WHEN 'array' THEN j::text ELSE j #>> '{}' END
          FROM (SELECT doc::jsonb #> hw_json_path(path) AS j) AS t $$""",
    """CREATE OR REPLACE FUNCTION hw_json_each(doc text, path text) RETURNS TABLE (key text, value text)
       LANGUAGE sql IMMUTABLE AS
       $$ SELECT (e.n - 1)::text, e.v FROM (SELECT doc::jsonb #> hw_json_path(path) AS j) AS t,
                 LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(t.j) = 'array' THEN t.j
                                                   ELSE '[]'::jsonb END) WITH ORDINALITY AS e(v, n)
          UNION ALL
          SELECT o.k, o.v FROM (SELECT doc::jsonb #> hw_json_path(path) AS j) AS t,
                 LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(t.j) = 'object' THEN t.j
                                         ELSE '{}'::jsonb END) AS o(k, v) $$""",
    """CREATE OR REPLACE FUNCTION hw_fts_match(doc jsonb, terms jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS
       $$ SELECT COALESCE(bool_and(
             CASE WHEN t.term->>0 IS NULL
                  THEN (SELECT string_agg(v, ' ') FROM jsonb_each_text(doc) AS f(k, v) WHERE k <> 'rowid')
                  ELSE doc->>(t.term->>0) END ~* (t.term->>1)), TRUE)
          FROM jsonb_array_elements(terms) AS t(term) $$""",
    """CREATE OR REPLACE FUNCTION hw_bool_add(total bigint, value boolean) RETURNS bigint LANGUAGE sql IMMUTABLE
       AS $$ SELECT CASE WHEN value IS NULL THEN total ELSE COALESCE(total, 0) + value::int END $$""",
)
_AGGREGATE = "CREATE AGGREGATE sum(boolean) (SFUNC = hw_bool_add, STYPE = bigint)"
_FUNCTIONS_VERSION = "harmwatch-functions-1"


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


if psycopg is not None:

    class _NumericLoader(Loader):
        """NUMERIC (what SUM of integers gives) as int or float, as sqlite3 returns them."""

        def load(self, data: Any) -> int | float:
            text = bytes(data).decode()
            return float(text) if any(c in text for c in ".eEN") else int(text)


class PostgresDatabase(Database):
    """A PostgreSQL connection with the SQLite ``Database``'s methods and transaction rules."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:  # noqa: D107 - same contract as Database
        if psycopg is None:
            raise StoreError("PostgreSQL needs the psycopg package; run ./setup.sh again, or "
                             "`pip install 'psycopg[binary]'` in harmwatch's environment.")
        self.path = redact(url)
        self._depth = 0
        try:
            self._pg = psycopg.connect(url, autocommit=True, row_factory=dict_row,
                                       connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {self.path} ({_first_line(exc)}); check that the "
                             "server runs and the URL's host, port, database and user are right.") from None
        self._pg.adapters.register_loader("numeric", _NumericLoader)
        try:
            self.schema = self._ensure_schema()
            self._ensure_functions()
        except BaseException:
            self._pg.close()
            raise

    # --- connection set-up ---

    def _ensure_schema(self) -> str:
        row = self._pg.execute("SELECT current_schema() AS s").fetchone()
        if row and row["s"]:
            return str(row["s"])
        path = self._pg.execute("SHOW search_path").fetchone()
        first = str(next(iter(path.values()))).split(",")[0].strip() if path else ""
        name = first.strip('"')
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
            raise StoreError(f"the search_path of {self.path} starts with {first!r}, which is not a schema "
                             "harmwatch can create; name a schema of letters, digits and _ in the URL's options.")
        self._run_raw(f'CREATE SCHEMA IF NOT EXISTS "{name}"', ())
        return name

    def _ensure_functions(self) -> None:
        found = self._pg.execute(
            "SELECT obj_description(p.oid, 'pg_proc') AS v FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = %s AND p.proname = 'hw_fts_match'", (self.schema,)
        ).fetchone()
        if found and found["v"] == _FUNCTIONS_VERSION:
            return
        with self.transaction():
            for statement in _FUNCTIONS:
                self._run_raw(statement, ())
            has_sum = self._pg.execute(
                "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s "
                "AND p.proname = 'sum'", (self.schema,)).fetchone()
            if not has_sum:
                self._run_raw(_AGGREGATE, ())
            self._run_raw(f"COMMENT ON FUNCTION hw_fts_match(jsonb, jsonb) IS '{_FUNCTIONS_VERSION}'", ())

    # --- the Database interface ---

    def close(self) -> None:
        self._pg.close()

    def _begin(self) -> None:
        self._run_raw("BEGIN", ())
        # One writer per schema at a time, like SQLite's BEGIN IMMEDIATE; released at COMMIT/ROLLBACK.
        self._run_raw("SELECT pg_advisory_xact_lock(hashtext(current_schema()))", ())

    def _commit(self) -> None:
        self._run_raw("COMMIT", ())

    def _rollback(self) -> None:
        if self._pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self._pg.execute("ROLLBACK")

    def stream(self, sql: str, params: Params = ()) -> Iterator[Row]:
        """Rows a few at a time through a server-side cursor (held past commits, so writes may interleave)."""
        translated = to_postgres(sql)
        cursor = self._pg.cursor(name=f"hw_stream_{next(_cursor_names)}", withhold=True)
        try:
            try:
                cursor.execute(translated.sql, self._params(translated.fts_params, params))
            except psycopg.Error as exc:
                raise self._error(exc, sql) from None
            while chunk := cursor.fetchmany(FETCH_SIZE):
                yield from (self._clean(sql, r) for r in chunk)
        finally:
            if not self._pg.closed:
                cursor.close()

    def table_names(self) -> set[str]:
        rows = self._pg.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                                (self.schema,)).fetchall()
        return {r["table_name"] for r in rows}

    def pragma(self, name: str) -> Any:
        return None  # SQLite settings have no PostgreSQL counterpart

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        yield  # the server checkpoints on its own schedule

    def execute_many(self, sql: str, rows: Sequence[Params]) -> None:
        if not rows:
            return
        translated = to_postgres(sql)
        try:
            with self._pg.cursor() as cursor:
                cursor.executemany(translated.sql, [self._params(translated.fts_params, r) for r in rows])
        except psycopg.Error as exc:
            raise self._error(exc, sql) from None

    def one(self, sql: str, params: Params = ()) -> Row | None:
        row = self._run(sql, params).fetchone()
        return self._clean(sql, row) if row is not None else None

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        return [self._clean(sql, r) for r in self._run(sql, params).fetchall()]

    @staticmethod
    def _clean(sql: str, row: Row) -> Row:
        # The translated tables carry a rowid column; SELECT * must not show it, as on SQLite.
        if "rowid" in row and "rowid" not in sql.lower():
            row = {k: v for k, v in row.items() if k != "rowid"}
        return row

    def _run(self, sql: str, params: Params) -> Any:
        translated = to_postgres(sql)
        try:
            return self._pg.execute(translated.sql, self._params(translated.fts_params, params))
        except psycopg.Error as exc:
            raise self._error(exc, sql) from None

    def _run_raw(self, sql: str, params: Params) -> Any:
        try:
            return self._pg.execute(sql, tuple(params))
        except psycopg.Error as exc:
            raise self._error(exc, sql) from None

    @staticmethod
    def _params(fts: tuple[int, ...], params: Params) -> tuple[Any, ...]:
        values = tuple(params)
        if fts:
            values = tuple(fts_terms(v) if i in fts else v for i, v in enumerate(values))
        return values

    def _error(self, exc: Exception, sql: str) -> StoreError:
        what = " ".join(sql.split(None, 3)[:3])
        text = _sqlite_words(exc)
        state = getattr(exc, "sqlstate", None) or ""
        if state.startswith("08") or isinstance(exc, psycopg.OperationalError) and self._pg.closed:
            hint = "the connection to the server was lost; check the server and run the command again"
        elif state in ("40001", "40P01", "55P03"):
            hint = "another harmwatch process is writing to it; wait for it to finish and retry"
        elif state.startswith("42"):
            hint = ("the schema does not match this harmwatch, or this is a bug; check --db points at a "
                    "harmwatch database and report the command you ran")
            if state == "42P07" or "already exists" in text:
                return SchemaError(f"database {self.path}: {what} failed ({text}); the schema holds tables "
                                   "harmwatch did not expect. Point --db at a new schema.")
        else:
            hint = "this is likely a bug in harmwatch; please report it with the command you ran"
        return StoreError(f"database {self.path}: {what} failed ({text}); {hint}.")


_SQLITE_WORDS = {"23503": "FOREIGN KEY constraint failed", "23505": "UNIQUE constraint failed",
                 "23502": "NOT NULL constraint failed", "23514": "CHECK constraint failed"}


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["unknown error"])[0]


def _sqlite_words(exc: Exception) -> str:
    """The server's message, led by SQLite's wording for constraint failures so both read alike."""
    state = getattr(exc, "sqlstate", None) or ""
    lead = _SQLITE_WORDS.get(state)
    return f"{lead}: {_first_line(exc)}" if lead else _first_line(exc)
