"""Records to table rows and back.

Each ``*_row`` function gives the column values of one table row; the
readable columns are derived from the record, and ``data`` keeps the whole
record as JSON so reading back gives an equal dataclass.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import orjson

from ..model import (
    Claim,
    Document,
    FigureEstimate,
    Incident,
    Link,
    Mention,
    Place,
    Span,
    When,
)

Values = dict[str, Any]


# orjson writes what json writes here, several times faster (issue 5: every mention and incident is stored
# as JSON). Dates and records go through ``_jsonable`` as with json; what orjson refuses (an integer
# past 64 bits, a lone surrogate, NaN read back) falls back to json, so nothing that json takes is lost.
_ORJSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(value: Any) -> str:
    """``value`` as compact JSON, non-ASCII text kept as it is."""
    try:
        return orjson.dumps(value, default=_jsonable, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def loads(text: str | bytes) -> Any:
    """JSON text read back (``dumps``' inverse)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _jsonable(value: Any) -> Any:
    """How ``dumps`` writes what json cannot: records, dates, tuples."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _place_cols(where: Place | None) -> Values:
    return {
        "place_name": where.name if where else None, "lat": where.lat if where else None,
        "lon": where.lon if where else None, "place_precision": where.precision if where else None,
    }


def _when_cols(when: When | None) -> Values:
    return {
        "date_start": _iso(when.start) if when else None, "date_end": _iso(when.end) if when else None,
        "date_precision": when.precision if when else None,
    }


# --- documents ---

def document_row(doc: Document) -> Values:
    return {
        "sha256": doc.sha256, "doc_id": doc.id, "source": doc.source, "url": doc.url, "title": doc.title,
        "published": _iso(doc.published), "retrieved": _iso(doc.retrieved), "language": doc.language,
        "media_type": doc.media_type, "origin": doc.origin, "text": doc.text, "raw": doc.raw,
        "boilerplate": dumps([s.to_dict() for s in doc.boilerplate]),
    }


def document_from_row(row: Values) -> Document:
    return Document(
        id=row["doc_id"], sha256=row["sha256"], raw=bytes(row["raw"]), text=row["text"],
        source=row["source"], url=row["url"], title=row["title"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        retrieved=datetime.fromisoformat(row["retrieved"]) if row["retrieved"] else None,
        language=row["language"], media_type=row["media_type"], origin=row["origin"],
        boilerplate=tuple(Span.from_dict(s) for s in loads(row["boilerplate"])),
    )


# --- mentions, claims, links, places, actors ---

def mention_row(m: Mention, incident_id: str | None) -> Values:
    return {
        "id": m.id, "doc_sha256": m.doc_sha256, "idx": m.index, "type": m.type, "status": m.status,
        "scope": m.scope, "section": m.section, "certainty": m.certainty, "claimed_by": m.claimed_by,
        **_place_cols(m.where), **_when_cols(m.when),
        "evidence_start": m.evidence.start, "evidence_end": m.evidence.end,
        "evidence_text": m.evidence.text, "rule": m.rule, "incident_id": incident_id,
        "data": dumps(m.to_record()),
    }


def mention_from_row(row: Values) -> Mention:
    return Mention.from_record(loads(row["data"]))


def claim_rows(m: Mention) -> list[Values]:
    """One row per figure; the evidence is the mention's clause, which says who claims it."""
    return [
        {
            "mention_id": m.id, "idx": i, "doc_sha256": m.doc_sha256, "document": m.doc_id,
            "source": m.source, "published": _iso(m.published), "kind": f.kind, "grp": f.group,
            "low": f.low, "high": f.high, "qualifier": f.qualifier, "certainty": m.certainty,
            "claimed_by": m.claimed_by, "evidence_start": m.evidence.start,
            "evidence_end": m.evidence.end, "evidence_text": m.evidence.text,
        }
        for i, f in enumerate(m.figures)
    ]


def link_row(link: Link) -> Values:
    return {
        "mention_id": link.mention_id, "incident_id": link.incident_id,
        "matched_mention": link.matched_mention, "score": link.score,
        "features": dumps(dict(link.features)),
    }


def link_from_row(row: Values) -> Link:
    return Link(
        mention_id=row["mention_id"], incident_id=row["incident_id"], score=float(row["score"]),
        features=_features(row["features"]), matched_mention=row["matched_mention"],
    )


@lru_cache(maxsize=65536)  # a large incident's links are read again at every rebuild
def _features(text: str) -> tuple[tuple[str, float], ...]:
    return tuple((str(k), float(v)) for k, v in loads(text).items())


def place_row(place: Place) -> Values:
    key = f"geonames:{place.geonameid}" if place.geonameid else f"{place.name}|{place.lat}|{place.lon}"
    return {
        "key": key, "name": place.name, "lat": place.lat, "lon": place.lon, "precision": place.precision,
        "geonameid": place.geonameid, "country": place.country, "admin1": place.admin1,
        "feature": place.feature,
    }


# --- incidents ---

def headline(inc: Incident, kind: str) -> FigureEstimate | None:
    """The one estimate of ``kind`` to show in a summary column.

    Groups overlap ("children" are also "civilians"), so summing them would
    double count: the group with the largest best figure stands for the incident.
    """
    estimates = [f for f in inc.figures if f.kind == kind]
    return max(estimates, key=lambda f: (f.best or 0.0, f.group), default=None)


def incident_row(inc: Incident) -> Values:
    killed, injured = headline(inc, "killed"), headline(inc, "injured")
    return {
        "id": inc.id, "type": inc.type, "scope": inc.scope, **_place_cols(inc.where), **_when_cols(inc.when),
        "n_mentions": len(inc.mentions), "n_documents": len(inc.documents), "sources": dumps(inc.sources),
        "independent_sources": inc.independent_sources, "grade": inc.grade, "status": inc.status,
        "killed_low": killed.low if killed else None, "killed_best": killed.best if killed else None,
        "killed_high": killed.high if killed else None,
        "injured_low": injured.low if injured else None, "injured_best": injured.best if injured else None,
        "injured_high": injured.high if injured else None,
        "contradiction": int(any(f.contradiction for f in inc.figures)),
        "data": dumps(incident_record(inc)),
    }


def incident_record(inc: Incident) -> Values:
    """``Incident.to_dict()`` plus what it leaves out (full place, date text, claim ids): lossless."""
    d = inc.to_dict()
    d["where"] = inc.where.to_full_dict() if inc.where else None
    if inc.when:
        d["when"] = {**inc.when.to_dict(), "text": inc.when.text, "rule": inc.when.rule}
    d["figures"] = [
        {**f.to_dict(), "claims": [_claim_record(c) for c in f.claims]} for f in inc.figures
    ]
    return d


def _claim_record(c: Claim) -> Values:
    return {**c.to_dict(), "mention_id": c.mention_id, "kind": c.kind, "group": c.group,
            "published": _iso(c.published)}


def incident_from_record(d: Values, links: tuple[Link, ...] = ()) -> Incident:
    return Incident(
        id=d["id"], type=d["type"], scope=d["scope"],
        where=Place.from_dict(d["where"]) if d.get("where") else None,
        when=When.from_dict(d["when"]) if d.get("when") else None,
        figures=tuple(_estimate(f) for f in d.get("figures") or ()),
        perpetrators=tuple(d.get("perpetrators") or ()), targets=tuple(d.get("targets") or ()),
        documents=tuple(d.get("documents") or ()), sources=tuple(d.get("sources") or ()),
        independent_sources=int(d.get("independent_sources") or 0), grade=d.get("grade", "weak"),
        mentions=tuple(d.get("mentions") or ()), status=d.get("status", "machine"), links=links,
    )


def _estimate(f: Values) -> FigureEstimate:
    return FigureEstimate(
        kind=f["kind"], group=f["group"], low=f.get("low"), best=f.get("best"), high=f.get("high"),
        conservative=f.get("conservative"), contradiction=bool(f.get("contradiction")),
        claims=tuple(_claim(c, f) for c in f.get("claims") or ()),
    )


def _claim(c: Values, estimate: Values) -> Claim:
    published = c.get("published")
    return Claim(
        mention_id=c.get("mention_id", ""), document=c["document"], source=c.get("source"),
        kind=str(c.get("kind", estimate["kind"])), group=str(c.get("group", estimate["group"])),
        low=c.get("low"), high=c.get("high"), qualifier=c["qualifier"], certainty=c["certainty"],
        claimed_by=c.get("claimed_by"), evidence=Span.from_dict(c["evidence"]),
        published=date.fromisoformat(published) if published else None,
    )
