"""Gazetteer figures: build time, size, load time, memory, user-import speed; optionally geoparsing.

    .venv/bin/python bench/geo_index.py                 # build into a temp dir and measure
    .venv/bin/python bench/geo_index.py --eval          # also score geoparse on ../shared/eval/geo
    .venv/bin/python bench/geo_index.py --eval --given  # only resolution of given spans (fast)

Build and load each run in a fresh child process, so their peak memory is their own. The import
figure streams a synthetic GeoNames-format dump (``--import-lines`` lines) into a user gazetteer,
to estimate what importing allCountries.txt (about 13 million lines) takes.
``--eval`` needs ../shared (the benchmark sets); it is skipped with a message when missing.
Resolution speed is toponyms per second of ``--given-spans`` resolution in this one process,
counting the first (uncached) lookups of every name: ``topo/s`` by the wall clock, ``topo/cpu-s``
by this process's CPU time. On a shared machine the second is the fairer "one core" figure: the
wall clock also counts the time other processes held the core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GEO_SETS = ("tr-news", "lgl", "geowebnews", "geovirus", "wiktor")
PROBES = ("Homs", "Deir ez-Zor", "Paris", "Georgia", "Springfield", "Syrian", "Idlib province", "Minn.")


def _child_build(path: Path) -> dict[str, float]:
    from harmwatch.geo import Gazetteer

    t0 = time.perf_counter()
    Gazetteer.build(path)
    return {"build_s": time.perf_counter() - t0}


def _child_load(path: Path) -> dict[str, float]:
    from harmwatch.geo import Gazetteer

    t0 = time.perf_counter()
    gaz = Gazetteer.open(path)
    gaz.candidates("Aleppo")
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    for name in PROBES:  # first lookups: nothing cached yet
        gaz.matches(name)
    lookups = (time.perf_counter() - t1) / len(PROBES)
    return {"load_s": load, "lookup_ms": lookups * 1000}


def _run_child(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                         capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def _score(pred: Path, gold: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "geo", str(pred), str(gold)],
                         check=True, capture_output=True, text=True).stdout
    scores: dict[str, float] = json.loads(out[:out.rindex("}") + 1])  # the JSON object before the summary
    return scores


def _child_import(path: Path) -> dict[str, float]:
    """Time importing a synthetic dump of ``lines`` populated places (name, alternates, region code)."""
    from harmwatch.geo import import_places

    index, lines = path, int(os.environ.get("HW_IMPORT_LINES", "100000"))
    dump = index.parent / "synthetic-allCountries.txt"
    with dump.open("w", encoding="utf-8") as fh:
        for n in range(lines):
            lat, lon = -60 + (n * 7919 % 13000) / 100, -180 + (n * 104729 % 36000) / 100
            fh.write("\t".join([str(10**8 + n), f"Place {n}", f"Place {n}", f"Plaace {n},Place-{n}",
                                f"{lat:.4f}", f"{lon:.4f}", "P", "PPL", "SY", "", "09", "", "", "",
                                str(n % 5000), "", "300", "Asia/Damascus", "2020-01-01"]) + "\n")
    t0 = time.perf_counter()
    import_places(dump, index)
    took = time.perf_counter() - t0
    user = index.parent / "user-gazetteer.sqlite"
    return {"import_lines_s": lines / took, "user_mb_per_mline": user.stat().st_size / 2**20 / lines * 1e6}


def _evaluate(index: Path, work: Path, given_only: bool) -> None:
    if not (SHARED / "eval" / "geo").is_dir():
        print(f"\n--eval skipped: {SHARED / 'eval' / 'geo'} is missing "
              "(it ships only with the dev workspace).")
        return
    from harmwatch.geo import Gazetteer, geoparse

    gaz = Gazetteer.open(index)
    print(f"\n{'set':<12} {'mode':<10} {'acc@161':>8} {'span F1':>8} {'median km':>10} {'seconds':>8} "
          f"{'topo/s':>10} {'topo/cpu-s':>10}")
    for name in GEO_SETS:
        gold = SHARED / "eval" / "geo" / f"{name}.dev.jsonl"
        with gold.open(encoding="utf-8") as fh:  # not splitlines(): texts hold U+2028
            recs = [json.loads(line) for line in fh if line.strip()]
        for rec in recs:  # strip the answers, as score.py strip-geo does
            rec["toponyms"] = [{"start": t["start"], "end": t["end"]} for t in rec["toponyms"]]
        for given in (True,) if given_only else (True, False):
            pred = work / f"{name}.{given}.jsonl"
            t0, c0 = time.perf_counter(), time.process_time()
            with pred.open("w", encoding="utf-8") as fh:
                for line in geoparse(recs, given_spans=given, gazetteer=gaz):
                    fh.write(json.dumps(line) + "\n")
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            s = _score(pred, gold)
            mode = "given" if given else "detect"
            count = sum(len(r["toponyms"]) for r in recs)
            speed, cpu_speed = (count / took, count / cpu) if given else (float("nan"), float("nan"))
            print(f"{name:<12} {mode:<10} {s['acc161']:>8.3f} {s['span_f1']:>8.3f} {s['median_km']:>10.1f} "
                  f"{took:>8.1f} {speed:>10.0f} {cpu_speed:>10.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--eval", action="store_true", help="also score geoparse on ../shared/eval/geo")
    ap.add_argument("--given", action="store_true", help="with --eval: only resolve the given spans")
    ap.add_argument("--import-lines", type=int, default=100_000, help="lines of the synthetic dump")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        child = {"build": _child_build, "load": _child_load, "import": _child_import}[kind]
        figures = child(Path(path))
        figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "gazetteer.sqlite"
        build = _run_child("build", index)
        load = _run_child("load", index)
        os.environ["HW_IMPORT_LINES"] = str(args.import_lines)
        imported = _run_child("import", index)
        print(f"{'figure':<28} {'value':>10}")
        print(f"{'build time (s)':<28} {build['build_s']:>10.1f}")
        print(f"{'build peak memory (MB)':<28} {build['peak_rss_mb']:>10.0f}")
        print(f"{'index size on disk (MB)':<28} {index.stat().st_size / 2**20:>10.1f}")
        print(f"{'open + first lookup (s)':<28} {load['load_s']:>10.3f}")
        print(f"{'uncached lookup (ms)':<28} {load['lookup_ms']:>10.3f}")
        print(f"{'reader peak memory (MB)':<28} {load['peak_rss_mb']:>10.0f}")
        print(f"{'dump import (lines/s)':<28} {imported['import_lines_s']:>10.0f}")
        print(f"{'user index (MB/1M places)':<28} {imported['user_mb_per_mline']:>10.0f}")
        print(f"{'import peak memory (MB)':<28} {imported['peak_rss_mb']:>10.0f}")
        if args.eval:
            (index.parent / "user-gazetteer.sqlite").unlink()  # score the packaged index alone
            _evaluate(index, Path(tmp), args.given)


if __name__ == "__main__":
    main()
