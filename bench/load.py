"""Load on loopback: concurrent readers while a process run and reviewers write; no 5xx, no lost write.

    .venv/bin/python bench/load.py                       # 50 readers for 60 s, 2 reviewers, 400 documents
    .venv/bin/python bench/load.py --clients 10 --seconds 10

A SQLite store is filled with the synthetic reports of ``bench/crash.py``: half
ingested and processed (so there is something to read), half ingested but not
processed.  ``harmwatch serve`` runs on a free loopback port.  Then, at once:

- ``--clients`` readers loop over the list, filters, incident details, stats, the
  GeoJSON and documents, each waiting for its answer before the next request;
- ``--writers`` reviewers post notes (each with a unique text) about twice a second;
- ``harmwatch process`` links the unprocessed half into the same database.

Afterwards: every note the API accepted (200) must be in the audit history, every
document processed, and no response may be a 5xx.  Prints throughput and latency
percentiles.  Everything is bounded by ``--seconds``; the server and the process run
are stopped at the end (they are this script's own child processes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import crash  # noqa: E402  (the corpus and CLI helpers)


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    written: set[str] = field(default_factory=set)
    write_statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)


def prepare(work: Path, n_docs: int, env: dict[str, str]) -> tuple[str, str]:
    """(database, reviewer token): the first half of the corpus processed, the second only ingested."""
    from harmwatch.api.auth import create_token
    from harmwatch.store import open_store

    corpus = work / "corpus"
    crash.write_corpus(corpus, n_docs, seed=3)
    files = sorted(str(p) for p in corpus.iterdir() if p.name != "metadata.jsonl")  # the sidecar still applies
    db = str(work / "load.db")
    crash.run_to_end(["ingest", "--db", db, *files[: len(files) // 2]], env)
    crash.run_to_end(["process", "--db", db], env)
    crash.run_to_end(["ingest", "--db", db, *files[len(files) // 2:]], env)
    with open_store(db) as store:
        token, _ = create_token(store, "reviewer", "load-reviewer")
    return db, token


def start_server(db: str, env: dict[str, str], log: Any) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(crash.cli("serve", "--db", db, "--port", str(port), "--tiles", "none"), env=env,
                            stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("harmwatch serve exited at start; see its log")
        try:
            if httpx.get(url + "/api/config", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("harmwatch serve did not answer within 120 s")


def _read_paths(rng: random.Random, ids: list[str], shas: list[str]) -> str:
    roll = rng.random()
    if roll < 0.3:
        return f"/api/incidents?page={rng.randint(1, 5)}&limit=50"
    if roll < 0.45:
        return f"/api/incidents?type={rng.choice(['shelling', 'air_strike', 'evacuation', 'arrest'])}" \
               f"&since=2016-0{rng.randint(6, 9)}-01"
    if roll < 0.55:
        return f"/api/incidents?q={rng.choice(['Aleppo', 'market', 'Idlib', 'evacuated'])}"
    if roll < 0.75 and ids:
        return f"/api/incidents/{rng.choice(ids)}"
    if roll < 0.85:
        return "/api/stats"
    if roll < 0.93:
        return "/api/incidents.geojson?limit=500"
    return f"/api/documents/{rng.choice(shas)}" if shas else "/api/stats"


async def reader(client: httpx.AsyncClient, rng: random.Random, ids: list[str], shas: list[str], stop: float,
                 stats: Stats) -> None:
    while time.monotonic() < stop:
        path = _read_paths(rng, ids, shas)
        started = time.perf_counter()
        try:
            response = await client.get(path)
        except httpx.HTTPError as exc:
            stats.errors[type(exc).__name__] += 1
            continue
        stats.latencies.append(time.perf_counter() - started)
        stats.statuses[response.status_code] += 1
        if response.status_code >= 500:
            stats.server_errors.append(f"GET {path}: {response.status_code}")


async def writer(client: httpx.AsyncClient, rng: random.Random, token: str, ids: list[str], stop: float,
                 stats: Stats, who: int) -> None:
    n = 0
    while time.monotonic() < stop and ids:
        n += 1
        text = f"load note {who}-{n}"
        started = time.perf_counter()
        try:
            response = await client.post(f"/api/incidents/{rng.choice(ids)}/note", json={"text": text},
                                         headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as exc:
            stats.errors[type(exc).__name__] += 1
            continue
        stats.latencies.append(time.perf_counter() - started)
        stats.write_statuses[response.status_code] += 1
        if response.status_code == 200:
            stats.written.add(text)
        elif response.status_code >= 500:
            stats.server_errors.append(f"POST note: {response.status_code}")
        await asyncio.sleep(0.5)


async def run_load(url: str, token: str, ids: list[str], shas: list[str], clients: int, writers: int,
                   seconds: float) -> Stats:
    stats = Stats()
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients + writers, max_keepalive_connections=clients + writers)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        tasks = [reader(client, random.Random(i), ids, shas, stop, stats) for i in range(clients)]
        tasks += [writer(client, random.Random(1000 + i), token, ids, stop, stats, i) for i in range(writers)]
        await asyncio.gather(*tasks)
    return stats


def _ids_and_shas(url: str, db: str) -> tuple[list[str], list[str]]:
    from harmwatch.store import open_store

    ids = [item["id"] for item in httpx.get(url + "/api/incidents?limit=500", timeout=60).json()["items"]]
    with open_store(db) as store:
        shas = [d.sha256 for d in store.documents()]
    return ids, shas


def _stored_notes(db: str) -> tuple[set[str], dict[str, int]]:
    from harmwatch.store import open_store
    from harmwatch.store.review import history

    with open_store(db) as store:
        notes = {review.note for _, review in history(store) if review is not None and review.action == "note"}
        return notes, store.counts()


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else (values or [0.0])[0]


def report(args: argparse.Namespace, stats: Stats, counts: dict[str, int], stored: set[str],
           process: tuple[int | None, float], new_docs: int) -> tuple[str, bool]:
    reads = sum(stats.statuses.values())
    lost = sorted(stats.written - stored)
    fives = sum(n for s, n in (stats.statuses + stats.write_statuses).items() if s >= 500)
    ms = [x * 1000 for x in stats.latencies]
    rc, took = process
    ok = not fives and not lost and rc == 0 and counts["processed"] == counts["documents"] and not stats.errors
    lines = [
        f"load: {args.clients} readers + {args.writers} reviewers for {args.seconds:.0f} s on loopback, "
        f"while `harmwatch process` linked {new_docs} new documents",
        "",
        f"{'requests':<28}{reads + sum(stats.write_statuses.values()):>10}",
        f"{'throughput (req/s)':<28}{(reads + sum(stats.write_statuses.values())) / args.seconds:>10.1f}",
        f"{'latency p50 / p95 / p99 ms':<28}{_percentile(ms, 50):>10.1f}{_percentile(ms, 95):>8.1f}"
        f"{_percentile(ms, 99):>8.1f}",
        f"{'read statuses':<28}{dict(sorted(stats.statuses.items()))}",
        f"{'write statuses':<28}{dict(sorted(stats.write_statuses.items()))}",
        f"{'5xx responses':<28}{fives:>10}",
        f"{'client errors (no answer)':<28}{dict(stats.errors) or 0}",
        f"{'notes accepted / stored':<28}{len(stats.written):>10}{len(stats.written & stored):>8}",
        f"{'lost writes':<28}{len(lost):>10}",
        f"{'process run':<28}{'exit ' + str(rc):>10}  {took:.0f} s, "
        f"{counts['processed']}/{counts['documents']} documents processed",
        "result: " + ("no 5xx, no lost write" if ok else "FAILED"),
        *(f"  {e}" for e in (stats.server_errors[:10] + lost[:10])),
    ]
    return "\n".join(lines), ok


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--docs", type=int, default=400)
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("HARMWATCH_DB", "HARMWATCH_PRIVATE")}
    with tempfile.TemporaryDirectory(prefix="hw-load-") as tmp, open(Path(tmp) / "server.log", "wb") as log:
        db, token = prepare(Path(tmp), args.docs, env)
        before = _stored_notes(db)[1]
        server, url = start_server(db, env, log)
        process: subprocess.Popen[bytes] | None = None
        try:
            ids, shas = _ids_and_shas(url, db)
            started = time.monotonic()
            process = subprocess.Popen(crash.cli("process", "--db", db), env=env, stdout=subprocess.DEVNULL,
                                       stderr=log)
            stats = asyncio.run(run_load(url, token, ids, shas, args.clients, args.writers, args.seconds))
            rc = process.wait(timeout=1800)
            took = time.monotonic() - started
        finally:
            for proc in (server, process):
                _stop(proc)
        stored, counts = _stored_notes(db)
        text, ok = report(args, stats, counts, stored, (rc, took), counts["documents"] - before["processed"])
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
