"""The linking index: which incidents a new mention is compared with (``link_blocks``, step 4).

Keys and buckets come from :mod:`harmwatch.link.blocks`; this module only reads and writes them.
``file_mention`` runs inside ``Store.save_mention``; ``candidates`` answers ``Store.candidates``
when it is given the mention; ``reindex_incident`` lets a reviewer's merge or split bring the
index back in line with the incident's members; ``fill`` rebuilds the index of a database linked
before the index existed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache

from ..link.blocks import LONG, UNDATED, Block, blocks_of, buckets, wanted_keys, wanted_mask, wanted_places
from ..model import Mention
from .db import Database

INDEX_VERSION = 4  # the schema step that created link_blocks
MAX_CANDIDATES = 256  # incidents compared with one mention, at most (the nearest ids first)
RECENT_MEMBERS = 40  # members of a large incident a new mention is compared with: the latest ...
FIRST_MEMBERS = 8  # ... and the earliest, so a long-running incident is judged by its core and its edge
MAX_WINDOW_DAYS = 400  # a wider search window is not split into buckets: every bucket of the keys is read
DECODED_MENTIONS = 65536  # decoded member records kept between look-ups (a few hundred MiB at most)
_CHUNK = 400  # SQLite allows 999 parameters a statement; keys go in chunks below that

_UPSERT = (
    "INSERT INTO link_blocks (scope, key, bucket, incident_id, mask, date_lo, date_hi) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key, bucket, incident_id) DO UPDATE SET "
    "mask = mask | excluded.mask, "
    "date_lo = MIN(COALESCE(date_lo, excluded.date_lo), COALESCE(excluded.date_lo, date_lo)), "
    "date_hi = MAX(COALESCE(date_hi, excluded.date_hi), COALESCE(excluded.date_hi, date_hi))"
)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def file_mention(db: Database, m: Mention, incident_id: str) -> None:
    """File an asserted mention under its keys for ``incident_id`` (others never link: not filed)."""
    for block in blocks_of(m):
        db.execute(_UPSERT, (m.scope, block.key, block.bucket, incident_id, block.mask, _iso(block.date_lo),
                             _iso(block.date_hi)))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def candidate_ids(db: Database, m: Mention, start: date | None, end: date | None) -> list[str]:
    """Incidents of ``m``'s scope filed under a key ``m`` looks up, in [start, end] (None: open)."""
    keys = sorted(wanted_keys(m))
    dated = start is not None and end is not None and (end - start).days <= MAX_WINDOW_DAYS
    bucket_list = [*buckets(start, end), LONG, UNDATED] if start is not None and end is not None and dated else []
    found: set[str] = set()
    for chunk in _chunks(keys):
        sql = (f"SELECT incident_id, bucket, date_lo, date_hi FROM link_blocks WHERE scope = ? "
               f"AND key IN ({', '.join('?' * len(chunk))}) AND (mask & ?) != 0 AND (mask & ?) != 0")
        params: list[object] = [m.scope, *chunk, wanted_mask(m.type), wanted_places(m)]
        if bucket_list:
            sql += f" AND bucket IN ({', '.join('?' * len(bucket_list))})"
            params += bucket_list
        found.update(r["incident_id"] for r in db.all(sql, params) if _in_window(r, start, end))
    return sorted(found)[:MAX_CANDIDATES]


def _in_window(row: dict[str, object], start: date | None, end: date | None) -> bool:
    """Dated rows are in the window by their bucket; long rows are checked on their dates."""
    if row["bucket"] == UNDATED:
        return True
    lo, hi = row["date_lo"], row["date_hi"]
    if row["bucket"] != LONG:
        return True
    return ((end is None or lo is None or str(lo) <= end.isoformat())
            and (start is None or hi is None or str(hi) >= start.isoformat()))


def members_for_scoring(db: Database, incident_ids: Sequence[str]) -> dict[str, list[Mention]]:
    """Each incident's members in processing order; a large incident gives its first and latest ones.

    The size comes from the stored incident row (an incident founded in the open batch has none yet
    and counts as small), so small incidents are read in one query and large ones one by one.
    """
    cap = RECENT_MEMBERS + FIRST_MEMBERS
    large: set[str] = set()
    for chunk in _chunks(list(incident_ids)):
        rows = db.all(f"SELECT id FROM incidents WHERE id IN ({', '.join('?' * len(chunk))}) "
                      "AND n_mentions > ?", [*chunk, cap])
        large.update(r["id"] for r in rows)
    found: dict[str, list[Mention]] = {}
    small = [i for i in incident_ids if i not in large]
    for chunk in _chunks(small):
        rows = db.all(f"SELECT incident_id, data FROM mentions WHERE incident_id IN "
                      f"({', '.join('?' * len(chunk))}) ORDER BY incident_id, rowid", chunk)
        for r in rows:
            found.setdefault(r["incident_id"], []).append(decoded(r["data"]))
    for incident_id in sorted(large):
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
    """File ``incident_id`` again from its members (after a merge or split); returns the rows written."""
    db.execute("DELETE FROM link_blocks WHERE incident_id = ?", (incident_id,))
    count = 0
    for row in db.all("SELECT data FROM mentions WHERE incident_id = ?", (incident_id,)):
        m = Mention.from_record(json.loads(row["data"]))
        blocks: list[Block] = blocks_of(m)
        file_mention(db, m, incident_id)
        count += len(blocks)
    return count


def is_empty(db: Database) -> bool:
    return db.one("SELECT 1 AS hit FROM link_blocks LIMIT 1") is None


def fill(db: Database) -> int:
    """Rebuild the whole index from the linked mentions; returns how many mentions were filed."""
    db.execute("DELETE FROM link_blocks")
    count = 0
    for row in db.stream("SELECT incident_id, data FROM mentions WHERE incident_id IS NOT NULL"):
        m = Mention.from_record(json.loads(row["data"]))
        file_mention(db, m, row["incident_id"])
        count += 1
    return count
