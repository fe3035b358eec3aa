"""HTTP API and dashboard speed on a large store.

    python bench/api.py [--incidents 100000] [--requests 200] [--db PATH] [--keep]

Fills a SQLite store with synthetic incidents (random types, places, dates, actors and figures), starts
`harmwatch serve` on a free loopback port, and prints p50/p95 latency of `GET /api/incidents` under a
mix of filters (goal: p95 < 50 ms), then the dashboard's first render in Debian's chromium (goal: < 2 s):
the time until the incident list shows, and until the map's markers do. Nothing here needs ../shared.
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import httpx

from harmwatch.model import EVENT_TYPES, Claim, FigureEstimate, Incident, Place, Span, When
from harmwatch.store import open_store

PLACES = [("Aleppo", 36.20, 37.16), ("Idlib", 35.93, 36.63), ("Homs", 34.73, 36.72), ("Raqqa", 35.95, 39.01),
          ("Deir ez-Zor", 35.34, 40.14), ("Daraa", 32.62, 36.10), ("Mosul", 36.34, 43.13), ("Sanaa", 15.35, 44.21),
          ("Taiz", 13.58, 44.02), ("Gao", 16.27, -0.04), ("Maiduguri", 11.85, 13.16), ("Kharkiv", 49.99, 36.23)]
ACTORS = ["Syrian government", "Russia", "Islamic State", "Syrian rebels", "Houthis", "Saudi-led coalition",
          "Boko Haram", "JNIM", "Ukraine", "Kurdish forces"]
TARGETS = ["civilians", "children", "health", "education", "residential", "market", "aid"]
GRADES = ["weak", "weak", "fair", "fair", "confirmed", "contested"]
START = date(2012, 1, 1)
CHROMIUM = Path("/usr/bin/chromium")


def synthetic(i: int, rng: random.Random) -> Incident:
    name, lat, lon = rng.choice(PLACES)
    day = START + timedelta(days=rng.randrange(3000))
    killed = rng.choice([None, rng.randrange(1, 80)])
    figures: tuple[FigureEstimate, ...] = ()
    if killed is not None:
        text = f"{killed} civilians were killed in {name}, local sources said."
        claim = Claim(f"m-{i}", f"doc-{i}", "Outlet", "killed", "civilians", killed, killed, "exact", "reported",
                      None, Span(0, len(text), text), day)
        figures = (FigureEstimate("killed", "civilians", killed, killed, killed, killed, False, (claim,)),)
    return Incident(
        id=f"inc-{i:08d}", type=rng.choice(EVENT_TYPES[:28]), scope="incident",
        where=Place(name, lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3), "city"),
        when=When(day, day, "day"), figures=figures, perpetrators=tuple(rng.sample(ACTORS, rng.randrange(0, 3))),
        targets=tuple(rng.sample(TARGETS, rng.randrange(0, 3))), documents=(f"doc-{i}",),
        sources=("Outlet",), independent_sources=1, grade=rng.choice(GRADES), mentions=(f"m-{i}",),
    )


def fill(db: str, n: int) -> float:
    rng = random.Random(6)
    started = time.perf_counter()
    with open_store(db) as store:
        for lo in range(0, n, 10_000):
            with store.transaction():
                for i in range(lo, min(n, lo + 10_000)):
                    store.put_incident(synthetic(i, rng))
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(db: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    script = Path(sys.executable).with_name("harmwatch")
    proc = subprocess.Popen([str(script), "serve", "--db", db, "--port", str(port), "--tiles", "none"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(url + "/api/config", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start")


def _month(r: random.Random) -> str:
    day = START + timedelta(days=r.randrange(2900))
    return f"since={day}&until={day + timedelta(days=30)}"


def _box(r: random.Random) -> str:
    _, lat, lon = r.choice(PLACES)
    return f"bbox={lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}"


def _type(r: random.Random) -> str:
    return f"type={r.choice(EVENT_TYPES[:28])}"


FILTERS: dict[str, Callable[[random.Random], str]] = {
    "no filter": lambda r: "",
    "type": _type,
    "one month": _month,
    "bbox (a city)": _box,
    "grade + type": lambda r: f"grade={r.choice(GRADES)}&{_type(r)}",
    "free text": lambda r: f"q={r.choice(PLACES)[0].split()[0].lower()}",
    "actor": lambda r: f"actor={r.choice(ACTORS).split()[0].lower()}",
    "target + month": lambda r: f"target={r.choice(TARGETS)}&{_month(r)}",
    "page 50": lambda r: f"page=50&{_type(r)}",
}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(url: str, requests: int) -> list[tuple[str, float, float, int]]:
    rng = random.Random(7)
    rows, every = [], []
    with httpx.Client(base_url=url, timeout=30) as client:
        client.get("/api/incidents")  # warm the connection and the file cache
        for label, make in FILTERS.items():
            times: list[float] = []
            total = 0
            for _ in range(requests):
                query = make(rng)
                started = time.perf_counter()
                response = client.get(f"/api/incidents?limit=50&{query}")
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                total += response.json()["total"]
            every += times
            rows.append((label, statistics.median(times), _pct(times, 95), total // requests))
    rows.append(("all of the above", statistics.median(every), _pct(every, 95), 0))
    return rows


def first_render(url: str, runs: int = 3) -> tuple[float, float, int] | None:
    """Median seconds until the list shows and until the markers do, and the markers drawn."""
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]
    lists, maps, markers = [], [], 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args)
        for _ in range(runs):
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            started = time.perf_counter()
            page.goto(url + "/")
            page.wait_for_selector("#incidents tbody tr", timeout=60_000)
            lists.append(time.perf_counter() - started)
            page.wait_for_function("() => document.querySelector('#map-note').textContent.includes('placed')",
                                   timeout=60_000)  # a function, not a string: the page's CSP forbids eval
            page.wait_for_selector(".marker-cluster, .leaflet-interactive", timeout=60_000)
            maps.append(time.perf_counter() - started)
            markers = page.evaluate("document.querySelectorAll('.marker-cluster, .leaflet-interactive').length")
            page.context.close()
        browser.close()
    return statistics.median(lists), statistics.median(maps), markers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="requests per filter")
    parser.add_argument("--db", default=None, help="reuse or keep this database (filled when empty)")
    args = parser.parse_args()
    folder = None if args.db else tempfile.mkdtemp(prefix="hw-bench-api-")
    db = args.db or str(Path(folder or ".") / "api.db")
    try:
        with open_store(db) as store:
            have = store.counts()["incidents"]
        if have < args.incidents:
            seconds = fill(db, args.incidents)
            print(f"filled {args.incidents:,} synthetic incidents in {seconds:.1f} s "
                  f"({args.incidents / seconds:,.0f}/s)")
        proc, url = serve(db)
        try:
            print(f"\nGET /api/incidents (limit 50) over loopback, {args.requests} requests per filter")
            print(f"{'filter':<18} {'p50 ms':>8} {'p95 ms':>8} {'mean hits':>10}")
            for label, p50, p95, hits in latency(url, args.requests):
                print(f"{label:<18} {p50:8.1f} {p95:8.1f} {hits:10,}")
            render = first_render(url)
            if render is None:
                print("\ndashboard first render: skipped (/usr/bin/chromium is missing)")
            else:
                print(f"\ndashboard first render in chromium (median of 3): list {render[0]:.2f} s, "
                      f"map markers {render[1]:.2f} s ({render[2]} marker/cluster elements)")
        finally:
            proc.terminate()
            proc.wait(20)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
