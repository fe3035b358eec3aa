"""Dask: workers extract, the client links and stores, and the record is the same as a single-process run."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import TOY_CORPUS, FakeExtractor, FakeLinkStage, toy_document
from harmwatch.errors import ConfigError
from harmwatch.model import Document, Mention
from harmwatch.pipeline import process
from harmwatch.report import demo_corpus
from harmwatch.scale import cluster as cluster_module
from harmwatch.scale import dask_client, extract_batch, process_on_dask
from harmwatch.store import open_store

HARMWATCH = [sys.executable, "-c", "from harmwatch.cli import main; main()"]


def _toy_corpus(n: int) -> list[Document]:
    """``n`` toy documents, each copy made distinct (ingest would fold identical ones)."""
    docs = []
    for i in range(n):
        source, published, text = TOY_CORPUS[i % len(TOY_CORPUS)]
        docs.append(toy_document(i, source, published, f"{text} copy {i}."))
    return docs


def _record(store) -> tuple[list[dict], list[dict], dict[str, int]]:
    """What must match between runs: incidents, claims (with their evidence) and the counts."""
    claims = store._db.all("SELECT mention_id, idx, kind, grp, low, high, qualifier, certainty, claimed_by, "
                           "evidence_start, evidence_end, evidence_text FROM claims ORDER BY mention_id, idx")
    return [i.to_dict() for i in store.incidents()], claims, store.counts()


# --- lookahead in process(), without Dask ---


class AsyncFake(FakeExtractor):
    """Submits batches like DaskExtractor; remembers how many were in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        self.inflight = 0
        self.most = 0
        self.order: list[str] = []

    def submit(self, docs: Sequence[Document]):
        self.inflight += 1
        self.most = max(self.most, self.inflight)
        self.order.extend(d.id for d in docs)

        def result() -> list[tuple[Mention, ...]]:
            self.inflight -= 1
            return self.extract(docs)

        return result


@pytest.mark.parametrize(("lookahead", "batch_size"), [(0, 1), (1, 2), (4, 3), (9, 1)])
def test_lookahead_keeps_order_and_output(tmp_path, lookahead, batch_size):
    docs = _toy_corpus(23)
    outs = []
    for name, extractor, ahead in (("plain", FakeExtractor(), 0), ("ahead", AsyncFake(), lookahead)):
        with open_store(tmp_path / f"{name}.db") as store:
            for doc in docs:
                store.add_document(doc)
            report = process(store, extractor, batch_size=batch_size, linker=FakeLinkStage(), lookahead=ahead)
            assert report.documents == len(docs)
            outs.append(_record(store))
        if isinstance(extractor, AsyncFake):
            assert extractor.order == [d.id for d in docs]  # each document submitted once, in ingest order
            assert 1 <= extractor.most <= lookahead + 1
    assert outs[0] == outs[1]


def test_stop_finishes_started_batches_and_starts_no_more(tmp_path):
    docs = _toy_corpus(20)
    with open_store(tmp_path / "s.db") as store:
        for doc in docs:
            store.add_document(doc)
        extractor = AsyncFake()
        asked = []

        def stop() -> bool:
            asked.append(1)
            return len(asked) > 1  # the first refill goes ahead, later ones are refused

        report = process(store, extractor, batch_size=2, linker=FakeLinkStage(), lookahead=3, stop=stop)
        counts = store.counts()
    assert report.documents == len(extractor.order) == counts["processed"] == 8  # 4 batches of 2, all stored
    assert counts["documents"] == 20


def test_worker_cache_builds_each_extractor_once(monkeypatch):
    monkeypatch.setattr(cluster_module, "_EXTRACTORS", {})
    built = []

    class Factory:
        def __call__(self) -> FakeExtractor:
            built.append(1)
            return FakeExtractor()

        def __hash__(self) -> int:
            return 1

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Factory)

    docs = _toy_corpus(3)
    assert extract_batch(Factory(), docs) == FakeExtractor().extract(docs)
    assert extract_batch(Factory(), docs[:1]) == FakeExtractor().extract(docs[:1])
    assert built == [1]


class _Done:
    def __init__(self, value: object) -> None:
        self.value = value

    def result(self) -> object:
        return self.value


class _Client:
    """Runs a submitted task here and keeps the documents it was given."""

    def __init__(self) -> None:
        self.sent: list[Document] = []

    def submit(self, fn, factory, docs, pure=True):  # the shape of distributed.Client.submit
        self.sent.extend(docs)
        return _Done(fn(factory, docs))


@pytest.mark.parametrize(("factory", "sends_raw"), [(FakeExtractor, True), (cluster_module.ExtractorSpec(), False)])
def test_workers_get_the_original_bytes_only_from_a_factory_that_reads_them(factory, sends_raw, monkeypatch):
    monkeypatch.setattr(cluster_module, "extract_batch", lambda factory, docs: [() for _ in docs])
    docs, client = _toy_corpus(3), _Client()
    found = cluster_module.DaskExtractor(client, factory).extract(docs)  # type: ignore[arg-type]
    assert found == [(), (), ()]
    assert [d.sha256 for d in client.sent] == [d.sha256 for d in docs]
    assert [d.text for d in client.sent] == [d.text for d in docs]
    assert [d.raw for d in client.sent] == ([d.raw for d in docs] if sends_raw else [b""] * 3)
    assert all(d.raw for d in docs)


@pytest.mark.parametrize(("workers", "scheduler"), [(None, None), (2, "tcp://127.0.0.1:1"), (0, None)])
def test_dask_client_needs_one_of_workers_or_scheduler(workers, scheduler):
    with pytest.raises(ConfigError, match="--workers|--scheduler"), dask_client(workers, scheduler):
        pass


