"""``harmwatch watch``: folders and feeds taken in continuously, backoff, and a clean stop on SIGTERM."""

from __future__ import annotations

import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from conftest import TOY_CORPUS, FakeExtractor, FakeLinkStage
from harmwatch.config import Settings
from harmwatch.errors import ConfigError
from harmwatch.scale.feeds import FeedPoller, FeedState, Response, read_feed_list, watch_feeds
from harmwatch.scale.watch import FolderState, Stopper, WatchOptions, WatchReport, ready_files, watch_folder
from harmwatch.store import open_store

HARMWATCH = [sys.executable, "-c", "from harmwatch.cli import main; main()"]


def _report(folder: Path, i: int) -> Path:
    source, _, text = TOY_CORPUS[i % len(TOY_CORPUS)]
    path = folder / f"report-{i:04d}.txt"
    path.write_text(f"{text} Report {i} from {source}.\n", encoding="utf-8")
    return path


# --- folders ---


def test_a_file_is_read_once_it_has_settled(tmp_path):
    state = FolderState()
    path = tmp_path / "a.txt"
    path.write_text("first")
    assert ready_files(tmp_path, state, now=100.0, settle=2.0) == []  # just seen
    assert ready_files(tmp_path, state, now=101.0, settle=2.0) == []  # not settled yet
    path.write_text("first, and more")  # still being written: the clock starts again
    assert ready_files(tmp_path, state, now=102.5, settle=2.0) == []
    assert ready_files(tmp_path, state, now=104.6, settle=2.0) == [path]


def test_hidden_temporary_and_done_files_are_skipped(tmp_path):
    for name in (".hidden.txt", "copying.txt.part", "draft.tmp", "ok.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deep.txt").write_text("x")
    state = FolderState()
    ready = ready_files(tmp_path, state, now=0.0, settle=0.0)
    assert [p.relative_to(tmp_path).as_posix() for p in ready] == ["ok.txt", "sub/deep.txt"]
    st = (tmp_path / "ok.txt").stat()
    state.done[tmp_path / "ok.txt"] = (st.st_size, st.st_mtime_ns)
    assert ready_files(tmp_path, state, now=1.0, settle=0.0) == [tmp_path / "sub" / "deep.txt"]


