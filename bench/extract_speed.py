"""Extraction speed on the demo corpus and the seed articles, in documents per second.

    .venv/bin/python bench/extract_speed.py [--repeat 3]

Loads the pipeline once (not timed), then times ``Extractor.extract`` over each
corpus.  The seeds come from ../shared/seeds and are skipped when absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harmwatch.config import from_env
from harmwatch.errors import IngestError
from harmwatch.extract import Extractor
from harmwatch.geo import Gazetteer
from harmwatch.ingest import iter_inputs
from harmwatch.model import Document
from harmwatch.report import demo_corpus

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def documents(folder: Path) -> list[Document]:
    settings = from_env()
    return [d for d in iter_inputs([folder], settings) if not isinstance(d, IngestError)]


def timed(extractor: Extractor, docs: list[Document], repeat: int) -> tuple[float, int]:
    best, mentions = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        mentions = sum(len(ms) for ms in extractor.extract(docs))
        best = min(best, time.perf_counter() - start)
    return best, mentions


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    settings = from_env()
    extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path))
    extractor.extract(documents(demo_corpus())[:2])  # load the model and the gazetteer
    corpora = [("demo corpus", demo_corpus())]
    if SEEDS.is_dir():
        corpora.append(("seeds", SEEDS))
    else:
        print(f"skipped seeds: {SEEDS} not found", file=sys.stderr)
    print(f"{'corpus':<12} {'docs':>5} {'chars':>8} {'mentions':>9} {'seconds':>8} {'docs/s':>8}")
    for name, folder in corpora:
        docs = documents(folder)
        secs, mentions = timed(extractor, docs, args.repeat)
        chars = sum(len(d.text) for d in docs)
        print(f"{name:<12} {len(docs):>5} {chars:>8} {mentions:>9} {secs:>8.2f} {len(docs) / secs:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
