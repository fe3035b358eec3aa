"""The typed records that flow between stages.

All records are frozen: a stage returns new records and never edits its input.
``to_dict`` gives the JSON shape of ``spec/interfaces.md``; ``from_dict`` reads
it back (the store keeps that JSON next to readable columns).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

EVENT_TYPES: tuple[str, ...] = (
    "armed_clash", "territory_regained", "territory_taken", "air_strike", "shelling",
    "chemical_attack", "suicide_bombing", "explosive_device", "grenade", "attack_on_civilians",
    "sexual_violence", "abduction", "peaceful_protest", "protest_with_intervention",
    "excessive_force_against_protesters", "violent_demonstration", "mob_violence", "agreement",
    "arrest", "change_to_group_activity", "disrupted_weapons_use", "base_established",
    "looting_destruction", "territory_transfer", "siege", "evacuation", "displacement",
    "aid_access", "other", "responsibility_claim", "diplomatic", "crime", "natural_disaster",
    "industrial_disaster",
)
TARGETS: tuple[str, ...] = (
    "civilians", "children", "women", "health", "education", "food", "aid", "journalists",
    "residential", "infrastructure", "religious", "camp", "military",
)
FIGURE_KINDS: tuple[str, ...] = (
    "killed", "injured", "killed_or_injured", "missing", "detained", "abducted", "displaced",
    "evacuated", "besieged", "remaining", "protesters", "incidents", "facilities",
)
QUALIFIERS: tuple[str, ...] = ("exact", "approx", "at_least", "at_most", "range", "vague")
CERTAINTIES: tuple[str, ...] = ("reported", "claimed", "alleged", "unverified", "denied")
STATUSES: tuple[str, ...] = ("asserted", "negated", "hypothetical", "historical")
SCOPES: tuple[str, ...] = ("incident", "aggregate")
SECTIONS: tuple[str, ...] = ("title", "body", "caption", "quote", "comment")
PLACE_PRECISIONS: tuple[str, ...] = (
    "exact", "neighbourhood", "city", "district", "region", "country", "continent",
)
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year", "unknown")
# The rule of a date the text does not state, assumed from the publication date ("...week", "...year").
ASSUMED_WHEN = "when:published-"
GRADES: tuple[str, ...] = ("confirmed", "fair", "weak", "contested", "discounted")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: Any) -> date | None:
    return date.fromisoformat(str(s)[:10]) if s else None


@dataclass(frozen=True)
class Span:
    """Character offsets into a document's stored ``text``, and the text there."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(int(d["start"]), int(d["end"]), str(d["text"]))


@dataclass(frozen=True)
class Document:
    """One ingested input: a file, a JSON/CSV record or a feed item.

    ``sha256`` of ``raw`` is the identity; ``id`` is the user-facing id (the
    record's ``id`` field, or the path relative to the ingested folder).
    """

    id: str
    sha256: str
    raw: bytes
    text: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: date | None = None
    retrieved: datetime | None = None
    language: str | None = "en"
    media_type: str = "text/plain"
    origin: str = ""
    boilerplate: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Place:
    """A resolved place, with why it was chosen."""

    name: str
    lat: float | None
    lon: float | None
    precision: str = "city"
    geonameid: str | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None
    population: int = 0
    score: float = 0.0
    reason: str = ""

    def placed_at(self, town: Place) -> bool:
        """Whether this is a name the gazetteer lacks (a quarter) placed at ``town``'s very point."""
        return self.geonameid is None and town.geonameid is not None and (self.lat, self.lon) == (town.lat, town.lon)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "lat": self.lat, "lon": self.lon, "precision": self.precision}

    def to_full_dict(self) -> dict[str, Any]:
        return {
            **self.to_dict(), "geonameid": self.geonameid, "country": self.country,
            "admin1": self.admin1, "feature": self.feature, "population": self.population,
            "score": self.score, "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Place:
        return cls(
            name=d["name"], lat=d.get("lat"), lon=d.get("lon"), precision=d.get("precision", "city"),
            geonameid=d.get("geonameid"), country=d.get("country"), admin1=d.get("admin1"),
            feature=d.get("feature"), population=int(d.get("population") or 0),
            score=float(d.get("score") or 0.0), reason=d.get("reason") or "",
        )


@dataclass(frozen=True)
class Toponym:
    """A place name found in a text, and what it resolved to (None if nothing)."""

    start: int
    end: int
    text: str
    place: Place | None = None


@dataclass(frozen=True)
class When:
    """A date range with a precision; ``start``/``end`` are inclusive."""

    start: date | None
    end: date | None
    precision: str = "day"
    text: str = ""
    rule: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"start": _iso(self.start), "end": _iso(self.end), "precision": self.precision}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> When:
        return cls(_date(d.get("start")), _date(d.get("end")), d.get("precision", "day"),
                   d.get("text", ""), d.get("rule", ""))


