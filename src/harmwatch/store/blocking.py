"""The linking index: which incidents a new mention is compared with (``link_blocks``, step 4).

Keys and buckets come from :mod:`harmwatch.link.blocks`; this module only reads and writes them.
``file_mention`` runs inside ``Store.save_mention``; ``candidate_sizes`` and ``members_for_scoring``
answer ``Store.candidates`` when it is given the mention; ``reindex_incident`` brings the index back
in line with an incident's members after a reviewer's merge or split; ``fill`` rebuilds the index of
a database linked before the index existed (``open_store`` calls it after migrating to step 4).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from ..link.blocks import LONG, UNDATED, blocks_of, search_buckets, wanted_keys, wanted_mask, wanted_places
from ..model import Mention
from .db import Database, chunks, marks
from .records import loads

INDEX_VERSION = 4  # the schema step that created link_blocks
MAX_CANDIDATES = 256  # incidents compared with one mention, at most (the nearest ids first)
RECENT_MEMBERS = 40  # members of a large incident a new mention is compared with: the latest ...
FIRST_MEMBERS = 8  # ... and the earliest, so a long-running incident is judged by its core and its edge
MAX_WINDOW_DAYS = 400  # a wider search window is not split into buckets: every bucket of the keys is read
DECODED_MENTIONS = 32768  # decoded member records kept between look-ups (about 4 KB each with its key)

_UPSERT_HEAD = "INSERT INTO link_blocks (scope, key, bucket, incident_id, mask, date_lo, date_hi) VALUES "
_UPSERT_TAIL = (
    " ON CONFLICT (scope, key, bucket, incident_id) DO UPDATE SET mask = mask | excluded.mask, "
    "date_lo = MIN(COALESCE(date_lo, excluded.date_lo), COALESCE(excluded.date_lo, date_lo)), "
    "date_hi = MAX(COALESCE(date_hi, excluded.date_hi), COALESCE(excluded.date_hi, date_hi))"
)
_ROWS_PER_STATEMENT = 100  # 7 parameters a row, under SQLite's 999


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


BlockRow = tuple[str, str, int, str, int, str | None, str | None]  # a link_blocks row, in column order


def file_mention(db: Database, m: Mention, incident_id: str) -> list[BlockRow]:
    """File an asserted mention under its keys for ``incident_id`` (others never link: not filed).

    Returns the rows written (each merged into any row already there).
    """
    rows = block_rows(m, incident_id)
    write_rows(db, rows)
    return rows


def block_rows(m: Mention, incident_id: str) -> list[BlockRow]:
    """The index rows of ``m`` filed for ``incident_id``, one per (key, bucket)."""
    rows = [(m.scope, b.key, b.bucket, incident_id, b.mask, _iso(b.date_lo), _iso(b.date_hi)) for b in blocks_of(m)]
    # One row per (key, bucket): a multi-row INSERT must not name the same row twice.
    return list({r[1:3]: r for r in rows}.values())


def write_rows(db: Database, rows: Sequence[BlockRow]) -> None:
    """Upsert index rows, each merged into the row of its (scope, key, bucket, incident) already there.

    No two of ``rows`` may share that key: a multi-row INSERT must not name the same row twice.
    """
    for i in range(0, len(rows), _ROWS_PER_STATEMENT):
        chunk = rows[i:i + _ROWS_PER_STATEMENT]
        db.execute(_UPSERT_HEAD + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(chunk)) + _UPSERT_TAIL,
                   [v for row in chunk for v in row])


def candidate_ids(db: Database, m: Mention, start: date | None, end: date | None) -> list[str]:
    """Incidents of ``m``'s scope filed under a key ``m`` looks up, in [start, end] (None: open)."""
    return sorted(candidate_sizes(db, m, start, end))[:MAX_CANDIDATES]


def candidate_sizes(db: Database, m: Mention, start: date | None, end: date | None) -> dict[str, int]:
    """Candidate incident ids with their stored member counts (0 for one founded in the open batch)."""
    keys = sorted(wanted_keys(m))
    dated = start is not None and end is not None and (end - start).days <= MAX_WINDOW_DAYS
    bucket_list = search_buckets(start, end) if start is not None and end is not None and dated else []
    found: dict[str, int] = {}
    for chunk in chunks(keys):
        sql = (f"SELECT b.incident_id, b.bucket, b.date_lo, b.date_hi, COALESCE(i.n_mentions, 0) AS n "
               f"FROM link_blocks b LEFT JOIN incidents i ON i.id = b.incident_id WHERE b.scope = ? "
               f"AND b.key IN ({', '.join('?' * len(chunk))}) AND (b.mask & ?) != 0 AND (b.mask & ?) != 0")
        params: list[object] = [m.scope, *chunk, wanted_mask(m.type), wanted_places(m)]
        if bucket_list:
            sql += f" AND b.bucket IN ({', '.join('?' * len(bucket_list))})"
            params += bucket_list
        found.update((r["incident_id"], r["n"]) for r in db.all(sql, params) if _in_window(r, start, end))
    return found