# --- on a real LocalCluster ---


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes (1 thread each) for the ``--scheduler`` tests."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit=0, silence_logs=40) as c:
        yield c


def test_existing_scheduler_gives_the_single_process_record(cluster, store_url, tmp_path):
    """``--scheduler``: the fake extractor on 2 workers, linked here, on both backends."""
    docs = _toy_corpus(30)
    with open_store(tmp_path / "single.db") as store:
        for doc in docs:
            store.add_document(doc)
        process(store, FakeExtractor(), linker=FakeLinkStage())
        expected = _record(store)
    with open_store(store_url) as store:
        for doc in docs:
            store.add_document(doc)
        report = process_on_dask(store, FakeExtractor, scheduler=cluster.scheduler_address, batch_size=3,
                                 linker=FakeLinkStage())
        assert report.documents == len(docs)
        assert _record(store) == expected


def test_cli_workers_give_the_single_process_record(demo_db, hw_env, tmp_path):
    """``harmwatch process --workers 2``: a LocalCluster of 2 processes, spaCy and the gazetteer loaded once
    per worker; the demo corpus gives the same incidents and claims as the plain run (``demo_db``)."""
    db, _ = demo_db
    with open_store(db) as store:
        expected = _record(store)
    assert expected[1], "the demo corpus gives claims"
    target = str(tmp_path / "dask.db")
    env = {**os.environ, **hw_env}
    subprocess.run([*HARMWATCH, "ingest", "--db", target, str(demo_corpus())], env=env, check=True,
                   capture_output=True)
    done = subprocess.run([*HARMWATCH, "process", "--db", target, "--workers", "2"], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{expected[2]['documents']} documents processed" in done.stderr
    with open_store(target) as store:
        assert _record(store) == expected


def test_incidents_waiting_for_their_rebuild_give_the_same_record(demo_db, extractor, lazy_rebuilds, tmp_path):
    """The real extractor and link stage on the demo corpus, every incident rebuilt only at the end of the run."""
    from harmwatch.config import Settings
    from harmwatch.ingest import ingest

    db, _ = demo_db
    with open_store(db) as store:
        expected = _record(store)
    with open_store(tmp_path / "lazy.db") as store:
        ingest(store, [demo_corpus()], Settings(db=str(tmp_path / "lazy.db")))
        process(store, extractor, batch_size=4)
        assert store.stale_incidents() == []
        assert _record(store) == expected


def test_process_refuses_workers_with_scheduler(hw_env, tmp_path):
    env = {**os.environ, **hw_env}
    done = subprocess.run([*HARMWATCH, "process", "--db", str(tmp_path / "x.db"),
                           "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "not both" in done.stderr


@pytest.mark.parametrize(("args", "labels"), [
    (["--docs", "12", "--skip-workers"], ("bare nlp.pipe", "harmwatch end to end", "ratio b/a")),
    (["--rss-only", "--rss-docs", "6", "--workers", "1"], ("peak RSS, 6 docs, --workers 1",)),
])
def test_bench_throughput_runs_small(hw_env, tmp_path, args, labels):
    """bench/throughput.py prints its table on a tiny corpus (the real run uses 2,000+ documents)."""
    bench = Path(__file__).resolve().parent.parent / "bench" / "throughput.py"
    done = subprocess.run([sys.executable, str(bench), *args, "--db-dir", str(tmp_path)],
                          env={**os.environ, **hw_env}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for label in labels:
        assert label in done.stdout
    assert ("bare nlp.pipe" in done.stdout) is ("--rss-only" not in args)


# --- line triage (extract/triage.py) ---

_TRIAGE_TEXT = ("Shelling killed 12 civilians in Aleppo on Monday, activists said.\n"
                "The city has a long history and many old markets.\n"
                "Rescue workers said an air strike hit a school in Idlib.\n"
                "Aleppo was once the largest city of Syria.\n")


def test_parts_cover_the_text_in_whole_lines():
    from harmwatch.extract.triage import parts

    found = parts(_TRIAGE_TEXT)
    assert found[0].start == 0 and found[-1].end == len(_TRIAGE_TEXT)
    assert all(a.end == b.start and a.parse != b.parse for a, b in zip(found, found[1:], strict=False))
    assert [p.parse for p in found] == [True, False, True, False]
    assert all(_TRIAGE_TEXT[p.end - 1] == "\n" for p in found)


def test_triage_parses_event_lines_only_and_keeps_offsets(extractor):
    from harmwatch.extract.triage import Triage

    triage = Triage(extractor.nlp)
    [doc] = triage.docs([_TRIAGE_TEXT], batch_size=4)
    assert doc.text == _TRIAGE_TEXT
    line_of = [_TRIAGE_TEXT.count("\n", 0, tok.idx) for tok in doc]
    parsed = {line_of[t.i] for t in doc if t.pos_}
    assert parsed == {0, 2}  # the quiet lines were not tagged or parsed
    assert {e.text for e in doc.ents} >= {"Aleppo", "Idlib"}  # the NER read every line
    assert len(list(doc.sents)) >= 4


def test_triage_finds_the_same_mentions_here(extractor):
    from harmwatch.extract import Extractor
    from harmwatch.model import Document, sha256_hex

    raw = _TRIAGE_TEXT.encode()
    doc = Document(id="t", sha256=sha256_hex(raw), raw=raw, text=_TRIAGE_TEXT, media_type="text/plain",
                   origin="test")
    plain = Extractor(extractor.nlp, triage=False).extract([doc])
    triaged = Extractor(extractor.nlp, triage=True).extract([doc])
    assert plain == triaged and plain[0]
