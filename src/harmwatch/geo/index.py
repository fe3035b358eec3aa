"""The gazetteer: a compact SQLite index compiled once from packaged GeoNames data.

Tables: ``place`` (one row per place, with a ``source`` column: packaged data or a
user's import), ``name`` (normalised key -> place, with the kind of name),
``neighbour`` (bordering countries), ``import`` (GeoNames dumps a user added with
``import_geonames``, replayed after a rebuild) and ``meta`` (the index version, so
a newer harmwatch rebuilds an older index).
Building writes a temporary file beside the target and renames it into place,
so a crash never leaves a half-built index behind.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from ..config import from_env
from ..errors import GeoError
from ..model import Place
from .normalize import normalize_name, without_article
from .sources import ALT, DEMONYM, PRECISION, PRIMARY, Entry, all_entries, geonames_dump_entries

# Bump when the schema, the sources or normalize_name change: older indexes are rebuilt.
GAZETTEER_VERSION = 3
FUZZY = 4  # match kind of a rapidfuzz hit, weaker than every exact kind
FUZZY_THRESHOLD = 90.0  # rapidfuzz ratio (0-100) a fuzzy key must reach
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE place (
    id INTEGER PRIMARY KEY, geonameid TEXT, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    feature TEXT NOT NULL, country TEXT, admin1 TEXT, population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL, admin1_code TEXT
);
CREATE INDEX place_geonameid ON place (geonameid);
CREATE TABLE import (file TEXT PRIMARY KEY, places INTEGER NOT NULL, imported TEXT NOT NULL);
CREATE TABLE name (key TEXT NOT NULL, place INTEGER NOT NULL, kind INTEGER NOT NULL,
                   PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE neighbour (country TEXT NOT NULL, other TEXT NOT NULL,
                        PRIMARY KEY (country, other)) WITHOUT ROWID;
"""
_SELECT = """
SELECT p.name, p.lat, p.lon, p.feature, p.geonameid, p.country, p.admin1, p.population, n.kind, n.key
FROM name n JOIN place p ON p.id = n.place WHERE n.key = ?
ORDER BY p.feature IN ('PCLI', 'CONT', 'RGN', 'ADM1') DESC, p.population DESC, p.id LIMIT ?
"""


@dataclass(frozen=True)
class Match:
    """A gazetteer candidate for a name, and how the name matched it."""

    place: Place
    kind: int  # PRIMARY, ALT, ABBR, DEMONYM or FUZZY
    similarity: float = 1.0  # 1.0 for an exact key, the rapidfuzz ratio / 100 for a fuzzy one


def _entry_keys(entry: Entry) -> dict[str, int]:
    """Each distinct key of an entry with its best kind; article-less forms count as alternates."""
    keys: dict[str, int] = {}
    for raw, kind in entry.names:
        key = normalize_name(raw)
        bare = without_article(key)
        for k, kd in ((key, kind), (bare, max(kind, ALT))):
            if k and kd < keys.get(k, 99):
                keys[k] = kd
    return keys


def _insert(conn: sqlite3.Connection, entries: Iterable[Entry], first_id: int) -> tuple[int, int]:
    """Insert entries with ids from ``first_id``; returns (places, names) inserted."""
    place_rows: list[tuple[object, ...]] = []
    name_rows: list[tuple[str, int, int]] = []
    neighbour_rows: list[tuple[str, str]] = []
    for pid, e in enumerate(entries, start=first_id):
        neighbour_rows.extend((e.country, n) for n in e.neighbours if e.country)
        place_rows.append((pid, e.geonameid, e.name, e.lat, e.lon, e.feature, e.country, e.admin1,
                           e.population, e.source, e.admin1_code))
        name_rows.extend((k, pid, kind) for k, kind in _entry_keys(e).items())
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT INTO name VALUES (?,?,?)", name_rows)
    conn.executemany("INSERT OR IGNORE INTO neighbour VALUES (?, ?)", neighbour_rows)
    return len(place_rows), len(name_rows)


