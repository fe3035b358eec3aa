"""Continuous intake: ``harmwatch watch DIR`` and ``harmwatch watch --feeds FILE``.

A watcher loops: take in what is new (files that appeared or changed in a folder, or the items of
RSS/Atom feeds), store each document at once, process everything unprocessed, wait, repeat.

- A file is read once it has kept the same size and modification time for ``settle`` seconds, so a
  file still being copied in is not read half-written. Hidden and temporary files are skipped.
- Feeds are polled every ``interval`` seconds with conditional requests (ETag, Last-Modified). A
  feed that fails waits twice as long each time (up to ``max_backoff``) and is back to the normal
  interval after one success.
- SIGTERM or SIGINT asks the watcher to stop: it finishes the file or feed response it is taking
  in (so every document it accepted is stored), finishes the processing batches under way, and
  returns. Documents stored but not yet processed are processed by the next ``watch`` or ``process``.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError, IngestError
from ..ingest import ingest

if TYPE_CHECKING:
    from ..pipeline import LinkStage, MentionExtractor
    from ..store import Store

Log = Callable[[str], None]
_SKIPPED_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".swp", "~")


@dataclass(frozen=True)
class WatchOptions:
    interval: float = 5.0  # seconds between folder scans or feed polls
    settle: float = 1.0  # seconds a file must stay unchanged before it is read
    max_backoff: float = 3600.0  # longest wait after repeated feed failures
    batch_size: int = 8
    max_cycles: int | None = None  # stop after this many cycles (tests, cron-like runs); None: until stopped
    timeout: float = 30.0  # seconds for one feed request


DEFAULT_OPTIONS = WatchOptions()


@dataclass
class WatchReport:
    cycles: int = 0
    accepted: int = 0  # files or feed responses taken in
    stored: int = 0  # new documents
    present: int = 0  # documents that were stored already
    rejected: int = 0
    processed: int = 0


class Stopper:
    """A stop flag that SIGTERM and SIGINT set; ``wait`` sleeps until the timeout or the flag."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signal: int | None = None

    def __call__(self) -> bool:
        return self._event.is_set()

    def set(self, signum: int | None = None) -> None:
        self.signal = signum
        self._event.set()

    def wait(self, seconds: float) -> bool:
        return self._event.wait(max(seconds, 0.0))

    @contextmanager
    def on_signals(self, signals: Sequence[int] = (signal.SIGTERM, signal.SIGINT)) -> Iterator[Stopper]:
        """Install handlers that only set the flag (no exception mid-write); restore the old ones after."""

        def handler(signum: int, frame: FrameType | None) -> None:
            self.set(signum)

        old = {s: signal.signal(s, handler) for s in signals}
        try:
            yield self
        finally:
            for s, h in old.items():
                signal.signal(s, h)


# --- folders ---


@dataclass
class FolderState:
    """What a folder watcher has seen: files taken in, and files waiting to settle."""

    done: dict[Path, tuple[int, int]] = field(default_factory=dict)
    waiting: dict[Path, tuple[tuple[int, int], float]] = field(default_factory=dict)


def _visible_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files)
                     if not f.startswith(".") and not f.endswith(_SKIPPED_SUFFIXES))
    return found


def ready_files(folder: Path, state: FolderState, now: float, settle: float) -> list[Path]:
    """Files new or changed since they were taken in and unchanged for ``settle`` seconds, in name order."""
    ready: list[Path] = []
    for path in _visible_files(folder):
        try:
            st = path.stat()
        except OSError:
            continue  # removed while we looked
        key = (st.st_size, st.st_mtime_ns)
        if state.done.get(path) == key:
            continue
        seen = state.waiting.get(path)
        if seen is None or seen[0] != key:
            state.waiting[path] = (key, now)
            if settle > 0:
                continue
        if settle <= 0 or now - state.waiting[path][1] >= settle:
            ready.append(path)
    return ready


def take_in_folder(store: Store, folder: Path, settings: Settings, state: FolderState, report: WatchReport,
                   stop: Callable[[], bool], log: Log, settle: float) -> None:
    """Ingest the ready files one by one; ``stop`` is asked between files, never inside one."""
    for path in ready_files(folder, state, time.monotonic(), settle):
        if stop():
            return
        key = state.waiting.pop(path)[0]
        result = ingest(store, [path], settings)
        state.done[path] = key
        _count(report, result.stored, result.present, result.rejected, log)
        log(f"accepted {path} ({result.stored} new, {result.present} already stored)")


def _count(report: WatchReport, stored: int, present: int, rejected: Sequence[IngestError], log: Log) -> None:
    report.accepted += 1
    report.stored += stored
    report.present += present
    report.rejected += len(rejected)
    for err in rejected:
        log(f"rejected: {err}")


# --- the loop ---


def run(store: Store, extractor: MentionExtractor, take_in: Callable[[], None], options: WatchOptions,
        stop: Stopper, report: WatchReport, *, linker: LinkStage | None = None,
        next_wait: Callable[[], float] | None = None) -> WatchReport:
    """Take in, process, wait; until ``stop`` or ``options.max_cycles``."""
    from ..pipeline import process

    while not stop():
        take_in()
        done = process(store, extractor, batch_size=options.batch_size, linker=linker, stop=stop)
        report.processed += done.documents
        report.cycles += 1
        if options.max_cycles is not None and report.cycles >= options.max_cycles:
            break
        stop.wait(next_wait() if next_wait else options.interval)
    return report


def watch_folder(store: Store, folder: Path, settings: Settings, extractor: MentionExtractor, *,
                 options: WatchOptions = DEFAULT_OPTIONS, stop: Stopper | None = None, log: Log = print,
                 linker: LinkStage | None = None) -> WatchReport:
    """Ingest and process files as they appear in ``folder`` (and those already there)."""
    if not folder.is_dir():
        raise ConfigError(f"{folder} is not a folder; create it, or give the folder reports arrive in.")
    stop = stop or Stopper()
    state, report = FolderState(), WatchReport()

    def take_in() -> None:
        take_in_folder(store, folder, settings, state, report, stop, log, options.settle)

    log(f"watching {folder} (every {options.interval:g} s; stop with Ctrl-C or SIGTERM)")
    return run(store, extractor, take_in, options, stop, report, linker=linker)


def utc_now() -> datetime:
    return datetime.now(UTC)
