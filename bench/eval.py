"""Run every dev benchmark of ../shared/eval and print one table.

    .venv/bin/python bench/eval.py [--shared ../shared] [--only seeds,case,geo,ucdp] [--geo-limit N]

Each benchmark calls the real CLI (``harmwatch extract|classify|geoparse``)
and scores with ``../shared/eval/score.py``.  Skips with a message when the
shared folder is absent (a user's clone has none).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARMWATCH = [sys.executable, "-m", "harmwatch"]
GEO_SETS = ("tr-news", "lgl", "geowebnews", "geovirus", "wiktor")


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return done.stdout


def score(shared: Path, *args: str) -> dict:
    out = run([sys.executable, str(shared / "eval" / "score.py"), *args])
    return json.loads(out[: out.rindex("}") + 1])


def seeds(shared: Path, tmp: Path) -> list[tuple[str, str, str]]:
    meta = {}
    for line in (shared / "seeds" / "metadata.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            meta[rec["file"]] = rec
    inp = tmp / "seeds_in.jsonl"
    with inp.open("w", encoding="utf-8") as fh:
        for p in sorted((shared / "seeds").glob("*.txt")):
            m = meta.get(p.name, {})
            rec = {"id": p.name, "text": p.read_text(encoding="utf-8"), "published": m.get("published"),
                   "source": m.get("source")}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    pred = tmp / "seeds_pred.jsonl"
    t = time.perf_counter()
    run([*HARMWATCH, "extract", "--input", str(inp), "--output", str(pred)])
    secs = time.perf_counter() - t
    r = score(shared, "seeds", str(pred), str(shared / "eval/seeds/gold.jsonl"), str(shared / "seeds"))
    rows = [("seeds", "recall", str(r["recall"])), ("seeds", "span_recall", str(r["span_recall"])),
            ("seeds", "negatives fired", str(len(r["negatives_fired"])) + " " + ",".join(r["negatives_fired"]))]
    rows += [("seeds", k, str(v)) for k, v in r.items()
             if k not in ("recall", "span_recall", "negatives_fired", "positives")]
    rows.append(("seeds", "documents/s", f"{5 / secs:.2f} (incl. model load)"))
    return rows


def case(shared: Path, tmp: Path) -> list[tuple[str, str, str]]:
    gold = shared / "eval/case2021/dev.tsv"
    inp, pred = tmp / "case_in.tsv", tmp / "case_pred.tsv"
    run([sys.executable, str(shared / "eval/score.py"), "strip-case", str(gold), str(inp)])
    run([*HARMWATCH, "classify", "--input", str(inp), "--output", str(pred)])
    r = score(shared, "case2021", str(pred), str(gold))
    worst = sorted(r["per_label_f1"].items(), key=lambda kv: kv[1])[:6]
    return [("case2021", "macro_f1", str(r["macro_f1"])), ("case2021", "micro_f1", str(r["micro_f1"])),
            ("case2021", "weighted_f1", str(r["weighted_f1"])),
            ("case2021", "worst labels", ", ".join(f"{k} {v}" for k, v in worst))]


def geo(shared: Path, tmp: Path, limit: int | None) -> list[tuple[str, str, str]]:
    rows = []
    for name in GEO_SETS:
        gold = shared / f"eval/geo/{name}.dev.jsonl"
        if limit:
            # split on newlines only: JSON strings may hold other line separators (U+2028)
            lines = [ln for ln in gold.read_text(encoding="utf-8").split("\n") if ln.strip()][:limit]
            gold = tmp / f"{name}.gold.jsonl"
            gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
        inp = tmp / f"{name}_in.jsonl"
        run([sys.executable, str(shared / "eval/score.py"), "strip-geo", str(gold), str(inp)])
        for mode, extra in (("given spans", ["--given-spans"]), ("detect", [])):
            pred = tmp / f"{name}_{mode[0]}.jsonl"
            run([*HARMWATCH, "geoparse", "--input", str(inp), "--output", str(pred), *extra])
            r = score(shared, "geo", str(pred), str(gold))
            acc = r.get("acc@161km", r.get("acc_161", r.get("acc161")))
            rows.append((f"geo {name}", f"acc@161 ({mode})", str(acc)))
            if mode == "detect":
                rows.append((f"geo {name}", "span F1 (detect)", str(r.get("span_f1"))))
    return rows


def ucdp(shared: Path, tmp: Path) -> list[tuple[str, str, str]]:
    inp, pred = tmp / "ucdp_in.jsonl", tmp / "ucdp_pred.jsonl"
    run([sys.executable, str(shared / "eval/score.py"), "ucdp-input", str(shared / "eval/ucdp-syria/dev.csv"),
         str(inp)])
    run([*HARMWATCH, "extract", "--input", str(inp), "--output", str(pred)])
    r = score(shared, "ucdp", str(pred), str(shared / "eval/ucdp-syria/dev.csv"))
    return [("ucdp-syria", "with asserted mention", str(r["with_asserted_mention"])),
            ("ucdp-syria", "place within 25 km", str(r["place_within_25km"]))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--only", default="seeds,case,geo,ucdp")
    ap.add_argument("--geo-limit", type=int, default=None, help="first N documents of each geo set")
    args = ap.parse_args()
    if not (args.shared / "eval" / "score.py").exists():
        print(f"skipped: {args.shared}/eval not found (the benchmarks need ../shared next to the repo)")
        return 0
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        wanted = args.only.split(",")
        for name, fn in (("seeds", seeds), ("case", case), ("ucdp", ucdp)):
            if name in wanted:
                rows += fn(args.shared, tmp)
        if "geo" in wanted:
            rows += geo(args.shared, tmp, args.geo_limit)
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'measure':<24} value")
    for bench, measure, value in rows:
        print(f"{bench:<{width}}  {measure:<24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
