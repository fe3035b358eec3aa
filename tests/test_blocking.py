"""Blocking: the keys of harmwatch.link.blocks and the link_blocks index of harmwatch.store.blocking.

The central property: blocking only skips pairs that could not link anyway, so linking with it
gives the same incidents as comparing every mention with every incident.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harmwatch.link import blocking_window, score_pair
from harmwatch.link.blocks import (
    LONG,
    UNDATED,
    blocks_of,
    cells_within,
    filed_mask,
    search_buckets,
    wanted_keys,
    wanted_mask,
    wanted_places,
)
from harmwatch.link.features import haversine_km, type_score
from harmwatch.model import EVENT_TYPES, Document, Link, Mention, Place, Span, When, sha256_hex
from harmwatch.pipeline import process
from harmwatch.store import blocking, open_store
from harmwatch.store.store import Store

D0 = date(2019, 6, 3)
TOWNS = {
    "Ariha": Place("Arīḩā", 35.81, 36.61, "city", geonameid="1", country="SY", score=0.9),
    "Sarmin": Place("Sarmīn", 35.90, 36.73, "city", geonameid="2", country="SY", score=0.9),
    "Kilis": Place("Kilis", 36.72, 37.12, "city", geonameid="3", country="TR", score=0.9),
}
PLACES = (
    *TOWNS.values(),
    Place("Ariha old market", 35.812, 36.612, "neighbourhood", country="SY", score=0.9),
    Place("Jabal al-Zawiya", 35.70, 36.55, "district", geonameid="4", country="SY", score=0.9),
    replace(TOWNS["Sarmin"], score=0.55),  # a doubtful resolution
    Place("Syria", 35.0, 38.0, "country", geonameid="5", country="SY", score=0.9),
    Place("Nowhere", None, None, "country"),
    None,
)
TEXTS = ("Shells hit the market in {town} on Monday.", "Jets struck near {town}, killing four.",
         "Warplanes hit a bakery.")


def _mention(i: int, event_type: str, where: Place | None, day_offset: int | None, span: int, text: str,
             status: str = "asserted") -> Mention:
    sha = sha256_hex(f"doc{i}".encode())
    when = None if day_offset is None else When(D0 + timedelta(days=day_offset),
                                                D0 + timedelta(days=day_offset + span - 1))
    return Mention(doc_sha256=sha, doc_id=f"doc{i}", index=0, type=event_type, evidence=Span(0, len(text), text),
                   status=status, where=where, when=when, source=f"Outlet {i}", published=D0)


_mentions = st.builds(
    _mention, st.integers(0, 10**6), st.sampled_from(EVENT_TYPES), st.sampled_from(PLACES),
    st.one_of(st.none(), st.integers(-3, 3)), st.sampled_from([1, 1, 3, 12, 40, 500]),
    st.builds(lambda t, town: t.format(town=town), st.sampled_from(TEXTS), st.sampled_from(sorted(TOWNS))),
)


def reaches(a: Mention, b: Mention) -> bool:
    """Whether looking up ``a`` finds a row that ``b`` was filed under (the SQL of candidate_ids)."""
    start, end = blocking_window(a)
    keys, types, places = wanted_keys(a), wanted_mask(a.type), wanted_places(a)
    for block in blocks_of(b):
        if block.key not in keys or not block.mask & types or not block.mask & places:
            continue
        if block.bucket == UNDATED or start is None or end is None:
            return True
        if block.bucket == LONG:
            assert block.date_lo is not None and block.date_hi is not None
            if block.date_lo <= end and block.date_hi >= start:
                return True
        elif block.bucket in search_buckets(start, end):
            return True
    return False


@settings(max_examples=400, deadline=None)
@given(_mentions, _mentions)
def test_blocking_finds_every_pair_that_could_link(a, b):
    if score_pair(a, b)[0] > 0:
        assert reaches(a, b), (a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_mentions, st.integers(0, 3)), min_size=2, max_size=10))
def test_a_batch_finds_the_same_candidates_as_the_index(items):
    """``MentionWriter.candidates`` reads rows and members once per batch and writes at ``flush``: the
    candidates must be those of a store that saves each mention at once."""
    half = len(items) // 2
    with open_store(":memory:") as batched, open_store(":memory:") as direct:
        for store in (batched, direct):
            for m, _ in items:
                store.add_document(_document(int(m.doc_id[3:])))
            with store.transaction():
                for m, k in items[:half]:
                    store.save_mention(m, f"inc-{k}", None)
                for m, k in items[:half]:
                    store.put_incident(_incident(f"inc-{k}", m))
        with batched.transaction(), direct.transaction():
            writer = batched.mention_writer([m for m, _ in items[half:]])
            for m, k in items[half:]:
                start, end = blocking_window(m)
                assert writer.candidates(m, start, end) == direct.candidates(start, end, m.scope, m)
                writer.save(m, f"inc-{k}", None)
                direct.save_mention(m, f"inc-{k}", None)
            writer.flush()
            for m, k in items[half:]:
                batched.put_incident(_incident(f"inc-{k}", m))
                direct.put_incident(_incident(f"inc-{k}", m))
        for sql in ("SELECT * FROM mentions ORDER BY rowid",
                    "SELECT * FROM link_blocks ORDER BY scope, key, bucket, incident_id"):
            assert batched._db.all(sql) == direct._db.all(sql)


def test_type_masks_match_the_type_gate():
    for a in EVENT_TYPES:
        for b in EVENT_TYPES:
            if type_score(a, b) > 0:
                assert filed_mask(b) & wanted_mask(a), (a, b)


@settings(max_examples=200, deadline=None)
@given(st.floats(-60, 60), st.floats(-180, 180), st.floats(1, 100), st.floats(0, 1), st.floats(0, 2 * math.pi))
def test_cells_within_cover_the_circle(lat, lon, km, share, bearing):
    # A point inside the circle, a share of the radius away along a bearing.
    dlat = km * share * math.cos(bearing) / 111.32
    lat2 = lat + dlat
    lon2 = lon + km * share * math.sin(bearing) / (111.32 * max(math.cos(math.radians(max(abs(lat), abs(lat2)))),
                                                               0.01))
    lon2 = (lon2 + 180) % 360 - 180
    if haversine_km(lat, lon, lat2, lon2) <= km:
        (cell,) = cells_within(lat2, lon2, 0.0)
        assert cell in cells_within(lat, lon, km)


def test_two_confident_towns_are_not_candidates_but_a_neighbourhood_is():
    a = _mention(1, "air_strike", TOWNS["Ariha"], 0, 1, "Jets hit a bakery.")
    assert not reaches(a, _mention(2, "air_strike", TOWNS["Sarmin"], 0, 1, "Jets hit a bakery."))
    assert reaches(a, _mention(3, "air_strike", PLACES[3], 0, 1, "Jets hit a bakery."))
    assert reaches(a, _mention(4, "air_strike", replace(TOWNS["Sarmin"], score=0.5), 0, 1, "Jets hit a bakery."))
    assert not reaches(a, _mention(5, "arrest", TOWNS["Ariha"], 0, 1, "Jets hit a bakery."))
    assert not reaches(a, _mention(6, "air_strike", TOWNS["Ariha"], 6, 1, "Jets hit a bakery."))


def test_a_mention_that_is_not_asserted_is_never_filed():
    assert blocks_of(_mention(1, "air_strike", TOWNS["Ariha"], 0, 1, "x", status="negated")) == []


# --- the index in the store --------------------------------------------------------------------

def _document(i: int) -> Document:
    raw = f"doc{i}".encode()
    return Document(id=f"doc{i}", sha256=sha256_hex(raw), raw=raw, text="x" * 80, source=f"Outlet {i}",
                    published=D0)


def _rows(store: Store) -> list[tuple[object, ...]]:
    with sqlite3.connect(store.path) as con:
        return sorted(con.execute("SELECT * FROM link_blocks").fetchall())


def _stored(tmp_path, mentions: list[Mention]) -> Store:
    store = open_store(tmp_path / "b.db")
    with store.transaction():
        for i, m in enumerate(mentions):
            store.add_document(_document(int(m.doc_id[3:])))
            store.save_mention(m, f"inc-{i % 3}", None)
            store.put_incident(_incident(f"inc-{i % 3}", m))
    return store


def _incident(incident_id: str, m: Mention):
    from harmwatch.model import Incident

    return Incident(id=incident_id, type=m.type, scope=m.scope, where=m.where, when=m.when, mentions=(m.id,))


def test_candidates_given_the_mention_use_the_index(tmp_path):
    stored = [_mention(i, "shelling", TOWNS[t], 0, 1, f"Shells hit {t}.") for i, t in
              enumerate(("Ariha", "Sarmin", "Kilis"))]
    with _stored(tmp_path, stored) as store:
        new = _mention(9, "air_strike", TOWNS["Ariha"], 0, 1, "Jets hit a market in Ariha.")
        found = store.candidates(*blocking_window(new), "incident", new)
        assert list(found) == ["inc-0"]
        assert [m.id for m in found["inc-0"]] == [stored[0].id]
        assert set(store.candidates(*blocking_window(new), "incident")) == {"inc-0", "inc-1", "inc-2"}


def test_fill_and_reindex_rebuild_the_same_rows(tmp_path):
    stored = [_mention(i, "shelling", PLACES[i % len(PLACES)], i % 3, 1 + i % 2, f"Shells hit Ariha {i}.")
              for i in range(12)]
    with _stored(tmp_path, stored) as store:
        before = _rows(store)
        assert before
        with store.transaction():
            assert blocking.fill(store._db) == len(stored)
        assert _rows(store) == before
        with store.transaction():
            blocking.reindex_incident(store._db, "inc-1")
        assert _rows(store) == before


def test_a_database_linked_before_the_index_gets_it_on_open(tmp_path):
    stored = [_mention(i, "shelling", TOWNS["Ariha"], 0, 1, "Shells hit Ariha.") for i in range(3)]
    _stored(tmp_path, stored).close()
    with sqlite3.connect(tmp_path / "b.db") as con:
        rows = con.execute("SELECT COUNT(*) FROM link_blocks").fetchone()[0]
        con.execute("DROP TABLE link_blocks")
        con.execute("DROP TABLE stale_incidents")  # a later step's table: the file is as step 3 left it
        con.execute("DELETE FROM schema_version WHERE version >= ?", (blocking.INDEX_VERSION,))
    with open_store(tmp_path / "b.db") as store:
        assert len(_rows(store)) == rows > 0


def test_a_large_incident_is_compared_through_its_first_and_latest_members(tmp_path):
    n = blocking.RECENT_MEMBERS + blocking.FIRST_MEMBERS + 12
    stored = [_mention(i, "siege", TOWNS["Ariha"], 0, 1, "The siege of Ariha.") for i in range(n)]
    with open_store(tmp_path / "b.db") as store:
        with store.transaction():
            for m in stored:
                store.add_document(_document(int(m.doc_id[3:])))
                store.save_mention(m, "inc-big", None)
            store.put_incident(replace(_incident("inc-big", stored[0]), mentions=tuple(m.id for m in stored)))
        (size,) = blocking.candidate_sizes(store._db, stored[0], *blocking_window(stored[0])).values()
        assert size == n
        (members,) = blocking.members_for_scoring(store._db, {"inc-big": size}).values()
    ids = [m.id for m in members]
    expected = stored[:blocking.FIRST_MEMBERS] + stored[-blocking.RECENT_MEMBERS:]
    assert ids == [m.id for m in expected]


def test_a_batch_keeps_a_large_incidents_first_and_latest_members_as_a_fresh_read_would(tmp_path):
    n = blocking.RECENT_MEMBERS + blocking.FIRST_MEMBERS + 3
    stored = [_mention(i, "siege", TOWNS["Ariha"], 0, 1, "The siege of Ariha.") for i in range(n + 5)]
    with open_store(tmp_path / "b.db") as store:
        with store.transaction():
            for m in stored:
                store.add_document(_document(int(m.doc_id[3:])))
            for m in stored[:n]:
                store.save_mention(m, "inc-big", None)
            store.put_incident(replace(_incident("inc-big", stored[0]), mentions=tuple(m.id for m in stored[:n])))
        with store.transaction():
            writer = store.mention_writer(stored[n:])
            for k, m in enumerate(stored[n:]):
                window = blocking_window(m)
                cached = writer.candidates(m, *window)["inc-big"]
                saved = stored[:n + k]
                expected = saved[:blocking.FIRST_MEMBERS] + saved[-blocking.RECENT_MEMBERS:]
                assert [x.id for x in cached] == [x.id for x in expected]
                writer.save(m, "inc-big", None)
            cached = writer.candidates(stored[0], *window)["inc-big"]
            assert cached[-1].id == stored[-1].id
            writer.flush()  # the table now holds what the writer answered from memory
            fresh = blocking.members_for_scoring(store._db, {"inc-big": n})["inc-big"]
            assert [x.id for x in cached] == [x.id for x in fresh]


class _Reports:
    """An extractor for reports written as "type|town|day offset|text"."""

    def extract(self, docs):
        out = []
        for d in docs:
            kind, town, offset, text = d.text.split("|")
            m = _mention(int(d.id[3:]), kind, TOWNS.get(town), int(offset), 1, text)
            out.append((replace(m, doc_sha256=d.sha256),))
        return out


def _corpus(n: int) -> list[Document]:
    kinds = ("air_strike", "shelling", "arrest", "displacement")
    docs = []
    for i in range(n):
        town = sorted(TOWNS)[i % 3] if i % 7 else "Nowhere"
        text = f"{kinds[i % 4]}|{town}|{(i * 5) % 4}|Reports from {town} about the {('market', 'school')[i % 2]}."
        raw = f"doc{i}|{text}".encode()
        docs.append(Document(id=f"doc{i}", sha256=sha256_hex(raw), raw=raw, text=text, source=f"Outlet {i % 5}",
                             published=D0 + timedelta(days=i % 4)))
    return docs


def _groups(store: Store) -> set[frozenset[str]]:
    return {frozenset(inc.mentions) for inc in store.incidents()}


def test_linking_with_blocking_equals_comparing_with_every_incident(tmp_path, monkeypatch):
    docs = _corpus(60)
    results = []
    for name, everything in (("blocked", False), ("all", True)):
        if everything:  # every incident of the scope, whatever its place and dates
            monkeypatch.setattr(Store, "candidates",
                                lambda self, start, end, scope, mention=None: self._all(scope), raising=True)
            monkeypatch.setattr(Store, "_all", _all_incidents, raising=False)
        with open_store(tmp_path / f"{name}.db") as store:
            for d in docs:
                store.add_document(d)
            process(store, _Reports(), batch_size=7)
            results.append(_groups(store))
    assert results[0] == results[1]
    assert any(len(g) > 1 for g in results[0])


@pytest.mark.parametrize("batch_size", [7, 60])
def test_incidents_built_from_the_writers_members_equal_a_rebuild_from_the_table(tmp_path, monkeypatch, batch_size):
    from harmwatch import link
    from harmwatch.model import Incident
    from harmwatch.store.saving import MentionWriter

    held_sizes: list[int] = []
    held, put = MentionWriter.held, Store.put_incidents
    built: dict[str, Incident] = {}

    def counting(self: MentionWriter) -> dict[str, tuple[list[Mention], list[Link]]]:
        found = held(self)
        held_sizes.extend(len(ms) for ms, _ in found.values())
        return found

    def keeping(self: Store, incidents: list[Incident]) -> None:
        built.update((inc.id, inc) for inc in incidents)
        put(self, incidents)

    monkeypatch.setattr(MentionWriter, "held", counting)
    monkeypatch.setattr(Store, "put_incidents", keeping)
    with open_store(tmp_path / "held.db") as store:
        for d in _corpus(60):
            store.add_document(d)
        process(store, _Reports(), batch_size=batch_size)
        for incident_id, incident in built.items():
            members = store.members(incident_id)
            docs = store.documents_with([m.doc_sha256 for m in members])
            links = store.links_of(incident_id)
            assert link.build_incident(incident_id, members, docs, links) == incident
            assert incident.links == tuple(links)  # not part of Incident equality
    assert max(held_sizes) > 1  # some incidents were built from several members held in memory


def _all_incidents(self: Store, scope: str) -> dict[str, list[Mention]]:
    found: dict[str, list[Mention]] = {}
    for row in self._db.all("SELECT DISTINCT incident_id FROM mentions WHERE scope = ? AND incident_id IS NOT NULL "
                            "ORDER BY incident_id", (scope,)):
        found[row["incident_id"]] = self.members(row["incident_id"])
    return found


@pytest.mark.parametrize("precision", ["city", "district"])
def test_reach_grows_with_coarser_places(precision):
    from harmwatch.link.blocks import reach_km

    assert reach_km(precision) >= 30.0
    assert (reach_km("district") > reach_km("city")) is True