class BatchBlocks:
    """The index rows one batch has read, kept as they are in the table while the batch files mentions.

    ``candidate_sizes`` reads each (key, bucket) of the search once per batch, every type and place
    kind at once, and picks from memory after. ``filed`` takes the batch's own rows: they are merged
    into those read (as the upsert of ``file_mention`` merges them) and into those read later, and
    written to the table by ``write``, all at once. Valid only inside the batch's transaction, which
    holds the write lock (incident sizes change only when the batch rebuilds its incidents, after linking).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        # (scope, key) -> bucket -> incident id -> [mask, date_lo, date_hi]; a bucket is present once read
        self._rows: dict[tuple[str, str], dict[int, dict[str, list[Any]]]] = {}
        self._unwritten: dict[tuple[str, str], dict[int, dict[str, list[Any]]]] = {}  # filed, not yet written
        self._sizes: dict[str, int] = {}  # stored member counts (incidents.n_mentions, 0 when none)

    def candidate_sizes(self, m: Mention, start: date | None, end: date | None) -> dict[str, int]:
        """What ``candidate_sizes`` gives, from memory where the batch has read the rows before."""
        if start is None or end is None or (end - start).days > MAX_WINDOW_DAYS:
            self.write()  # every bucket of the keys is read from the table, so it must hold the batch's rows
            return candidate_sizes(self._db, m, start, end)
        scope, keys, bucket_list = m.scope, wanted_keys(m), search_buckets(start, end)
        rows, empty, wanted = self._rows, _NO_BUCKETS, frozenset(bucket_list)
        missing = [k for k in keys if not rows.get((scope, k), empty).keys() >= wanted]
        if missing:
            self._load(scope, sorted(missing), bucket_list)
        types, places, sizes = wanted_mask(m.type), wanted_places(m), self._sizes
        start_iso, end_iso = start.isoformat(), end.isoformat()
        found: dict[str, int] = {}
        # Written out: it runs for every mention, over every (key, bucket) of its search.
        for key in keys:
            by_bucket = rows[scope, key]
            for bucket in bucket_list:
                cell = by_bucket[bucket]
                if not cell:
                    continue
                if bucket == LONG:  # only long rows are checked on their dates (_in_window)
                    for i, (mask, lo, hi) in cell.items():
                        if mask & types and mask & places and _overlaps(lo, hi, start_iso, end_iso):
                            found[i] = sizes[i]
                    continue
                for i, v in cell.items():
                    if v[0] & types and v[0] & places:
                        found[i] = sizes[i]
        return found

    def _load(self, scope: str, keys: list[str], bucket_list: list[int]) -> None:
        for chunk in chunks(keys):
            for key in chunk:
                by_bucket = self._rows.setdefault((scope, key), {})
                by_bucket.update((b, {}) for b in bucket_list)
            rows = self._db.all(
                f"SELECT b.key, b.bucket, b.incident_id, b.mask, b.date_lo, b.date_hi, COALESCE(i.n_mentions, 0) AS n "
                f"FROM link_blocks b LEFT JOIN incidents i ON i.id = b.incident_id WHERE b.scope = ? "
                f"AND b.key IN ({marks(len(chunk))}) AND b.bucket IN ({marks(len(bucket_list))})",
                [scope, *chunk, *bucket_list])
            for r in rows:
                self._rows[scope, r["key"]][r["bucket"]][r["incident_id"]] = [r["mask"], r["date_lo"], r["date_hi"]]
                self._sizes[r["incident_id"]] = r["n"]
            for key in chunk:  # the batch's own rows, not in the table yet
                for bucket, cell in self._unwritten.get((scope, key), _NO_BUCKETS).items():
                    if bucket in bucket_list:
                        for incident_id, (mask, lo, hi) in cell.items():
                            _merge(self._rows[scope, key][bucket], incident_id, mask, lo, hi)

    def filed(self, rows: Sequence[BlockRow], founded: bool = False) -> None:
        """Take rows of ``block_rows`` to write (``write``); merge them into those read, like its upsert.

        ``founded``: the rows are of an incident the batch founds, so it has no stored members yet.
        """
        for scope, key, bucket, incident_id, mask, lo, hi in rows:
            if incident_id not in self._sizes:
                row = None if founded else self._db.one("SELECT n_mentions FROM incidents WHERE id = ?",
                                                        (incident_id,))
                self._sizes[incident_id] = int(row["n_mentions"] or 0) if row else 0
            _merge(self._unwritten.setdefault((scope, key), {}).setdefault(bucket, {}), incident_id, mask, lo, hi)
            cell = self._rows.get((scope, key), _NO_BUCKETS).get(bucket)
            if cell is not None:  # read already (else a later read merges the row in)
                _merge(cell, incident_id, mask, lo, hi)

    def write(self) -> None:
        """Write the rows filed since the last ``write`` to the table."""
        rows = [(scope, key, bucket, incident_id, mask, lo, hi)
                for (scope, key), by_bucket in self._unwritten.items() for bucket, cell in by_bucket.items()
                for incident_id, (mask, lo, hi) in cell.items()]
        write_rows(self._db, rows)
        self._unwritten.clear()


def _merge(cell: dict[str, list[Any]], incident_id: str, mask: int, lo: str | None, hi: str | None) -> None:
    """Merge one row into a cell as the upsert does: masks or-ed, dates widened (a None date gives way to the other)."""
    old = cell.get(incident_id)
    if old is None:
        cell[incident_id] = [mask, lo, hi]
        return
    old[0] |= mask
    old[1] = lo if old[1] is None else old[1] if lo is None else min(old[1], lo)
    old[2] = hi if old[2] is None else old[2] if hi is None else max(old[2], hi)


_NO_BUCKETS: dict[int, dict[str, list[Any]]] = {}


def _in_window(row: dict[str, object], start: date | None, end: date | None) -> bool:
    """Dated rows are in the window by their bucket; long rows are checked on their dates."""
    if row["bucket"] == UNDATED:
        return True
    if row["bucket"] != LONG:
        return True
    lo, hi = row["date_lo"], row["date_hi"]
    return _overlaps(None if lo is None else str(lo), None if hi is None else str(hi),
                     start.isoformat() if start else None, end.isoformat() if end else None)


def _overlaps(lo: str | None, hi: str | None, start: str | None, end: str | None) -> bool:
    """Whether a long row's ISO dates [lo, hi] meet the window [start, end] (None: open)."""
    return (end is None or lo is None or lo <= end) and (start is None or hi is None or hi >= start)


