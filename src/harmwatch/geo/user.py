"""A user's own gazetteer: GeoNames dumps and simple CSV files, kept beside the packaged index.

``import_places(FILE)`` reads

- a GeoNames dump (a country file such as ``SY.txt``, or ``allCountries.txt``), streamed line
  by line: populated places, neighbourhoods and administrative units;
- a CSV with the header ``name,lat,lon,kind,parent,aliases`` for what no gazetteer holds:
  neighbourhoods, hospitals, crossings, camps (``aliases`` separated by ``|`` or ``;``).

The entries go into ``user-gazetteer.sqlite`` beside the index, which a rebuild of the
packaged index leaves alone. A file is remembered by its path and SHA-256: importing it again
unchanged changes nothing; importing a changed file replaces what it gave before.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from ..config import from_env
from ..errors import GeoError
from .index import SCHEMA, Gazetteer, Match, insert_entries, now, user_path
from .sources import ALT, PRIMARY, Entry, geonames_dump_entries
from .spatial import km

_CHUNK = 20_000
_NEAREST_KM = 100.0  # a CSV place takes the country and region of the nearest packaged town this close
_PARENT_KM = 300.0
_USER_SCHEMA = SCHEMA + """
CREATE INDEX IF NOT EXISTS name_place ON name (place);
CREATE TABLE IF NOT EXISTS file (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, format TEXT NOT NULL,
                                 source TEXT NOT NULL, places INTEGER NOT NULL, imported TEXT NOT NULL);
