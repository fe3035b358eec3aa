"""Coverage against UCDP: run harmwatch over UCDP's own headlines and match its events back.

    .venv/bin/python bench/compare.py                    # all of ../shared/eval/ucdp-syria/dev.csv
    .venv/bin/python bench/compare.py --limit 1000       # the first 1,000 events only
    .venv/bin/python bench/compare.py --workdir out/     # keep the database and the matches CSV

Steps: import dev.csv as a UCDP reference layer; write one document per distinct headline (its
``source_date`` as the publication date, ``source_office`` as the source); ingest and process them
into a fresh SQLite database; ``compare`` the layer with the incidents. Prints recall of the reference
events that have a place and a date, broken down by place and date precision and by type of
violence, and the figure agreement. Progress goes to stderr. Skips when ../shared is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "eval" / "ucdp-syria" / "dev.csv"
LAYER = "ucdp-syria-dev"


def headlines(row: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """(source, date, headline) of each source of a UCDP event; ';' separates several sources."""
    offices, dates, titles = (row.get(k) or "" for k in ("source_office", "source_date", "source_headline"))
    split = [offices.split(";"), dates.split(";"), titles.split(";")]
    if len({len(part) for part in split}) == 1:
        parts = zip(*split, strict=True)
    else:  # a headline holding ';' itself: keep the whole text under the first source and date
        parts = iter([(split[0][0], split[1][0], titles)])
    for office, day, title in parts:
        if title.strip() and day.strip():
            yield office.strip(), day.strip()[:10], title.strip()


def write_inputs(dev: Path, folder: Path, limit: int | None) -> tuple[Path, Path, int]:
    """The reference CSV (first ``limit`` events) and a JSONL of its distinct headlines."""
    reference, docs = folder / "reference.csv", folder / "headlines.jsonl"
    seen: set[tuple[str, str, str]] = set()
    with (dev.open(newline="", encoding="utf-8") as src,
          reference.open("w", newline="", encoding="utf-8") as ref, docs.open("w", encoding="utf-8") as out):
        reader = csv.DictReader(src)
        writer = csv.DictWriter(ref, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for n, row in enumerate(reader):
            if limit is not None and n >= limit:
                break
            writer.writerow(row)
            for key in headlines(row):
                if key not in seen:
                    seen.add(key)
                    source, day, title = key
                    out.write(json.dumps({"id": f"h{len(seen)}", "text": title, "title": title,
                                          "published": day, "source": source}, ensure_ascii=False) + "\n")
    return reference, docs, len(seen)


def breakdown(store, name: str) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """(group, comparable events, matched) by where_prec, date_prec and type of violence."""
    from harmwatch.export import reference_events
    from harmwatch.export.coverage import comparable

    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for event in reference_events(store, name):
        if not comparable(event):
            continue
        data = dict(event.data)
        groups = [f"where_prec {data.get('where_prec', '?').split('.')[0]}",
                  f"date_prec {data.get('date_prec', '?').split('.')[0]}", f"type {event.event_type}",
                  "exact place and day" if data.get("where_prec", "").startswith("1")
                  and data.get("date_prec", "").startswith("1") else "coarser place or day"]
        for g in groups:
            totals[g] += 1
            found[g] += event.matched_incident is not None
    return [(g, totals[g], found[g]) for g in sorted(totals)]


def run(dev: Path, folder: Path, limit: int | None, days: int, km: float) -> None:
    from harmwatch.config import from_env
    from harmwatch.export import compare, import_reference
    from harmwatch.extract import Extractor
    from harmwatch.geo import Gazetteer
    from harmwatch.ingest import ingest
    from harmwatch.pipeline import process
    from harmwatch.store import open_store

    settings = from_env().with_db(str(folder / "ucdp-bench.db"))
    reference, docs, n_docs = write_inputs(dev, folder, limit)
    timings: dict[str, float] = {}
    with open_store(settings.db) as store:
        t = time.perf_counter()
        layer = import_reference(store, reference, "ucdp", LAYER).layer
        ingest(store, [docs], settings)
        timings["import + ingest"] = time.perf_counter() - t
        print(f"{layer.events} reference events, {n_docs} distinct headlines; processing ...",
              file=sys.stderr)
        t = time.perf_counter()
        extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path))
        report = process(store, extractor, batch_size=64, progress=True)
        timings["process"] = time.perf_counter() - t
        t = time.perf_counter()
        result = compare(store, LAYER, window_days=days, max_km=km, output=folder / "matches.csv",
                         progress=True)
        timings["compare"] = time.perf_counter() - t
        groups = breakdown(store, LAYER)
        incidents = store.counts()["incidents"]
    print(f"UCDP GED Syria dev: {layer.events} events, {n_docs} headlines -> {report.mentions} mentions, "
          f"{incidents} incidents (window {days} day(s), {km:g} km)")
    print(result.summary())
    print(f"\n{'events with a place and a date':<34} {'events':>7} {'found':>7} {'recall':>7}")
    for group, total, found in groups:
        print(f"{group:<34} {total:>7} {found:>7} {found / total:>7.1%}")
    print("\n" + "  ".join(f"{k}: {v:.0f} s" for k, v in timings.items()))
    print(f"matches and non-matches: {folder / 'matches.csv'} (kept only with --workdir)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV,
                        help="the UCDP GED CSV [../shared/eval/ucdp-syria/dev.csv]")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N events")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the database and CSVs here")
    parser.add_argument("--days", type=int, default=1, help="date window of a match [1]")
    parser.add_argument("--km", type=float, default=25.0, help="distance of a match [25]")
    args = parser.parse_args()
    if not args.dev.is_file():
        print(f"skipped: {args.dev} not found (the benchmark needs ../shared beside the repository)")
        return
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if (args.workdir / "ucdp-bench.db").exists():
            raise SystemExit(f"{args.workdir / 'ucdp-bench.db'} exists; remove it or pick another --workdir.")
        run(args.dev, args.workdir, args.limit, args.days, args.km)
        return
    with tempfile.TemporaryDirectory(prefix="hw-bench-compare-") as tmp:
        run(args.dev, Path(tmp), args.limit, args.days, args.km)


if __name__ == "__main__":
    main()
