"""Numbered schema migrations and the version check.

Step N of ``MIGRATIONS`` turns a version N-1 database into version N. Steps are
only ever appended: a released step is never edited, so every database walks
the same path. The tables are plain and readable, so a harmwatch file opens in
sqlite3, Datasette or pandas; ``data`` columns hold the full JSON record.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ..errors import SchemaError
from . import review
from .db import Database

_V1 = (
    """CREATE TABLE documents (
        sha256 TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL,
        source TEXT, url TEXT, title TEXT, published TEXT, retrieved TEXT, language TEXT,
        media_type TEXT NOT NULL,
        origin TEXT NOT NULL,
        text TEXT NOT NULL,
        raw BLOB NOT NULL,
        boilerplate TEXT NOT NULL,
        seq INTEGER NOT NULL UNIQUE,
        processed_at TEXT
    )""",
    "CREATE INDEX documents_doc_id ON documents (doc_id)",
    "CREATE INDEX documents_todo ON documents (processed_at, seq)",
    """CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        scope TEXT NOT NULL,
        place_name TEXT, lat REAL, lon REAL, place_precision TEXT,
        date_start TEXT, date_end TEXT, date_precision TEXT,
        n_mentions INTEGER NOT NULL,
        n_documents INTEGER NOT NULL,
        sources TEXT NOT NULL,
        independent_sources INTEGER NOT NULL,
        grade TEXT NOT NULL,
        status TEXT NOT NULL,
        killed_low REAL, killed_best REAL, killed_high REAL,
        injured_low REAL, injured_best REAL, injured_high REAL,
        contradiction INTEGER NOT NULL,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX incidents_window ON incidents (scope, date_start, date_end)",
    "CREATE INDEX incidents_order ON incidents (date_start, id)",
    # incident_id is checked at commit: a batch saves a mention before it rebuilds the incident.
    """CREATE TABLE mentions (
        id TEXT PRIMARY KEY,
        doc_sha256 TEXT NOT NULL REFERENCES documents (sha256),
        idx INTEGER NOT NULL,
        type TEXT NOT NULL, status TEXT NOT NULL, scope TEXT NOT NULL, section TEXT NOT NULL,
        certainty TEXT NOT NULL, claimed_by TEXT,
        place_name TEXT, lat REAL, lon REAL, place_precision TEXT,
        date_start TEXT, date_end TEXT, date_precision TEXT,
        evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL, evidence_text TEXT NOT NULL,
        rule TEXT NOT NULL,
        incident_id TEXT REFERENCES incidents (id) DEFERRABLE INITIALLY DEFERRED,
        data TEXT NOT NULL,
        UNIQUE (doc_sha256, idx)
    )""",
    "CREATE INDEX mentions_incident ON mentions (incident_id)",
    """CREATE TABLE claims (
        mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        doc_sha256 TEXT NOT NULL,
        document TEXT NOT NULL,
        source TEXT, published TEXT,
        kind TEXT NOT NULL, grp TEXT NOT NULL,
        low INTEGER, high INTEGER,
        qualifier TEXT NOT NULL, certainty TEXT NOT NULL, claimed_by TEXT,
        evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL, evidence_text TEXT NOT NULL,
        PRIMARY KEY (mention_id, idx)
    )""",
    "CREATE INDEX claims_kind ON claims (kind, grp)",
    """CREATE TABLE links (
        mention_id TEXT PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
        incident_id TEXT NOT NULL REFERENCES incidents (id) DEFERRABLE INITIALLY DEFERRED,
        matched_mention TEXT,
        score REAL NOT NULL,
        features TEXT NOT NULL
    )""",
    "CREATE INDEX links_incident ON links (incident_id)",
    """CREATE TABLE places (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL, lat REAL, lon REAL, precision TEXT,
        geonameid TEXT, country TEXT, admin1 TEXT, feature TEXT
    )""",
    "CREATE TABLE actors (name TEXT PRIMARY KEY, inter INTEGER NOT NULL)",
    """CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
        before TEXT, after TEXT
    )""",
    "CREATE INDEX audit_target ON audit (target)",
)

# Step 2: review/auth (issue 6): reviewer decisions, hashed access tokens, the incident search index.
_V2_REVIEW: tuple[str, ...] = review.STEP

# Step 3: reference layers (issue 8), ACLED/UCDP events kept apart from harmwatch's own incidents.
_V3_REFERENCE = (
    """CREATE TABLE reference_layers (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        origin TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        n_events INTEGER NOT NULL,
        n_skipped INTEGER NOT NULL
    )""",
    """CREATE TABLE reference_events (
        layer TEXT NOT NULL REFERENCES reference_layers (name) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        hw_types TEXT NOT NULL,
        date_start TEXT, date_end TEXT, date_precision TEXT,
        place_name TEXT, lat REAL, lon REAL, place_precision TEXT, country TEXT, admin1 TEXT,
        actor1 TEXT, actor2 TEXT,
        low REAL, best REAL, high REAL,
        source TEXT, headline TEXT,
        data TEXT NOT NULL,
        matched_incident TEXT, match_km REAL,
        PRIMARY KEY (layer, event_id)
    )""",
    "CREATE INDEX reference_events_window ON reference_events (layer, date_start)",
)

# Step 4: the linking index (issue 5). A linked mention is filed under a few (key, time bucket)
# rows, so a new mention finds its candidate incidents without scanning its whole date window.
_V4_LINKING = (
    """CREATE TABLE link_blocks (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        incident_id TEXT NOT NULL,
        mask INTEGER NOT NULL,
        date_lo TEXT, date_hi TEXT,
        PRIMARY KEY (scope, key, bucket, incident_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX link_blocks_incident ON link_blocks (incident_id)",
)

# Step 5: incidents whose row waits for a rebuild while their members grow (``store.stale``, issue 9).
_V5_STALE = ("CREATE TABLE stale_incidents (id TEXT PRIMARY KEY, built INTEGER NOT NULL)",)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2_REVIEW, _V3_REFERENCE, _V4_LINKING, _V5_STALE)
SCHEMA_VERSION = len(MIGRATIONS)

_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def current_version(db: Database) -> int:
    """The schema version of ``db``; 0 for an empty file. Raises if the file is not ours."""
    tables = db.table_names()
    if "schema_version" not in tables:
        if tables:
            raise SchemaError(
                f"{db.path} already holds tables ({', '.join(sorted(tables)[:5])}) but no harmwatch "
                "schema_version; it is not a harmwatch database. Point --db at a new file."
            )
        return 0
    row = db.one("SELECT MAX(version) AS v FROM schema_version")
    return int(row["v"]) if row and row["v"] is not None else 0


def migrate(db: Database, latest: int = SCHEMA_VERSION) -> int:
    """Bring ``db`` up to ``latest`` (all pending steps in one transaction); returns the version."""
    version = _check(db, current_version(db), latest)
    if version == latest:
        return version
    with db.transaction():
        db.execute(_VERSION_TABLE)
        # Re-read under the write lock: another process may have migrated meanwhile.
        version = _check(db, current_version(db), latest)
        for step in range(version + 1, latest + 1):
            for statement in MIGRATIONS[step - 1]:
                db.execute(statement)
            db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                       (step, datetime.now(UTC).isoformat()))
    return latest


def _check(db: Database, version: int, latest: int) -> int:
    if version > latest:
        raise SchemaError(
            f"{db.path} has schema version {version}, but this harmwatch knows only up to {latest}; "
            "it was written by a newer harmwatch. Upgrade harmwatch to open it."
        )
    return version
