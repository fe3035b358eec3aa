"""Reference layers: ACLED or UCDP events imported to hold harmwatch's record against.

They live in their own tables (``reference_layers``, ``reference_events``, schema step 3) and never mix
with harmwatch's incidents. A layer is replaced whole when its file changes, and importing the same file
again changes nothing. ``compare`` writes each event's best match back (``matched_incident``), so a map
can show found and missed events without recomputing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import NotFound, StoreError
from ..model import Place, When
from .db import Database, Row
from .store import BBox, Store, _bbox_condition

REFERENCE_KINDS: tuple[str, ...] = ("acled", "ucdp")


@dataclass(frozen=True)
class ReferenceLayer:
    """One imported reference file."""

    name: str
    kind: str
    origin: str
    sha256: str
    imported_at: datetime
    events: int
    skipped: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "origin": self.origin, "sha256": self.sha256,
                "imported_at": self.imported_at.isoformat(), "events": self.events, "skipped": self.skipped}


@dataclass(frozen=True)
class ReferenceEvent:
    """One event of a reference layer, in harmwatch's terms.

    ``event_type`` is the reference's own label ("Battles / Armed clash", "1 state-based");
    ``hw_types`` are the harmwatch type codes it is compatible with; ``best``/``low``/``high`` are its
    fatality figures (ACLED gives one number, so all three are equal); ``data`` is the original row.
    """

    layer: str
    id: str
    event_type: str
    hw_types: tuple[str, ...]
    when: When | None
    where: Place | None
    actor1: str = ""
    actor2: str = ""
    low: float | None = None
    best: float | None = None
    high: float | None = None
    source: str = ""
    headline: str = ""
    data: tuple[tuple[str, str], ...] = ()
    matched_incident: str | None = None
    match_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able view (without the original row) for maps and APIs."""
        return {
            "layer": self.layer, "id": self.id, "event_type": self.event_type,
            "hw_types": list(self.hw_types),
            "when": self.when.to_dict() if self.when else None,
            "where": self.where.to_dict() if self.where else None,
            "actor1": self.actor1, "actor2": self.actor2,
            "low": self.low, "best": self.best, "high": self.high,
            "source": self.source, "headline": self.headline, "matched_incident": self.matched_incident,
            "match_km": self.match_km,
        }


def _db(store: Store) -> Database:
    return store._db  # the store package shares its connection between modules


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _event_values(event: ReferenceEvent) -> tuple[Any, ...]:
    when, where = event.when, event.where
    return (
        event.layer, event.id, event.event_type, " ".join(event.hw_types),
        _iso(when.start) if when else None, _iso(when.end) if when else None,
        when.precision if when else None,
        where.name if where else None, where.lat if where else None, where.lon if where else None,
        where.precision if where else None, where.country if where else None, where.admin1 if where else None,
        event.actor1, event.actor2, event.low, event.best, event.high, event.source, event.headline,
        json.dumps(dict(event.data), ensure_ascii=False),
    )


_EVENT_COLUMNS = (
    "layer", "event_id", "event_type", "hw_types", "date_start", "date_end", "date_precision", "place_name",
    "lat", "lon", "place_precision", "country", "admin1", "actor1", "actor2", "low", "best", "high", "source",
    "headline", "data",
)
_INSERT_EVENT = (
    f"INSERT INTO reference_events ({', '.join(_EVENT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_EVENT_COLUMNS))}) ON CONFLICT (layer, event_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _EVENT_COLUMNS[2:])
)


def replace_layer(store: Store, layer: ReferenceLayer, events: Iterable[ReferenceEvent]) -> int:
    """Store ``events`` as layer ``layer.name``, replacing whatever that layer held; one transaction.

    ``events`` is consumed as it is read, so a large file never sits in memory. Returns the number of
    distinct events stored (a repeated id keeps its last row). ``layer.events`` is set from that count.
    """
    db = _db(store)
    with db.transaction():
        db.execute("DELETE FROM reference_events WHERE layer = ?", (layer.name,))
        db.execute("DELETE FROM reference_layers WHERE name = ?", (layer.name,))
        db.execute(
            "INSERT INTO reference_layers (name, kind, origin, sha256, imported_at, n_events, n_skipped) "
            "VALUES (?, ?, ?, ?, ?, 0, ?)",
            (layer.name, layer.kind, layer.origin, layer.sha256, layer.imported_at.isoformat(),
             layer.skipped),
        )
        for event in events:
            if event.layer != layer.name:
                raise StoreError(f"reference event {event.id} belongs to layer {event.layer!r}, not "
                                 f"{layer.name!r}; build events with the layer's own name.")
            db.execute(_INSERT_EVENT, _event_values(event))
        row = db.one("SELECT COUNT(*) AS n FROM reference_events WHERE layer = ?", (layer.name,))
        count = int(row["n"]) if row else 0
        db.execute("UPDATE reference_layers SET n_events = ? WHERE name = ?", (count, layer.name))
    return count