def test_watch_folder_takes_in_files_as_they_come(store_url, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    _report(folder, 0)
    lines: list[str] = []

    def log(line: str) -> None:
        lines.append(line)
        if line.startswith("accepted") and len(lines) < 4:  # a new file arrives while the watcher runs
            _report(folder, len(lines))

    settings = Settings(db=store_url, home=tmp_path / "home")
    with open_store(store_url) as store:
        report = watch_folder(store, folder, settings, FakeExtractor(),
                              options=WatchOptions(interval=0.01, settle=0.0, max_cycles=6), log=log,
                              linker=FakeLinkStage())
        counts = store.counts()
    accepted = [line for line in lines if line.startswith("accepted")]
    assert report.accepted == len(accepted) == counts["documents"] == counts["processed"] == report.processed
    assert counts["documents"] >= 3 and report.stored == counts["documents"]


def test_watch_folder_refuses_a_missing_folder(tmp_path):
    with open_store(tmp_path / "x.db") as store, pytest.raises(ConfigError, match="not a folder"):
        watch_folder(store, tmp_path / "nope", Settings(), FakeExtractor())


def _accepted_names(stderr: str) -> list[str]:
    return [Path(m).name for m in re.findall(r"^accepted (\S+) ", stderr, flags=re.M)]


def test_sigterm_during_intake_keeps_every_accepted_document(hw_env, tmp_path):
    """SIGTERM while files are being taken in: the watcher exits 0 and every file it accepted is stored."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    total = 1500
    for i in range(total):
        _report(folder, i)
    db = str(tmp_path / "watch.db")
    proc = subprocess.Popen([*HARMWATCH, "watch", str(folder), "--db", db, "--settle", "0", "--interval", "0.2"],
                            env={**os.environ, **hw_env}, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:  # wait for intake to be under way
        seen.append(line)
        if line.startswith("accepted"):
            proc.send_signal(signal.SIGTERM)
            break
    guard = threading.Timer(120, proc.kill)  # never hang the suite, whatever happens
    guard.start()
    rest = proc.stderr.read()  # the same reader as above: nothing it buffered is lost
    proc.wait()
    guard.cancel()
    stderr = "".join(seen) + rest
    assert proc.returncode == 0, stderr
    assert "stopped (signal 15)" in stderr
    accepted = _accepted_names(stderr)
    assert 0 < len(accepted) < total  # it stopped part-way through the folder
    with open_store(db) as store:
        stored = sorted(d.id for d in store.documents())
    assert stored == sorted(accepted)  # nothing accepted was lost, nothing stored went unreported

    # The rest is still there to take in: a later run stores exactly the files not yet accepted.
    done = subprocess.run([*HARMWATCH, "ingest", "--db", db, str(folder)], env={**os.environ, **hw_env},
                          capture_output=True, text=True, timeout=300)
    assert f"{total - len(accepted)} stored, {len(accepted)} already present" in done.stderr


def test_stopper_turns_signals_into_a_flag():
    stop = Stopper()
    with stop.on_signals([signal.SIGUSR1]):
        os.kill(os.getpid(), signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while not stop() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stop() and stop.signal == signal.SIGUSR1
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL  # the old handler is back


# --- feeds ---

_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Wire</title><link>http://127.0.0.1/</link><description>t</description>
{items}
</channel></rss>"""
_ITEM = ("<item><title>Report {i}</title><link>http://127.0.0.1/r/{i}</link><guid>r-{i}</guid>"
         "<pubDate>Tue, 26 Jul 2016 10:00:00 GMT</pubDate><description>{text}</description></item>")


class FeedServer:
    """A local HTTP server: /feed.xml (with ETag), /broken (HTTP 500); counts requests and 304s."""

    def __init__(self) -> None:
        self.items = 2
        self.requests: list[str] = []
        self.not_modified = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                server.requests.append(self.path)
                if self.path != "/feed.xml":
                    self.send_error(500, "broken on purpose")
                    return
                etag = f'"v{server.items}"'
                if self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    server.items = 3  # the feed gets a new item after one unchanged poll
                    self.send_response(304)
                    self.end_headers()
                    return
                items = "\n".join(_ITEM.format(i=i, text=TOY_CORPUS[i % len(TOY_CORPUS)][2])
                                  for i in range(server.items))
                body = _RSS.format(items=items).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(usegmt=True))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def test_watch_feeds_stores_items_and_asks_conditionally(feed_server, store_url, tmp_path):
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# local test feeds\n{feed_server.url}/feed.xml\n{feed_server.url}/broken  # fails\n")
    lines: list[str] = []
    with open_store(store_url) as store:
        report = watch_feeds(store, feeds, Settings(db=store_url, home=tmp_path), FakeExtractor(),
                             options=WatchOptions(interval=0.05, max_backoff=0.2, max_cycles=12), log=lines.append,
                             linker=FakeLinkStage())
        docs = sorted(d.id for d in store.documents())
        counts = store.counts()
    assert docs == ["r-0", "r-1", "r-2"]
    assert counts["processed"] == 3 and report.stored == 3
    assert feed_server.not_modified >= 1  # the unchanged feed answered 304 to our ETag
    assert feed_server.requests.count("/broken") >= 2 and any("/broken failed" in line for line in lines)


def test_failing_feed_backs_off_and_recovers():
    clock = [0.0]
    answers: list[Response | OSError] = [OSError("down"), OSError("down"), OSError("down"), Response(304)]

    def fetch(url: str, state: FeedState, timeout: float, max_bytes: int) -> Response:
        answer = answers.pop(0)
        if isinstance(answer, OSError):
            raise answer
        return answer

    feed = FeedState("http://127.0.0.1:9/feed.xml")
    poller = FeedPoller(store=None, settings=Settings(), options=WatchOptions(interval=10, max_backoff=60),  # type: ignore[arg-type]
                        log=lambda line: None, report=WatchReport(), feeds=[feed], fetch=fetch,
                        clock=lambda: clock[0])
    waits = []
    for _ in range(4):
        clock[0] = feed.due
        poller.poll_due(lambda: False)
        waits.append(feed.due - clock[0])
    assert waits == [20, 40, 60, 10]  # doubling, capped at max_backoff, back to the interval after a success
    assert feed.failures == 0


@pytest.mark.parametrize(("text", "error"), [("", "lists no URLs"), ("ftp://x/feed\n", "not http"),
                                             ("# only a comment\n", "lists no URLs")])
def test_bad_feed_lists_raise_config_error(tmp_path, text, error):
    path = tmp_path / "feeds.txt"
    path.write_text(text)
    with pytest.raises(ConfigError, match=error):
        read_feed_list(path)