class Ends:
    """A large incident's members as linking compares them: its first and its latest, by rowid."""

    def __init__(self, members: Sequence[Mention]) -> None:
        self.first = list(members[:FIRST_MEMBERS])
        self.latest: deque[Mention] = deque(members[FIRST_MEMBERS:], maxlen=RECENT_MEMBERS)

    def members(self) -> list[Mention]:
        return [*self.first, *self.latest]


def members_for_scoring(db: Database, sizes: dict[str, int], known: dict[str, list[Mention]] | None = None,
                        ends: dict[str, Ends] | None = None) -> dict[str, list[Mention]]:
    """Each candidate incident's members in processing order; a large one gives its first and latest.

    ``sizes`` maps incident ids to their stored member counts (``candidate_sizes``): small incidents
    are read in one query, large ones one by one. At most MAX_CANDIDATES incidents, by id.
    ``known`` holds the members of small incidents already read in this batch, ``ends`` those of large
    ones (``store.saving``, which adds each mention saved to them); incidents read here are added.
    """
    chosen = sorted(sizes)[:MAX_CANDIDATES]
    cap = RECENT_MEMBERS + FIRST_MEMBERS
    known = {} if known is None else known
    found: dict[str, list[Mention]] = {i: known[i] for i in chosen if i in known and sizes[i] <= cap}
    small = [i for i in chosen if sizes[i] <= cap and i not in found]
    for chunk in chunks(small):
        rows = db.all(f"SELECT incident_id, data FROM mentions WHERE incident_id IN "
                      f"({', '.join('?' * len(chunk))}) ORDER BY incident_id, rowid", chunk)
        for r in rows:
            found.setdefault(r["incident_id"], []).append(decoded(r["data"]))
        known.update((i, found[i]) for i in chunk if i in found)
    for incident_id in (i for i in chosen if sizes[i] > cap):
        if ends is not None and incident_id in ends:
            found[incident_id] = ends[incident_id].members()
            continue
        rows = db.all(
            "SELECT * FROM (SELECT rowid AS r, data FROM mentions WHERE incident_id = ? ORDER BY rowid DESC "
            "LIMIT ?) UNION SELECT * FROM (SELECT rowid AS r, data FROM mentions WHERE incident_id = ? "
            "ORDER BY rowid LIMIT ?) ORDER BY r",
            (incident_id, RECENT_MEMBERS, incident_id, FIRST_MEMBERS),
        )
        found[incident_id] = [decoded(r["data"]) for r in rows]
        if ends is not None:
            ends[incident_id] = Ends(found[incident_id])
    return {i: found[i] for i in sorted(found)}


@lru_cache(maxsize=DECODED_MENTIONS)
def decoded(data: str) -> Mention:
    """A stored mention record read back; keyed by the record itself, so an edited row is read afresh."""
    return Mention.from_record(loads(data))


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
        m = decoded(row["data"])
        file_mention(db, m, row["incident_id"])
        count += 1
    return count
