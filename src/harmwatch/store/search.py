"""Reading incidents for the HTTP API: filtered pages, counts, map points and statistics (issue 6).

Filters combine with AND. ``q`` is free text over ids, type, place, sources, documents and the
evidence sentences; ``actor`` and ``target`` match words of the perpetrators and targets (the last
word as a prefix), through the ``incident_search`` full-text index of schema step 2.
Pages are newest first (undated last), so a page is a walk down the ``(date_start, id)`` index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .db import Row, chunks, marks
from .review import _ensure
from .store import BBox, Store, _incident_filters

MAX_TERMS = 12  # words of one free-text filter that are used
MANY_TEXT_HITS = 5000  # above this many text hits, the other filters' indexes choose the rows
_WORD = re.compile(r"\w+", re.UNICODE)
_COLUMNS = (
    "id, type, scope, place_name, lat, lon, place_precision, date_start, date_end, date_precision, "
    "n_documents, sources, independent_sources, grade, status, killed_low, killed_best, killed_high, "
    "injured_low, injured_best, injured_high, contradiction"
)
# Reading these opens the JSON record (the row's overflow pages): done for a page of 50, not for maps.
_ACTORS = "json_extract(data, '$.perpetrators') AS perpetrators, json_extract(data, '$.targets') AS targets"


@dataclass(frozen=True)
class IncidentQuery:
    """Which incidents to read; ``None`` means no filter."""

    bbox: BBox | None = None
    since: date | None = None
    until: date | None = None
    type: str | None = None
    actor: str | None = None
    target: str | None = None
    grade: str | None = None
    q: str | None = None
    scope: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class IncidentSummary:
    """One row of the incident list: the readable columns, no claims."""

    id: str
    type: str
    scope: str
    place: str | None
    lat: float | None
    lon: float | None
    place_precision: str | None
    date_start: str | None
    date_end: str | None
    date_precision: str | None
    documents: int
    sources: tuple[str, ...]
    independent_sources: int
    grade: str
    status: str
    killed: tuple[float | None, float | None, float | None]
    injured: tuple[float | None, float | None, float | None]
    contradiction: bool
    perpetrators: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["killed"] = dict(zip(("low", "best", "high"), self.killed, strict=True))
        d["injured"] = dict(zip(("low", "best", "high"), self.injured, strict=True))
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass(frozen=True)
class Stats:
    """Counts over the incidents a query selects (aggregate tallies are counted apart)."""

    incidents: int
    aggregates: int
    killed_best: float
    injured_best: float
    contradictions: int
    reviewed: int
    by_type: tuple[tuple[str, int], ...] = ()
    by_grade: tuple[tuple[str, int], ...] = ()
    by_month: tuple[tuple[str, int, float], ...] = ()
    by_place: tuple[tuple[str, float | None, float | None, int, float], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "incidents": self.incidents, "aggregates": self.aggregates, "killed_best": self.killed_best,
            "injured_best": self.injured_best, "contradictions": self.contradictions, "reviewed": self.reviewed,
            "by_type": [{"type": t, "count": n} for t, n in self.by_type],
            "by_grade": [{"grade": g, "count": n} for g, n in self.by_grade],
            "by_month": [{"month": m, "count": n, "killed_best": k} for m, n, k in self.by_month],
            "by_place": [{"place": p, "lat": la, "lon": lo, "count": n, "killed_best": k}
                         for p, la, lo, n, k in self.by_place],
        }


def _phrase(words: list[str], prefix: bool) -> str:
    """An FTS5 phrase of ``words`` (quotes inside a word doubled), its last word a prefix if asked."""
    return '"' + " ".join(w.replace('"', '""') for w in words) + '"' + ("*" if prefix else "")


def match_expression(query: IncidentQuery) -> str | None:
    """The FTS5 expression for the text filters of ``query``; None when it has none.

    Free-text words match as prefixes ("shell" finds shelling); actor and target words match whole
    (a prefix inside a column filter costs FTS5 several times more).
    """
    parts: list[str] = []
    if query.q:
        parts.extend(_phrase([w], True) for w in _WORD.findall(query.q.lower())[:MAX_TERMS])
    for column, value in (("actors", query.actor), ("targets", query.target)):
        words = _WORD.findall((value or "").lower())[:MAX_TERMS]
        if words:
            parts.append(f"{column} : {_phrase(words, False)}")
    return " AND ".join(parts) if parts else None


def _text_hits(store: Store, expression: str) -> int:
    row = store._db.one("SELECT COUNT(*) AS n FROM incident_search WHERE incident_search MATCH ?", (expression,))
    return int(row["n"]) if row else 0


def _where(query: IncidentQuery, text_hits: int = 0) -> tuple[str, list[Any]]:
    """The WHERE clause of ``query``. With many text hits (``text_hits``), the text filter is only
    checked (``+rowid``) while the date, type or map indexes choose the rows; with few, it drives."""
    conditions, params = _incident_filters(query.type, None, None, None, query.bbox)
    # An incident's dates are both set or both unknown (link.union_when, review edits), so plain
    # comparisons keep the same incidents as the store's COALESCE form, and can walk the date indexes.
    if query.until is not None:
        conditions.append("date_start <= ?")
        params.append(query.until.isoformat())
    if query.since is not None:
        conditions.append("date_end >= ?")
        params.append(query.since.isoformat())
    for column, value in (("grade", query.grade), ("scope", query.scope), ("status", query.status)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    expression = match_expression(query)
    if expression is not None:
        driver = "+rowid" if text_hits > MANY_TEXT_HITS else "rowid"
        conditions.append(f"{driver} IN (SELECT rowid FROM incident_search WHERE incident_search MATCH ?)")
        params.append(expression)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else ""), params


def _only_text(query: IncidentQuery) -> bool:
    return all(getattr(query, f) is None for f in query.__dataclass_fields__ if f not in ("q", "actor", "target"))


def _summary(row: Row) -> IncidentSummary:
    return IncidentSummary(
        id=row["id"], type=row["type"], scope=row["scope"], place=row["place_name"], lat=row["lat"],
        lon=row["lon"], place_precision=row["place_precision"], date_start=row["date_start"],
        date_end=row["date_end"], date_precision=row["date_precision"], documents=int(row["n_documents"]),
        sources=tuple(json.loads(row["sources"] or "[]")), independent_sources=int(row["independent_sources"]),
        grade=row["grade"], status=row["status"],
        killed=(row["killed_low"], row["killed_best"], row["killed_high"]),
        injured=(row["injured_low"], row["injured_best"], row["injured_high"]),
        contradiction=bool(row["contradiction"]),
        perpetrators=tuple(json.loads(row.get("perpetrators") or "[]")),
        targets=tuple(json.loads(row.get("targets") or "[]")),
    )


def count(store: Store, query: IncidentQuery) -> int:
    _ensure(store._db)
    expression = match_expression(query)
    hits = _text_hits(store, expression) if expression is not None else 0
    if expression is not None and _only_text(query):
        return hits  # every search row is one incident
    where, params = _where(query, hits)
    row = store._db.one(f"SELECT COUNT(*) AS n FROM incidents {where}", params)
    return int(row["n"]) if row else 0


def page(store: Store, query: IncidentQuery, *, offset: int = 0, limit: int = 50) -> list[IncidentSummary]:
    """Up to ``limit`` incidents after the first ``offset``, newest first, undated last."""
    _ensure(store._db)
    expression = match_expression(query)
    where, params = _where(query, _text_hits(store, expression) if expression is not None else 0)
    # Choose the page's rows on the narrow columns first; only those 50 read the JSON record.
    rows = store._db.all(
        f"SELECT {_COLUMNS}, {_ACTORS} FROM incidents WHERE rowid IN (SELECT rowid FROM incidents {where} "
        "ORDER BY date_start DESC, id DESC LIMIT ? OFFSET ?) ORDER BY date_start DESC, id DESC",
        [*params, limit, offset])
    return [_summary(r) for r in rows]


def located(store: Store, query: IncidentQuery, *, limit: int) -> list[IncidentSummary]:
    """Up to ``limit`` of the selected incidents that have coordinates, newest first (for maps).

    Perpetrators and targets are left empty: reading them would open every record.
    """
    _ensure(store._db)
    where, params = _where(query)
    where = f"{where} AND lat IS NOT NULL AND lon IS NOT NULL" if where else "WHERE lat IS NOT NULL AND lon IS NOT NULL"
    rows = store._db.all(
        f"SELECT {_COLUMNS} FROM incidents WHERE rowid IN (SELECT rowid FROM incidents {where} "
        "ORDER BY date_start DESC, id DESC LIMIT ?) ORDER BY date_start DESC, id DESC", [*params, limit])
    return [_summary(r) for r in rows]


def stats(store: Store, query: IncidentQuery, *, places: int = 20) -> Stats:
    """Counts and figures over time, by type, grade and place, for the ``incident``-scope selection."""
    _ensure(store._db)
    db = store._db
    where, params = _where(query)
    only = f"{where} AND scope = 'incident'" if where else "WHERE scope = 'incident'"
    head = db.one(
        "SELECT COUNT(*) AS n, COALESCE(SUM(killed_best), 0) AS k, COALESCE(SUM(injured_best), 0) AS i, "
        "COALESCE(SUM(contradiction), 0) AS c, COALESCE(SUM(CASE WHEN status = 'reviewed' THEN 1 ELSE 0 END), 0) AS r "
        f"FROM incidents {only}", params)
    aggregates = db.one(f"SELECT COUNT(*) AS n FROM incidents {where}{' AND' if where else 'WHERE'} "
                        "scope = 'aggregate'", params)
    by_type = db.all(f"SELECT type AS k, COUNT(*) AS n FROM incidents {only} GROUP BY type ORDER BY n DESC, k",
                     params)
    by_grade = db.all(f"SELECT grade AS k, COUNT(*) AS n FROM incidents {only} GROUP BY grade ORDER BY n DESC, k",
                      params)
    by_month = db.all(f"SELECT substr(date_start, 1, 7) AS m, COUNT(*) AS n, COALESCE(SUM(killed_best), 0) AS k "
                      f"FROM incidents {only} AND date_start IS NOT NULL GROUP BY m ORDER BY m", params)
    by_place = db.all(f"SELECT place_name AS p, AVG(lat) AS la, AVG(lon) AS lo, COUNT(*) AS n, "
                      f"COALESCE(SUM(killed_best), 0) AS k FROM incidents {only} AND place_name IS NOT NULL "
                      "GROUP BY place_name ORDER BY n DESC, p LIMIT ?", [*params, places])
    assert head is not None and aggregates is not None  # aggregate queries always return a row
    return Stats(
        incidents=int(head["n"]), aggregates=int(aggregates["n"]), killed_best=float(head["k"]),
        injured_best=float(head["i"]), contradictions=int(head["c"]), reviewed=int(head["r"]),
        by_type=tuple((r["k"], int(r["n"])) for r in by_type),
        by_grade=tuple((r["k"], int(r["n"])) for r in by_grade),
        by_month=tuple((r["m"], int(r["n"]), float(r["k"])) for r in by_month),
        by_place=tuple((r["p"], r["la"], r["lo"], int(r["n"]), float(r["k"])) for r in by_place),
    )


def document_titles(store: Store, doc_ids: list[str]) -> dict[str, Row]:
    """id, sha256, source, title, published and url of the documents with these ids (first ingested wins)."""
    found: dict[str, Row] = {}
    for chunk in chunks(doc_ids):
        rows = store._db.all(
            f"SELECT doc_id, sha256, source, title, published, url FROM documents WHERE doc_id IN "
            f"({marks(len(chunk))}) ORDER BY seq", chunk)
        for r in rows:
            found.setdefault(r["doc_id"], r)
    return found


def documents_by_sha(store: Store, shas: list[str]) -> dict[str, Row]:
    """id, sha256, source, title, published and url of the documents with these sha256s."""
    found: dict[str, Row] = {}
    for chunk in chunks(shas):
        rows = store._db.all(
            f"SELECT doc_id, sha256, source, title, published, url FROM documents WHERE sha256 IN "
            f"({marks(len(chunk))})", chunk)
        found.update((r["sha256"], r) for r in rows)
    return found
