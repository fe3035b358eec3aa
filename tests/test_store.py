"""The SQLite store: round trips, identity, migrations, transactions and queries."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FakeExtractor, FakeLinkStage
from harmwatch.errors import ConfigError, LinkError, NotFound, SchemaError, StoreError
from harmwatch.model import (
    Actor,
    Document,
    Figure,
    Incident,
    Link,
    Mention,
    Place,
    Span,
    When,
    sha256_hex,
)
from harmwatch.pipeline import process
from harmwatch.store import SCHEMA_VERSION, open_store, schema, search
from harmwatch.store.db import Database


def _link_corpus(store, docs):
    """Store docs and link their toy mentions with the fake stages."""
    for doc in docs:
        store.add_document(doc)
    process(store, FakeExtractor(), linker=FakeLinkStage())


def _bare_mention(doc: Document, index: int) -> Mention:
    return Mention(doc.sha256, doc.id, index, "shelling", Span(0, 4, doc.text[:4]))


# --- documents ---

def test_add_document_is_idempotent_and_round_trips(new_store, toy_documents):
    first = toy_documents[0]
    assert new_store.add_document(first) is True
    assert new_store.add_document(first) is False
    assert new_store.add_document(replace(first, title="changed, same bytes")) is False
    assert new_store.counts()["documents"] == 1
    assert new_store.get_document(first.sha256) == first


@pytest.mark.parametrize("key", [
    lambda d: d.sha256, lambda d: d.sha256[:8], lambda d: d.sha256[:20].upper(), lambda d: d.id,
])
def test_get_document_by_sha_prefix_or_id(new_store, toy_documents, key):
    for doc in toy_documents:
        new_store.add_document(doc)
    for doc in toy_documents:
        assert new_store.get_document(key(doc)) == doc


@pytest.mark.parametrize("key", ["nope", "doc-99", "0123456"])
def test_get_document_unknown_raises_not_found(new_store, toy_documents, key):
    new_store.add_document(toy_documents[0])
    with pytest.raises(NotFound, match="ingest it first"):
        new_store.get_document(key)


def test_get_document_ambiguous_id_raises_not_found(new_store, toy_documents):
    doc = toy_documents[0]
    edited = replace(doc, raw=doc.raw + b"!", sha256=sha256_hex(doc.raw + b"!"))
    new_store.add_document(doc)
    new_store.add_document(edited)
    with pytest.raises(NotFound, match="more than one document"):
        new_store.get_document(doc.id)


_texts = st.text(max_size=200)


@settings(max_examples=40, deadline=None)
@given(raw=st.binary(max_size=200), text=_texts, title=st.none() | _texts, published=st.none() | st.dates(),
       retrieved=st.none() | st.datetimes(timezones=st.just(UTC)), language=st.none() | st.just("ar"))
def test_document_round_trip_any_content(raw, text, title, published, retrieved, language):
    doc = Document(id="x/y.txt", sha256=sha256_hex(raw), raw=raw, text=text, title=title, published=published,
                   retrieved=retrieved, language=language, boilerplate=(Span(0, len(text), text),))
    with open_store(":memory:") as store:
        store.add_document(doc)
        assert store.get_document(doc.sha256) == doc
        assert list(store.documents()) == [doc]


def test_unprocessed_in_ingest_order_until_marked(new_store, toy_documents):
    for doc in reversed(toy_documents):
        new_store.add_document(doc)
    ingest_order = list(reversed(toy_documents))
    assert new_store.unprocessed(2) == ingest_order[:2]
    new_store.mark_processed([d.sha256 for d in ingest_order[:3]], datetime(2026, 1, 1, tzinfo=UTC))
    assert new_store.unprocessed(10) == ingest_order[3:]
    assert new_store.counts()["processed"] == 3
    assert list(new_store.documents()) == ingest_order


# --- mentions, links, incidents ---

def test_mentions_links_and_incidents_round_trip(new_store, toy_documents):
    _link_corpus(new_store, toy_documents)
    mentions = {m.id: m for found in FakeExtractor().extract(toy_documents) for m in found}
    incidents = list(new_store.incidents())
    assert sorted(m for inc in incidents for m in inc.mentions) == sorted(mentions)
    for inc in incidents:
        assert new_store.members(inc.id) == [mentions[mid] for mid in inc.mentions]
        again = new_store.incident(inc.id)
        assert again == inc
        assert again.links == tuple(new_store.links_of(inc.id))
    joined = [inc for inc in incidents if len(inc.mentions) > 1]
    assert joined and all(len(new_store.links_of(inc.id)) == len(inc.mentions) - 1 for inc in joined)


def test_batched_reads_and_writes_equal_one_at_a_time(new_store, toy_documents):
    _link_corpus(new_store, toy_documents)
    incidents = list(new_store.incidents())
    ids = [inc.id for inc in incidents] + ["inc-missing"]
    members, links = new_store.members_of(ids), new_store.links_of_all(ids)
    assert list(members) == ids and list(links) == ids
    assert members.pop("inc-missing") == [] and links.pop("inc-missing") == []
    assert members == {i: new_store.members(i) for i in members}
    assert links == {i: new_store.links_of(i) for i in links}
    renamed = [replace(inc, type="abduction", perpetrators=(f"Brigade {n}",)) for n, inc in enumerate(incidents)]
    new_store.put_incidents(renamed)
    assert [new_store.incident(inc.id).type for inc in incidents] == ["abduction"] * len(incidents)
    found = search.page(new_store, search.IncidentQuery(actor="Brigade"), limit=100)
    assert sorted(s.id for s in found) == sorted(ids[:-1])


def test_incident_read_back_equals_what_was_put(new_store, toy_documents):
    doc = toy_documents[0]
    m = next(iter(FakeExtractor().extract([doc])[0]))
    inc = FakeLinkStage().build_incident("inc-x", [m], {doc.sha256: doc}, [])
    inc = replace(inc, where=replace(m.where, admin1="Aleppo Governorate", population=1_600_000),
                  when=When(date(2016, 7, 24), date(2016, 7, 26), "week", "that week", "rel"))
    with new_store.transaction():
        new_store.add_document(doc)
        new_store.save_mention(m, inc.id, None)
        new_store.put_incident(inc)
    assert new_store.incident("inc-x") == inc
    assert list(new_store.incidents()) == [inc]


def test_rich_mention_round_trips(new_store, toy_documents):
    doc = toy_documents[1]
    m = Mention(
        doc.sha256, doc.id, 3, "air_strike", Span(5, 40, doc.text[5:40]), status="negated", scope="aggregate",
        section="quote", where=Place("Idlib", 35.93, 36.63, "city", "169388", "SY", "Idlib", "PPLA", 160_000,
                                     0.8, "largest"),
        when=When(date(2016, 7, 1), date(2016, 7, 31), "month", "in July", "month-name"),
        figures=(Figure("killed", "children", 4, None, "at_least", Span(6, 7, "4")),
                 Figure("injured", "people", None, 50, "at_most")),
        perpetrators=(Actor("Russia", 8, "Russian jets"),), targets=("children", "health"),
        claimed_by="a monitor", certainty="claimed", trigger=Span(5, 9, "hits"), rule="r1",
        source="Outlet B", published=date(2016, 7, 26),
    )
    inc = Incident("inc-r", "air_strike", "aggregate", None, None, mentions=(m.id,))
    with new_store.transaction():
        new_store.add_document(doc)
        new_store.save_mention(m, inc.id, None)
        new_store.put_incident(inc)
    assert new_store.members("inc-r") == [m]
    assert new_store.counts()["claims"] == 2


def test_put_incident_replaces(new_store):
    inc = Incident("inc-1", "shelling", "incident", None, None)
    new_store.put_incident(inc)
    new_store.put_incident(replace(inc, grade="confirmed", status="reviewed"))
    assert new_store.incident("inc-1").grade == "confirmed"
    assert new_store.counts()["incidents"] == 1


def test_unknown_incident_raises_not_found(new_store):
    with pytest.raises(NotFound, match="harmwatch incidents"):
        new_store.incident("inc-missing")


def test_mention_of_unstored_document_raises_not_found(new_store, toy_documents):
    with pytest.raises(NotFound, match="add the document"):
        new_store.save_mention(_bare_mention(toy_documents[0], 0), "inc-1", None)


def test_link_for_another_mention_raises_link_error(new_store, toy_documents):
    doc = toy_documents[0]
    new_store.add_document(doc)
    m = _bare_mention(doc, 0)
    with pytest.raises(LinkError):
        new_store.save_mention(m, "inc-1", Link("m-other-0", "inc-1", 0.5))
    with pytest.raises(LinkError):
        new_store.save_mention(m, "inc-1", Link(m.id, "inc-2", 0.5))


def test_mention_without_its_incident_fails_at_commit(new_store, toy_documents):
    """foreign_keys is on: a mention may not point at an incident that never gets stored."""
    doc = toy_documents[0]
    new_store.add_document(doc)
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        new_store.save_mention(_bare_mention(doc, 0), "inc-never-put", None)
    assert new_store.counts()["mentions"] == 0


@pytest.mark.parametrize("same_batch", [True, False])
def test_saving_a_mention_again_keeps_only_its_last_claims_and_link(new_store, toy_documents, same_batch):
    doc = toy_documents[0]
    first = replace(_bare_mention(doc, 0), figures=(Figure("killed", "people", 3, 3, "exact"),
                                                    Figure("injured", "people", 9, 9, "exact")))
    again = replace(first, figures=(Figure("killed", "people", 4, 4, "exact"),))
    with new_store.transaction():
        new_store.add_document(doc)
        for inc_id in ("inc-a", "inc-b"):
            new_store.put_incident(Incident(inc_id, "shelling", "incident", None, None))
        writer = new_store.mention_writer([first, again])
        writer.save(first, "inc-a", Link(first.id, "inc-a", 0.7))
        if not same_batch:
            writer.flush()
        writer.save(again, "inc-b", None)
        writer.flush()
    assert new_store.counts()["claims"] == 1
    assert new_store.links_of("inc-a") == [] and new_store.links_of("inc-b") == []
    assert new_store.members("inc-b") == [again] and new_store.members("inc-a") == []


def test_mention_writer_checks_documents_before_writing(new_store, toy_documents):
    stored, missing = toy_documents[0], toy_documents[1]
    new_store.add_document(stored)
    with pytest.raises(NotFound, match="add the document before"), new_store.transaction():
        new_store.mention_writer([_bare_mention(stored, 0), _bare_mention(missing, 0)])


def test_mention_writer_needs_a_transaction(new_store, toy_documents):
    with pytest.raises(StoreError, match="inside `with store.transaction"):
        new_store.mention_writer([_bare_mention(toy_documents[0], 0)])


# --- transactions ---

def test_transaction_rollback_leaves_nothing(new_store, toy_documents):
    with pytest.raises(RuntimeError), new_store.transaction():
        _link_corpus(new_store, toy_documents)
        assert new_store.counts()["incidents"] > 0
        raise RuntimeError("boom")
    assert set(new_store.counts().values()) == {0}
    assert new_store.add_document(toy_documents[0]) is True  # still usable


def test_data_survives_reopen(tmp_path, toy_documents):
    with open_store(tmp_path / "a.db") as store:
        _link_corpus(store, toy_documents)
        before = list(store.incidents())
        counts = store.counts()
    with open_store(tmp_path / "a.db") as store:
        assert list(store.incidents()) == before
        assert store.counts() == counts


# --- schema ---

def test_wal_and_schema_version_on_disk(tmp_path):
    path = tmp_path / "w.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_raises_schema_error(tmp_path):
    path = tmp_path / "new.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(SchemaError, match="Upgrade harmwatch"):
        open_store(path)


def test_foreign_sqlite_file_raises_schema_error(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE stuff (x)")
    with pytest.raises(SchemaError, match="not a harmwatch database"):
        open_store(path)


def test_non_sqlite_file_raises_schema_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are notes, not a database\n" * 50)
    with pytest.raises(SchemaError, match="not a healthy SQLite database"):
        open_store(path)


def test_missing_folder_raises_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "x.db")


def test_migrations_apply_in_order_and_roll_back_on_failure(tmp_path, monkeypatch):
    path = tmp_path / "m.db"
    open_store(path).close()
    steps = (*schema.MIGRATIONS, ("CREATE TABLE extra2 (x INTEGER)",),
             ("CREATE TABLE extra3 (x INTEGER)", "INSERT INTO extra2 VALUES (3)"))
    monkeypatch.setattr(schema, "MIGRATIONS", steps)
    db = Database(path)
    assert schema.migrate(db, latest=len(steps)) == len(steps)
    versions = [r["version"] for r in db.all("SELECT version FROM schema_version ORDER BY version")]
    assert versions == list(range(1, len(steps) + 1))
    assert {"extra2", "extra3"} <= db.table_names()
    db.close()

    monkeypatch.setattr(schema, "MIGRATIONS", (*steps, ("CREATE TABLE extra4 (x)", "NOT SQL AT ALL")))
    db = Database(path)
    with pytest.raises(StoreError):
        schema.migrate(db, latest=len(steps) + 1)
    assert schema.current_version(db) == len(steps)
    assert "extra4" not in db.table_names()
    db.close()


# --- queries ---

def _dated_incidents(store, doc):
    """Incidents a..e with one mention each, over a few July 2016 windows."""
    spans = {"a": ("incident", "2016-07-01", "2016-07-01"), "b": ("incident", "2016-07-10", "2016-07-12"),
             "c": ("incident", None, None), "d": ("aggregate", "2016-07-10", "2016-07-12"),
             "e": ("incident", "2016-07-20", None)}
    store.add_document(doc)
    with store.transaction():
        for i, (key, (scope, start, end)) in enumerate(sorted(spans.items())):
            m = replace(_bare_mention(doc, i), scope=scope)
            end_day = date.fromisoformat(end) if end else None
            when = When(date.fromisoformat(start), end_day) if start else None
            store.save_mention(m, key, None)
            store.put_incident(Incident(key, "shelling", scope, None, when, mentions=(m.id,)))


@pytest.mark.parametrize("start, end, scope, expected", [
    ("2016-07-11", "2016-07-11", "incident", "bc"),
    ("2016-07-12", "2016-07-15", "incident", "bc"),
    ("2016-07-02", "2016-07-09", "incident", "c"),
    (None, "2016-07-05", "incident", "ac"),
    ("2016-07-13", None, "incident", "ce"),
    ("2016-07-25", "2016-07-30", "incident", "ce"),
    (None, None, "incident", "abce"),
    ("2016-07-11", "2016-07-11", "aggregate", "d"),
])
def test_candidates_window(new_store, toy_documents, start, end, scope, expected):
    doc = toy_documents[0]
    _dated_incidents(new_store, doc)
    found = new_store.candidates(date.fromisoformat(start) if start else None,
                                 date.fromisoformat(end) if end else None, scope)
    assert list(found) == list(expected)
    assert all(m.scope == scope and m.doc_sha256 == doc.sha256 for ms in found.values() for m in ms)


def test_candidates_list_each_incidents_mentions_in_processing_order(new_store, toy_documents):
    _link_corpus(new_store, toy_documents)
    found = new_store.candidates(None, None, "incident")
    assert list(found) == sorted(found)
    for incident_id, mentions in found.items():
        assert [m.id for m in mentions] == list(new_store.incident(incident_id).mentions)


def _place_incidents(store):
    rows = [("i1", "shelling", "Aleppo", 36.2, 37.16, "2016-07-24"),
            ("i2", "air_strike", "Idlib", 35.93, 36.63, "2016-07-25"),
            ("i3", "shelling", "Suva", -18.1, 178.4, "2016-07-01"),
            ("i4", "shelling", "Homs", 34.73, 36.72, None),
            ("i0", "shelling", "East Aleppo", 36.2, 37.2, "2016-07-24")]
    for inc_id, type_, name, lat, lon, day in rows:
        when = When(date.fromisoformat(day), date.fromisoformat(day)) if day else None
        store.put_incident(Incident(inc_id, type_, "incident", Place(name, lat, lon), when))


@pytest.mark.parametrize("filters, expected", [
    ({}, ["i3", "i0", "i1", "i2", "i4"]),
    ({"type": "shelling"}, ["i3", "i0", "i1", "i4"]),
    ({"since": date(2016, 7, 24)}, ["i0", "i1", "i2"]),
    ({"until": date(2016, 7, 24)}, ["i3", "i0", "i1"]),
    ({"place": "aleppo"}, ["i0", "i1"]),
    ({"place": "100%"}, []),
    ({"bbox": (35.0, 34.0, 38.0, 37.0)}, ["i0", "i1", "i2", "i4"]),
    ({"bbox": (170.0, -20.0, -170.0, -10.0)}, ["i3"]),
    ({"limit": 2}, ["i3", "i0"]),
])
def test_incident_filters_and_order(new_store, filters, expected):
    _place_incidents(new_store)
    assert [inc.id for inc in new_store.incidents(**filters)] == expected


def test_bad_bbox_raises_config_error(new_store):
    with pytest.raises(ConfigError, match="min_lon, min_lat"):
        list(new_store.incidents(bbox=(30.0, 40.0, 35.0, 30.0)))


def test_tables_are_readable_with_plain_sqlite(tmp_path, toy_documents):
    path = tmp_path / "r.db"
    with open_store(path) as store:
        _link_corpus(store, toy_documents)
        incidents = {inc.id: inc for inc in store.incidents()}
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    for row in conn.execute("SELECT * FROM incidents"):
        inc = incidents[row["id"]]
        assert row["place_name"] == inc.where.name
        assert row["date_start"] == (inc.when.start.isoformat() if inc.when else None)
        assert json.loads(row["sources"]) == list(inc.sources)
        killed = [f for f in inc.figures if f.kind == "killed"]
        assert row["killed_best"] == (killed[0].best if killed else None)
        assert json.loads(row["data"])["mentions"] == list(inc.mentions)
    figures = sum(len(m.figures) for found in FakeExtractor().extract(toy_documents) for m in found)
    assert conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == figures
    assert {r[0] for r in conn.execute("SELECT name FROM places")} == {"Aleppo", "Idlib", "Homs", "Nowhere"}
    assert [tuple(r) for r in conn.execute("SELECT name, inter FROM actors")] == [("Syrian government", 1)]
    assert [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY seq")] == [
        d.id for d in toy_documents]
    conn.close()


def test_audit_rows_record_before_and_after(tmp_path, fixed_clock):
    with open_store(tmp_path / "au.db", clock=fixed_clock) as store:
        inc = Incident("inc-1", "shelling", "incident", None, None)
        store.audit("reviewer", "regrade", "inc-1", inc, {"grade": "confirmed", "on": date(2016, 7, 1)})
        store.audit("reviewer", "note", "inc-2", None, "checked")
        rows = store.audit_log("inc-1")
    assert len(rows) == 1
    assert rows[0]["at"] == fixed_clock().isoformat()
    assert (rows[0]["who"], rows[0]["action"]) == ("reviewer", "regrade")
    assert rows[0]["before"] == inc.to_dict()
    assert rows[0]["after"] == {"grade": "confirmed", "on": "2016-07-01"}


@pytest.mark.parametrize("value", [
    {"n": 2**70},  # past orjson's 64 bits: json writes it
    {"text": "half a pair \ud800"},  # a lone surrogate: json writes it
    {"when": date(2016, 12, 13), "at": datetime(2016, 12, 13, 9, 30, tzinfo=UTC), "tags": frozenset({"b", "a"})},
    {"arabic": "حلب", "float": 0.1, "tiny": 1e-7, "nested": [1, (2, 3)], 4: "an int key"},
])
def test_stored_json_reads_back_as_json_would_write_it(value):
    from harmwatch.store.records import _jsonable, dumps, loads

    expected = json.loads(json.dumps(value, ensure_ascii=False, default=_jsonable))
    assert loads(dumps(value)) == expected
    assert loads(json.dumps(value, default=_jsonable)) == expected  # rows written before orjson read the same


@pytest.mark.parametrize("statement", [
    "Rebels did not shell Idlib on Monday, the group said.",  # negated
    "Air strikes could kill thousands in Idlib if the offensive goes ahead.",  # hypothetical
])
def test_a_statement_that_must_not_become_an_incident_is_not_listed(new_store, extractor, statement):
    """Its mention is kept, with its status, for reviewers; no list, count, search or export shows it."""
    from conftest import toy_document
    from harmwatch.pipeline import process
    from harmwatch.store import search

    for doc in (toy_document(1, "Wire A", "2016-09-20", "Shelling hit Saraqib on Monday, killing 4 people."),
                toy_document(2, "Wire B", "2016-09-20", statement)):
        new_store.add_document(doc)
    process(new_store, extractor)
    listed = list(new_store.incidents())
    assert [inc.where.name for inc in listed if inc.where] == ["Saraqib"]
    assert new_store.counts()["incidents"] == 1
    query = search.IncidentQuery()
    assert search.count(new_store, query) == 1 and [s.id for s in search.page(new_store, query)] == [listed[0].id]
    assert search.count(new_store, search.IncidentQuery(q="Idlib")) == 0
    kept = new_store._db.all("SELECT id, incident_id FROM mentions WHERE status <> 'asserted'")
    assert kept and all(new_store.incident(r["incident_id"]).mentions == (r["id"],) for r in kept)