def set_skipped(store: Store, name: str, skipped: int) -> None:
    """Record how many rows of the layer's file could not be read."""
    _db(store).execute("UPDATE reference_layers SET n_skipped = ? WHERE name = ?", (skipped, name))


def _layer_from_row(row: Row) -> ReferenceLayer:
    return ReferenceLayer(row["name"], row["kind"], row["origin"], row["sha256"],
                          datetime.fromisoformat(row["imported_at"]), int(row["n_events"]),
                          int(row["n_skipped"]))


def find_layer(store: Store, name: str) -> ReferenceLayer | None:
    row = _db(store).one("SELECT * FROM reference_layers WHERE name = ?", (name,))
    return _layer_from_row(row) if row else None


def get_layer(store: Store, name: str) -> ReferenceLayer:
    """The layer called ``name``; NotFound (naming the layers there are) when there is none."""
    found = find_layer(store, name)
    if found is None:
        names = [layer.name for layer in list_layers(store)]
        known = f"the database has: {', '.join(names)}" if names else "the database has none yet"
        raise NotFound(f"no reference layer is called {name!r} ({known}); import one with "
                       "`harmwatch reference import FILE --kind acled|ucdp --name NAME`.")
    return found


def list_layers(store: Store) -> list[ReferenceLayer]:
    return [_layer_from_row(r) for r in _db(store).all("SELECT * FROM reference_layers ORDER BY name")]


def _event_from_row(row: Row) -> ReferenceEvent:
    start, end = row["date_start"], row["date_end"]
    when = (When(date.fromisoformat(start) if start else None, date.fromisoformat(end) if end else None,
                 row["date_precision"] or "day") if start or end else None)
    placed = row["lat"] is not None or row["place_name"]
    where = (Place(row["place_name"] or "", row["lat"], row["lon"], row["place_precision"] or "exact",
                   country=row["country"], admin1=row["admin1"]) if placed else None)
    return ReferenceEvent(
        layer=row["layer"], id=row["event_id"], event_type=row["event_type"],
        hw_types=tuple(row["hw_types"].split()), when=when, where=where, actor1=row["actor1"] or "",
        actor2=row["actor2"] or "", low=row["low"], best=row["best"], high=row["high"],
        source=row["source"] or "",
        headline=row["headline"] or "", data=tuple(json.loads(row["data"]).items()),
        matched_incident=row["matched_incident"], match_km=row["match_km"],
    )


def events(store: Store, name: str, *, bbox: BBox | None = None, since: date | None = None,
           until: date | None = None) -> Iterator[ReferenceEvent]:
    """The events of layer ``name`` by date then id, streamed; filters as for incidents.

    ``bbox`` is (min_lon, min_lat, max_lon, max_lat) and keeps only events with coordinates inside it.
    """
    get_layer(store, name)
    conditions: list[str] = ["layer = ?"]
    params: list[object] = [name]
    if since is not None:
        conditions.append("COALESCE(date_end, date_start) >= ?")
        params.append(since.isoformat())
    if until is not None:
        conditions.append("COALESCE(date_start, date_end) <= ?")
        params.append(until.isoformat())
    if bbox is not None:
        conditions.append(_bbox_condition(bbox))
        params.extend((bbox[0], bbox[2], bbox[1], bbox[3]))
    sql = (f"SELECT * FROM reference_events WHERE {' AND '.join(conditions)} "
           "ORDER BY date_start IS NULL, date_start, event_id")
    for row in _db(store).stream(sql, params):
        yield _event_from_row(row)


def extent(store: Store, name: str) -> tuple[date | None, date | None, BBox | None]:
    """The first and last date and the bounding box of layer ``name``'s events."""
    row = _db(store).one(
        "SELECT MIN(COALESCE(date_start, date_end)) AS d0, MAX(COALESCE(date_end, date_start)) AS d1, "
        "MIN(lon) AS x0, MIN(lat) AS y0, MAX(lon) AS x1, MAX(lat) AS y1 "
        "FROM reference_events WHERE layer = ?",
        (name,),
    )
    if row is None:
        return None, None, None
    box = (row["x0"], row["y0"], row["x1"], row["y1"]) if row["x0"] is not None else None
    return (date.fromisoformat(row["d0"]) if row["d0"] else None,
            date.fromisoformat(row["d1"]) if row["d1"] else None, box)


def record_matches(store: Store, name: str, matches: Iterable[tuple[str, str | None, float | None]]) -> None:
    """Remember each event's best incident (or None) and distance, for maps; one transaction."""
    db = _db(store)
    with db.transaction():
        db.execute("UPDATE reference_events SET matched_incident = NULL, match_km = NULL WHERE layer = ?",
                   (name,))
        for event_id, incident_id, km in matches:
            db.execute("UPDATE reference_events SET matched_incident = ?, match_km = ? "
                       "WHERE layer = ? AND event_id = ?", (incident_id, km, name, event_id))
