"""The store: documents, mentions, claims, links and incidents in one database.

Every write method runs in a transaction; inside ``Store.transaction()`` it
joins the caller's, so a whole batch commits or rolls back as one.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, TypeVar

from ..errors import ConfigError, NotFound, StoreError
from ..model import Document, Incident, Link, Mention
from . import blocking, review, saving, stale
from .db import Database, Row, chunks, marks
from .records import (
    Values,
    document_from_row,
    document_row,
    dumps,
    incident_from_record,
    incident_row,
    link_from_row,
    loads,
    mention_from_row,
)
from .saving import MentionWriter, check_link, upsert_sql

Clock = Callable[[], datetime]
BBox = tuple[float, float, float, float]
MIN_PREFIX = 8

# Mentions in the global processing order: ingest order of their document, then index.
_UNPROCESSED = "FROM documents WHERE processed_at IS NULL ORDER BY seq LIMIT ?"  # in ingest order
_MENTIONS_IN_ORDER = (
    "SELECT m.incident_id, m.data FROM mentions m JOIN documents d ON d.sha256 = m.doc_sha256"
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _upsert(table: str, values: Values, keys: Sequence[str], update: bool = True) -> str:
    return upsert_sql(table, tuple(values), tuple(keys), update)


T = TypeVar("T")


class Store:
    """A harmwatch database; get one with ``open_store``."""

    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self._db = db
        self._clock = clock or _utc_now

    @property
    def path(self) -> str:
        return self._db.path

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit: everything written inside commits together or not at all."""
        return self._db.transaction()

    def bulk_writes(self) -> AbstractContextManager[None]:
        """Many large transactions ahead (``process``): SQLite checkpoints its log less often meanwhile."""
        return self._db.bulk_writes()

    def _write(self, table: str, values: Values, keys: Sequence[str], update: bool = True) -> int:
        return self._db.execute(_upsert(table, values, keys, update), list(values.values()))

    # --- documents ---

    def add_document(self, doc: Document) -> bool:
        """Store ``doc``; False (and no change) when its sha256 is already stored."""
        with self.transaction():
            if self._db.one("SELECT 1 AS hit FROM documents WHERE sha256 = ?", (doc.sha256,)):
                return False
            row = self._db.one("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM documents")
            values = {**document_row(doc), "seq": row["next"] if row else 1}
            self._write("documents", values, ["sha256"], update=False)
        return True

    def get_document(self, key: str) -> Document:
        """The document with this sha256, doc id, or unique sha256 prefix (at least 8 characters)."""
        shas = self._shas("sha256 = ?", key)
        if not shas:
            shas = self._shas("doc_id = ?", key)
        if not shas and len(key) >= MIN_PREFIX and all(c in string.hexdigits for c in key):
            shas = self._shas("sha256 LIKE ?", key.lower() + "%")
        if len(shas) > 1:
            raise NotFound(
                f"{key!r} matches more than one document ({', '.join(s[:12] for s in shas[:5])}); "
                "give a longer sha256 prefix to choose one."
            )
        if not shas:
            raise NotFound(f"no document has sha256, prefix or id {key!r}; "
                           "list documents with `harmwatch documents`, or ingest it first.")
        row = self._db.one("SELECT * FROM documents WHERE sha256 = ?", (shas[0],))
        assert row is not None  # the sha256 was just read from this table
        return document_from_row(row)

    def documents_with(self, sha256s: Sequence[str]) -> dict[str, Document]:
        """The stored documents among these sha256s (full hashes only), a few hundred a query."""
        found: dict[str, Document] = {}
        for chunk in chunks(list(dict.fromkeys(sha256s))):
            for row in self._db.all(f"SELECT * FROM documents WHERE sha256 IN ({marks(len(chunk))})", chunk):
                found[row["sha256"]] = document_from_row(row)
        return found

    def _shas(self, condition: str, value: str) -> list[str]:
        rows = self._db.all(f"SELECT sha256 FROM documents WHERE {condition} ORDER BY seq LIMIT 6", (value,))
        return [r["sha256"] for r in rows]

    def documents(self) -> Iterator[Document]:
        """Every document, in ingest order."""
        for row in self._db.stream("SELECT * FROM documents ORDER BY seq"):
            yield document_from_row(row)

    def unprocessed(self, limit: int) -> list[Document]:
        """Up to ``limit`` documents not yet processed, oldest first."""
        return [document_from_row(r) for r in self._db.all(f"SELECT * {_UNPROCESSED}", (limit,))]

    def unprocessed_sha256s(self, limit: int) -> list[str]:
        """The sha256s of ``unprocessed(limit)``, without reading the documents."""
        return [r["sha256"] for r in self._db.all(f"SELECT sha256 {_UNPROCESSED}", (limit,))]

    def mark_processed(self, sha256s: Sequence[str], at: datetime) -> None:
        stamp = at.isoformat()
        with self.transaction():
            self._db.execute_many("UPDATE documents SET processed_at = ? WHERE sha256 = ?",
                                  [(stamp, sha) for sha in sha256s])

    # --- mentions and links ---

    def save_mention(self, m: Mention, incident_id: str, link: Link | None) -> None:
        """Store ``m`` as a member of ``incident_id``, with its claims, place, actors and link.

        The incident row must exist by the end of the transaction (``put_incident``).
        """
        check_link(m, incident_id, link)
        with self.transaction():
            writer = MentionWriter(self._db, [m])
            writer.save(m, incident_id, link)
            writer.flush()

    def mention_writer(self, mentions: Sequence[Mention]) -> MentionWriter:
        """Saves a batch of ``mentions`` like ``save_mention``, in fewer statements; use it in a transaction.

        Each mention's row is written by ``save``, the rest by ``flush`` (``store.saving``).
        """
        if not self._db.in_transaction:
            raise StoreError("mention_writer needs an open transaction, or a crash could leave mentions without "
                             "their links; call it inside `with store.transaction():`.")
        return MentionWriter(self._db, mentions)

    def has_members(self, incident_id: str) -> bool:
        """Whether any mention is saved to ``incident_id``."""
        return saving.has_members(self._db, incident_id)

    def candidates(self, start: date | None, end: date | None, scope: str,
                   mention: Mention | None = None) -> dict[str, list[Mention]]:
        """Incidents of ``scope`` whose dates overlap [start, end] (None: open), or that have no date.

        Keys are incident ids in sorted order; each list is that incident's mentions in processing order.
        Given the ``mention`` to link, only incidents its blocking keys reach are read, and a large
        incident gives only its first and latest members (``store.blocking``).
        """
        if mention is not None:
            return blocking.members_for_scoring(self._db, blocking.candidate_sizes(self._db, mention, start, end))
        conditions, params = ["i.scope = ?"], [scope]
        if end is not None:
            conditions.append("(i.date_start IS NULL OR i.date_start <= ?)")
            params.append(end.isoformat())
        if start is not None:
            conditions.append("(i.date_end IS NULL OR i.date_end >= ?)")
            params.append(start.isoformat())
        rows = self._db.all(
            f"{_MENTIONS_IN_ORDER} JOIN incidents i ON i.id = m.incident_id "
            f"WHERE {' AND '.join(conditions)} ORDER BY i.id, d.seq, m.idx", params,
        )
        found: dict[str, list[Mention]] = {}
        for row in rows:
            found.setdefault(row["incident_id"], []).append(mention_from_row(row))
        return found

    def members(self, incident_id: str) -> list[Mention]:
        """The mentions saved to ``incident_id``, in processing order."""
        return self.members_of([incident_id])[incident_id]

    def members_of(self, incident_ids: Sequence[str]) -> dict[str, list[Mention]]:
        """``members`` of each of ``incident_ids`` (a key for each), a few hundred incidents a query."""
        return self._per_incident(f"{_MENTIONS_IN_ORDER} WHERE m.incident_id IN", incident_ids,
                                  lambda r: blocking.decoded(r["data"]))

    def links_of(self, incident_id: str) -> list[Link]:
        """Why each linked mention joined ``incident_id``, in processing order."""
        return self.links_of_all([incident_id])[incident_id]

    def links_of_all(self, incident_ids: Sequence[str]) -> dict[str, list[Link]]:
        """``links_of`` each of ``incident_ids`` (a key for each), a few hundred incidents a query."""
        return self._per_incident("SELECT l.* FROM links l JOIN mentions m ON m.id = l.mention_id JOIN documents d "
                                  "ON d.sha256 = m.doc_sha256 WHERE l.incident_id IN", incident_ids, link_from_row)

    def _per_incident(self, head: str, incident_ids: Sequence[str], read: Callable[[Row], T]) -> dict[str, list[T]]:
        """Rows of ``head (ids...)`` in processing order, read and grouped by their ``incident_id``."""
        found: dict[str, list[T]] = {i: [] for i in incident_ids}
        for chunk in chunks(list(found)):
            for r in self._db.all(f"{head} ({marks(len(chunk))}) ORDER BY d.seq, m.idx", chunk):
                found[r["incident_id"]].append(read(r))
        return found

    # --- incidents ---

    def put_incident(self, inc: Incident, *, fresh: bool = True) -> None:
        """Insert or replace ``inc`` (its links are stored by ``save_mention``).

        Issue 6: reviewers' decisions are applied first, so no rebuild undoes them; the search index follows.
        ``fresh``: ``inc`` was built from all its current members, so it is no longer stale (``store.stale``);
        False when a stored incident is only written back with a reviewer's decision applied.
        """
        self.put_incidents([inc], fresh=fresh)

    def put_incidents(self, incidents: Sequence[Incident], *, fresh: bool = True) -> None:
        """``put_incident`` each of ``incidents``, in a few statements."""
        with self.transaction():
            rows = [incident_row(inc) for inc in review.reviewed_all(self._db, incidents)]
            if rows:
                self._db.execute_many(_upsert("incidents", rows[0], ["id"]), [list(r.values()) for r in rows])
            review.index_incidents(self._db, [r["id"] for r in rows])
            if fresh:
                stale.built(self._db, [r["id"] for r in rows])

    def due_rebuilds(self, incident_ids: Sequence[str]) -> list[str]:
        """Of the incidents the open batch touched, those to rebuild now; large ones wait (``store.stale``)."""
        with self.transaction():
            return stale.due_now(self._db, incident_ids)

    def stale_incidents(self) -> list[str]:
        """Incidents whose row is behind their members, waiting for ``rebuild_stale``."""
        return stale.listed(self._db)

    def incident(self, incident_id: str) -> Incident:
        """The incident with this id, with its links."""
        row = self._db.one("SELECT data FROM incidents WHERE id = ?", (incident_id,))
        if row is None:
            raise NotFound(f"no incident has id {incident_id!r}; list ids with `harmwatch incidents`.")
        return incident_from_record(loads(row["data"]), tuple(self.links_of(incident_id)))

    def incidents(self, *, type: str | None = None, since: date | None = None, until: date | None = None,
                  place: str | None = None, bbox: BBox | None = None,
                  limit: int | None = None) -> Iterator[Incident]:
        """Incidents matching every filter given, by date (undated last) then id, streamed.

        ``since``/``until`` keep incidents whose date range overlaps them; ``place`` is a
        case-insensitive part of the place name; ``bbox`` is (min_lon, min_lat, max_lon, max_lat).
        Links are left empty here: use ``incident`` or ``links_of`` for them.
        """
        conditions, params = _incident_filters(type, since, until, place, bbox)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"SELECT data FROM incidents {where} ORDER BY date_start IS NULL, date_start, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        for row in self._db.stream(sql, params):
            yield incident_from_record(loads(row["data"]))

    # --- bookkeeping ---

    def counts(self) -> dict[str, int]:
        row = self._db.one(
            "SELECT (SELECT COUNT(*) FROM documents) AS documents, "
            "(SELECT COUNT(*) FROM documents WHERE processed_at IS NOT NULL) AS processed, "
            "(SELECT COUNT(*) FROM mentions) AS mentions, (SELECT COUNT(*) FROM claims) AS claims, "
            f"(SELECT COUNT(*) FROM incidents WHERE {review.LISTED}) AS incidents"
        )
        assert row is not None  # an aggregate query always returns one row
        return {k: int(v) for k, v in row.items()}

    def audit(self, who: str, action: str, target: str, before: object, after: object) -> None:
        """Record who did what to which record, with its state before and after (any JSON-able value)."""
        with self.transaction():
            self._db.execute(
                "INSERT INTO audit (at, who, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                (self._clock().isoformat(), who, action, target, _json_or_null(before), _json_or_null(after)),
            )

    def audit_log(self, target: str | None = None) -> list[Row]:
        """Audit rows, oldest first, optionally for one target; ``before``/``after`` decoded."""
        sql, params = "SELECT * FROM audit", []
        if target is not None:
            sql, params = sql + " WHERE target = ?", [target]
        rows = self._db.all(sql + " ORDER BY id", params)
        return [{**r, **{k: json.loads(r[k]) if r[k] is not None else None for k in ("before", "after")}}
                for r in rows]


