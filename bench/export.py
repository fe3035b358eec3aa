"""Export figures: N synthetic incidents (default 1,000,000) to CSV and Parquet; time and peak memory.

    .venv/bin/python bench/export.py                          # 1,000,000 incidents, csv and parquet
    .venv/bin/python bench/export.py -n 100000 --formats csv,parquet,acled,ucdp,jsonl,geojson

The incidents are written once into a SQLite database in a temporary folder (or ``--db``, reused when it
already holds ``-n`` incidents). Each export then runs in a fresh child process, so the peak resident
memory it reports (``ru_maxrss``) is that export's own. The limit to stay under is 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

LIMIT_MIB = 1024
TYPES = ("shelling", "air_strike", "armed_clash", "attack_on_civilians", "explosive_device", "evacuation",
         "displacement", "siege", "abduction", "peaceful_protest")
PLACES = (("Aleppo", 36.20, 37.16, "Aleppo"), ("Idlib", 35.93, 36.63, "Idlib"),
          ("Homs", 34.73, 36.72, "Homs"), ("Douma", 33.57, 36.40, "Rif Dimashq"),
          ("Raqqa", 35.95, 39.01, "Ar Raqqah"),
          ("Deir ez-Zor", 35.34, 40.14, "Deir ez-Zor"), ("Daraa", 32.62, 36.10, "Daraa"))
ACTORS = ("Syrian government", "Russia", "Islamic State", "Syrian rebels", "Syrian Democratic Forces")
SOURCES = ("Outlet A", "Outlet B", "Outlet C", "Monitor D", "Agency E")


def synthetic(i: int, rng: random.Random):  # type: ignore[no-untyped-def]
    """One plausible incident with a killed figure from one to three claims."""
    from harmwatch.model import Claim, FigureEstimate, Incident, Place, Span, When

    name, lat, lon, admin1 = rng.choice(PLACES)
    day = date(2016, 1, 1) + timedelta(days=rng.randrange(4 * 365))
    sources = tuple(sorted(rng.sample(SOURCES, rng.randint(1, 3))))
    docs = tuple(f"doc-{i}-{k}" for k in range(len(sources)))
    values = sorted(rng.randint(1, 40) for _ in sources)
    claims = tuple(
        Claim(f"m-{i}-{k}", docs[k], src, "killed", "civilians", v, v, "exact", "reported", None,
              Span(0, 40, f"{v} civilians were killed in {name}"), day)
        for k, (src, v) in enumerate(zip(sources, values, strict=True))
    )
    figure = FigureEstimate("killed", "civilians", values[0], values[len(values) // 2], values[-1], values[0],
                            values[0] != values[-1], claims)
    return Incident(
        id=f"inc-{i:012x}", type=rng.choice(TYPES), scope="incident",
        where=Place(name, lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05), "city",
                    country="SY", admin1=admin1, feature="PPL"),
        when=When(day, day, "day"), figures=(figure,), perpetrators=(rng.choice(ACTORS),),
        targets=("civilians",), documents=docs, sources=sources, independent_sources=len(sources),
        grade="fair" if len(sources) > 1 else "weak", mentions=tuple(c.mention_id for c in claims),
    )


def fill(db: Path, n: int) -> float:
    """Write ``n`` synthetic incidents into ``db`` (10,000 per transaction); returns the seconds taken."""
    from harmwatch.store import open_store

    rng = random.Random(20161215)
    t0 = time.perf_counter()
    with open_store(db) as store:
        have = store.counts()["incidents"]
        if have == n:
            return 0.0
        if have:
            raise SystemExit(f"{db} holds {have} incidents, not {n}; pass a new --db path.")
        for start in range(0, n, 10_000):
            with store.transaction():
                for i in range(start, min(n, start + 10_000)):
                    store.put_incident(synthetic(i, rng))
            print(f"  filled {min(n, start + 10_000):,}/{n:,}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return time.perf_counter() - t0


def child(db: Path, fmt: str, out: Path) -> None:
    """Run in a fresh process: export and print the figures as JSON."""
    from harmwatch.export import export
    from harmwatch.store import open_store

    t0 = time.perf_counter()
    with open_store(db) as store:
        count = export(store, fmt, out)
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"count": count, "seconds": seconds, "peak_mib": peak_kib / 1024,
                      "size_mib": out.stat().st_size / 2**20}))


def measure(db: Path, fmt: str, folder: Path) -> dict[str, float]:
    out = folder / f"incidents.{fmt}"
    done = subprocess.run([sys.executable, __file__, "--child", fmt, "--db", str(db), "--out", str(out)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"export to {fmt} failed:\n{done.stderr[-2000:]}")
    out.unlink(missing_ok=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000, help="how many incidents [1,000,000]")
    parser.add_argument("--formats", default="csv,parquet", help="comma-separated export formats")
    parser.add_argument("--db", type=Path, default=None, help="database to fill or reuse [a temp file]")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.child, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="hw-bench-export-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        print(f"writing {args.n:,} synthetic incidents to {db} ...", file=sys.stderr)
        fill_s = fill(db, args.n)
        print(f"{'step':<18} {'incidents':>10} {'seconds':>9} {'per second':>11} {'peak RSS MiB':>13} "
              f"{'file MiB':>9}  under 1 GiB")
        print(f"{'fill database':<18} {args.n:>10,} {fill_s:>9.1f} {args.n / max(fill_s, 1e-9):>11,.0f} "
              f"{'':>13} {db.stat().st_size / 2**20:>9.1f}")
        for fmt in args.formats.split(","):
            print(f"  exporting {fmt} ...", file=sys.stderr)
            r = measure(db, fmt.strip(), Path(tmp))
            rate = r["count"] / max(r["seconds"], 1e-9)
            print(f"{'export ' + fmt:<18} {int(r['count']):>10,} {r['seconds']:>9.1f} {rate:>11,.0f} "
                  f"{r['peak_mib']:>13.0f} {r['size_mib']:>9.1f}  "
                  f"{'yes' if r['peak_mib'] < LIMIT_MIB else 'NO'}")


if __name__ == "__main__":
    main()
