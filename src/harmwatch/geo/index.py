"""The gazetteer: a compact SQLite index compiled once from packaged GeoNames data.

Tables: ``place`` (one row per place, with a ``source`` column), ``name`` (normalised key ->
place, with the kind of name), ``neighbour`` (bordering countries) and ``meta`` (the index
version, so a newer harmwatch rebuilds an older index).

A user's own places (``harmwatch gazetteer import``: a GeoNames dump or a CSV) live in a
second file of the same shape beside the index, ``user-gazetteer.sqlite`` (see
``harmwatch.geo.user``). Rebuilding the packaged index never touches it, and every lookup
reads both: a user's entry replaces the packaged place with the same GeoNames id (or, for a
first-level region, the same country and admin1 code).

Building writes a temporary file beside the target and renames it into place, so a crash
never leaves a half-built index behind.
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
from .sources import ALT, DEMONYM, PRECISION, PRIMARY, Entry, all_entries

# Bump when the schema, the sources or normalize_name change: older indexes are rebuilt.
GAZETTEER_VERSION = 7
FUZZY = 4  # match kind of a rapidfuzz hit, weaker than every exact kind
FUZZY_THRESHOLD = 90.0  # rapidfuzz ratio (0-100) a fuzzy key must reach
_FUZZY_PREFIX = 3  # a typo in the first letters is rare, and scanning fewer keys keeps lookups fast
CONTEXT_TOWN = 100_000  # a town this big is named unambiguously enough to inform other names
USER_FILE = "user-gazetteer.sqlite"
USER_REASON = "user gazetteer"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS place (
    id INTEGER PRIMARY KEY, geonameid TEXT, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    feature TEXT NOT NULL, country TEXT, admin1 TEXT, population INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL, admin1_code TEXT
);
CREATE INDEX IF NOT EXISTS place_geonameid ON place (geonameid);
CREATE INDEX IF NOT EXISTS place_admin1 ON place (country, admin1_code, feature);
CREATE INDEX IF NOT EXISTS place_lat ON place (lat);
CREATE TABLE IF NOT EXISTS name (key TEXT NOT NULL, place INTEGER NOT NULL, kind INTEGER NOT NULL,
                                 PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS neighbour (country TEXT NOT NULL, other TEXT NOT NULL,
                                      PRIMARY KEY (country, other)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS context (key TEXT NOT NULL, kind INTEGER NOT NULL,
                                    PRIMARY KEY (key, kind)) WITHOUT ROWID;
"""
# The names that may inform others (see Gazetteer.context_keys), collected once at build time.
_FILL_CONTEXT = f"""
INSERT OR IGNORE INTO context
SELECT DISTINCT n.key, 0 FROM name n JOIN place p ON p.id = n.place
WHERE n.kind IN ({PRIMARY}, {DEMONYM}) AND p.feature IN ('PCLI', 'ADM1', 'CONT', 'RGN')
UNION
SELECT DISTINCT n.key, 1 FROM name n JOIN place p ON p.id = n.place WHERE n.kind = {PRIMARY} AND p.feature = 'ADM2'
UNION
SELECT DISTINCT n.key, 2 FROM name n JOIN place p ON p.id = n.place
WHERE n.kind = {PRIMARY} AND p.population >= {{town}} AND p.feature NOT IN ('PCLI', 'ADM1', 'CONT', 'RGN')
"""
_COLUMNS = "p.name, p.lat, p.lon, p.feature, p.geonameid, p.country, p.admin1, p.population, n.kind, p.source"
_ORDER = "ORDER BY feature IN ('PCLI', 'CONT', 'RGN', 'ADM1') DESC, population DESC"
_SELECT = f"""
SELECT {_COLUMNS} FROM name n JOIN place p ON p.id = n.place WHERE n.key = ?
{_ORDER.replace('feature', 'p.feature').replace('population', 'p.population')}, p.id LIMIT ?
"""
# With a user gazetteer: its places, and the packaged places it does not replace.
_SELECT_BOTH = f"""
SELECT * FROM (
  SELECT {_COLUMNS}, 0 AS packaged FROM user.name n JOIN user.place p ON p.id = n.place WHERE n.key = ?1
  UNION ALL
  SELECT {_COLUMNS}, 1 FROM name n JOIN place p ON p.id = n.place WHERE n.key = ?1
    AND NOT (p.geonameid IS NOT NULL AND EXISTS (SELECT 1 FROM user.place u WHERE u.geonameid = p.geonameid))
    AND NOT (p.feature = 'ADM1' AND EXISTS (SELECT 1 FROM user.place u WHERE u.country = p.country
             AND u.admin1_code = p.admin1_code AND u.feature = 'ADM1'))
) {_ORDER}, packaged LIMIT ?2
"""