@dataclass(frozen=True)
class Figure:
    """One number in a mention: what is counted, how many, and how sure."""

    kind: str
    group: str
    low: int | None
    high: int | None
    qualifier: str
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "group": self.group, "low": self.low, "high": self.high,
                "qualifier": self.qualifier}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        sp = d.get("span")
        return cls(d["kind"], d["group"], d.get("low"), d.get("high"), d["qualifier"],
                   Span.from_dict(sp) if sp else None)


@dataclass(frozen=True)
class Actor:
    """A normalized actor with its ACLED ``inter`` code (0 when unknown)."""

    name: str
    inter: int = 0
    text: str = ""


@dataclass(frozen=True)
class Mention:
    """One event statement in one document (``interfaces.md`` section 1)."""

    doc_sha256: str
    doc_id: str
    index: int
    type: str
    evidence: Span
    status: str = "asserted"
    scope: str = "incident"
    section: str = "body"
    where: Place | None = None
    when: When | None = None
    figures: tuple[Figure, ...] = ()
    perpetrators: tuple[Actor, ...] = ()
    targets: tuple[str, ...] = ()
    claimed_by: str | None = None
    certainty: str = "reported"
    trigger: Span | None = None
    rule: str = ""
    source: str | None = None
    published: date | None = None

    @cached_property  # read for every pair linking compares; a frozen dataclass keeps it in __dict__
    def id(self) -> str:
        return f"m-{self.doc_sha256[:12]}-{self.index}"

    @cached_property
    def facts(self) -> tuple[Any, ...]:
        """What the mention says, apart from where it was found (document, index, offsets, rule).

        Linking scores two members with equal facts alike against any mention but one of their own document.
        """
        return (self.type, self.status, self.scope, self.where, self.when, self.published, self.evidence.text,
                self.figures, self.perpetrators, self.targets, self.certainty)

    @cached_property
    def facts_key(self) -> str:
        """``facts`` as one string, computed once: equal keys mean equal facts, and comparing two strings is
        cheap where comparing the places, dates and figures field by field for every pair adds up."""
        return repr(self.facts)

    @cached_property
    def facts_hash(self) -> int:
        """``hash(facts_key)``, computed once."""
        return hash(self.facts_key)

    def to_dict(self) -> dict[str, Any]:
        """The MENTION object of ``interfaces.md`` section 1."""
        return {
            "type": self.type, "status": self.status, "scope": self.scope, "section": self.section,
            "where": self.where.to_dict() if self.where else None,
            "when": self.when.to_dict() if self.when else None,
            "figures": [f.to_dict() for f in self.figures],
            "perpetrators": [a.name for a in self.perpetrators],
            "targets": list(self.targets), "claimed_by": self.claimed_by,
            "certainty": self.certainty, "evidence": self.evidence.to_dict(),
        }

    def to_record(self) -> dict[str, Any]:
        """Everything, for storage: ``from_record`` reads it back unchanged."""
        d = self.to_dict()
        d.update({
            "id": self.id, "doc_sha256": self.doc_sha256, "doc_id": self.doc_id, "index": self.index,
            "where": self.where.to_full_dict() if self.where else None,
            "when": {**self.when.to_dict(), "text": self.when.text, "rule": self.when.rule} if self.when else None,
            "figures": [{**f.to_dict(), "span": f.span.to_dict() if f.span else None} for f in self.figures],
            "perpetrators": [{"name": a.name, "inter": a.inter, "text": a.text} for a in self.perpetrators],
            "trigger": self.trigger.to_dict() if self.trigger else None, "rule": self.rule,
            "source": self.source, "published": _iso(self.published),
        })
        return d

    @classmethod
    def from_record(cls, d: dict[str, Any]) -> Mention:
        return cls(
            doc_sha256=d["doc_sha256"], doc_id=d["doc_id"], index=int(d["index"]), type=d["type"],
            evidence=Span.from_dict(d["evidence"]), status=d["status"], scope=d["scope"],
            section=d["section"], where=Place.from_dict(d["where"]) if d.get("where") else None,
            when=When.from_dict(d["when"]) if d.get("when") else None,
            figures=tuple(Figure.from_dict(f) for f in d.get("figures") or ()),
            perpetrators=tuple(Actor(a["name"], int(a.get("inter") or 0), a.get("text", ""))
                               for a in d.get("perpetrators") or ()),
            targets=tuple(d.get("targets") or ()), claimed_by=d.get("claimed_by"),
            certainty=d["certainty"], trigger=Span.from_dict(d["trigger"]) if d.get("trigger") else None,
            rule=d.get("rule", ""), source=d.get("source"), published=_date(d.get("published")),
        )


