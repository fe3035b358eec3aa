"""Review decisions, access tokens and the incident search index (schema step 2, issue 6).

``Store.put_incident`` calls :func:`reviewed` before it writes an incident, so every rebuild (a new
mention joining, a merge, a split) comes out with the reviewers' decisions applied, and
:func:`index_incidents` after, so the API's free-text, actor and target filters stay current.
The moves a merge or a split makes (:func:`merge_into`, :func:`split_off`) change which mentions
belong to which incident once; later processing builds on the moved state.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import NotFound
from ..model import Incident, Link
from ..review import Review, apply
from . import blocking
from .db import Database, Row, chunks, marks
from .records import dumps, link_row

if TYPE_CHECKING:
    from .store import Store

ROLES: tuple[str, ...] = ("reviewer", "admin")

_SEARCH_BODY = (  # what the free-text search sees: ids, type, place, sources, documents, evidence
    "incidents.id || ' ' || REPLACE(incidents.type, '_', ' ') || ' ' || COALESCE(incidents.place_name, '') "
    "|| ' ' || COALESCE((SELECT group_concat(value, ' ') FROM json_each(incidents.data, '$.sources')), '') "
    "|| ' ' || COALESCE((SELECT group_concat(value, ' ') FROM json_each(incidents.data, '$.documents')), '') "
    "|| ' ' || COALESCE((SELECT group_concat(evidence_text, ' ') FROM mentions "
    "WHERE mentions.incident_id = incidents.id), '')"
)
# An incident is listed (searched, counted, exported) unless all its mentions are negated, hypothetical or
# historical: such a statement keeps its mention, with its status, for reviewers, and the one-member
# incident the linker gives it, but that is no incident to list (spec: interfaces.md).
LISTED = ("(EXISTS (SELECT 1 FROM mentions m WHERE m.incident_id = incidents.id AND m.status = 'asserted') "
          "OR NOT EXISTS (SELECT 1 FROM mentions m WHERE m.incident_id = incidents.id))")
_SEARCH_ACTORS = "COALESCE((SELECT group_concat(value, ' | ') FROM json_each(incidents.data, '$.perpetrators')), '')"
_SEARCH_TARGETS = "COALESCE((SELECT group_concat(value, ' ') FROM json_each(incidents.data, '$.targets')), '')"

# Schema step 2 (``schema.MIGRATIONS``). IF NOT EXISTS: ``_ensure`` replays it on a database that passed
# step 2 while it was still an empty placeholder.
STEP: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS reviews (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        new_incident TEXT,
        payload TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS reviews_incident ON reviews (incident_id)",
    "CREATE INDEX IF NOT EXISTS reviews_new_incident ON reviews (new_incident)",
    # Which decision an audit row records, so an incident's history shows the reviewer's note with it.
    "ALTER TABLE audit ADD COLUMN review_id INTEGER REFERENCES reviews (id)",
    """CREATE TABLE IF NOT EXISTS tokens (
        hash TEXT PRIMARY KEY,
        name TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT
    )""",
    # rowid = incidents.rowid, which an upsert keeps: one row per incident, found without a scan.
    "CREATE VIRTUAL TABLE IF NOT EXISTS incident_search USING fts5(body, actors, targets, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "DELETE FROM incident_search",
    f"INSERT INTO incident_search (rowid, body, actors, targets) SELECT rowid, {_SEARCH_BODY}, "
    f"{_SEARCH_ACTORS}, {_SEARCH_TARGETS} FROM incidents",
    # The API's filters (store.search): a type or grade, a period, a map box.
    "CREATE INDEX IF NOT EXISTS incidents_grade ON incidents (grade, date_start)",
    "CREATE INDEX IF NOT EXISTS incidents_type ON incidents (type, date_start, grade)",
    "CREATE INDEX IF NOT EXISTS incidents_span ON incidents (date_start, date_end)",
    "CREATE INDEX IF NOT EXISTS incidents_lat ON incidents (lat, lon, date_start, id)",
    # Covers /api/stats, so counting 100,000 incidents never reads their JSON records.
    "CREATE INDEX IF NOT EXISTS incidents_stats ON incidents (scope, date_start, type, grade, status, "
    "contradiction, killed_best, injured_best, place_name, lat, lon)",
)

_READY: weakref.WeakSet[Database] = weakref.WeakSet()


def _ensure(db: Database) -> None:
    """Create the step-2 tables on a database migrated while step 2 was an empty placeholder."""
    if db in _READY:
        return
    if "reviews" not in db.table_names():
        with db.transaction():
            for statement in STEP:
                db.execute(statement)
    _READY.add(db)


# --- the put_incident hooks ---


def _review_from_row(row: Row) -> Review:
    p = json.loads(row["payload"])
    return Review(id=int(row["id"]), at=datetime.fromisoformat(row["at"]), who=row["who"], action=row["action"],
                  incident_id=row["incident_id"], field=p.get("field"), value=p.get("value"),
                  note=p.get("note") or "", incidents=tuple(p.get("incidents") or ()),
                  mentions=tuple(p.get("mentions") or ()))


def reviews_of(db: Database, incident_id: str) -> list[Review]:
    """Every decision about ``incident_id`` (including the split that created it), oldest first."""
    _ensure(db)
    rows = db.all("SELECT * FROM reviews WHERE incident_id = ? UNION SELECT * FROM reviews WHERE new_incident = ? "
                  "ORDER BY id", (incident_id, incident_id))
    return [_review_from_row(r) for r in rows]


def reviewed(db: Database, inc: Incident) -> Incident:
    """``inc`` with its reviewers' decisions applied (unchanged when there are none)."""
    decisions = reviews_of(db, inc.id)
    return apply(inc, decisions) if decisions else inc


