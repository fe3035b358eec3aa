"""Crash safety: ``harmwatch ingest`` and ``harmwatch process`` SIGKILLed at random points end in the clean record.

The harness is ``bench/crash.py`` (500 documents, 20 kills); here 40 documents and 3 kills, on SQLite and on
PostgreSQL, each compared with one uninterrupted run.
"""

from __future__ import annotations

import os

import pytest

from conftest import load_bench
from harmwatch.config import Settings
from harmwatch.ingest import ingest
from harmwatch.pipeline import process
from harmwatch.store import open_store

crash = load_bench("crash")

N_DOCS, KILLS, SEED, BATCH = 40, 3, 5, 4


@pytest.fixture(scope="module")
def clean_db(tmp_path_factory, extractor):
    """The corpus ingested and processed once, without interruption (in-process: same code as the CLI)."""
    work = tmp_path_factory.mktemp("crash-clean")
    crash.write_corpus(work / "corpus", N_DOCS, SEED)
    db = str(work / "clean.db")
    with open_store(db) as store:
        assert ingest(store, [work / "corpus"], Settings(db=db)).ok
        process(store, extractor, batch_size=BATCH)
    return db


@pytest.fixture
def cli_env(hw_env):
    return {**{k: v for k, v in os.environ.items() if k != "HARMWATCH_DB"}, "HARMWATCH_HOME": hw_env["HARMWATCH_HOME"]}


def test_corpus_is_deterministic_and_every_document_distinct(tmp_path):
    crash.write_corpus(tmp_path / "a", 30, SEED)
    crash.write_corpus(tmp_path / "b", 30, SEED)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    with open_store(tmp_path / "c.db") as store:
        report = ingest(store, [tmp_path / "a"], Settings())
    assert report.stored == 30 and report.ok


def test_clean_run_links_reports_of_one_event_together(clean_db):
    snap = crash.snapshot(clean_db)
    assert snap.counts["documents"] == N_DOCS and snap.counts["processed"] == N_DOCS
    assert snap.counts["incidents"] < snap.counts["mentions"]  # several reports per event were linked
    assert any(len(rec["documents"]) > 1 for rec in snap.incidents.values())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkilled_runs_end_identical_to_the_clean_run(backend, clean_db, cli_env, tmp_path, request):
    killed_db = request.getfixturevalue("pg_url") if backend == "postgresql" else str(tmp_path / "killed.db")
    result = crash.check(tmp_path, killed_db, n_docs=N_DOCS, kills=KILLS, seed=SEED, env=cli_env,
                         batch_size=BATCH, clean_db=clean_db)
    commands = [k[0] for k in result.log.kills]
    assert len(commands) == KILLS and "ingest" in commands and "process" in commands, result.log
    assert result.problems == [], crash.report(result, backend)
    assert result.killed.integrity == (() if backend == "sqlite" else None)
    assert result.log.integrity_failures == []


def test_differences_name_what_a_bad_run_got_wrong(clean_db):
    clean = crash.snapshot(clean_db)
    inc_id = sorted(clean.incidents)[0]
    dup = clean.documents[0]
    broken = crash.Snapshot(
        documents=(*clean.documents, dup), counts={**clean.counts, "mentions": clean.counts["mentions"] + 1},
        mentions=clean.mentions, incidents={k: v for k, v in clean.incidents.items() if k != inc_id},
        integrity=("row 3 missing from index",))
    found = "\n".join(crash.differences(clean, broken, N_DOCS))
    for expected in (f"{N_DOCS + 1} documents stored", "counts differ", "mention rows", f"incident {inc_id}",
                     "integrity: row 3"):
        assert expected in found
    assert crash.differences(clean, clean, N_DOCS) == []

