"""Linking a batch of mentions with few statements (issue 5).

Nothing is written while the batch links: the next mention of the batch is compared with those saved
before it from memory (the members and index rows the writer keeps current). :meth:`MentionWriter.flush`
then writes the mention rows, index rows, claims, links, places and actors together, one
``execute_many`` per table; a read that needs the table first writes what is pending. The end state
is the one ``Store.save_mention`` per mention would leave.

:meth:`MentionWriter.candidates` answers as ``Store.candidates`` does, but reads each index row
(``blocking.BatchBlocks``) and each small incident's members once per batch, then keeps them current
as the batch saves mentions. That is safe because the batch's transaction holds the write lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from ..errors import LinkError, NotFound
from ..model import Link, Mention
from . import blocking
from .db import Database, chunks
from .records import Values, claim_rows, link_from_row, link_row, mention_row, place_row


@lru_cache(maxsize=256)  # the same few statements are built for every row written
def upsert_sql(table: str, cols: tuple[str, ...], keys: tuple[str, ...], update: bool = True) -> str:
    changes = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys)
    action = f"UPDATE SET {changes}" if update and changes else "NOTHING"
    return (f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO {action}")


def _found(db: Database, table: str, column: str, values: Iterable[str]) -> set[str]:
    """Which of ``values`` are in ``table.column``."""
    unique = sorted(set(values))
    found: set[str] = set()
    for chunk in chunks(unique):
        rows = db.all(f"SELECT {column} AS v FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})",
                      chunk)
        found.update(r["v"] for r in rows)
    return found


def has_members(db: Database, incident_id: str) -> bool:
    """Whether any stored mention is saved to ``incident_id``."""
    return db.one("SELECT 1 AS hit FROM mentions WHERE incident_id = ? LIMIT 1", (incident_id,)) is not None


def check_link(m: Mention, incident_id: str, link: Link | None) -> None:
    if link is not None and (link.mention_id != m.id or link.incident_id != incident_id):
        raise LinkError(
            f"link {link.mention_id} -> {link.incident_id} does not match mention {m.id} saved to "
            f"{incident_id}; the link stage must return a link for the mention it was given."
        )


class MentionWriter:
    """Saves the mentions of one batch (inside its transaction); call ``flush`` before reading links or claims.

    Built with every mention the batch may save, so that the documents are checked and the mentions
    saved before (whose old claims and link must go) are found in one query each.
    """

    def __init__(self, db: Database, mentions: Sequence[Mention]) -> None:
        self._db = db
        present = _found(db, "documents", "sha256", (m.doc_sha256 for m in mentions))
        for m in mentions:
            if m.doc_sha256 not in present:
                raise NotFound(f"mention {m.id} belongs to document {m.doc_sha256[:12]}, which is not "
                               "in the store; add the document before its mentions.")
        self._stored = _found(db, "mentions", "id", (m.id for m in mentions))
        # Each mention saved, with its link row (None: it founded its incident); the last save wins.
        self._pending: dict[str, tuple[Mention, Values | None]] = {}
        # The first row of each key, as the insert that keeps the first would leave the table.
        self._places: dict[str, Values] = {}
        self._actors: dict[str, Values] = {}
        # Members of small candidate incidents read in this batch, kept current by ``save``: the batch
        # holds the write lock, so nobody else changes them until it commits.
        self._members: dict[str, list[Mention]] = {}
        self._ends: dict[str, blocking.Ends] = {}  # and of large ones: their first and latest members
        self._blocks = blocking.BatchBlocks(db)
        self._columns: tuple[str, ...] = ()  # of the mention rows, the same for every row
        self._unwritten: list[list[Any]] = []  # mention rows saved, not written yet, in save order
        self._dirty: set[str] = set()  # the incidents they were saved to
        # Links of the incidents founded in this batch, whose every member is in ``_members``: ``held``.
        self._founded: dict[str, list[Link]] = {}

    def candidates(self, m: Mention, start: date | None, end: date | None) -> dict[str, list[Mention]]:
        """``Store.candidates`` given the mention, reading each small incident's members once per batch."""
        sizes = self._blocks.candidate_sizes(m, start, end)
        if self._dirty and any(i in self._dirty and i not in self._members and i not in self._ends for i in sizes):
            self._write()  # its members are read from the table, which must hold those saved in this batch
        return blocking.members_for_scoring(self._db, sizes, self._members, self._ends)

    def has_members(self, incident_id: str) -> bool:
        """``Store.has_members``, counting the mentions saved in this batch."""
        return incident_id in self._dirty or has_members(self._db, incident_id)

    def save(self, m: Mention, incident_id: str, link: Link | None, founded: bool = False) -> None:
        """Save ``m`` as a member of ``incident_id``: linking the batch sees it now, the table at ``flush``.

        ``founded``: ``incident_id`` is new, founded by ``m`` (it has no stored members).
        """
        check_link(m, incident_id, link)
        linked = None if link is None else link_row(link)  # written at flush; read back by ``held``
        row = mention_row(m, incident_id)
        self._columns = tuple(row)
        self._unwritten.append(list(row.values()))
        self._dirty.add(incident_id)
        self._blocks.filed(blocking.block_rows(m, incident_id), founded)
        if m.id in self._stored or m.id in self._pending:
            self._write()  # saved before, perhaps elsewhere: write it, then read every incident afresh
            self._members.clear()
            self._ends.clear()
            self._founded.clear()
        elif incident_id in self._ends:
            self._ends[incident_id].latest.append(m)  # the newest rowid: it pushes the oldest of the latest out
        elif incident_id in self._members or founded:
            # After the older members, as the next read would give it (``Mention.from_record`` of its
            # record is ``m`` itself).
            self._members.setdefault(incident_id, []).append(m)
            if founded:
                self._founded[incident_id] = []
            elif linked is not None and incident_id in self._founded:
                self._founded[incident_id].append(link_from_row(linked))  # as it reads back
        self._pending.pop(m.id, None)  # re-inserted below: details are written in save order
        self._pending[m.id] = (m, linked)
        if m.where is not None:
            place = place_row(m.where)
            self._places.setdefault(place["key"], place)
        for a in m.perpetrators:
            self._actors.setdefault(a.name, {"name": a.name, "inter": a.inter})

    def held(self) -> dict[str, tuple[list[Mention], list[Link]]]:
        """The incidents founded in this batch, each with all its members and links, in save order.

        They are what ``Store.members_of`` and ``Store.links_of_all`` would read after ``flush``
        when the batch saves its mentions in processing order (as ``process`` does), without the reads.
        """
        return {i: (self._members[i], links) for i, links in self._founded.items()}

    def _write(self) -> None:
        """Write the mention rows and index rows saved since the last write, one statement each."""
        if self._unwritten:
            self._db.execute_many(upsert_sql("mentions", self._columns, ("id",)), self._unwritten)
        self._blocks.write()
        self._unwritten, self._dirty = [], set()

    def flush(self) -> None:
        """Write the mentions saved since the last flush, with their claims, links, places and actors."""
        self._write()
        saved = [m for m, _ in self._pending.values()]
        stale = [(m.id,) for m in saved if m.id in self._stored]
        self._db.execute_many("DELETE FROM claims WHERE mention_id = ?", stale)
        self._db.execute_many("DELETE FROM links WHERE mention_id = ?", stale)
        self._many("claims", [c for m in saved for c in claim_rows(m)], ("mention_id", "idx"))
        self._many("links", [linked for _, linked in self._pending.values() if linked is not None], ("mention_id",))
        self._many("places", list(self._places.values()), ("key",), update=False)
        self._many("actors", list(self._actors.values()), ("name",), update=False)
        self._stored.update(m.id for m in saved)
        self._pending.clear()
        self._places, self._actors = {}, {}

    def _many(self, table: str, rows: list[Values], keys: tuple[str, ...], update: bool = True) -> None:
        by_cols: dict[tuple[str, ...], list[list[Any]]] = {}
        for row in rows:
            by_cols.setdefault(tuple(row), []).append(list(row.values()))
        for cols, values in by_cols.items():
            self._db.execute_many(upsert_sql(table, cols, keys, update), values)
