"""Polling RSS/Atom feeds for ``harmwatch watch --feeds FILE``.

FILE lists one feed URL a line (``#`` starts a comment). Each feed has its own schedule: after a
success (new items or ``304 Not Modified``) it is due again in ``interval`` seconds; after a failure
(no answer, an HTTP error, a malformed feed) the wait doubles each time, up to ``max_backoff``.
Responses go through ingest's feed reader, so each item is one document, stored at once.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError, IngestError, TooLarge
from ..ingest.common import FileContext
from ..ingest.feeds import read_feed
from .watch import DEFAULT_OPTIONS, Log, Stopper, WatchOptions, WatchReport, _count, run, utc_now

if TYPE_CHECKING:
    from ..pipeline import LinkStage, MentionExtractor
    from ..store import Store

USER_AGENT = "harmwatch-watch/1 (+https://github.com/harmwatch)"


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 when the feed has not changed
    body: bytes = b""
    etag: str | None = None
    modified: str | None = None


Fetch = Callable[[str, "FeedState", float, int], Response]


@dataclass
class FeedState:
    url: str
    due: float = 0.0  # monotonic time of the next poll
    failures: int = 0
    etag: str | None = None
    modified: str | None = None
    last_error: str | None = field(default=None, repr=False)

    def succeeded(self, now: float, interval: float) -> None:
        self.failures, self.last_error, self.due = 0, None, now + interval

    def failed(self, now: float, interval: float, max_backoff: float, error: str) -> float:
        """Record a failure; returns the wait before the next try (doubling, capped)."""
        self.failures += 1
        self.last_error = error
        wait = min(interval * 2 ** self.failures, max_backoff)
        self.due = now + wait
        return wait


def read_feed_list(path: Path) -> list[str]:
    """The URLs of a feeds file; http(s) only."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the feeds file {path} ({exc}); give a UTF-8 text file with one "
                          "feed URL a line.") from None
    urls = [line.split("#", 1)[0].strip() for line in lines]
    urls = [u for u in urls if u]
    bad = [u for u in urls if not u.startswith(("http://", "https://"))]
    if bad or not urls:
        what = f"has lines that are not http(s) URLs ({', '.join(bad[:3])})" if bad else "lists no URLs"
        raise ConfigError(f"the feeds file {path} {what}; put one http:// or https:// feed URL on each line.")
    return list(dict.fromkeys(urls))


def http_fetch(url: str, state: FeedState, timeout: float, max_bytes: int) -> Response:
    """GET ``url`` conditionally; raises OSError (or TooLarge) when it fails."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    if state.etag:
        request.add_header("If-None-Match", state.etag)
    if state.modified:
        request.add_header("If-Modified-Since", state.modified)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - http(s) checked above
            body = answer.read(max_bytes + 1)
            headers: Message = answer.headers
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(304, etag=state.etag, modified=state.modified)
        raise OSError(f"HTTP {exc.code} {exc.reason}") from None
    if len(body) > max_bytes:
        raise TooLarge(url, f"answered more than {max_bytes} bytes; raise HARMWATCH_MAX_BYTES if it is a feed")
    return Response(200, body, headers.get("ETag"), headers.get("Last-Modified"))


@dataclass
class FeedPoller:
    """Polls every due feed once per call and stores what they hold."""

    store: Store
    settings: Settings
    options: WatchOptions
    log: Log
    report: WatchReport
    feeds: list[FeedState]
    fetch: Fetch = http_fetch
    clock: Callable[[], float] = time.monotonic

    def poll_due(self, stop: Callable[[], bool]) -> None:
        for feed in self.feeds:
            if stop():
                return
            now = self.clock()
            if feed.due <= now:
                self._poll(feed, now)

    def next_wait(self) -> float:
        """Seconds until the next feed is due (at least a tenth of a second)."""
        return max(min(f.due for f in self.feeds) - self.clock(), 0.1)

    def _poll(self, feed: FeedState, now: float) -> None:
        try:
            answer = self.fetch(feed.url, feed, self.options.timeout, self.settings.max_bytes)
            if answer.status == 200:
                self._store(feed.url, answer.body)
                feed.etag, feed.modified = answer.etag, answer.modified
        except (OSError, IngestError) as exc:
            wait = feed.failed(now, self.options.interval, self.options.max_backoff, str(exc))
            self.log(f"feed {feed.url} failed ({exc}); trying again in {wait:g} s")
            return
        feed.succeeded(now, self.options.interval)

    def _store(self, url: str, body: bytes) -> None:
        """Every item of one response is stored before anything else happens (a stop waits for it)."""
        ctx = FileContext(path=Path(url.rsplit("/", 1)[-1] or "feed"), rel=url, origin=url,
                          settings=self.settings, retrieved=utc_now())
        stored = present = 0
        rejected: list[IngestError] = []
        items = list(read_feed(body, ctx))  # an unreadable response raises: the poll counts as failed
        for item in items:
            if isinstance(item, IngestError):
                rejected.append(item)
            elif self.store.add_document(item):
                stored += 1
            else:
                present += 1
        _count(self.report, stored, present, rejected, self.log)
        self.log(f"accepted {url} ({stored} new, {present} already stored)")


def watch_feeds(store: Store, feeds_file: Path, settings: Settings, extractor: MentionExtractor, *,
                options: WatchOptions = DEFAULT_OPTIONS, stop: Stopper | None = None, log: Log = print,
                linker: LinkStage | None = None, fetch: Fetch = http_fetch) -> WatchReport:
    """Poll the feeds of ``feeds_file`` and process what they bring, until stopped."""
    stopper = stop or Stopper()
    report = WatchReport()
    poller = FeedPoller(store, settings, options, log, report, [FeedState(u) for u in read_feed_list(feeds_file)],
                        fetch)
    log(f"watching {len(poller.feeds)} feeds (every {options.interval:g} s; stop with Ctrl-C or SIGTERM)")
    return run(store, extractor, lambda: poller.poll_due(stopper), options, stopper, report, linker=linker,
               next_wait=poller.next_wait)
