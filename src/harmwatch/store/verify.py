"""What ``harmwatch verify`` reads: every document's recorded hash and raw bytes, and the engine's own check.

Documents are read a few at a time in ingest order, so a database of large
originals never sits in memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .db import Database
from .store import Store

# Raw originals can be up to the ingest limit (50 MiB) each: fetch them in small pages.
_PAGE = 8


@dataclass(frozen=True)
class StoredOriginal:
    """One documents row as stored: ``raw`` is whatever the column holds now."""

    seq: int
    sha256: str
    doc_id: str
    raw: bytes | None


def _db(store: Store) -> Database:
    return store._db  # the store package shares its connection between modules


def stored_originals(store: Store) -> Iterator[StoredOriginal]:
    """Every document's seq, recorded sha256, id and raw bytes, in ingest order."""
    db = _db(store)
    after = -1
    while True:
        rows = db.all("SELECT seq, sha256, doc_id, raw FROM documents WHERE seq > ? ORDER BY seq LIMIT ?",
                      (after, _PAGE))
        for row in rows:
            yield StoredOriginal(int(row["seq"]), str(row["sha256"]), str(row["doc_id"]), _bytes(row["raw"]))
        if len(rows) < _PAGE:
            return
        after = int(rows[-1]["seq"])


def _bytes(value: object) -> bytes | None:
    """The column's bytes; SQLite may hand back text if something wrote a string there."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else None


def integrity_problems(store: Store) -> list[str] | None:
    """SQLite's ``integrity_check`` and ``foreign_key_check`` findings (empty when healthy).

    None when the engine has no such check (PostgreSQL checks its pages itself).
    """
    db = _db(store)
    if db.dialect != "sqlite":
        return None
    found = [str(r["integrity_check"]) for r in db.all("PRAGMA integrity_check")]
    problems = [f for f in found if f != "ok"]
    for row in db.all("PRAGMA foreign_key_check"):
        problems.append(f"table {row['table']} row {row['rowid']} points to a missing {row['parent']} row")
    return problems
