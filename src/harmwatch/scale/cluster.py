"""Extraction on a Dask cluster: ``harmwatch process --workers N`` or ``--scheduler tcp://HOST:PORT``.

Workers extract and geocode whole batches of documents; the client (this process) links and stores
them one batch at a time in ingest order, exactly as a single-process run does, so the record is the
same. Each worker process builds its extractor once (spaCy model, actor dictionary and gazetteer) and
keeps it for every later batch: ``extract_batch`` caches it by its spec.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ..errors import ConfigError
from ..model import Document, Mention

if TYPE_CHECKING:
    from distributed import Client

    from ..pipeline import LinkStage, MentionExtractor, ProcessReport
    from ..store import Store

Found = list[tuple[Mention, ...]]
LOOKAHEAD_PER_WORKER = 3  # batches queued per worker while the client links: enough to never starve one
_EXTRACTORS: dict[Hashable, MentionExtractor] = {}  # per worker process, by spec


class ExtractorFactory(Protocol):
    """A picklable, hashable recipe for an extractor, built once per worker process."""

    def __call__(self) -> MentionExtractor: ...

    def __hash__(self) -> int: ...


@dataclass(frozen=True)
class ExtractorSpec:
    """How to build harmwatch's own extractor on a worker."""

    gazetteer_path: Path | None = None
    actor_files: tuple[Path, ...] = ()
    batch_size: int = 16
    reads_raw: ClassVar[bool] = False  # it reads ``Document.text`` only; a factory without this gets the bytes too

    def __call__(self) -> MentionExtractor:
        from ..extract import Extractor
        from ..geo import Gazetteer

        # Gazetteer(path), not .open: the client built it already; a worker must never rebuild it.
        gazetteer = Gazetteer(self.gazetteer_path) if self.gazetteer_path else Gazetteer.open()
        return Extractor(gazetteer=gazetteer, actor_files=self.actor_files, batch_size=self.batch_size)


def extract_batch(factory: ExtractorFactory, docs: Sequence[Document]) -> Found:
    """Runs on a worker: the mentions of ``docs`` from this process's cached extractor."""
    extractor = _EXTRACTORS.get(factory)
    if extractor is None:
        extractor = _EXTRACTORS[factory] = factory()
    return extractor.extract(docs)


def warm_up(factory: ExtractorFactory) -> int:
    """Runs on a worker: build (and cache) the extractor and load its model; returns the process id."""
    import os

    extract_batch(factory, [])
    extractor = _EXTRACTORS[factory]
    getattr(extractor, "nlp", None)  # harmwatch's Extractor loads spaCy lazily; load it now
    return os.getpid()


class DaskExtractor:
    """A ``MentionExtractor`` whose batches run on a Dask cluster; ``submit`` lets ``process`` run ahead."""

    def __init__(self, client: Client, factory: ExtractorFactory) -> None:
        self.client = client
        self.factory = factory

    def submit(self, docs: Sequence[Document]) -> Callable[[], Found]:
        if not getattr(self.factory, "reads_raw", True):  # the original bytes, often larger than the text, stay here
            docs = [replace(d, raw=b"") for d in docs]
        future = self.client.submit(extract_batch, self.factory, list(docs), pure=False)
        return functools.partial(_result, future)

    def extract(self, docs: Sequence[Document]) -> Found:
        return self.submit(docs)()

    def warm_up(self) -> list[int]:
        """Load the extractor on every worker now (in parallel); returns their process ids."""
        return sorted(self.client.run(warm_up, self.factory).values())


def _result(future: Any) -> Found:
    found: Found = future.result()
    return found


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None) -> Iterator[Client]:
    """A client of a new LocalCluster (``workers`` processes, one thread each) or of ``scheduler``."""
    if (workers is None) == (scheduler is None):
        raise ConfigError("give either --workers N (a local Dask cluster) or --scheduler tcp://HOST:PORT "
                          "(an existing one), not both or neither.")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}.")
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - a dependency; only a broken install lacks it
        raise ConfigError("Dask is not installed; run ./setup.sh again, or `pip install distributed`.") from exc
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({exc}); check that it runs and "
                              "the address is tcp://HOST:PORT.") from None
        with client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0, silence_logs=40) as cluster, Client(cluster) as client:
        yield client


def process_on_dask(store: Store, factory: ExtractorFactory, *, workers: int | None = None,
                    scheduler: str | None = None, batch_size: int = 8, progress: bool = False,
                    linker: LinkStage | None = None, stop: Callable[[], bool] | None = None) -> ProcessReport:
    """``pipeline.process`` with extraction on a Dask cluster; the same record as a single-process run."""
    from ..pipeline import process

    with dask_client(workers, scheduler) as client:
        extractor = DaskExtractor(client, factory)
        extractor.warm_up()
        n = max(len(client.nthreads()), 1)
        return process(store, extractor, batch_size=batch_size, progress=progress, linker=linker,
                       lookahead=LOOKAHEAD_PER_WORKER * n, stop=stop)
