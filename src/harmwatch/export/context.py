"""What ACLED- and UCDP-like rows need besides the incident: actor codes, source kinds, documents."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import TypeVar

from ..model import Incident
from ..store import Store

T = TypeVar("T")
DocumentInfo = tuple[str, str, str]  # source, published, title
DocumentLookup = Callable[[Iterable[str]], Mapping[str, DocumentInfo]]

# source registry type -> ACLED source scale
SOURCE_SCALES = {"wire": "International", "news": "International", "un_icrc": "International",
                 "government": "National", "ngo": "Other", "party": "Other", "social_media": "New media",
                 "comment": "New media"}
SCALE_ORDER = ("Local", "Subnational", "National", "Regional", "International", "New media", "Other")


def _no_documents(ids: Iterable[str]) -> Mapping[str, DocumentInfo]:
    return {}


def _unknown_kind(source: str | None) -> str:
    return "unknown"


@dataclass(frozen=True)
class ExportContext:
    """Lookups for one export; ``timestamp`` (Unix seconds) stamps every row of it."""

    inters: Mapping[str, int] = field(default_factory=dict)
    source_kind: Callable[[str | None], str] = _unknown_kind
    documents: DocumentLookup = _no_documents
    timestamp: int = 0

    def inter(self, actor: str) -> int:
        """The ACLED inter code of a normalized actor name; 0 when no dictionary knows it."""
        return self.inters.get(actor, 0)

    def source_scale(self, sources: Iterable[str]) -> str:
        """ACLED's source scale: the sources' distinct scales joined with '-' ("National-International")."""
        scales = {SOURCE_SCALES.get(self.source_kind(s), "Other") for s in sources}
        return "-".join(s for s in SCALE_ORDER if s in scales)


def store_context(store: Store, clock: Callable[[], datetime] | None = None) -> ExportContext:
    """The context for exporting from ``store``: its actors over the packaged dictionary, and sources."""
    from ..extract.actors import load_actors
    from ..link.registry import load_registry
    from ..store.interop import actor_codes, document_sources

    inters = {actor.name: actor.inter for _, actor in load_actors().entries}
    inters.update({name: code for name, code in actor_codes(store).items() if code})
    registry = load_registry()
    now = (clock or (lambda: datetime.now(UTC)))()
    return ExportContext(inters, registry.kind_of, lambda ids: document_sources(store, ids),
                         int(now.timestamp()))


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, read lazily (itertools.batched arrived in Python 3.12)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def incident_chunks(incidents: Iterable[Incident], size: int = 500) -> Iterator[list[Incident]]:
    return batched(incidents, size)