"""
# CSV kinds and the feature code each gets (GeoNames codes; precision in sources.PRECISION).
KINDS: dict[str, str] = {
    **dict.fromkeys(("neighbourhood", "neighborhood", "quarter", "suburb", "area"), "PPLX"),
    **dict.fromkeys(("hospital", "clinic", "medical"), "HSP"),
    **dict.fromkeys(("camp", "refugee camp", "idp camp"), "CMPRF"),
    **dict.fromkeys(("crossing", "border crossing", "checkpoint"), "PSTB"),
    **dict.fromkeys(("facility", "school", "mosque", "church", "market", "bakery", "building", "site",
                     "bridge", "airport", "base", "prison", "station"), "BLDG"),
    **dict.fromkeys(("village", "town", "city", "settlement"), "PPL"),
    "district": "ADM2",
    **dict.fromkeys(("region", "governorate", "province", "state"), "ADM1"),
}
_CSV_COLUMNS = ("name", "lat", "lon", "kind", "parent", "aliases")


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    file: Path
    format: str  # "geonames" or "csv"
    places: int  # places the file now gives
    unchanged: bool  # the same file was imported before: nothing changed


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    try:
        with file.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise GeoError(f"cannot read {file}: {exc}; give the path of a GeoNames dump such as SY.txt "
                       "or a CSV with name,lat,lon,kind,parent,aliases.") from exc
    return digest.hexdigest()


def sniff_format(file: Path) -> str:
    """"csv" for a CSV with our header, "geonames" for a tab-separated GeoNames dump."""
    try:
        with file.open(encoding="utf-8", errors="replace") as fh:
            first = fh.readline()
    except OSError as exc:
        raise GeoError(f"cannot read {file}: {exc}; check the path.") from exc
    header = [c.strip().casefold() for c in next(csv.reader(io.StringIO(first)), [])]
    if header[:3] == ["name", "lat", "lon"]:
        return "csv"
    if "\t" in first:  # a tab-separated file: checked line by line as a dump
        return "geonames"
    raise GeoError(f"{file} is neither a GeoNames dump (19 tab-separated columns) nor a CSV whose "
                   f"header starts with name,lat,lon; see the README section \"Gazetteer\".")


def _open_user(index: Path) -> sqlite3.Connection:
    path = user_path(index)
    try:
        conn = sqlite3.connect(path)
        conn.executescript(_USER_SCHEMA)
        return conn
    except sqlite3.Error as exc:
        raise GeoError(f"cannot open the user gazetteer {path}: {exc}; check that "
                       "HARMWATCH_HOME is writable.") from exc


def import_places(file: Path, index: Path | None = None) -> ImportResult:
    """Import a GeoNames dump or a places CSV into the user gazetteer of the index at ``index``."""
    index = index or from_env().gazetteer_path
    file = file.resolve()
    fmt = sniff_format(file)
    sha = _sha256(file)
    gaz = Gazetteer.open(index)  # builds the packaged index first if it is missing or stale
    try:
        conn = _open_user(index)
        try:
            return _import(conn, gaz, file, fmt, sha)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise GeoError(f"importing {file} failed: {exc}; check free disk space and that "
                       "HARMWATCH_HOME is writable.") from exc
    finally:
        gaz.close()


def _import(conn: sqlite3.Connection, gaz: Gazetteer, file: Path, fmt: str, sha: str) -> ImportResult:
    same = conn.execute("SELECT places FROM file WHERE sha256 = ?", (sha,)).fetchone()
    if same is not None:
        return ImportResult(file, fmt, same[0], unchanged=True)
    source = f"user:{file.name}#{sha[:8]}"
    entries = (_dump_entries(gaz, file, source) if fmt == "geonames" else _csv_entries(gaz, file, source))
    with conn:  # one transaction: a failure leaves the user gazetteer as it was
        old = conn.execute("SELECT source FROM file WHERE path = ?", (str(file),)).fetchone()
        if old is not None:
            _forget(conn, old[0])
        added = _insert_all(conn, entries)
        conn.execute("INSERT OR REPLACE INTO file VALUES (?, ?, ?, ?, ?, ?)",
                     (str(file), sha, fmt, source, added, now()))
    return ImportResult(file, fmt, added, unchanged=False)


def _forget(conn: sqlite3.Connection, source: str) -> None:
    conn.execute("DELETE FROM name WHERE place IN (SELECT id FROM place WHERE source = ?)", (source,))
    conn.execute("DELETE FROM place WHERE source = ?", (source,))


def _insert_all(conn: sqlite3.Connection, entries: Iterable[Entry]) -> int:
    added = 0
    it = iter(entries)
    while chunk := list(islice(it, _CHUNK)):
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM place").fetchone()[0]
        added += insert_entries(conn, chunk, first)[0]
    return added


def _dump_entries(gaz: Gazetteer, file: Path, source: str) -> Iterator[Entry]:
    return geonames_dump_entries(file, gaz.admin1_names(), source)


def _csv_entries(gaz: Gazetteer, file: Path, source: str) -> Iterator[Entry]:
    try:
        with file.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GeoError(f"cannot read {file}: {exc}; save it as UTF-8 CSV with the header "
                       f"{','.join(_CSV_COLUMNS)}.") from exc
    for n, row in enumerate(rows, start=2):
        yield _csv_entry(gaz, file, n, {k.strip().casefold(): (v or "").strip() for k, v in row.items() if k},
                         source)


def _csv_entry(gaz: Gazetteer, file: Path, n: int, row: dict[str, str], source: str) -> Entry:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (KeyError, ValueError):
        raise GeoError(f"{file} line {n}: lat and lon must be numbers; fix or remove that line.") from None
    if not (row.get("name") and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeoError(f"{file} line {n}: needs a name and a latitude/longitude in range; fix that line.")
    kind = row.get("kind", "").casefold() or "neighbourhood"
    feature = KINDS.get(kind)
    if feature is None:
        raise GeoError(f"{file} line {n}: unknown kind {kind!r}; use one of "
                       f"{', '.join(sorted(set(KINDS)))}.")
    aliases = [a.strip() for a in row.get("aliases", "").replace(";", "|").split("|") if a.strip()]
    country, admin1 = _where(gaz, lat, lon, row.get("parent", ""))
    if feature == "ADM1":
        admin1 = row["name"]
    names = ((row["name"], PRIMARY), *((a, ALT) for a in aliases))
    return Entry(row["name"], lat, lon, feature, country, admin1, 0, None, source, names)


def _where(gaz: Gazetteer, lat: float, lon: float, parent: str) -> tuple[str | None, str | None]:
    """Country and first-level region of a point: from its named parent, else the nearest town."""
    if parent:
        near = [m for m in gaz.matches(parent, fuzzy=False) if _km(m, lat, lon) <= _PARENT_KM]
        if near:
            best = min(near, key=lambda m: _km(m, lat, lon))
            return best.place.country, best.place.admin1
    d = _NEAREST_KM / 111.0
    towns = [(km(lat, lon, t.lat, t.lon), t) for t in gaz.towns_in_box(lat, lon, d, 2 * d)
             if t.lat is not None and t.lon is not None]
    if not towns:
        return None, None
    dist, town = min(towns, key=lambda t: t[0])
    return (town.country, town.admin1) if dist <= _NEAREST_KM else (None, None)


def _km(m: Match, lat: float, lon: float) -> float:
    p = m.place
    return km(lat, lon, p.lat, p.lon) if p.lat is not None and p.lon is not None else float("inf")


def import_geonames(file: Path, path: Path | None = None) -> int:
    """Import a GeoNames dump (e.g. ``SY.txt``); returns the number of places it gives."""
    if sniff_format(file) != "geonames":
        raise GeoError(f"{file} is not a GeoNames dump; use import_places for a CSV.")
    return import_places(file, path).places


def user_files(index: Path | None = None) -> list[tuple[str, str, int, str]]:
    """(path, format, places, imported) of every file in the user gazetteer."""
    path = user_path(index or from_env().gazetteer_path)
    if not path.is_file():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT path, format, places, imported FROM file ORDER BY imported").fetchall()
    finally:
        conn.close()