def _json_or_null(value: object) -> str | None:
    return None if value is None else dumps(value)


def _incident_filters(type: str | None, since: date | None, until: date | None, place: str | None,
                      bbox: BBox | None) -> tuple[list[str], list[Any]]:
    conditions: list[str] = [review.LISTED]
    params: list[Any] = []
    if type is not None:
        conditions.append("type = ?")
        params.append(type)
    if since is not None:
        conditions.append("COALESCE(date_end, date_start) >= ?")
        params.append(since.isoformat())
    if until is not None:
        conditions.append("COALESCE(date_start, date_end) <= ?")
        params.append(until.isoformat())
    if place:
        escaped = place.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append("LOWER(place_name) LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if bbox is not None:
        conditions.append(_bbox_condition(bbox))
        min_lon, min_lat, max_lon, max_lat = bbox
        params.extend((min_lon, max_lon, min_lat, max_lat))
    return conditions, params


def _bbox_condition(bbox: BBox) -> str:
    """SQL taking min_lon, max_lon, min_lat, max_lat as parameters."""
    min_lon, min_lat, max_lon, max_lat = bbox
    if min_lat > max_lat or not all(-180 <= x <= 180 for x in (min_lon, max_lon)):
        raise ConfigError(
            f"bounding box {bbox} is not (min_lon, min_lat, max_lon, max_lat) with min_lat <= max_lat "
            "and longitudes within -180..180; give it in that order, e.g. 35.5,32.3,42.4,37.3."
        )
    # RFC 7946: min_lon > max_lon means the box crosses the antimeridian.
    lon_op = "AND" if min_lon <= max_lon else "OR"
    return f"(lon >= ? {lon_op} lon <= ?) AND lat >= ? AND lat <= ?"

