"""The API's answers, built from the store: plain JSON shapes that ``models`` documents.

No web framework here, so these are tested and reused without a server.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..errors import ConfigError, NotFound
from ..model import Claim, FigureEstimate, Mention, sha256_hex
from ..review import Review, reviewed_fields
from ..store import Store, search
from ..store import review as review_store
from ..store.db import Row


def incident_page(store: Store, query: search.IncidentQuery, page: int, limit: int) -> dict[str, Any]:
    total = search.count(store, query)
    items = search.page(store, query, offset=(page - 1) * limit, limit=limit)
    return {"total": total, "page": page, "limit": limit, "pages": max(1, math.ceil(total / limit)),
            "items": [i.to_dict() for i in items]}


def geojson(store: Store, query: search.IncidentQuery, limit: int) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection of the newest ``limit`` placed incidents matching ``query``."""
    items = search.located(store, query, limit=limit)
    features = [{"type": "Feature", "id": i.id, "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
                 "properties": _point(i)} for i in items]
    total = len(items) if len(items) < limit else _located_total(store, query)
    return {"type": "FeatureCollection", "features": features, "total": total}


_NOT_ON_MAPS = ("lat", "lon", "perpetrators", "targets")


def _point(summary: search.IncidentSummary) -> dict[str, Any]:
    return {k: v for k, v in summary.to_dict().items() if k not in _NOT_ON_MAPS}


def _located_total(store: Store, query: search.IncidentQuery) -> int:
    """How many incidents match ``query`` and have coordinates (a whole-world box keeps only those)."""
    return search.count(store, replace(query, bbox=query.bbox or (-180.0, -90.0, 180.0, 90.0)))


def _claim(c: Claim, shas: dict[str, str]) -> dict[str, Any]:
    return {**c.to_dict(), "mention_id": c.mention_id, "document_sha256": shas.get(c.mention_id),
            "published": c.published.isoformat() if c.published else None}


def _figure(f: FigureEstimate, shas: dict[str, str]) -> dict[str, Any]:
    return {**f.to_dict(), "claims": [_claim(c, shas) for c in f.claims]}


def _mention(m: Mention, link: dict[str, Any] | None) -> dict[str, Any]:
    d = m.to_dict()
    return {"id": m.id, "document": m.doc_id, "document_sha256": m.doc_sha256, "index": m.index, "type": m.type,
            "status": m.status, "scope": m.scope, "section": m.section, "certainty": m.certainty,
            "claimed_by": m.claimed_by, "where": d["where"], "when": d["when"], "perpetrators": d["perpetrators"],
            "targets": d["targets"], "rule": m.rule, "evidence": m.evidence.to_dict(), "link": link}


def _document_ref(row: Row) -> dict[str, Any]:
    return {"id": row["doc_id"], "sha256": row["sha256"], "source": row["source"], "title": row["title"],
            "published": row["published"], "url": row["url"]}


def not_found_message(store: Store, incident_id: str) -> tuple[str, str | None]:
    """What to say about an incident id that is not there: merged away (and into what), or unknown."""
    into = review_store.merged_into(store, incident_id)
    if into:
        return f"incident {incident_id} was merged into {into} by a reviewer; open {into} instead.", into
    return f"no incident has id {incident_id!r}; list incidents with GET /api/incidents.", None


def incident_detail(store: Store, incident_id: str) -> dict[str, Any]:
    """The incident page: figures with each claim's evidence, mentions with why they joined, history."""
    try:
        inc = store.incident(incident_id)
    except NotFound:
        raise NotFound(not_found_message(store, incident_id)[0]) from None
    members = store.members(incident_id)
    shas = {m.id: m.doc_sha256 for m in members}
    links = {link.mention_id: {"score": link.score, "features": dict(link.features),
                               "matched_mention": link.matched_mention} for link in inc.links}
    docs = search.documents_by_sha(store, sorted({m.doc_sha256 for m in members}))
    d = inc.to_dict()
    return {
        **{k: d[k] for k in ("id", "type", "scope", "where", "when", "perpetrators", "targets", "sources",
                             "independent_sources", "grade", "status")},
        "figures": [_figure(f, shas) for f in inc.figures],
        "documents": [_document_ref(docs[s]) for s in dict.fromkeys(m.doc_sha256 for m in members) if s in docs],
        "reviewed_fields": reviewed_fields(incident_id, review_store.reviews_of(store._db, incident_id)),
        "mentions": [_mention(m, links.get(m.id)) for m in members],
        # A large incident's row waits for its rebuild while `process` adds to it (harmwatch.store.stale).
        "pending_mentions": len({m.id for m in members} - set(inc.mentions)),
        "history": history(store, incident_id),
    }


def _changed(before: Any, after: Any) -> list[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if before is None and isinstance(after, dict):
        return sorted(after)
    return []


def history_entry(row: Row, review: Review | None) -> dict[str, Any]:
    return {"at": row["at"], "who": row["who"], "action": row["action"], "target": row["target"],
            "changed": _changed(row["before"], row["after"]), "note": review.note if review else None,
            "before": row["before"], "after": row["after"]}


def history(store: Store, incident_id: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    return [history_entry(row, review) for row, review in review_store.history(store, incident_id, limit=limit)]


def document_view(store: Store, key: str) -> dict[str, Any]:
    """A document's text and metadata; ``sha256`` is recomputed from the stored original bytes."""
    doc = store.get_document(key)
    return {"id": doc.id, "sha256": sha256_hex(doc.raw), "source": doc.source, "title": doc.title, "url": doc.url,
            "published": doc.published.isoformat() if doc.published else None, "media_type": doc.media_type,
            "bytes": len(doc.raw), "text": doc.text, "boilerplate": [s.to_dict() for s in doc.boilerplate]}


def check_code(what: str, value: str | None, allowed: Sequence[str]) -> str | None:
    if value is not None and value not in allowed:
        raise ConfigError(f"{what} {value[:40]!r} is not a known code; use one of {', '.join(allowed)}.")
    return value
