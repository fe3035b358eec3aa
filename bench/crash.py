"""Crash safety: SIGKILL ``harmwatch ingest`` and ``harmwatch process`` at random points, then compare.

    .venv/bin/python bench/crash.py                         # 500 documents, 20 kills, SQLite
    .venv/bin/python bench/crash.py --db postgresql://127.0.0.1:5432/test   # killed run on PostgreSQL

A synthetic corpus (short reports of a few dozen events, each told by several
outlets with their own figures: text files with a ``metadata.jsonl`` sidecar,
and one JSONL file of wire records) is ingested and processed twice through the
real command line and the real extractor:

- clean: ``harmwatch ingest`` then ``harmwatch process``, never interrupted;
- killed: rounds of ``ingest`` or ``process`` (chosen at random while documents
  remain to ingest), each SIGKILLed once the database shows a random amount of
  progress plus a random delay, so kills land mid-file, mid-extraction and
  mid-commit; the database's integrity is checked after every kill.  Then both
  commands run to the end.

The two databases must agree: every document present exactly once and in the
same ingest order, the same mentions (none duplicated) and claims, the same
incidents with the same members, figures and links, ``integrity_check`` ok and
every document processed.  With ``--db postgresql://...`` the killed run goes
to a fresh schema there (dropped afterwards) and is compared with a clean SQLite
run, which also shows the two backends give the same record.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

_CLI = ("-c", "from harmwatch.cli import main; main()")

# --- the corpus ------------------------------------------------------------------------------------

_PLACES = ("Aleppo", "Idlib", "Homs", "Hama", "Raqqa", "Daraa", "Douma", "Azaz", "Manbij", "Latakia", "Mosul")
_SOURCES = ("Levant Wire", "Orontes Daily", "Gulf Herald", "Monitor Weekly", "Relief Desk", "Border Post")
_TEMPLATES = (
    "Shelling hit a residential area of {place} on {day}, killing {n} civilians, {source} reported.",
    "An air strike struck a market in {place} on {day}, killing {n} people, residents said.",
    "A car bomb exploded near a checkpoint in {place} on {day}, wounding {n} people, medics said.",
    "Clashes between government forces and rebels near {place} on {day} left {n} fighters dead.",
    "{n} civilians were evacuated from {place} on {day}, the Red Crescent said.",
    "Security forces arrested {n} people in {place} on {day}, activists said.",
)


@dataclass(frozen=True)
class Event:
    template: str
    place: str
    day: date
    n: int


def _events(rng: random.Random, count: int) -> list[Event]:
    start = date(2016, 6, 1)
    return [Event(rng.choice(_TEMPLATES), rng.choice(_PLACES), start + timedelta(days=rng.randint(0, 150)),
                  rng.randint(2, 60)) for _ in range(count)]


def _report(rng: random.Random, event: Event, source: str) -> tuple[str, date]:
    n = event.n if rng.random() < 0.6 else event.n + rng.randint(-2, 4)
    body = event.template.format(place=event.place, day=event.day.strftime("%-d %B %Y"), n=max(n, 1),
                                 source=source)
    body = body[0].upper() + body[1:]
    headline = f"{event.place}: {rng.choice(['toll rises', 'latest', 'update', 'residents count the cost'])}"
    return f"{headline}\n\n{body}\n", event.day + timedelta(days=rng.randint(0, 2))


def _unique(text: str, i: int) -> str:
    # Two outlets can word a report alike; a reference line keeps every document's bytes its own.
    return f"{text}\nRef. {i:04d}\n"


def write_corpus(folder: Path, n_docs: int, seed: int) -> int:
    """``n_docs`` short reports under ``folder`` (about 4 per event; one in six as JSONL records)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    events = _events(rng, max(1, n_docs // 4))
    sidecar, wire = [], []
    for i in range(n_docs):
        event = events[rng.randrange(len(events))]
        source = rng.choice(_SOURCES)
        text, published = _report(rng, event, source)
        text = _unique(text, i)
        if i % 6 == 5:
            wire.append({"id": f"wire-{i:04d}", "text": text, "source": source, "published": published.isoformat()})
            continue
        name = f"r{i:04d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        sidecar.append({"file": name, "source": source, "published": published.isoformat()})
    (folder / "metadata.jsonl").write_text("".join(json.dumps(s) + "\n" for s in sidecar), encoding="utf-8")
    if wire:
        (folder / "wire.jsonl").write_text("".join(json.dumps(w) + "\n" for w in wire), encoding="utf-8")
    return n_docs


# --- running and killing the command line ------------------------------------------------------------


def cli(*args: str) -> list[str]:
    return [sys.executable, *_CLI, *args]


def counts(db: str) -> dict[str, int]:
    from harmwatch.store import open_store

    with open_store(db) as store:
        return store.counts()


class Progress:
    """Documents stored and processed, polled every few milliseconds over one read-only connection.

    Opening a store per poll would take longer than ingesting a small corpus, so kills would come too late.
    """

    _SQL = ("SELECT (SELECT COUNT(*) FROM documents) AS documents, "
            "(SELECT COUNT(*) FROM documents WHERE processed_at IS NOT NULL) AS processed")

    def __init__(self, db: str) -> None:
        self.db = db
        if db.startswith(("postgresql://", "postgres://")):
            import psycopg

            self.conn: Any = psycopg.connect(db, autocommit=True)
        else:
            import sqlite3

            self.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)

    def __call__(self) -> dict[str, int]:
        row = self.conn.execute(self._SQL).fetchone()
        return {"documents": int(row[0]), "processed": int(row[1])}

    def close(self) -> None:
        self.conn.close()


def run_to_end(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cli(*args), env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"harmwatch {' '.join(args[:1])} failed ({done.returncode}): {done.stderr[-2000:]}")


def run_and_kill(args: list[str], env: dict[str, str], value: Callable[[], int], target: int, fraction: float,
                 timeout: float = 1800) -> bool:
    """Run the command; once ``value()`` reaches ``target``, wait ``fraction`` of the time its last step took,
    then SIGKILL it (False if it finished first).

    With ``fraction`` below 1 the kill lands inside the next step (the next document of an ingest, the next
    batch of a process run: its extraction or its commit), not after the run has ended.
    """
    with tempfile.TemporaryFile() as err:
        # A session of its own: the kill reaches any helper process the command starts, and nothing else.
        proc = subprocess.Popen(cli(*args), env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            if _await(proc, value, target, fraction, time.monotonic() + timeout):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return True
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"harmwatch {args[0]} failed ({proc.returncode}): {err.read()[-2000:]!r}")
        return False


def _await(proc: subprocess.Popen[bytes], value: Callable[[], int], target: int, fraction: float,
           deadline: float) -> bool:
    """True when it is time to kill ``proc``; False if it ended first."""
    seen = value()
    changed: float | None = None  # when the value last changed; the first step includes start-up, so not timed
    step = 0.05
    while proc.poll() is None and time.monotonic() < deadline:
        now_value, now = value(), time.monotonic()
        if now_value != seen:
            if changed is not None:
                step = now - changed
            seen, changed = now_value, now
        if now_value >= target:
            time.sleep(fraction * step)
            return proc.poll() is None
        time.sleep(0.001)
    return proc.poll() is None


@dataclass
class KillLog:
    kills: list[tuple[str, int, int]] = field(default_factory=list)  # (command, documents, processed) at kill
    finished: int = 0
    integrity_failures: list[str] = field(default_factory=list)


def _integrity(db: str) -> list[str]:
    from harmwatch.store import open_store
    from harmwatch.store.verify import integrity_problems

    with open_store(db) as store:
        return integrity_problems(store) or []


def killed_run(db: str, corpus: Path, n_docs: int, kills: int, rng: random.Random, env: dict[str, str],
               batch_size: int) -> KillLog:
    """Ingest and process ``corpus`` into ``db`` with ``kills`` SIGKILLs on the way, then to the end."""
    from harmwatch.store import open_store

    open_store(db).close()  # the schema exists before the first poll, so polling never writes
    progress = Progress(db)
    log = KillLog()
    try:
        for _ in range(kills * 3):  # rounds that finish before their kill do not count; bounded anyway
            if len(log.kills) >= kills or not _kill_one(db, corpus, n_docs, kills, rng, env, batch_size, progress, log):
                break
    finally:
        progress.close()
    run_to_end(["ingest", "--db", db, str(corpus)], env)
    run_to_end(["process", "--db", db, "--batch-size", str(batch_size)], env)
    return log


def _kill_one(db: str, corpus: Path, n_docs: int, kills: int, rng: random.Random, env: dict[str, str],
              batch_size: int, progress: Progress, log: KillLog) -> bool:
    """One round: ingest or process, killed at a random point; False when nothing is left to do."""
    now = progress()
    ingest_left = n_docs - now["documents"]
    # Spread the kills over the work left: each round advances at most twice its fair share.
    share = 2 / (kills - len(log.kills) + 1)
    if ingest_left and (not log.kills or now["processed"] == now["documents"] or rng.random() < 0.4):
        target = now["documents"] + rng.randint(0, max(0, min(ingest_left - 2, int(ingest_left * share))))
        args, key, fraction = ["ingest", "--db", db, str(corpus)], "documents", 0.0
    elif now["documents"] > now["processed"]:
        left = now["documents"] - now["processed"]
        most = max(0, min(left - batch_size, int(left * share)))
        target = now["processed"] + rng.randint(min(1, most), most)
        args, key = ["process", "--db", db, "--batch-size", str(batch_size)], "processed"
        fraction = rng.random()
    else:
        return False
    if run_and_kill(args, env, lambda: progress()[key], target, fraction):
        after = progress()
        log.kills.append((args[0], after["documents"], after["processed"]))
        log.integrity_failures += [f"after kill {len(log.kills)}: {p}" for p in _integrity(db)]
    else:
        log.finished += 1
    return True


# --- comparing two databases ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    documents: tuple[tuple[str, str], ...]  # (doc id, sha256) in ingest order
    counts: dict[str, int]
    mentions: tuple[str, ...]  # every mention id, from the incidents that hold them
    incidents: dict[str, Any]  # id -> incident record with its links
    integrity: tuple[str, ...] | None  # None: the engine has no such check (PostgreSQL)


def snapshot(db: str) -> Snapshot:
    from harmwatch.store import open_store
    from harmwatch.store.verify import integrity_problems

    with open_store(db) as store:
        documents = tuple((d.id, d.sha256) for d in store.documents())
        incidents: dict[str, Any] = {}
        for inc in list(store.incidents()):
            full = store.incident(inc.id)
            incidents[inc.id] = {**full.to_dict(), "claims": [[c.__dict__ for c in f.claims] for f in full.figures],
                                 "links": [(x.mention_id, x.matched_mention, round(x.score, 9)) for x in full.links]}
        mentions = tuple(sorted(m for rec in incidents.values() for m in rec["mentions"]))
        problems = integrity_problems(store)
        return Snapshot(documents, store.counts(), mentions, incidents,
                        None if problems is None else tuple(problems))


def differences(clean: Snapshot, killed: Snapshot, n_docs: int) -> list[str]:
    """Every way ``killed`` falls short of ``clean``; empty when they agree."""
    out: list[str] = []
    ids = [d for d, _ in killed.documents]
    if len(ids) != n_docs or len(set(ids)) != len(ids) or len({s for _, s in killed.documents}) != len(ids):
        out.append(f"{len(ids)} documents stored ({len(set(ids))} distinct ids), expected {n_docs} once each")
    if killed.documents != clean.documents:
        out.append("documents differ from the clean run's, or are in another ingest order")
    if killed.counts != clean.counts:
        out.append(f"counts differ: clean {clean.counts}, killed {killed.counts}")
    if len(set(killed.mentions)) != len(killed.mentions) or len(killed.mentions) != killed.counts["mentions"]:
        out.append(f"{killed.counts['mentions']} mention rows but {len(set(killed.mentions))} distinct in incidents")
    if killed.mentions != clean.mentions:
        out.append("mention ids differ from the clean run's")
    if killed.counts["processed"] != killed.counts["documents"]:
        out.append(f"only {killed.counts['processed']} of {killed.counts['documents']} documents processed")
    for inc_id in sorted(set(clean.incidents) | set(killed.incidents)):
        if clean.incidents.get(inc_id) != killed.incidents.get(inc_id):
            out.append(f"incident {inc_id} differs: clean {clean.incidents.get(inc_id)!r:.300} / "
                       f"killed {killed.incidents.get(inc_id)!r:.300}")
    out += [f"integrity: {p}" for p in killed.integrity or ()]
    return out


# --- the whole check -------------------------------------------------------------------------------------


@dataclass
class CrashResult:
    n_docs: int
    log: KillLog
    clean: Snapshot
    killed: Snapshot
    problems: list[str]
    seconds: dict[str, float]


def clean_run(db: str, corpus: Path, env: dict[str, str], batch_size: int) -> None:
    run_to_end(["ingest", "--db", db, str(corpus)], env)
    run_to_end(["process", "--db", db, "--batch-size", str(batch_size)], env)


def check(work: Path, killed_db: str, *, n_docs: int, kills: int, seed: int, env: dict[str, str],
          batch_size: int = 4, clean_db: str | None = None) -> CrashResult:
    """Write the corpus, run clean (unless ``clean_db`` already holds that run) and killed, and compare."""
    corpus = work / "corpus"
    write_corpus(corpus, n_docs, seed)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    if clean_db is None:
        clean_db = str(work / "clean.db")
        clean_run(clean_db, corpus, env, batch_size)
    seconds["clean"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    log = killed_run(killed_db, corpus, n_docs, kills, random.Random(seed + 1), env, batch_size)
    seconds["killed"] = time.perf_counter() - t0
    clean, killed = snapshot(clean_db), snapshot(killed_db)
    problems = differences(clean, killed, n_docs) + log.integrity_failures
    return CrashResult(n_docs, log, clean, killed, problems, seconds)


def _health(found: tuple[str, ...] | None, during: list[str]) -> str:
    if found is None:
        return "n/a"  # PostgreSQL checks its own pages; the comparison above is the check
    return "ok" if not found and not during else "FAILED"


def report(result: CrashResult, backend: str) -> str:
    log = result.log
    by_cmd = {c: sum(1 for k in log.kills if k[0] == c) for c in ("ingest", "process")}
    lines = [
        f"crash: {result.n_docs} documents, {len(log.kills)} SIGKILLs (ingest {by_cmd['ingest']}, "
        f"process {by_cmd['process']}; {log.finished} rounds finished before their kill), killed run on {backend}",
        "",
        f"{'':<22}{'clean':>10}{'killed':>10}",
        *(f"{k:<22}{result.clean.counts[k]:>10}{result.killed.counts[k]:>10}" for k in result.clean.counts),
        f"{'integrity_check':<22}{_health(result.clean.integrity, []):>10}"
        f"{_health(result.killed.integrity, log.integrity_failures):>10}",
        "",
        "kill points (command: documents stored / processed when killed): "
        + ", ".join(f"{c}: {d}/{p}" for c, d, p in log.kills),
        f"time: clean run {result.seconds['clean']:.0f} s, killed run {result.seconds['killed']:.0f} s",
        "result: " + ("identical to the clean run" if not result.problems else f"{len(result.problems)} DIFFERENCES"),
        *(f"  {p}" for p in result.problems[:20]),
    ]
    return "\n".join(lines)


def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--db", default=None, help="postgresql:// URL for the killed run [default: SQLite]")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "HARMWATCH_DB"}
    with tempfile.TemporaryDirectory(prefix="hw-crash-") as tmp:
        work = Path(tmp)
        schema = f"hw_crash_{uuid.uuid4().hex[:10]}"
        killed_db = pg_schema_url(args.db, schema) if args.db else str(work / "killed.db")
        try:
            result = check(work, killed_db, n_docs=args.docs, kills=args.kills, seed=args.seed, env=env,
                           batch_size=args.batch_size)
        finally:
            if args.db:
                import psycopg

                with psycopg.connect(args.db, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    print(report(result, "PostgreSQL" if args.db else "SQLite"))
    return 0 if not result.problems and len(result.log.kills) >= args.kills else 1


if __name__ == "__main__":
    sys.exit(main())
