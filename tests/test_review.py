"""Review decisions: applying them to an incident, storing them, and keeping them through re-processing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from conftest import FakeExtractor, FakeLinkStage, interop_incident, toy_document
from harmwatch.api import actions
from harmwatch.errors import ConfigError, NotFound
from harmwatch.pipeline import process
from harmwatch.review import Review, apply, normalize_edit, reviewed_fields, split_incident_id
from harmwatch.store import open_store, schema
from harmwatch.store import review as review_store

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _review(n, action, incident_id="inc-a", **kw):
    return Review(id=n, at=T0 + timedelta(minutes=n), who="rita", action=action, incident_id=incident_id, **kw)


def _edit(n, field, value, incident_id="inc-a"):
    return _review(n, "edit", incident_id, field=field, value=normalize_edit(field, value))


# --- applying decisions (pure) ---


@pytest.fixture
def incident():
    return interop_incident("inc-a", killed=[("civilians", 10, 11, 12)], perpetrators=["Syrian government"])


@pytest.mark.parametrize(("field", "value", "read"), [
    ("type", "air_strike", lambda i: i.type),
    ("grade", "confirmed", lambda i: i.grade),
    ("perpetrators", ["Russia", " Russia ", "Syrian  government"], lambda i: i.perpetrators),
    ("targets", ["health", "children"], lambda i: i.targets),
    ("where", {"name": "Kafr Nabl", "lat": 35.6, "lon": 36.56, "precision": "city"},
     lambda i: (i.where.name, i.where.lat, i.where.lon, i.where.precision)),
    ("when", {"start": "2016-07-20", "end": "2016-07-22", "precision": "day"},
     lambda i: (i.when.start, i.when.end, i.when.precision)),
    ("figure", {"kind": "killed", "group": "civilians", "low": 14, "high": 20},
     lambda i: [(f.low, f.best, f.high, f.conservative, len(f.claims)) for f in i.figures]),
])
def test_an_edit_sets_the_field_and_marks_the_incident_reviewed(incident, field, value, read):
    after = apply(incident, [_edit(1, field, value)])
    expected = {
        "type": "air_strike", "grade": "confirmed", "perpetrators": ("Russia", "Syrian government"),
        "targets": ("health", "children"), "where": ("Kafr Nabl", 35.6, 36.56, "city"),
        "when": (date(2016, 7, 20), date(2016, 7, 22), "day"), "figure": [(14.0, 17.0, 20.0, 14.0, 1)],
    }[field]
    assert read(after) == expected != read(incident)
    assert after.status == "reviewed" and incident.status == "machine"
    assert replace(after, status="machine", **{f: getattr(incident, f) for f in _fields(field)}) == incident


def _fields(field):
    return ("figures",) if field == "figure" else (field,)


def test_a_new_figure_group_is_added(incident):
    after = apply(incident, [_edit(1, "figure", {"kind": "injured", "group": "people", "best": 30})])
    assert [(f.kind, f.group, f.low, f.best, f.high) for f in after.figures] == [
        ("killed", "civilians", 10, 11, 12), ("injured", "people", 30.0, 30.0, 30.0)]


def test_decisions_apply_oldest_first_and_only_to_their_incident(incident):
    decisions = [_edit(3, "type", "shelling"), _edit(1, "type", "air_strike"), _review(2, "discount", note="x"),
                 _edit(4, "grade", "fair", incident_id="inc-b"), _edit(5, "type", "grenade", incident_id="inc-b")]
    after = apply(incident, decisions)
    assert (after.type, after.grade, after.status) == ("shelling", "discounted", "reviewed")
    assert apply(incident, [*decisions, _edit(9, "grade", "fair")]).grade == "fair"  # a later grade lifts it


@pytest.mark.parametrize(("decisions", "status"), [
    ([], "machine"),
    ([_review(1, "note", note="ask the council")], "machine"),
    ([_review(1, "confirm")], "reviewed"),
    ([_review(1, "merge", incidents=("inc-x",))], "reviewed"),
    ([_review(1, "split", incident_id="inc-x", incidents=("inc-a",), mentions=("m-1",))], "reviewed"),
    ([_review(1, "confirm", incident_id="inc-other")], "machine"),
])
def test_status_is_reviewed_only_after_a_judgement(incident, decisions, status):
    assert apply(incident, decisions).status == status


def test_reviewed_fields_lists_pinned_fields(incident):
    decisions = [_edit(1, "type", "shelling"), _review(2, "discount", note="x"), _edit(3, "type", "air_strike"),
                 _edit(4, "figure", {"kind": "killed", "group": "civilians", "best": 3})]
    assert reviewed_fields("inc-a", decisions) == ["type", "grade", "figure:killed/civilians"]


@pytest.mark.parametrize(("field", "value"), [
    ("type", "bombing"), ("grade", "discounted"), ("grade", 3), ("perpetrators", "Russia"),
    ("perpetrators", [""]), ("targets", ["cats"]), ("where", {"lat": 1, "lon": 2}),
    ("where", {"name": "X", "lat": 91, "lon": 0}), ("where", {"name": "X", "lat": 1}),
    ("when", {"start": "2016-07-22", "end": "2016-07-20"}), ("when", {"start": "yesterday"}),
    ("figure", {"kind": "killed", "group": "civilians"}), ("figure", {"kind": "eaten", "group": "x", "best": 1}),
    ("figure", {"kind": "killed", "group": "civilians", "low": 9, "best": 5, "high": 7}),
    ("figure", {"kind": "killed", "group": "civilians", "best": True}), ("id", "inc-b"), ("status", "reviewed"),
])
def test_bad_edits_are_refused_with_a_message(field, value):
    with pytest.raises(ConfigError, match=r"edit|editable"):
        normalize_edit(field, value)


def test_split_ids_are_deterministic_and_distinct():
    a = split_incident_id("inc-a", ["m-2", "m-1"])
    assert a == split_incident_id("inc-a", ["m-1", "m-2", "m-1"]) != split_incident_id("inc-a", ["m-1"])
    assert a.startswith("inc-") and a != "inc-a"


# --- the store and re-processing ---

MORE_REPORTS = (  # (source, published, text): new reports of the toy incidents, processed after review
    ("Outlet E", "2016-07-29", "air_strike at Idlib on 2016-07-25 killed 6."),
    ("Outlet E", "2016-07-29", "shelling at Homs on 2016-08-01 killed 4."),
    ("Outlet F", "2016-07-30", "displacement at Aleppo on 2016-07-26."),
    ("Outlet F", "2016-07-30", "shelling at Aleppo on 2016-07-27 killed 8."),
)


def _find(store, place, type_):
    return next(i for i in store.incidents() if i.where and i.where.name == place and i.type == type_)


def _process_more(store):
    for i, row in enumerate(MORE_REPORTS, start=20):
        store.add_document(toy_document(i, *row))
    process(store, FakeExtractor(), linker=FakeLinkStage())


def test_machine_never_gives_reviewed_or_discounted(linked_store):
    assert {(i.status, i.grade == "discounted") for i in linked_store.incidents()} == {("machine", False)}


def test_reviewed_state_survives_processing_more_reports(linked_store):
    store, linker = linked_store, FakeLinkStage()
    idlib, homs = _find(store, "Idlib", "air_strike"), _find(store, "Homs", "shelling")
    aleppo, displaced = _find(store, "Aleppo", "shelling"), _find(store, "Aleppo", "displacement")
    actions.edit(store, "rita", idlib.id, "type", "shelling", "video shows artillery")
    actions.edit(store, "rita", idlib.id, "perpetrators", ["Russia"])
    actions.discount(store, "rita", homs.id, "one anonymous post")
    actions.merge(store, "rita", aleppo.id, [displaced.id], linker=linker)
    moved = aleppo.mentions[-1]
    new_id = actions.split(store, "rita", aleppo.id, [moved], linker=linker).incidents[1]
    merged_members = {m.id for m in store.members(aleppo.id)}
    audit_rows = len(store.audit_log())

    _process_more(store)

    idlib_now, homs_now = store.incident(idlib.id), store.incident(homs.id)
    assert (idlib_now.type, idlib_now.perpetrators, idlib_now.status) == ("shelling", ("Russia",), "reviewed")
    assert len(idlib_now.documents) == len(idlib.documents) + 1  # the new report did join it
    assert (homs_now.grade, homs_now.status) == ("discounted", "reviewed")
    assert len(homs_now.documents) == len(homs.documents) + 1
    with pytest.raises(NotFound):
        store.incident(displaced.id)
    assert review_store.merged_into(store, displaced.id) == aleppo.id
    new_displacement = next(m.id for m in _members_of_doc(store, "doc-22"))
    assert new_displacement in store.incident(aleppo.id).mentions  # joined the merge target, not a new incident
    assert {m.id for m in store.members(new_id)} >= {moved}
    assert moved not in {m.id for m in store.members(aleppo.id)}
    assert merged_members - {m.id for m in store.members(aleppo.id)} == set()
    assert len(store.audit_log()) == audit_rows  # processing writes no reviewer history


def _members_of_doc(store, doc_id):
    doc = store.get_document(doc_id)
    return [m for inc in store.incidents() for m in store.members(inc.id) if m.doc_sha256 == doc.sha256]


def test_every_action_writes_audit_rows_with_before_and_after(linked_store):
    store, linker = linked_store, FakeLinkStage()
    aleppo, idlib = _find(store, "Aleppo", "shelling"), _find(store, "Idlib", "air_strike")
    actions.confirm(store, "rita", idlib.id, "matches the hospital's list")
    actions.note(store, "rita", idlib.id, "ask for names")
    actions.merge(store, "adam", aleppo.id, [idlib.id], "same strike", linker=linker)
    rows = [(r["who"], r["action"], r["target"], r["before"] is not None, r["after"] is not None)
            for r in store.audit_log()]
    assert rows == [("rita", "confirm", idlib.id, True, True), ("rita", "note", idlib.id, False, True),
                    ("adam", "merge", aleppo.id, True, True), ("adam", "merge", idlib.id, True, True)]
    merge_rows = [r for r in store.audit_log() if r["action"] == "merge"]
    assert merge_rows[1]["after"]["merged_into"] == aleppo.id
    assert set(merge_rows[0]["after"]["mentions"]) == set(aleppo.mentions) | set(idlib.mentions)
    entries = review_store.history(store, idlib.id)
    assert [(row["action"], r.note if r else None) for row, r in entries] == [
        ("confirm", "matches the hospital's list"), ("note", "ask for names"), ("merge", "same strike")]


def test_merged_mentions_leave_the_linking_index(linked_store):
    store = linked_store
    aleppo, displaced = _find(store, "Aleppo", "shelling"), _find(store, "Aleppo", "displacement")
    actions.merge(store, "rita", aleppo.id, [displaced.id], linker=FakeLinkStage())
    db = store._db
    assert db.one("SELECT COUNT(*) AS n FROM link_blocks WHERE incident_id = ?", (displaced.id,))["n"] == 0
    assert db.one("SELECT COUNT(*) AS n FROM mentions WHERE incident_id = ?", (displaced.id,))["n"] == 0
    assert db.one("SELECT COUNT(*) AS n FROM link_blocks WHERE incident_id = ?", (aleppo.id,))["n"] > 0
    linked = db.one("SELECT features FROM links WHERE mention_id = ?", (displaced.mentions[0],))
    assert "reviewer_merge" in linked["features"]


@pytest.mark.parametrize(("call", "error"), [
    (lambda s, a, b: actions.merge(s, "rita", a.id, [a.id]), ConfigError),
    (lambda s, a, b: actions.merge(s, "rita", a.id, ["inc-none"]), NotFound),
    (lambda s, a, b: actions.split(s, "rita", a.id, list(a.mentions)), ConfigError),
    (lambda s, a, b: actions.split(s, "rita", a.id, list(b.mentions)), NotFound),
    (lambda s, a, b: actions.discount(s, "rita", a.id, "  "), ConfigError),
    (lambda s, a, b: actions.note(s, "rita", a.id, "x" * 6000), ConfigError),
    (lambda s, a, b: actions.confirm(s, " ", a.id), ConfigError),
    (lambda s, a, b: actions.edit(s, "rita", "inc-none", "type", "shelling"), NotFound),
])
def test_refused_actions_change_nothing(linked_store, call, error):
    store = linked_store
    a, b = _find(store, "Aleppo", "shelling"), _find(store, "Idlib", "air_strike")
    before = [i.to_dict() for i in store.incidents()]
    with pytest.raises(error):
        call(store, a, b)
    assert [i.to_dict() for i in store.incidents()] == before
    assert store.audit_log() == [] and review_store.reviews_of(store._db, a.id) == []


def test_a_database_that_passed_an_empty_step_2_gets_the_review_tables(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    monkeypatch.setattr(schema, "MIGRATIONS", (schema.MIGRATIONS[0], (), *schema.MIGRATIONS[2:]))
    with open_store(path):
        pass
    monkeypatch.undo()
    assert "reviews" not in {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    with open_store(path) as store:
        store.put_incident(interop_incident("inc-a"))
        actions.confirm(store, "rita", "inc-a")
        assert store.incident("inc-a").status == "reviewed"
