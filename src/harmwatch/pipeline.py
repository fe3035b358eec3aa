"""``process``: extract and link every unprocessed document, batch by batch.

Each batch commits in one transaction, so a killed run loses only its open
batch and the next run picks up from there. Mentions are linked one at a time
in a fixed global order (ingest order, then mention index) and each touched
incident is rebuilt at once (a large one once it has grown enough, and at the end of
the run), so the result does not depend on batch size.

An extractor that can ``submit`` a batch (``harmwatch.scale.DaskExtractor``) gets
up to ``lookahead`` batches ahead of the one being linked, so workers extract
while this process links and stores, still in the same global order.
"""

from __future__ import annotations

import functools
import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from tqdm import tqdm

from .errors import ConfigError, ExtractError
from .model import Document, Incident, Link, Mention
from .store import Store


class MentionExtractor(Protocol):
    def extract(self, docs: Sequence[Document]) -> list[tuple[Mention, ...]]:
        """One tuple of mentions per document, in the order given."""
        ...


class LinkStage(Protocol):
    """What ``process`` needs from the link stage (``harmwatch.link`` provides it)."""

    def incident_id_for(self, mention: Mention) -> str: ...

    def blocking_window(self, mention: Mention) -> tuple[date | None, date | None]: ...

    def assign(self, mention: Mention, candidates: Mapping[str, Sequence[Mention]]) -> Link | None: ...

    def build_incident(self, incident_id: str, mentions: Sequence[Mention], documents: Mapping[str, Document],
                       links: Sequence[Link]) -> Incident: ...


@dataclass(frozen=True)
class ProcessReport:
    documents: int
    mentions: int
    incidents_touched: int


def process(store: Store, extractor: MentionExtractor, *, batch_size: int = 8, progress: bool = False,
            clock: Callable[[], datetime] | None = None, linker: LinkStage | None = None, lookahead: int = 0,
            stop: Callable[[], bool] | None = None) -> ProcessReport:
    """Extract and link every unprocessed document in ``store``.

    ``linker`` defaults to ``harmwatch.link``; ``clock`` stamps ``processed_at``. ``lookahead`` batches
    are extracted ahead when the extractor has ``submit``. ``stop`` is asked before each new batch is
    started; once it says True, the batches already started are finished and stored, and nothing more.
    """
    if batch_size < 1:
        raise ConfigError(f"batch size must be at least 1, got {batch_size}; use e.g. 8.")
    from .link.session import link_batch, rebuild_stale  # imported on use: keeps `import harmwatch.pipeline` light

    stage = linker or _default_linker()
    now = clock or (lambda: datetime.now(UTC))
    counts = store.counts()
    documents = mentions = 0
    touched: set[str] = set()
    with tqdm(total=counts["documents"] - counts["processed"], unit="doc", desc="process",
              file=sys.stderr, disable=not progress) as bar, store.bulk_writes():
        for batch, found in _extracted(store, extractor, batch_size, max(lookahead, 0), stop):
            cache = {doc.sha256: doc for doc in batch}
            with store.transaction():
                if store.unprocessed_sha256s(len(batch)) != [d.sha256 for d in batch]:
                    continue  # another process linked this batch while we extracted; its result stands
                # Issue 5: blocked candidates, one rebuild per touched incident (harmwatch.link.session).
                ordered = (m for ms in found for m in sorted(ms, key=lambda m: m.index))
                touched |= link_batch(store, stage, ordered, cache)
                store.mark_processed([doc.sha256 for doc in batch], now())
            documents += len(batch)
            mentions += sum(len(ms) for ms in found)
            bar.update(len(batch))
        # Large incidents wait for their rebuild while they grow (harmwatch.store.stale): catch up now.
        touched.update(rebuild_stale(store, stage, {}))
    return ProcessReport(documents=documents, mentions=mentions, incidents_touched=len(touched))


Found = list[tuple[Mention, ...]]


def _extracted(store: Store, extractor: MentionExtractor, batch_size: int, lookahead: int,
               stop: Callable[[], bool] | None) -> Iterator[tuple[list[Document], Found]]:
    """Unprocessed documents in ingest order, batch by batch, each with its mentions.

    Up to ``lookahead`` batches beyond the one yielded are already submitted. The queue is refilled
    when it is half empty; only the sha256s of in-flight documents are read again.
    """
    submit: Callable[[Sequence[Document]], Callable[[], Found]] | None = getattr(extractor, "submit", None)
    pending: deque[tuple[list[Document], Callable[[], Found]]] = deque()
    inflight: set[str] = set()
    more = True
    while True:
        if more and len(pending) <= lookahead // 2 and not (stop and stop()):
            want = (lookahead + 1 - len(pending)) * batch_size
            shas = [s for s in store.unprocessed_sha256s(len(inflight) + want) if s not in inflight]
            found = store.documents_with(shas)  # the in-flight ones are not read again
            fresh = [found[s] for s in shas if s in found]
            more = len(fresh) == want
            for i in range(0, len(fresh), batch_size):
                batch = fresh[i:i + batch_size]
                pending.append((batch, submit(batch) if submit else functools.partial(extractor.extract, batch)))
                inflight.update(d.sha256 for d in batch)
        if not pending:
            return
        batch, result = pending.popleft()
        yield batch, _checked(result(), batch)
        inflight.difference_update(d.sha256 for d in batch)
        more = more or not pending  # the next read also sees documents ingested meanwhile


def _default_linker() -> LinkStage:
    from . import link  # imported on use: keeps `import harmwatch.pipeline` light

    return link


def _checked(found: Found, batch: Sequence[Document]) -> Found:
    if len(found) != len(batch):
        raise ExtractError(f"the extractor returned {len(found)} mention lists for {len(batch)} documents; "
                           "it must return one tuple per document, in order.")
    for doc, ms in zip(batch, found, strict=True):
        strays = [m.id for m in ms if m.doc_sha256 != doc.sha256]
        if strays:
            raise ExtractError(f"the extractor put mentions {strays[:3]} under document {doc.id}, which they "
                               "do not belong to; each tuple must hold only its own document's mentions.")
    return found
