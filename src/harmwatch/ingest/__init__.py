"""Ingest: files and folders -> ``Document`` records (``spec/interfaces.md`` section 5).

Formats: .txt/.md, .html/.htm, .json, .jsonl, .csv, RSS/Atom (.xml/.rss/.atom).
Each JSON/JSONL/CSV record and each feed item is one document; any other file
is one.  Identity is the SHA-256 of the raw bytes (a record's canonical JSON).
Readers never raise: every input ends as Documents or ``IngestError`` values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..config import Settings
from ..errors import IngestError
from ..model import Document
from .boilerplate import find_boilerplate
from .common import MEDIA_TYPES, Clock
from .readers import read_file
from .sidecar import SIDECAR_NAME, SidecarEntry, load_sidecar
from .walk import Task, plan_inputs

__all__ = [
    "MEDIA_TYPES", "SIDECAR_NAME", "Clock", "DocumentSink", "IngestReport", "SidecarEntry",
    "find_boilerplate", "ingest", "iter_inputs", "load_sidecar", "read_path",
]


def read_path(path: Path, settings: Settings, *, root: Path | None = None, clock: Clock | None = None,
              sidecar: Mapping[str, SidecarEntry] | None = None) -> Iterator[Document | IngestError]:
    """Documents from one file, or from every file under a folder (then ``root``/``sidecar`` are its own).

    ``root`` is the folder ids are relative to; ``sidecar`` maps those relative
    paths (or the bare file name, for a file given alone) to defaults.
    """
    if path.is_dir():
        yield from iter_inputs([path], settings, clock=clock)
    elif not path.exists():
        yield IngestError(str(path), "no such file or folder; check the path")
    else:
        yield from read_file(path, settings, root=root, clock=clock, sidecar=sidecar)


def _read_task(task: Task | IngestError, settings: Settings, clock: Clock | None
               ) -> Iterator[Document | IngestError]:
    if isinstance(task, IngestError):
        yield task
    else:
        yield from read_file(task.path, settings, root=task.root, clock=clock, sidecar=task.sidecar)


def iter_inputs(paths: Sequence[Path], settings: Settings, *, clock: Clock | None = None
                ) -> Iterator[Document | IngestError]:
    """Documents from files and folders (recursive, sorted, hidden entries skipped), sidecars applied."""
    for task in plan_inputs(paths):
        yield from _read_task(task, settings, clock)


@dataclass(frozen=True)
class IngestReport:
    """What one ``ingest`` run did: new documents, ones already stored, and every rejection."""

    stored: int
    present: int
    rejected: tuple[IngestError, ...]

    @property
    def ok(self) -> bool:
        return not self.rejected


class DocumentSink(Protocol):
    def add_document(self, doc: Document) -> bool:
        """Store ``doc``; True if new, False if a document with this sha256 was already stored."""
        ...


def ingest(sink: DocumentSink, paths: Sequence[Path], settings: Settings, *, clock: Clock | None = None,
           progress: bool = False) -> IngestReport:
    """Read every input into ``sink``; a rejection is recorded and the run goes on."""
    from tqdm import tqdm

    tasks = plan_inputs(paths)
    stored = present = 0
    rejected: list[IngestError] = []
    with tqdm(total=len(tasks), disable=not progress, file=sys.stderr, unit="file", desc="ingest") as bar:
        for task in tasks:
            for item in _read_task(task, settings, clock):
                if isinstance(item, IngestError):
                    rejected.append(item)
                elif sink.add_document(item):
                    stored += 1
                else:
                    present += 1
            bar.update(1)
    return IngestReport(stored=stored, present=present, rejected=tuple(rejected))