@dataclass(frozen=True)
class Match:
    """A gazetteer candidate for a name, and how the name matched it."""

    place: Place
    kind: int  # PRIMARY, ALT, ABBR, DEMONYM or FUZZY
    similarity: float = 1.0  # 1.0 for an exact key, the rapidfuzz ratio / 100 for a fuzzy one


def is_user(place: Place) -> bool:
    """Whether ``place`` comes from a user's import rather than the packaged data."""
    return place.reason.startswith(USER_REASON)


def user_path(index: Path) -> Path:
    """The user gazetteer that goes with the index at ``index``."""
    return index.parent / USER_FILE


def entry_keys(entry: Entry) -> dict[str, int]:
    """Each distinct key of an entry with its best kind; article-less forms count as alternates."""
    keys: dict[str, int] = {}
    for raw, kind in entry.names:
        key = normalize_name(raw)
        bare = without_article(key)
        for k, kd in ((key, kind), (bare, max(kind, ALT))):
            if k and kd < keys.get(k, 99):
                keys[k] = kd
    return keys


def insert_entries(conn: sqlite3.Connection, entries: Iterable[Entry], first_id: int) -> tuple[int, int]:
    """Insert entries with ids from ``first_id``; returns (places, names) inserted."""
    place_rows: list[tuple[object, ...]] = []
    name_rows: list[tuple[str, int, int]] = []
    neighbour_rows: list[tuple[str, str]] = []
    for pid, e in enumerate(entries, start=first_id):
        neighbour_rows.extend((e.country, n) for n in e.neighbours if e.country)
        place_rows.append((pid, e.geonameid, e.name, e.lat, e.lon, e.feature, e.country, e.admin1,
                           e.population, e.source, e.admin1_code))
        name_rows.extend((k, pid, kind) for k, kind in entry_keys(e).items())
    conn.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?,?)", place_rows)
    conn.executemany("INSERT OR IGNORE INTO name VALUES (?,?,?)", name_rows)
    conn.executemany("INSERT OR IGNORE INTO neighbour VALUES (?, ?)", neighbour_rows)
    return len(place_rows), len(name_rows)


def _write(conn: sqlite3.Connection, entries: Iterable[Entry], countries: Collection[str] | None) -> None:
    conn.executescript(SCHEMA)
    places, names = insert_entries(conn, entries, 1)
    conn.execute(_FILL_CONTEXT.format(town=CONTEXT_TOWN))
    meta = {"version": str(GAZETTEER_VERSION), "built": now(), "countries": _countries_tag(countries),
            "places": str(places), "names": str(names)}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.commit()


def now() -> str:
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


def _read_meta(path: Path) -> dict[str, str] | None:
    rows = _query_file(path, "SELECT key, value FROM meta")
    return dict(rows) if rows is not None else None


def _countries_tag(countries: Collection[str] | None) -> str:
    return ",".join(sorted(countries)) if countries is not None else "*"


def row_place(row: tuple) -> Place:
    """A Place from the first columns of ``_COLUMNS`` (and the source, when selected)."""
    name, lat, lon, feature, gid, country, admin1, pop = row[:8]
    user = len(row) > 9 and str(row[9]).startswith("user")
    return Place(name=name, lat=lat, lon=lon, precision=PRECISION.get(feature, "exact"), geonameid=gid,
                 country=country, admin1=admin1, feature=feature, population=pop,
                 reason=f"{USER_REASON} {row[9][5:]}" if user else "")