@dataclass(frozen=True)
class Claim:
    """One figure from one mention, with who said it and where."""

    mention_id: str
    document: str
    source: str | None
    kind: str
    group: str
    low: int | None
    high: int | None
    qualifier: str
    certainty: str
    claimed_by: str | None
    evidence: Span
    published: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": self.low, "high": self.high, "qualifier": self.qualifier,
            "certainty": self.certainty, "claimed_by": self.claimed_by, "source": self.source,
            "document": self.document, "evidence": self.evidence.to_dict(),
        }


@dataclass(frozen=True)
class FigureEstimate:
    """Per (kind, group) of an incident: UCDP low/best/high, ACLED conservative."""

    kind: str
    group: str
    low: float | None
    best: float | None
    high: float | None
    conservative: float | None
    contradiction: bool
    claims: tuple[Claim, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "group": self.group, "low": self.low, "best": self.best,
            "high": self.high, "conservative": self.conservative,
            "contradiction": self.contradiction, "claims": [c.to_dict() for c in self.claims],
        }


@dataclass(frozen=True)
class Link:
    """Why a mention joined an incident: the features and the score."""

    mention_id: str
    incident_id: str
    score: float
    features: tuple[tuple[str, float], ...] = ()
    matched_mention: str | None = None


@dataclass(frozen=True)
class Incident:
    """Linked mentions of one event (``interfaces.md`` section 4)."""

    id: str
    type: str
    scope: str
    where: Place | None
    when: When | None
    figures: tuple[FigureEstimate, ...] = ()
    perpetrators: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    independent_sources: int = 0
    grade: str = "weak"
    mentions: tuple[str, ...] = ()
    status: str = "machine"
    links: tuple[Link, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "scope": self.scope,
            "where": self.where.to_dict() if self.where else None,
            "when": self.when.to_dict() if self.when else None,
            "figures": [f.to_dict() for f in self.figures],
            "perpetrators": list(self.perpetrators), "targets": list(self.targets),
            "documents": list(self.documents), "sources": list(self.sources),
            "independent_sources": self.independent_sources, "grade": self.grade,
            "mentions": list(self.mentions), "status": self.status,
        }
