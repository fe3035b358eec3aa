"""``harmwatch verify``: every stored original hashes to its recorded SHA-256, or the command says which not."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from harmwatch.cli import main
from harmwatch.config import Settings
from harmwatch.ingest import ingest
from harmwatch.store import open_store
from harmwatch.verify import Mismatch, verify

N_DOCS = 20  # more than one page of stored_originals, so a mismatch past the first page is found too


def _write_corpus(folder: Path, n: int = N_DOCS) -> list[str]:
    folder.mkdir(exist_ok=True)
    names = []
    for i in range(n):
        name = f"r{i:02d}.txt"
        (folder / name).write_text(f"Report {i}: shelling hit a market in Town{i} on day {i}, killing {i + 2}.\n",
                                   encoding="utf-8")
        names.append(name)
    return names


@pytest.fixture
def corpus_db(tmp_path) -> tuple[str, list[str]]:
    """A SQLite database holding ``N_DOCS`` ingested text files, and their ids in ingest order."""
    names = _write_corpus(tmp_path / "reports")
    db = str(tmp_path / "hw.db")
    with open_store(db) as store:
        report = ingest(store, [tmp_path / "reports"], Settings(db=db))
    assert report.stored == N_DOCS
    return db, names


def _cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _dump(db: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        sql = "SELECT sha256, doc_id, raw, text, seq, processed_at FROM documents ORDER BY seq"
        return conn.execute(sql).fetchall()


# Each corruption: SQL run against the documents row of the victim (a doc_id), as an attacker or bit rot would.
CORRUPTIONS = {
    "one byte of raw flipped": "UPDATE documents SET raw = CAST(substr(raw, 1, 5) || 'X' || substr(raw, 7) AS BLOB) "
                               "WHERE doc_id = ?",
    "raw truncated": "UPDATE documents SET raw = substr(raw, 1, 10) WHERE doc_id = ?",
    "raw emptied": "UPDATE documents SET raw = X'' WHERE doc_id = ?",
    "recorded sha256 edited": "UPDATE documents SET sha256 = replace(sha256, substr(sha256, 1, 1), "
                              "CASE substr(sha256, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) WHERE doc_id = ?",
    "raw stored as text": "UPDATE documents SET raw = 'not the original' WHERE doc_id = ?",
}


def test_intact_database_verifies_and_exits_zero(corpus_db):
    db, _ = corpus_db
    before = _dump(db)
    result = _cli("verify", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert f"{N_DOCS} documents checked, {N_DOCS} intact, 0 mismatched" in result.stderr
    assert "database integrity: ok" in result.stderr
    assert _dump(db) == before  # verify writes nothing


@pytest.mark.parametrize("victim", [0, 9, N_DOCS - 1])
@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_each_kind_of_corruption_is_reported_and_fails_the_command(corpus_db, how, victim):
    db, names = corpus_db
    with sqlite3.connect(db) as conn:
        assert conn.execute(CORRUPTIONS[how], (names[victim],)).rowcount == 1
    result = _cli("verify", "--db", db)
    assert result.exit_code == 2
    flagged = [line for line in result.stderr.splitlines() if line.startswith("mismatch:")]
    assert len(flagged) == 1 and repr(names[victim]) in flagged[0]
    assert f"{N_DOCS - 1} intact, 1 mismatched" in result.stderr


def test_report_names_recorded_and_recomputed_hashes(corpus_db):
    db, names = corpus_db
    with sqlite3.connect(db) as conn:
        recorded = conn.execute("SELECT sha256 FROM documents WHERE doc_id = ?", (names[3],)).fetchone()[0]
        conn.execute("UPDATE documents SET raw = X'00' WHERE doc_id = ?", (names[3],))
    with open_store(db) as store:
        report = verify(store)
    assert report.checked == N_DOCS and not report.ok
    assert report.mismatches == (Mismatch(4, names[3], recorded, hashlib.sha256(b"\x00").hexdigest()),)
    assert report.integrity == ()


def test_several_mismatches_are_all_listed_in_ingest_order(corpus_db):
    db, names = corpus_db
    victims = [names[1], names[12], names[17]]
    with sqlite3.connect(db) as conn:
        for doc_id in reversed(victims):
            conn.execute("UPDATE documents SET raw = raw || X'0a' WHERE doc_id = ?", (doc_id,))
    with open_store(db) as store:
        report = verify(store)
    assert [m.doc_id for m in report.mismatches] == victims


def test_empty_database_verifies(tmp_path):
    db = str(tmp_path / "empty.db")
    open_store(db).close()
    result = _cli("verify", "--db", db)
    assert result.exit_code == 0
    assert "0 documents checked" in result.stderr


def test_missing_database_is_an_error_and_is_not_created(tmp_path):
    db = tmp_path / "nowhere.db"
    result = _cli("verify", "--db", str(db))
    assert result.exit_code == 1
    assert "no database at" in result.stderr and "--db" in result.stderr
    assert not db.exists()


def test_not_a_database_is_an_error(tmp_path):
    db = tmp_path / "notes.db"
    db.write_bytes(b"this is not sqlite " * 100)
    result = _cli("verify", "--db", str(db))
    assert result.exit_code == 1
    assert "harmwatch:" in result.stderr and "Traceback" not in result.stderr


def test_verify_on_postgresql_finds_a_corrupted_original(pg_url, tmp_path):
    import psycopg

    names = _write_corpus(tmp_path / "reports", 10)
    with open_store(pg_url) as store:
        assert ingest(store, [tmp_path / "reports"], Settings(db=pg_url)).stored == 10
        clean = verify(store)
    assert clean.checked == 10 and clean.ok and clean.integrity is None
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE documents SET raw = %s WHERE doc_id = %s", (b"tampered", names[8]))
    result = _cli("verify", "--db", pg_url)
    assert result.exit_code == 2
    assert repr(names[8]) in result.stderr and "9 intact, 1 mismatched" in result.stderr