class Gazetteer:
    """Read-only access to a compiled gazetteer index (and the user gazetteer beside it)."""

    def __init__(self, path: Path) -> None:
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            user = user_path(path)
            self.has_user = user.is_file()
            if self.has_user:
                self._conn.execute("ATTACH DATABASE ? AS user", (f"file:{user}?mode=ro",))
        except sqlite3.Error as exc:
            raise GeoError(f"cannot open the gazetteer index {path}: {exc}; delete it to rebuild.") from exc
        self.path = path
        self._cache: dict[tuple[str, int, bool], list[Match]] = {}
        self._neighbours: dict[str, frozenset[str]] | None = None
        self._context: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None
        self.context_first_words: frozenset[str] = frozenset()  # first words of context_keys, once read

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
            cls.build(path, countries=countries)
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
        return dict(self._conn.execute("SELECT key, value FROM main.meta").fetchall())

    def _exact(self, key: str, limit: int) -> list[Match]:
        sql = _SELECT_BOTH if self.has_user else _SELECT
        rows = self._conn.execute(sql, (key, limit)).fetchall()
        return [Match(row_place(r), r[8]) for r in rows]

    def _keys_between(self, lo: str, hi: str, length: int) -> list[str]:
        sql = "SELECT DISTINCT key FROM {} WHERE key >= ? AND key < ? AND length(key) BETWEEN ? AND ?"
        args = (lo, hi, length - 2, length + 2)
        keys = [k for (k,) in self._conn.execute(sql.format("main.name"), args)]
        if self.has_user:
            keys += [k for (k,) in self._conn.execute(sql.format("user.name"), args)]
        return sorted(set(keys))

    def _fuzzy(self, key: str, limit: int) -> list[Match]:
        """Keys within FUZZY_THRESHOLD of ``key`` that share its first three characters and length."""
        if len(key) < 6:
            return []
        lo = key[:_FUZZY_PREFIX]
        hi = lo[:-1] + chr(ord(lo[-1]) + 1)
        keys = self._keys_between(lo, hi, len(key))
        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=3)
        out: list[Match] = []
        for other, ratio, _ in found:
            out += [Match(m.place, FUZZY, ratio / 100) for m in self._exact(other, limit)]
        return out[:limit]

    def matches(self, name: str, limit: int = 50, *, fuzzy: bool = True) -> list[Match]:
        """Candidates for ``name`` with their match kind; fuzzy ones only when nothing matches exactly."""
        key = normalize_name(name)
        cache_key = (key, limit, fuzzy)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._exact(key, limit) if key else []
            if not found and fuzzy and key:
                found = self._fuzzy(key, limit)
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[cache_key] = found
        return found

    def candidates(self, name: str, limit: int = 20) -> list[Place]:
        """Places ``name`` may refer to: big regions first, then by population."""
        return [m.place for m in self.matches(name, limit)]

    def has(self, name: str) -> bool:
        """Whether ``name`` is a place name or demonym in the index (exactly, after normalisation)."""
        return any(m.kind in (PRIMARY, ALT, DEMONYM) for m in self.matches(name, fuzzy=False))

    def context_keys(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """Keys that name a place unambiguously enough to inform other names (read once).

        Own names and demonyms of countries, continents, regions and first-level regions; own names
        of second-level regions ("Adams County"); own names of towns of ``CONTEXT_TOWN`` or more.
        """
        if self._context is None:
            rows = self._conn.execute("SELECT key, kind FROM main.context").fetchall()
            self._context = tuple(frozenset(k for k, d in rows if d == kind) for kind in range(3))  # type: ignore
            self.context_first_words = frozenset(k.split()[0] for k, _ in rows if k)
        assert self._context is not None
        return self._context

    def neighbours(self, iso2: str) -> frozenset[str]:
        """ISO-2 codes of the countries bordering ``iso2``."""
        if self._neighbours is None:
            table: dict[str, set[str]] = {}
            for cc, other in self._conn.execute("SELECT country, other FROM main.neighbour"):
                table.setdefault(cc, set()).add(other)
            self._neighbours = {cc: frozenset(v) for cc, v in table.items()}
        return self._neighbours.get(iso2.upper(), frozenset())

    def admin1_names(self) -> dict[tuple[str, str], str]:
        """(country, GeoNames admin1 code) -> first-level region name, as the packaged index knows them."""
        return {(cc, code): name for cc, code, name in self._conn.execute(
            "SELECT country, admin1_code, name FROM main.place WHERE feature = 'ADM1' AND admin1_code IS NOT NULL")}

    def towns_in_box(self, lat: float, lon: float, dlat: float, dlon: float) -> list[Place]:
        """Packaged towns within ``dlat``/``dlon`` degrees of a point (a coarse box; callers measure)."""
        rows = self._conn.execute(
            "SELECT name, lat, lon, feature, geonameid, country, admin1, population FROM main.place "
            "WHERE feature IN ('PPL', 'PPLC') AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
            (lat - dlat, lat + dlat, lon - dlon, lon + dlon)).fetchall()
        return [row_place(r) for r in rows]

    def country(self, iso2: str) -> Place | None:
        """The country with ISO-2 code ``iso2`` (any case), or None."""
        row = self._conn.execute(
            "SELECT name, lat, lon, feature, geonameid, country, admin1, population FROM main.place "
            "WHERE feature = 'PCLI' AND country = ?", (iso2.upper(),)).fetchone()
        return row_place(row) if row else None
