"""Pydantic models at the HTTP edge: what the API accepts and answers (they shape the OpenAPI spec).

Inside, harmwatch passes its frozen dataclasses; these models exist only to validate requests and to
document responses.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from .actions import MAX_MERGE, MAX_SPLIT, MAX_TEXT

Id = Field(min_length=1, max_length=200)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong and what to do next.")
    merged_into: str | None = Field(None, description="For a merged-away incident: the incident it went into.")


class Range(BaseModel):
    low: float | None
    best: float | None
    high: float | None


class SpanOut(BaseModel):
    start: int
    end: int
    text: str


class ClaimOut(BaseModel):
    low: int | None
    high: int | None
    qualifier: str
    certainty: str
    claimed_by: str | None
    source: str | None
    document: str
    document_sha256: str | None
    mention_id: str
    published: str | None
    evidence: SpanOut


class FigureOut(BaseModel):
    kind: str
    group: str
    low: float | None
    best: float | None
    high: float | None
    conservative: float | None
    contradiction: bool
    claims: list[ClaimOut]


class LinkOut(BaseModel):
    score: float
    features: dict[str, float]
    matched_mention: str | None


class MentionOut(BaseModel):
    id: str
    document: str
    document_sha256: str
    index: int
    type: str
    status: str
    scope: str
    section: str
    certainty: str
    claimed_by: str | None
    where: dict[str, Any] | None
    when: dict[str, Any] | None
    perpetrators: list[str]
    targets: list[str]
    rule: str
    evidence: SpanOut
    link: LinkOut | None = Field(description="Why it joined the incident; null for the mention that founded it.")


class DocumentRef(BaseModel):
    id: str
    sha256: str
    source: str | None
    title: str | None
    published: str | None
    url: str | None


class HistoryOut(BaseModel):
    at: str
    who: str
    action: str
    target: str
    changed: list[str]
    note: str | None
    before: JsonValue = None
    after: JsonValue = None


class IncidentDetail(BaseModel):
    id: str
    type: str
    scope: str
    where: dict[str, Any] | None
    when: dict[str, Any] | None
    figures: list[FigureOut]
    perpetrators: list[str]
    targets: list[str]
    documents: list[DocumentRef]
    sources: list[str]
    independent_sources: int
    grade: str
    status: str
    reviewed_fields: list[str]
    mentions: list[MentionOut]
    pending_mentions: int = Field(description=(
        "Mentions that joined after the figures, grade and sources were last computed: a large incident is "
        "recomputed as it grows and at the end of `harmwatch process`, so this is 0 once the run is over."))
    history: list[HistoryOut]


class DocumentOut(BaseModel):
    id: str
    sha256: str = Field(description="SHA-256 of the original bytes, as ingested (recomputed on each read).")
    source: str | None
    title: str | None
    url: str | None
    published: str | None
    media_type: str
    bytes: int
    text: str
    boilerplate: list[SpanOut]


class StatsOut(BaseModel):
    incidents: int
    aggregates: int
    killed_best: float
    injured_best: float
    contradictions: int
    reviewed: int
    by_type: list[dict[str, Any]]
    by_grade: list[dict[str, Any]]
    by_month: list[dict[str, Any]]
    by_place: list[dict[str, Any]]


class ConfigOut(BaseModel):
    version: str
    public_read: bool
    tiles: str | None
    tiles_attribution: str
    map_assets: bool
    max_map_points: int
    event_types: list[str]
    grades: list[str]
    targets: list[str]
    editable_fields: list[str]


class MeOut(BaseModel):
    name: str
    role: str


class Point(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: list[float]


class MapPointOut(BaseModel):
    """A map marker's properties: the list row without perpetrators and targets (open the incident)."""

    id: str
    type: str
    scope: str
    place: str | None
    place_precision: str | None
    date_start: str | None
    date_end: str | None
    date_precision: str | None
    documents: int
    sources: list[str]
    independent_sources: int
    grade: str
    status: str
    killed: Range
    injured: Range
    contradiction: bool


class IncidentSummaryOut(MapPointOut):
    """One row of the incident list: a map marker's fields plus the point and the actors."""

    lat: float | None
    lon: float | None
    perpetrators: list[str]
    targets: list[str]


class IncidentPage(BaseModel):
    total: int
    page: int
    limit: int
    pages: int
    items: list[IncidentSummaryOut]


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Point
    properties: MapPointOut


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]
    total: int = Field(description="Incidents with coordinates matching the filters (may exceed the features).")


# --- review actions ---


class ConfirmIn(Strict):
    note: str = Field("", max_length=MAX_TEXT)


class EditIn(Strict):
    field: Literal["type", "grade", "where", "when", "perpetrators", "targets", "figure"] = Field(
        description="type: an event code; grade: confirmed|fair|weak|contested; where: {name, lat, lon, "
                    "precision}; when: {start, end, precision}; perpetrators/targets: lists; figure: "
                    "{kind, group, low, best, high}.")
    value: JsonValue
    note: str = Field("", max_length=MAX_TEXT)


class MergeIn(Strict):
    incidents: list[str] = Field(min_length=1, max_length=MAX_MERGE,
                                 description="Ids of the incidents to fold into this one.")
    note: str = Field("", max_length=MAX_TEXT)


class SplitIn(Strict):
    mentions: list[str] = Field(min_length=1, max_length=MAX_SPLIT,
                                description="Ids of this incident's mentions to move to a new incident.")
    note: str = Field("", max_length=MAX_TEXT)


class DiscountIn(Strict):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class NoteIn(Strict):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


class ReviewOut(BaseModel):
    id: int
    at: str
    who: str
    action: str
    incident_id: str
    field: str | None
    value: JsonValue = None
    note: str
    incidents: list[str]
    mentions: list[str]


class ActionOut(BaseModel):
    review: ReviewOut
    incidents: list[str] = Field(description="The incidents the action changed; the first is the one to show.")
