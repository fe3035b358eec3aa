"""process(): batches, one transaction per batch, resumability and batch-size independence."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import FakeExtractor, FakeLinkStage
from harmwatch.errors import ConfigError, ExtractError, LinkError
from harmwatch.pipeline import ProcessReport, process
from harmwatch.store import open_store


def _ingest(path, docs):
    store = open_store(path)
    for doc in docs:
        store.add_document(doc)
    return store


def _state(store):
    """Everything linking decided: the incidents and why each mention joined."""
    incidents = list(store.incidents())
    return incidents, {inc.id: store.links_of(inc.id) for inc in incidents}


@pytest.fixture
def reference(tmp_path, toy_documents):
    """The state after a clean run with batch size 1."""
    with _ingest(tmp_path / "reference.db", toy_documents) as store:
        process(store, FakeExtractor(), batch_size=1, linker=FakeLinkStage())
        return _state(store)


def test_process_checkpoints_less_often_while_it_runs_and_restores_the_setting(tmp_path, toy_documents):
    from harmwatch.store.db import BULK_CHECKPOINT_PAGES

    seen = []

    class Watching(FakeExtractor):
        def extract(self, docs):
            seen.append(store._db.pragma("wal_autocheckpoint"))
            return super().extract(docs)

    with _ingest(tmp_path / "p.db", toy_documents) as store:
        before = store._db.pragma("wal_autocheckpoint")
        process(store, Watching(), batch_size=4, linker=FakeLinkStage())
        assert seen == [BULK_CHECKPOINT_PAGES, BULK_CHECKPOINT_PAGES]
        assert store._db.pragma("wal_autocheckpoint") == before != BULK_CHECKPOINT_PAGES


def _mention_counts(docs):
    return [len(found) for found in FakeExtractor().extract(docs)]


def test_process_links_everything_once(tmp_path, toy_documents):
    extractor = FakeExtractor()
    with _ingest(tmp_path / "p.db", toy_documents) as store:
        report = process(store, extractor, batch_size=4, linker=FakeLinkStage())
        incidents = {inc.id: inc for inc in store.incidents()}
        mentions = sum(_mention_counts(toy_documents))
        assert report == ProcessReport(len(toy_documents), mentions, len(incidents))
        assert extractor.calls == [4, 2]
        assert store.counts()["processed"] == len(toy_documents)
        assert store.unprocessed(10) == []
        assert process(store, extractor, linker=FakeLinkStage()) == ProcessReport(0, 0, 0)
        assert extractor.calls == [4, 2]
    by_place = {(inc.type, inc.scope, inc.where.name): inc for inc in incidents.values()}
    aleppo = by_place[("shelling", "incident", "Aleppo")]
    assert aleppo.documents == ("doc-1", "doc-2", "doc-6")
    # The undated Homs mention was a candidate for the dated one, found through the open window.
    assert by_place[("shelling", "incident", "Homs")].documents == ("doc-3", "doc-4")
    # Aggregate tallies never join incident-scope mentions.
    assert by_place[("other", "aggregate", "Aleppo")].documents == ("doc-6",)


@pytest.mark.parametrize("batch_size", [2, 3, 5, 50])
def test_result_does_not_depend_on_batch_size(tmp_path, toy_documents, reference, batch_size):
    with _ingest(tmp_path / "b.db", toy_documents) as store:
        process(store, FakeExtractor(), batch_size=batch_size, linker=FakeLinkStage())
        assert _state(store) == reference


def _committed_documents(docs, crash_at, batch_size):
    """How many documents commit before the crash_at-th mention's batch."""
    ends = list(itertools.accumulate(_mention_counts(docs)))
    crashing_doc = next(i for i, end in enumerate(ends) if end >= crash_at)
    return crashing_doc - crashing_doc % batch_size


@pytest.mark.parametrize("crash_at, batch_size", [(1, 1), (3, 2), (4, 2), (6, 4), (9, 1), (9, 5)])
def test_crash_rolls_back_open_batch_and_rerun_resumes(tmp_path, toy_documents, reference, crash_at,
                                                       batch_size):
    committed = _committed_documents(toy_documents, crash_at, batch_size)
    with _ingest(tmp_path / "c.db", toy_documents) as store:
        with pytest.raises(RuntimeError, match="simulated crash"):
            process(store, FakeExtractor(), batch_size=batch_size, linker=FakeLinkStage(crash_at=crash_at))
        counts = store.counts()
        assert counts["processed"] == committed
        assert counts["mentions"] == sum(_mention_counts(toy_documents[:committed]))
        report = process(store, FakeExtractor(), batch_size=batch_size, linker=FakeLinkStage())
        assert report.documents == len(toy_documents) - committed
        assert store.counts()["mentions"] == sum(_mention_counts(toy_documents))
        assert _state(store) == reference


