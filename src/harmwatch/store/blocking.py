"""The linking index: which incidents a new mention is compared with (``link_blocks``, step 4).

Keys and buckets come from :mod:`harmwatch.link.blocks`; this module only reads and writes them.
``file_mention`` runs inside ``Store.save_mention``; ``candidate_sizes`` and ``members_for_scoring``
answer ``Store.candidates`` when it is given the mention; ``reindex_incident`` brings the index back
in line with an incident's members after a reviewer's merge or split; ``fill`` rebuilds the index of
a database linked before the index existed (``open_store`` calls it after migrating to step 4).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from ..link.blocks import LONG, UNDATED, blocks_of, search_buckets, wanted_keys, wanted_mask, wanted_places
from ..model import Mention
from .db import Database

INDEX_VERSION = 4  # the schema step that created link_blocks
MAX_CANDIDATES = 256  # incidents compared with one mention, at most (the nearest ids first)
RECENT_MEMBERS = 40  # members of a large incident a new mention is compared with: the latest ...
FIRST_MEMBERS = 8  # ... and the earliest, so a long-running incident is judged by its core and its edge
MAX_WINDOW_DAYS = 400  # a wider search window is not split into buckets: every bucket of the keys is read
DECODED_MENTIONS = 65536  # decoded member records kept between look-ups (a few hundred MiB at most)
_CHUNK = 400  # SQLite allows 999 parameters a statement; keys go in chunks below that

_UPSERT_HEAD = "INSERT INTO link_blocks (scope, key, bucket, incident_id, mask, date_lo, date_hi) VALUES "
_UPSERT_TAIL = (
    " ON CONFLICT (scope, key, bucket, incident_id) DO UPDATE SET mask = mask | excluded.mask, "
    "date_lo = MIN(COALESCE(date_lo, excluded.date_lo), COALESCE(excluded.date_lo, date_lo)), "
    "date_hi = MAX(COALESCE(date_hi, excluded.date_hi), COALESCE(excluded.date_hi, date_hi))"
)
_ROWS_PER_STATEMENT = 100  # 7 parameters a row, under SQLite's 999


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def file_mention(db: Database, m: Mention, incident_id: str) -> None:
    """File an asserted mention under its keys for ``incident_id`` (others never link: not filed)."""
    rows = [(m.scope, b.key, b.bucket, incident_id, b.mask, _iso(b.date_lo), _iso(b.date_hi)) for b in blocks_of(m)]
    # One row per (key, bucket): a multi-row INSERT must not name the same row twice.
    unique = list({r[1:3]: r for r in rows}.values())
    for i in range(0, len(unique), _ROWS_PER_STATEMENT):
        chunk = unique[i:i + _ROWS_PER_STATEMENT]
        db.execute(_UPSERT_HEAD + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk)) + _UPSERT_TAIL,
                   [v for row in chunk for v in row])


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def candidate_ids(db: Database, m: Mention, start: date | None, end: date | None) -> list[str]:
    """Incidents of ``m``'s scope filed under a key ``m`` looks up, in [start, end] (None: open)."""
    return sorted(candidate_sizes(db, m, start, end))[:MAX_CANDIDATES]


def candidate_sizes(db: Database, m: Mention, start: date | None, end: date | None) -> dict[str, int]:
    """Candidate incident ids with their stored member counts (0 for one founded in the open batch)."""
    keys = sorted(wanted_keys(m))
    dated = start is not None and end is not None and (end - start).days <= MAX_WINDOW_DAYS
    bucket_list = search_buckets(start, end) if start is not None and end is not None and dated else []
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        sql = (f"SELECT b.incident_id, b.bucket, b.date_lo, b.date_hi, COALESCE(i.n_mentions, 0) AS n "
               f"FROM link_blocks b LEFT JOIN incidents i ON i.id = b.incident_id WHERE b.scope = ? "
               f"AND b.key IN ({', '.join('?' * len(chunk))}) AND (b.mask & ?) != 0 AND (b.mask & ?) != 0")
        params: list[object] = [m.scope, *chunk, wanted_mask(m.type), wanted_places(m)]
        if bucket_list:
            sql += f" AND b.bucket IN ({', '.join('?' * len(bucket_list))})"
            params += bucket_list
        found.update((r["incident_id"], r["n"]) for r in db.all(sql, params) if _in_window(r, start, end))
    return found


def _in_window(row: dict[str, object], start: date | None, end: date | None) -> bool:
    """Dated rows are in the window by their bucket; long rows are checked on their dates."""
    if row["bucket"] == UNDATED:
        return True
    lo, hi = row["date_lo"], row["date_hi"]
    if row["bucket"] != LONG:
        return True
    return ((end is None or lo is None or str(lo) <= end.isoformat())
            and (start is None or hi is None or str(hi) >= start.isoformat()))


def members_for_scoring(db: Database, sizes: dict[str, int]) -> dict[str, list[Mention]]:
    """Each candidate incident's members in processing order; a large one gives its first and latest.

    ``sizes`` maps incident ids to their stored member counts (``candidate_sizes``): small incidents
    are read in one query, large ones one by one. At most MAX_CANDIDATES incidents, by id.
    """
    chosen = sorted(sizes)[:MAX_CANDIDATES]
    cap = RECENT_MEMBERS + FIRST_MEMBERS
    found: dict[str, list[Mention]] = {}
    small = [i for i in chosen if sizes[i] <= cap]
    for chunk in _chunks(small):
        rows = db.all(f"SELECT incident_id, data FROM mentions WHERE incident_id IN "
                      f"({', '.join('?' * len(chunk))}) ORDER BY incident_id, rowid", chunk)
        for r in rows:
            found.setdefault(r["incident_id"], []).append(decoded(r["data"]))
    for incident_id in (i for i in chosen if sizes[i] > cap):
        rows = db.all(
            "SELECT * FROM (SELECT rowid AS r, data FROM mentions WHERE incident_id = ? ORDER BY rowid DESC "
            "LIMIT ?) UNION SELECT * FROM (SELECT rowid AS r, data FROM mentions WHERE incident_id = ? "
            "ORDER BY rowid LIMIT ?) ORDER BY r",
            (incident_id, RECENT_MEMBERS, incident_id, FIRST_MEMBERS),
        )
        found[incident_id] = [decoded(r["data"]) for r in rows]
    return {i: found[i] for i in sorted(found)}


@lru_cache(maxsize=DECODED_MENTIONS)
def decoded(data: str) -> Mention:
    """A stored mention record read back; keyed by the record itself, so an edited row is read afresh."""
    return Mention.from_record(json.loads(data))


def reindex_incident(db: Database, incident_id: str) -> int:
    """File ``incident_id`` again from its current members (after a reviewer's merge or split).

    Returns the number of members filed.
    """
    db.execute("DELETE FROM link_blocks WHERE incident_id = ?", (incident_id,))
    rows = db.all("SELECT data FROM mentions WHERE incident_id = ?", (incident_id,))
    for row in rows:
        file_mention(db, decoded(row["data"]), incident_id)
    return len(rows)


def fill(db: Database) -> int:
    """Rebuild the whole index from the linked mentions; returns how many mentions were filed."""
    db.execute("DELETE FROM link_blocks")
    count = 0
    for row in db.stream("SELECT incident_id, data FROM mentions WHERE incident_id IS NOT NULL"):
        m = Mention.from_record(json.loads(row["data"]))
        file_mention(db, m, row["incident_id"])
        count += 1
    return count
