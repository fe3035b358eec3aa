"""Linking quality on our gold set: pairwise and B-cubed F1, syndicated copies, contradictions.

    .venv/bin/python bench/linking_gold.py              # tests/data/linking/gold.jsonl
    .venv/bin/python bench/linking_gold.py --errors     # and the gold incidents it got wrong
    .venv/bin/python bench/linking_gold.py --gold mine.jsonl

Runs the real pipeline (ingest into a temporary SQLite file, process, read the incidents) with the
gazetteer of ``HARMWATCH_HOME`` and prints one table. The gold file's format is described in
``harmwatch.link.evaluate``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from harmwatch.config import from_env
from harmwatch.extract import Extractor
from harmwatch.geo import Gazetteer
from harmwatch.link.evaluate import GoldReport, GoldScore, evaluate, load_gold, read_predictions
from harmwatch.store import open_store

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "linking" / "gold.jsonl"


def table(score: GoldScore, seconds: float) -> list[tuple[str, str]]:
    return [
        ("reports / gold incidents", f"{score.reports} / {score.gold_incidents}"),
        ("predicted clusters", f"{score.predicted_clusters}"),
        ("pairwise P / R / F1", f"{score.pairwise.precision:.3f} / {score.pairwise.recall:.3f} / "
                                f"{score.pairwise.f1:.3f}"),
        ("B-cubed P / R / F1", f"{score.bcubed.precision:.3f} / {score.bcubed.recall:.3f} / {score.bcubed.f1:.3f}"),
        ("syndicated copies as one source", f"{score.syndicated_ok} of {score.syndicated_total} incidents"),
        ("conflicting pairs flagged", f"{score.conflicts_flagged} of {score.conflicts_total}"),
        ("contradictions without a conflict", f"{score.false_contradictions}"),
        ("reports with no incident of their own", f"{len(score.unplaced)} {', '.join(score.unplaced)}"),
        ("time (ingest, extract, link)", f"{seconds:.1f} s"),
    ]


def errors(gold: Sequence[GoldReport], clusters: dict[str, str]) -> list[str]:
    """One line per gold incident that was split or merged with another."""
    members: dict[str, list[str]] = defaultdict(list)
    for r in gold:
        members[clusters.get(r.id, f"(none: {r.id})")].append(r.id)
    by_incident: dict[str, list[str]] = defaultdict(list)
    for r in gold:
        by_incident[r.incident].append(r.id)
    out = []
    for incident, ids in by_incident.items():
        predicted = sorted({clusters.get(i, f"(none: {i})") for i in ids})
        if len(predicted) > 1 or any(len(members[p]) > len(ids) for p in predicted):
            out.append(f"{incident}: " + " | ".join(f"{p} {sorted(members[p])}" for p in predicted))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", action="store_true", help="list the gold incidents split or merged")
    args = parser.parse_args()
    settings = from_env()
    extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path))
    db = Path(tempfile.mkdtemp(prefix="hw-gold-")) / "gold.db"
    started = time.perf_counter()
    score = evaluate(args.gold, db, settings.with_db(str(db)), extractor)
    rows = table(score, time.perf_counter() - started)
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if args.errors:
        with open_store(db) as store:
            clusters, _ = read_predictions(store)
        for line in errors(load_gold(args.gold), clusters):
            print(line)


if __name__ == "__main__":
    main()