def reviewed_all(db: Database, incidents: Sequence[Incident]) -> list[Incident]:
    """``reviewed`` of each of ``incidents``; the decisions are looked up a few hundred incidents a query."""
    _ensure(db)
    decided: set[str] = set()
    for chunk in chunks([inc.id for inc in incidents]):
        ids = marks(len(chunk))
        rows = db.all(f"SELECT incident_id AS i FROM reviews WHERE incident_id IN ({ids}) UNION "
                      f"SELECT new_incident AS i FROM reviews WHERE new_incident IN ({ids})", [*chunk, *chunk])
        decided.update(r["i"] for r in rows)
    return [reviewed(db, inc) if inc.id in decided else inc for inc in incidents]


def index_incidents(db: Database, incident_ids: Sequence[str]) -> None:
    """Refresh the search rows of these incidents (those not written are skipped)."""
    _ensure(db)
    for chunk in chunks(incident_ids):
        ids = marks(len(chunk))
        db.execute(f"DELETE FROM incident_search WHERE rowid IN (SELECT rowid FROM incidents WHERE id IN ({ids}))",
                   chunk)
        db.execute(f"INSERT INTO incident_search (rowid, body, actors, targets) SELECT rowid, {_SEARCH_BODY}, "
                   f"{_SEARCH_ACTORS}, {_SEARCH_TARGETS} FROM incidents WHERE id IN ({ids}) AND {LISTED}", chunk)


# --- recording decisions ---


def record(store: Store, review: Review) -> Review:
    """Store ``review`` (its ``id`` and ``at`` are assigned here) and return it as stored."""
    db = store._db
    _ensure(db)
    at = store._clock()
    new_incident = review.incidents[0] if review.action == "split" and review.incidents else None
    with db.transaction():
        db.execute("INSERT INTO reviews (at, who, action, incident_id, new_incident, payload) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (at.isoformat(), review.who, review.action, review.incident_id, new_incident,
                    dumps(review.payload())))
        row = db.one("SELECT * FROM reviews WHERE id = last_insert_rowid()")
    assert row is not None  # just inserted, in this transaction
    return _review_from_row(row)


def merged_into(store: Store, incident_id: str) -> str | None:
    """The incident ``incident_id`` was merged into, if a reviewer merged it away."""
    db = store._db
    _ensure(db)
    for row in db.all("SELECT incident_id, payload FROM reviews WHERE action = 'merge' ORDER BY id DESC"):
        if incident_id in (json.loads(row["payload"]).get("incidents") or ()):
            return str(row["incident_id"])
    return None


def audit(store: Store, review: Review, target: str, before: object, after: object) -> None:
    """An audit row for ``target`` recording ``review``, with the state before and after."""
    with store.transaction():
        store._db.execute(
            "INSERT INTO audit (at, who, action, target, before, after, review_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (store._clock().isoformat(), review.who, review.action, target,
             None if before is None else dumps(before), None if after is None else dumps(after), review.id))


def history(store: Store, target: str | None = None, *, limit: int | None = None) -> list[tuple[Row, Review | None]]:
    """Audit rows (of ``target``, or all: the latest ``limit``), oldest first, each with its decision.

    ``before``/``after`` are decoded from JSON.
    """
    db = store._db
    _ensure(db)
    sql = ("SELECT a.id AS audit_id, a.at AS audit_at, a.who AS audit_who, a.action AS audit_action, a.target, "
           "a.before, a.after, r.* FROM audit a LEFT JOIN reviews r ON r.id = a.review_id")
    params: list[Any] = []
    if target is not None:
        sql, params = sql + " WHERE a.target = ?", [target]
    sql += " ORDER BY a.id DESC"
    if limit is not None:
        sql, params = sql + " LIMIT ?", [*params, limit]
    found: list[tuple[Row, Review | None]] = []
    for row in reversed(db.all(sql, params)):
        entry = {"id": row["audit_id"], "at": row["audit_at"], "who": row["audit_who"],
                 "action": row["audit_action"], "target": row["target"],
                 "before": json.loads(row["before"]) if row["before"] is not None else None,
                 "after": json.loads(row["after"]) if row["after"] is not None else None}
        found.append((entry, _review_from_row(row) if row["id"] is not None else None))
    return found


# --- merges and splits ---