def _write(conn: sqlite3.Connection, entries: Iterable[Entry], countries: Collection[str] | None) -> None:
    conn.executescript(_SCHEMA)
    places, names = _insert(conn, entries, 1)
    meta = {"version": str(GAZETTEER_VERSION), "built": _now(), "countries": _countries_tag(countries),
            "places": str(places), "names": str(names)}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.commit()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _query_file(path: Path, sql: str) -> list[tuple] | None:
    """Rows of ``sql`` on the index at ``path``, or None when it is missing or not a readable index."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def import_geonames(file: Path, path: Path | None = None) -> int:
    """Add the places of a GeoNames dump (e.g. ``SY.txt``, for village-level coverage) to the index.

    Places already in the index (by geonameid) are skipped; the file is remembered, so a rebuild
    for a newer harmwatch imports it again. Returns the number of places added.
    """
    path = path or from_env().gazetteer_path
    Gazetteer.open(path).close()  # build first if missing or stale
    file = file.resolve()
    try:
        conn = sqlite3.connect(path)
        try:
            regions = {(cc, code): name for cc, code, name in conn.execute(
                "SELECT country, admin1_code, name FROM place "
                "WHERE feature = 'ADM1' AND admin1_code IS NOT NULL")}
            known = {g for (g,) in conn.execute("SELECT geonameid FROM place WHERE geonameid IS NOT NULL")}
            entries = [e for e in geonames_dump_entries(file, regions, f"user:{file.name}")
                       if e.geonameid not in known]
            with conn:
                first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM place").fetchone()[0]
                added, _ = _insert(conn, entries, first)
                conn.execute("INSERT OR REPLACE INTO import VALUES (?, ?, ?)", (str(file), added, _now()))
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise GeoError(f"importing {file} into {path} failed: {exc}; check that the index is writable.") from exc
    return added


def _read_meta(path: Path) -> dict[str, str] | None:
    rows = _query_file(path, "SELECT key, value FROM meta")
    return dict(rows) if rows is not None else None


def _countries_tag(countries: Collection[str] | None) -> str:
    return ",".join(sorted(countries)) if countries is not None else "*"


def _row_place(row: tuple) -> Place:
    name, lat, lon, feature, gid, country, admin1, pop = row[:8]
    return Place(name=name, lat=lat, lon=lon, precision=PRECISION[feature], geonameid=gid, country=country,
                 admin1=admin1, feature=feature, population=pop)


class Gazetteer:
    """Read-only access to a compiled gazetteer index."""

    def __init__(self, path: Path) -> None:
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise GeoError(f"cannot open the gazetteer index {path}: {exc}; delete it to rebuild.") from exc
        self.path = path
        self._cache: dict[tuple[str, int, bool], list[Match]] = {}
        self._neighbours: dict[str, frozenset[str]] | None = None

    @classmethod
    def open(cls, path: Path | None = None, *, countries: Collection[str] | None = None) -> Gazetteer:
        """Open the index at ``path`` (default: the configured one), building it if missing or stale.

        ``countries`` limits the places to those ISO-2 codes (tests use it to build quickly); an
        index built for other countries is then rebuilt. Without it any current index is used.
        """
        path = path or from_env().gazetteer_path
        meta = _read_meta(path)
        if (meta is None or meta.get("version") != str(GAZETTEER_VERSION)
                or (countries is not None and meta.get("countries") != _countries_tag(countries))):
            imported = [Path(f) for (f,) in _query_file(path, "SELECT file FROM import ORDER BY rowid") or []]
            cls.build(path, countries=countries)
            for file in imported:
                if file.is_file():  # a user's import survives the rebuild while its file is there
                    import_geonames(file, path)
        return cls(path)

    @staticmethod
    def build(path: Path, *, countries: Collection[str] | None = None) -> Path:
        """Compile the index from packaged data into ``path``, atomically."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            os.close(fd)
        except OSError as exc:
            raise GeoError(f"cannot create the gazetteer at {path}: {exc}; set HARMWATCH_HOME to a "
                           "writable folder.") from exc
        tmp = Path(tmp_name)
        try:
            conn = sqlite3.connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("PRAGMA synchronous = OFF")
                _write(conn, all_entries(countries), countries)
            finally:
                conn.close()
            tmp.chmod(0o644)  # mkstemp makes it private; the index holds nothing secret
            os.replace(tmp, path)
        except (OSError, sqlite3.Error) as exc:
            raise GeoError(f"building the gazetteer at {path} failed: {exc}; check free disk space "
                           "and that HARMWATCH_HOME is writable, then try again.") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def __reduce__(self) -> tuple[type[Gazetteer], tuple[Path]]:
        # Worker processes reopen the index by path; a connection does not pickle.
        return (Gazetteer, (self.path,))

    def close(self) -> None:
        self._conn.close()

    def meta(self) -> dict[str, str]:
        return dict(self._conn.execute("SELECT key, value FROM meta").fetchall())

    def _exact(self, key: str, limit: int) -> list[Match]:
        rows = self._conn.execute(_SELECT, (key, limit)).fetchall()
        return [Match(_row_place(r), r[8]) for r in rows]

    def _fuzzy(self, key: str, limit: int) -> list[Match]:
        """Keys within FUZZY_THRESHOLD of ``key`` that share its first two characters and length."""
        if len(key) < 6:
            return []
        lo = key[:2]
        hi = lo[:-1] + chr(ord(lo[-1]) + 1)
        keys = [k for (k,) in self._conn.execute(
            "SELECT DISTINCT key FROM name WHERE key >= ? AND key < ? AND length(key) BETWEEN ? AND ?",
            (lo, hi, len(key) - 2, len(key) + 2))]
        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=3)
        out: list[Match] = []
        for other, ratio, _ in found:
            out += [Match(m.place, FUZZY, ratio / 100) for m in self._exact(other, limit)]
        return out[:limit]

    def matches(self, name: str, limit: int = 50, *, fuzzy: bool = True) -> list[Match]:
        """Candidates for ``name`` with their match kind; fuzzy ones only when nothing matches exactly."""
        key = normalize_name(name)
        cache_key = (key, limit, fuzzy)
        if cache_key not in self._cache:
            found = self._exact(key, limit) if key else []
            if not found and fuzzy and key:
                found = self._fuzzy(key, limit)
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[cache_key] = found
        return self._cache[cache_key]

    def candidates(self, name: str, limit: int = 20) -> list[Place]:
        """Places ``name`` may refer to: big regions first, then by population."""
        return [m.place for m in self.matches(name, limit)]

    def has(self, name: str) -> bool:
        """Whether ``name`` is a place name or demonym in the index (exactly, after normalisation)."""
        key = normalize_name(name)
        return bool(key) and self._conn.execute(
            "SELECT 1 FROM name WHERE key = ? AND kind IN (?, ?, ?) LIMIT 1", (key, PRIMARY, ALT, DEMONYM)
        ).fetchone() is not None

    def neighbours(self, iso2: str) -> frozenset[str]:
        """ISO-2 codes of the countries bordering ``iso2``."""
        if self._neighbours is None:
            table: dict[str, set[str]] = {}
            for cc, other in self._conn.execute("SELECT country, other FROM neighbour"):
                table.setdefault(cc, set()).add(other)
            self._neighbours = {cc: frozenset(v) for cc, v in table.items()}
        return self._neighbours.get(iso2.upper(), frozenset())

    def country(self, iso2: str) -> Place | None:
        """The country with ISO-2 code ``iso2`` (any case), or None."""
        row = self._conn.execute(
            "SELECT name, lat, lon, feature, geonameid, country, admin1, population FROM place "
            "WHERE feature = 'PCLI' AND country = ?", (iso2.upper(),)).fetchone()
        return _row_place(row) if row else None