_KILLED_CHILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from conftest import FakeExtractor, FakeLinkStage
from harmwatch.pipeline import process
from harmwatch.store import open_store

linker = FakeLinkStage(crash_at=int(sys.argv[3]), crash=lambda: os.kill(os.getpid(), signal.SIGKILL))
process(open_store(sys.argv[2]), FakeExtractor(), batch_size=2, linker=linker)
"""


def test_sigkill_mid_batch_leaves_a_consistent_database(tmp_path, toy_documents, reference):
    path = tmp_path / "k.db"
    _ingest(path, toy_documents).close()
    child = subprocess.run([sys.executable, "-c", _KILLED_CHILD, str(Path(__file__).parent), str(path), "6"],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with open_store(path) as store:
        assert store.counts()["processed"] == _committed_documents(toy_documents, 6, 2)
        process(store, FakeExtractor(), batch_size=2, linker=FakeLinkStage())
        assert _state(store) == reference


class _RacingExtractor(FakeExtractor):
    """On its first call, lets a second process run over the same database first."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def extract(self, docs):
        if not self.calls:
            with open_store(self.path) as other:
                process(other, FakeExtractor(), batch_size=2, linker=FakeLinkStage())
        return super().extract(docs)


def test_batch_linked_meanwhile_by_another_process_is_skipped(tmp_path, toy_documents, reference):
    path = tmp_path / "race.db"
    with _ingest(path, toy_documents) as store:
        report = process(store, _RacingExtractor(path), batch_size=2, linker=FakeLinkStage())
        assert report == ProcessReport(0, 0, 0)
        assert _state(store) == reference


def test_processed_at_comes_from_the_clock(tmp_path, toy_documents, fixed_clock):
    path = tmp_path / "t.db"
    with _ingest(path, toy_documents) as store:
        process(store, FakeExtractor(), linker=FakeLinkStage(), clock=fixed_clock)
    with sqlite3.connect(path) as conn:
        stamps = {r[0] for r in conn.execute("SELECT processed_at FROM documents")}
    assert stamps == {fixed_clock().isoformat()}