def _member_ids(db: Database, incident_id: str) -> list[str]:
    return [r["id"] for r in db.all("SELECT id FROM mentions WHERE incident_id = ? ORDER BY rowid", (incident_id,))]


def _drop(db: Database, incident_id: str) -> None:
    row = db.one("SELECT rowid AS r FROM incidents WHERE id = ?", (incident_id,))
    if row is not None:
        db.execute("DELETE FROM incident_search WHERE rowid = ?", (row["r"],))
    db.execute("DELETE FROM link_blocks WHERE incident_id = ?", (incident_id,))
    db.execute("DELETE FROM stale_incidents WHERE id = ?", (incident_id,))
    db.execute("DELETE FROM incidents WHERE id = ?", (incident_id,))


def _relink(db: Database, mention_id: str, incident_id: str, feature: str) -> None:
    """Say in ``links`` that a reviewer put ``mention_id`` in ``incident_id``."""
    values = link_row(Link(mention_id, incident_id, 1.0, ((feature, 1.0),)))
    db.execute("DELETE FROM links WHERE mention_id = ?", (mention_id,))
    db.execute(f"INSERT INTO links ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
               list(values.values()))


def merge_into(store: Store, keep: str, others: Sequence[str]) -> list[str]:
    """Move every mention of ``others`` to ``keep`` and delete ``others``; returns the moved mention ids.

    Call inside a transaction, then rebuild ``keep``. The merged-away incidents leave the linking index,
    so no later mention can join them.
    """
    db = store._db
    moved: list[str] = []
    for other in others:
        members = _member_ids(db, other)
        linked = {r["mention_id"] for r in db.all("SELECT mention_id FROM links WHERE incident_id = ?", (other,))}
        db.execute("UPDATE mentions SET incident_id = ? WHERE incident_id = ?", (keep, other))
        db.execute("UPDATE links SET incident_id = ? WHERE incident_id = ?", (keep, other))
        for mention_id in members:
            if mention_id not in linked:  # it founded ``other``: say why it is in ``keep`` now
                _relink(db, mention_id, keep, "reviewer_merge")
        _drop(db, other)
        moved.extend(members)
    blocking.reindex_incident(db, keep)
    return moved


def split_off(store: Store, source: str, mention_ids: Sequence[str], new_id: str) -> None:
    """Move ``mention_ids`` from ``source`` to the new incident ``new_id`` (call inside a transaction).

    The caller checks that they belong to ``source`` and rebuilds both incidents.
    """
    db = store._db
    for mention_id in mention_ids:
        db.execute("UPDATE mentions SET incident_id = ? WHERE id = ? AND incident_id = ?",
                   (new_id, mention_id, source))
        _relink(db, mention_id, new_id, "reviewer_split")
    blocking.reindex_incident(db, source)
    blocking.reindex_incident(db, new_id)


def members_of(store: Store, incident_id: str) -> list[str]:
    """The ids of the mentions that belong to ``incident_id``, in the order they were saved."""
    return _member_ids(store._db, incident_id)


def incident_exists(store: Store, incident_id: str) -> bool:
    return store._db.one("SELECT 1 AS hit FROM incidents WHERE id = ?", (incident_id,)) is not None


# --- access tokens ---


@dataclass(frozen=True)
class TokenInfo:
    """A stored access token: never the token itself, only its SHA-256."""

    hash: str
    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "created_at": self.created_at.isoformat(),
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None, "id": self.hash[:12]}


def _token(row: Row) -> TokenInfo:
    revoked = row["revoked_at"]
    return TokenInfo(row["hash"], row["name"], row["role"], datetime.fromisoformat(row["created_at"]),
                     datetime.fromisoformat(revoked) if revoked else None)


def add_token(store: Store, token_hash: str, name: str, role: str) -> TokenInfo:
    db = store._db
    _ensure(db)
    with db.transaction():
        db.execute("INSERT INTO tokens (hash, name, role, created_at) VALUES (?, ?, ?, ?)",
                   (token_hash, name, role, store._clock().isoformat()))
    return find_token(store, token_hash) or _missing(token_hash)


def _missing(token_hash: str) -> TokenInfo:
    raise NotFound(f"token {token_hash[:12]} was not stored; run `harmwatch token create` again.")


def find_token(store: Store, token_hash: str) -> TokenInfo | None:
    """The live (not revoked) token with this hash."""
    db = store._db
    _ensure(db)
    row = db.one("SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL", (token_hash,))
    return _token(row) if row else None


def tokens(store: Store) -> list[TokenInfo]:
    _ensure(store._db)
    return [_token(r) for r in store._db.all("SELECT * FROM tokens ORDER BY created_at, hash")]


def revoke_tokens(store: Store, key: str) -> int:
    """Revoke the live tokens named ``key`` or whose id (hash prefix, 12 characters) is ``key``."""
    db = store._db
    _ensure(db)
    with db.transaction():
        return db.execute("UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND (name = ? OR "
                          "substr(hash, 1, 12) = ?)", (store._clock().isoformat(), key, key))