def test_progress_bar_goes_to_stderr(tmp_path, toy_documents, capsys):
    with _ingest(tmp_path / "pb.db", toy_documents) as store:
        process(store, FakeExtractor(), linker=FakeLinkStage(), progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{len(toy_documents)}/{len(toy_documents)}" in err


def test_batch_size_below_one_raises_config_error(new_store):
    with pytest.raises(ConfigError, match="batch size"):
        process(new_store, FakeExtractor(), batch_size=0, linker=FakeLinkStage())


class _ShortExtractor(FakeExtractor):
    def extract(self, docs):
        return super().extract(docs)[:-1]


class _MixedUpExtractor(FakeExtractor):
    def extract(self, docs):
        return list(reversed(super().extract(docs)))


@pytest.mark.parametrize("extractor, message", [(_ShortExtractor(), "one tuple per document"),
                                                (_MixedUpExtractor(), "do not belong")])
def test_extractor_breaking_its_contract_changes_nothing(new_store, toy_documents, extractor, message):
    for doc in toy_documents:
        new_store.add_document(doc)
    with pytest.raises(ExtractError, match=message):
        process(new_store, extractor, batch_size=3, linker=FakeLinkStage())
    assert new_store.counts()["processed"] == 0


class _RenamingLinker(FakeLinkStage):
    def build_incident(self, incident_id, mentions, documents, links):
        return replace(super().build_incident(incident_id, mentions, documents, links), id="inc-other")


class _CollidingLinker(FakeLinkStage):
    def incident_id_for(self, mention):
        return "inc-same"

    def assign(self, mention, candidates):
        return None


@pytest.mark.parametrize("linker, message", [(_RenamingLinker(), "keep the id"),
                                             (_CollidingLinker(), "unique")])
def test_link_stage_breaking_its_contract_raises_link_error(new_store, toy_documents, linker, message):
    new_store.add_document(toy_documents[0])
    with pytest.raises(LinkError, match=message):
        process(new_store, FakeExtractor(), linker=linker)
    assert new_store.counts()["mentions"] == 0


@pytest.mark.parametrize("lazy", [False, True])
def test_default_link_stage_is_harmwatch_link(tmp_path, toy_documents, request, lazy):
    if lazy:
        request.getfixturevalue("lazy_rebuilds")
    states = []
    for batch_size in (1, 4):
        with _ingest(tmp_path / f"real-{batch_size}.db", toy_documents) as store:
            report = process(store, FakeExtractor(), batch_size=batch_size)
            assert report.documents == len(toy_documents)
            assert store.stale_incidents() == []
            states.append(_state(store))
    incidents = states[0][0]
    assert {m for inc in incidents for m in inc.mentions} == {
        m.id for found in FakeExtractor().extract(toy_documents) for m in found}
    assert states[0] == states[1]


def test_marked_time_is_timezone_aware_by_default(new_store, toy_documents):
    new_store.add_document(toy_documents[0])
    before = datetime.now(UTC)
    process(new_store, FakeExtractor(), linker=FakeLinkStage())
    row = new_store._db.one("SELECT processed_at FROM documents")
    stamp = datetime.fromisoformat(row["processed_at"])
    assert stamp.tzinfo is not None and stamp >= before


# --- large incidents wait for their rebuild (harmwatch.store.stale) ---


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_incidents_waiting_for_their_rebuild_end_as_if_rebuilt_every_batch(tmp_path, toy_documents, reference,
                                                                            lazy_rebuilds, batch_size):
    with _ingest(tmp_path / "lazy.db", toy_documents) as store:
        report = process(store, FakeExtractor(), batch_size=batch_size, linker=FakeLinkStage())
        assert store.stale_incidents() == []
        assert _state(store) == reference
        assert report.incidents_touched == len(reference[0])


def _behind(store):
    """Incidents whose stored row lists fewer mentions than they have members."""
    return sorted(inc.id for inc in store.incidents()
                  if len(inc.mentions) != len(store.members_of([inc.id])[inc.id]))


def test_a_crash_leaves_waiting_incidents_listed_and_the_next_run_rebuilds_them(new_store, toy_documents,
                                                                                reference, lazy_rebuilds):
    for doc in toy_documents:
        new_store.add_document(doc)
    with pytest.raises(RuntimeError, match="simulated crash"):  # the 9th mention is in the 6th document
        process(new_store, FakeExtractor(), batch_size=1, linker=FakeLinkStage(crash_at=9))
    # Aleppo's, Idlib's and Homs's shelling or air strike each gained a member after their first build.
    assert len(new_store.stale_incidents()) == 3
    assert _behind(new_store) == new_store.stale_incidents()
    process(new_store, FakeExtractor(), batch_size=1, linker=FakeLinkStage())
    assert new_store.stale_incidents() == [] and _behind(new_store) == []
    assert _state(new_store) == reference


def test_a_review_of_a_waiting_incident_keeps_it_waiting_and_survives_its_rebuild(tmp_path, toy_documents,
                                                                                 lazy_rebuilds):
    from harmwatch.api import actions

    with _ingest(tmp_path / "review.db", toy_documents) as store:
        with pytest.raises(RuntimeError, match="simulated crash"):
            process(store, FakeExtractor(), batch_size=1, linker=FakeLinkStage(crash_at=9))
        waiting = store.stale_incidents()[0]
        actions.confirm(store, "Analyst", waiting, "checked against the video")
        assert waiting in store.stale_incidents()  # the decision did not make the row current
        process(store, FakeExtractor(), batch_size=1, linker=FakeLinkStage())
        rebuilt = store.incident(waiting)
        assert rebuilt.status == "reviewed"
        assert len(rebuilt.mentions) == len(store.members_of([waiting])[waiting])


def test_a_run_killed_before_it_caught_up_is_caught_up_by_the_next_with_nothing_new(
        tmp_path, toy_documents, reference, lazy_rebuilds, monkeypatch):
    from harmwatch.link import session

    def killed(*args, **kwargs):
        raise RuntimeError("killed before catching up")

    with _ingest(tmp_path / "late.db", toy_documents) as store:
        with monkeypatch.context() as patch:
            patch.setattr(session, "rebuild_stale", killed)
            with pytest.raises(RuntimeError, match="before catching up"):
                process(store, FakeExtractor(), batch_size=2, linker=FakeLinkStage())
        assert store.counts()["processed"] == len(toy_documents)
        waiting = store.stale_incidents()
        assert waiting and _behind(store) == waiting
        report = process(store, FakeExtractor(), batch_size=2, linker=FakeLinkStage())
        assert (report.documents, report.incidents_touched) == (0, len(waiting))
        assert store.stale_incidents() == [] and _state(store) == reference


@pytest.mark.parametrize("text", [
    "Up to 100,000 people remain trapped in the besieged east of Aleppo, the UN said, while Moscow put the figure "
    "at 50,000.",
    "Up to 100,000 people remain trapped in the besieged east of Aleppo, the UN said.\n\nMoscow put the figure "
    "at 50,000.",  # the second voice opens the next paragraph
])
def test_two_voices_give_one_incident_with_both_claims(new_store, extractor, text):
    from conftest import toy_document

    new_store.add_document(toy_document(1, "Wire A", "2016-12-05", text))
    process(new_store, extractor)
    (incident,) = new_store.incidents()
    (remaining,) = [f for f in incident.figures if f.kind == "remaining"]
    assert sorted((c.claimed_by, c.low, c.high) for c in remaining.claims) == [("Moscow", 50000, 50000),
                                                                              ("UN", None, 100000)]
    assert remaining.contradiction and (remaining.low, remaining.high) == (50000, 100000)
