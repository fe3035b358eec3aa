"""The link stage: claims and their fusion, pair scoring, assignment, sources and incidents."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harmwatch.errors import ConfigError, LinkError
from harmwatch.link import (
    LINK_THRESHOLD,
    assign,
    blocking_window,
    build_incident,
    claims_of,
    contradicts,
    fuse,
    incident_id_for,
    independent_sources,
    interval,
    load_registry,
    majority_type,
    point_value,
    score_pair,
    story_groups,
)
from harmwatch.link.features import (
    CONTAINED,
    DISAGREEING_FIGURES,
    DOUBTFUL_TOWNS,
    NAMED_IN_TEXT,
    NEXT_DAY,
    UNPLACED,
    date_score,
    document_score,
    figure_score,
    names_in,
    place_score,
    skeleton,
    text_score,
)
from harmwatch.link.incident import SPECIFICITY, union_when
from harmwatch.model import (
    EVENT_TYPES,
    Actor,
    Claim,
    Document,
    Figure,
    Link,
    Mention,
    Place,
    Span,
    When,
    sha256_hex,
)

ALEPPO = Place("Aleppo", 36.2021, 37.1343, "city", geonameid="170063", country="SY")
ALEPPO_DISTRICT = Place("Bustan al-Qasr", 36.1930, 37.1400, "neighbourhood", country="SY")


def AT_ALEPPO(name: str) -> Place:  # noqa: N802 - reads as the constants around it
    """A quarter the gazetteer lacks, placed at Aleppo's point (geo.event.quarter_place)."""
    return replace(ALEPPO, name=name, geonameid=None, score=0.5)
IDLIB = Place("Idlib", 35.9306, 36.6339, "city", geonameid="169388", country="SY")
DAMASCUS = Place("Damascus", 33.5102, 36.2913, "city", geonameid="170654", country="SY")
SYRIA = Place("Syria", 35.0, 38.0, "country", geonameid="163843", country="SY")
TURKEY = Place("Turkey", 39.0, 35.0, "country", geonameid="298795", country="TR")
D13 = date(2016, 12, 13)

# Our own invented report texts, long enough to shingle.
STORY_A = (
    "Warplanes struck a crowded vegetable market in the eastern quarter of the city on Tuesday morning, "
    "killing at least twelve people and wounding dozens more, according to rescue workers at the scene, "
    "who said they were still pulling survivors from the rubble of two collapsed buildings by nightfall."
)
STORY_B = (
    "A field clinic on the southern outskirts stopped receiving patients after shells landed in its "
    "courtyard overnight, its director told reporters, adding that the generator and the pharmacy store "
    "had been destroyed and that staff were moving the wounded to a basement in a nearby school."
)


def doc(doc_id: str, text: str = STORY_A, source: str | None = "Outlet A",
        published: date | None = D13) -> Document:
    raw = f"{doc_id}|{source}|{text}".encode()
    return Document(id=doc_id, sha256=sha256_hex(raw), raw=raw, text=text, source=source, published=published)


def day(d: date) -> When:
    return When(d, d, "day")


def mention(d: Document, index: int = 0, type: str = "air_strike", *, where: Place | None = ALEPPO,
            when: When | None = None, figures: tuple[Figure, ...] = (), evidence: str | None = None,
            **kw: object) -> Mention:
    text = evidence if evidence is not None else d.text[:300]
    return Mention(
        doc_sha256=d.sha256, doc_id=d.id, index=index, type=type, evidence=Span(0, len(text), text),
        where=where, when=when if when is not None else day(D13), figures=figures,
        source=d.source, published=d.published, **kw,  # type: ignore[arg-type]
    )


def claim(qualifier: str, low: int | None, high: int | None, *, document: str = "d1",
          source: str | None = "Outlet A", claimed_by: str | None = None, certainty: str = "reported",
          published: date | None = D13, kind: str = "killed", group: str = "people") -> Claim:
    return Claim(
        mention_id=f"m-{document}", document=document, source=source, kind=kind, group=group, low=low,
        high=high, qualifier=qualifier, certainty=certainty, claimed_by=claimed_by,
        evidence=Span(0, 4, "text"), published=published,
    )


# --- claims: intervals, point values, contradictions -------------------------------------------

@pytest.mark.parametrize(("qualifier", "low", "high", "certainty", "expected"), [
    ("exact", 12, 12, "reported", (12, 12)),
    ("approx", 3000, 3000, "reported", (2700, 3300)),
    ("vague", 12, 12, "reported", (12, 120)),          # "dozens"
    ("at_least", 10, None, "reported", (10, math.inf)),
    ("at_most", None, 50000, "alleged", (30000, 50000)),
    ("range", 10, 20, "reported", (10, 20)),
    ("exact", 0, 0, "denied", (0, 0)),
    ("exact", 44, 44, "denied", (0, 0)),               # a denial is [0, 0] whatever the number
])
def test_claim_interval(qualifier, low, high, certainty, expected):
    got = interval(claim(qualifier, low, high, certainty=certainty))
    assert got == pytest.approx(expected)


@pytest.mark.parametrize(("qualifier", "low", "high", "certainty", "expected"), [
    ("exact", 12, 12, "reported", 12),
    ("approx", 3000, 3000, "reported", 3000),
    ("vague", 100, 100, "reported", 100),
    ("at_least", 40, None, "reported", 40),
    ("at_most", None, 50000, "reported", 50000),
    ("range", 10, 20, "reported", 15),
    ("exact", 0, 0, "denied", None),
])
def test_claim_point_value(qualifier, low, high, certainty, expected):
    assert point_value(claim(qualifier, low, high, certainty=certainty)) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    # "up to 50,000" vs "up to 100,000" in two documents: [30k, 50k] and [60k, 100k] do not overlap.
    (claim("at_most", None, 50000, document="d1"),
     claim("at_most", None, 100000, document="d2", source="Outlet B"), True),
    # ... and in one document from two claimants.
    (claim("at_most", None, 50000, certainty="alleged"),
     claim("at_most", None, 100000, certainty="claimed", claimed_by="a government minister"), True),
    # one claimant giving two figures in one document is not a contradiction
    (claim("at_most", None, 50000, claimed_by="the council"),
     claim("at_most", None, 100000, claimed_by="The  Council"), False),
    (claim("at_least", 10, None, document="d1"), claim("exact", 12, 12, document="d2"), False),
    (claim("exact", 44, 44, document="d1"), claim("exact", 0, 0, document="d2", certainty="denied"), True),
    (claim("approx", 100, 100, document="d1"), claim("exact", 108, 108, document="d2"), False),
    # a later document of the same source raising its own figure is an update
    (claim("exact", 12, 12, document="d1", published=date(2016, 12, 13)),
     claim("exact", 30, 30, document="d2", published=date(2016, 12, 14)), False),
    # ... but lowering it, or another source's higher figure, is a contradiction
    (claim("exact", 30, 30, document="d1", published=date(2016, 12, 13)),
     claim("exact", 12, 12, document="d2", published=date(2016, 12, 14)), True),
    (claim("exact", 12, 12, document="d1", published=date(2016, 12, 13)),
     claim("exact", 30, 30, document="d2", source="Outlet B", published=date(2016, 12, 14)), True),
    # same source, same day: which came later is unknown, so no update
    (claim("exact", 12, 12, document="d1"), claim("exact", 30, 30, document="d2"), True),
])
def test_contradiction_rules(a, b, expected):
    assert contradicts(a, b) is expected
    assert contradicts(b, a) is expected


def test_fuse_gives_low_best_high_conservative_and_contradiction():
    claims = [
        claim("at_most", None, 50000, certainty="alleged", kind="remaining"),
        claim("at_most", None, 100000, certainty="claimed", claimed_by="a government minister",
              kind="remaining"),
    ]
    (est,) = fuse(claims)
    assert (est.kind, est.group) == ("remaining", "people")
    assert (est.low, est.best, est.high, est.conservative) == (50000, 75000, 100000, 50000)
    assert est.contradiction is True
    assert est.claims == tuple(claims)


def test_fuse_ignores_denials_for_numbers_and_groups_by_kind_and_group():
    claims = [
        claim("exact", 44, 44, document="d1"),
        claim("exact", 0, 0, document="d2", certainty="denied"),
        claim("at_least", 40, None, document="d3", source="Outlet C"),
        claim("range", 40, 60, document="d3", source="Outlet C"),
        claim("exact", 5, 5, document="d1", kind="injured", group="children"),
        claim("exact", 3, 3, document="d1", group="civilians"),
    ]
    estimates = fuse(claims)
    assert [(e.kind, e.group) for e in estimates] == [
        ("injured", "children"), ("killed", "civilians"), ("killed", "people")]
    killed = estimates[2]
    assert (killed.low, killed.best, killed.high, killed.conservative) == (40, 44, 50, 40)
    assert killed.contradiction is True  # 44 against the denial
    assert len(killed.claims) == 4
    assert estimates[1].contradiction is False


def test_fuse_of_only_a_denial_has_no_numbers():
    (est,) = fuse([claim("exact", 0, 0, certainty="denied")])
    assert (est.low, est.best, est.high, est.conservative) == (None, None, None, None)
    assert est.contradiction is False


def test_claims_of_copies_figures_with_attribution():
    d = doc("d1")
    figs = (Figure("killed", "civilians", 10, None, "at_least"), Figure("injured", "people", 30, 30, "exact"))
    m = mention(d, figures=figs, certainty="claimed", claimed_by="the local council")
    claims = claims_of(m, d)
    assert [(c.kind, c.low, c.high, c.qualifier) for c in claims] == [
        ("killed", 10, None, "at_least"), ("injured", 30, 30, "exact")]
    assert {(c.document, c.source, c.claimed_by, c.certainty, c.mention_id) for c in claims} == {
        ("d1", "Outlet A", "the local council", "claimed", m.id)}
    assert claims[0].evidence == m.evidence and claims[0].published == D13


def test_claims_of_rejects_another_documents_mention_and_bad_qualifiers():
    d1, d2 = doc("d1"), doc("d2", STORY_B)
    with pytest.raises(LinkError, match="pass the mention's own document"):
        claims_of(mention(d1), d2)
    with pytest.raises(LinkError, match="unknown figure qualifier"):
        fuse([claim("roughly", 5, 5)])


# --- pair scoring, blocking, assignment --------------------------------------------------------

def test_same_event_scores_above_threshold_and_symmetric():
    a = mention(doc("d1"), figures=(Figure("killed", "people", 12, None, "at_least"),))
    b = mention(doc("d2", STORY_A.replace("Tuesday", "Tuesday, 13 December"), source="Outlet B"),
                where=ALEPPO_DISTRICT, figures=(Figure("killed", "people", 14, 14, "exact"),))
    score, features = score_pair(a, b)
    assert score >= LINK_THRESHOLD
    assert (score, features) == score_pair(b, a)
    names = [name for name, _ in features]
    assert names[:5] == ["scope", "status", "type", "place", "date"]
    assert dict(features)["figures"] == 1.0


@pytest.mark.parametrize(("change", "gate"), [
    ({"scope": "aggregate"}, "scope"),
    ({"status": "negated"}, "status"),
    ({"status": "hypothetical"}, "status"),
    ({"status": "historical"}, "status"),
    ({"type": "arrest"}, "type"),
    ({"type": "natural_disaster"}, "type"),
    ({"where": DAMASCUS}, "place"),
    ({"where": IDLIB}, "place"),
    ({"where": TURKEY}, "place"),
    ({"when": day(date(2016, 12, 20))}, "date"),
])
def test_score_pair_gates(change, gate):
    a = mention(doc("d1"))
    b = mention(doc("d2", source="Outlet B"), **{"where": ALEPPO, **change})
    score, features = score_pair(a, b)
    assert score == 0.0
    assert dict(features)[gate] == 0.0
    assert score_pair(a, mention(doc("d2", source="Outlet B")))[0] > 0  # the unchanged pair does link


@pytest.mark.parametrize(("type_a", "type_b"), [
    ("air_strike", "shelling"), ("siege", "aid_access"), ("evacuation", "agreement"),
    ("responsibility_claim", "suicide_bombing"), ("other", "shelling"),
])
def test_compatible_type_families_link(type_a, type_b):
    a, b = mention(doc("d1"), type=type_a), mention(doc("d2", source="Outlet B"), type=type_b)
    score, features = score_pair(a, b)
    assert 0 < dict(features)["type"] < 1
    assert score >= LINK_THRESHOLD


ALEPPO_PROVINCE = Place("Aleppo Governorate", 36.25, 37.5, "region", country="SY", admin1="Aleppo")


@pytest.mark.parametrize(("coarse", "text", "expected"), [
    (SYRIA, "Air strikes in Syria killed 12.", 0.0),            # a whole country is no place for a town
    (SYRIA, "Air strikes on Aleppo killed 12.", NAMED_IN_TEXT),  # ... unless the clause names the town
    (Place("Syria", None, None, "country", country="SY"), "Air strikes in Syria killed 12.", 0.0),
    (ALEPPO_PROVINCE, "Air strikes in the province killed 12.", 0.6),  # the town's own province
    (replace(ALEPPO_PROVINCE, admin1="Idlib"), "Air strikes in the province killed 12.", 0.0),
])
def test_a_town_and_a_coarse_place(coarse, text, expected):
    a = mention(doc("d1"), where=coarse, evidence=text)
    b = mention(doc("d2", source="Outlet B"), where=replace(ALEPPO, admin1="Aleppo"))
    assert dict(score_pair(a, b)[1])["place"] == expected


def test_day_gap_of_one_still_matches_but_less():
    a = mention(doc("d1"))
    near = mention(doc("d2", source="Outlet B"), when=day(date(2016, 12, 14)))
    same = mention(doc("d3", source="Outlet C"))
    assert 0 < score_pair(a, near)[0] < score_pair(a, same)[0]


@pytest.mark.parametrize(("m_kwargs", "expected"), [
    ({"when": day(D13)}, (date(2016, 12, 12), date(2016, 12, 14))),
    ({"when": When(date(2016, 12, 1), date(2016, 12, 31), "month")}, (date(2016, 11, 30), date(2017, 1, 1))),
    ({"when": When(None, date(2016, 8, 1), "day")}, (date(2016, 7, 31), date(2016, 8, 2))),
    ({"when": When(None, None, "unknown")}, (date(2016, 12, 9), date(2016, 12, 14))),  # from published
])
def test_blocking_window(m_kwargs, expected):
    assert blocking_window(mention(doc("d1"), **m_kwargs)) == expected


def test_blocking_window_unknown_without_dates():
    m = mention(doc("d1", published=None), when=When(None, None, "unknown"))
    assert blocking_window(m) == (None, None)


def test_incident_id_is_deterministic_and_distinct():
    d = doc("d1")
    assert incident_id_for(mention(d, 0)) == incident_id_for(mention(d, 0))
    assert incident_id_for(mention(d, 0)) != incident_id_for(mention(d, 1))
    assert incident_id_for(mention(d, 0)).startswith("inc-")


def _candidates() -> dict[str, list[Mention]]:
    return {
        "inc-idlib": [mention(doc("i1", STORY_B, "Outlet I"), where=IDLIB)],
        "inc-aleppo": [mention(doc("a1", STORY_B, "Outlet X")), mention(doc("a2", STORY_A, "Outlet Y"))],
        "inc-aleppo-later": [mention(doc("l1", STORY_A, "Outlet Z"), when=day(date(2016, 12, 27)))],
    }


def test_assign_picks_the_matching_incident_and_member():
    m = mention(doc("new", STORY_A, "Outlet N"))
    link = assign(m, _candidates())
    assert link is not None
    assert (link.incident_id, link.mention_id) == ("inc-aleppo", m.id)
    assert link.matched_mention == _candidates()["inc-aleppo"][1].id  # same text wins over the other member
    assert link.score == score_pair(m, _candidates()["inc-aleppo"][1])[0]
    assert dict(link.features)["type"] == 1.0


@pytest.mark.parametrize(("evidence", "joins"), [
    (STORY_A, False),  # a member was in another quarter of the town
    (STORY_A + " Jets also hit al-Shaar.", True),  # the clause names that quarter too
])
def test_a_mention_in_one_quarter_does_not_join_an_incident_in_another(evidence, joins):
    members = [mention(doc("a1", STORY_A, "Outlet X")),
               mention(doc("a2", STORY_A, "Outlet Y"), where=AT_ALEPPO("al-Shaar"))]
    m = mention(doc("new", STORY_A, "Outlet N"), where=AT_ALEPPO("al-Kalasa"), evidence=evidence)
    link = assign(m, {"inc-a": members})
    assert (link is not None) is joins
    assert assign(m, {"inc-a": members[:1]}) is not None  # the town's own report alone: the quarter is in it


@pytest.mark.parametrize(("wheres", "expected"), [
    ([ALEPPO, AT_ALEPPO("al-Shaar"), ALEPPO], "al-Shaar"),  # the one quarter before its town, however often named
    ([ALEPPO, AT_ALEPPO("al-Shaar"), AT_ALEPPO("Shaar")], "al-Shaar"),  # one quarter, two spellings
    ([ALEPPO, AT_ALEPPO("al-Shaar"), AT_ALEPPO("al-Kalasa")], "Aleppo"),  # two quarters: the town
    ([ALEPPO, ALEPPO_DISTRICT], "Bustan al-Qasr"),  # a finer precision wins anyway
])
def test_an_incident_is_placed_at_its_one_quarter(wheres, expected):
    from harmwatch.link.incident import best_place

    place = best_place([mention(doc(f"d{i}"), where=w) for i, w in enumerate(wheres)])
    assert place is not None and place.name == expected


def test_assign_skipping_copies_of_a_member_gives_what_scoring_every_member_gives():
    m = mention(doc("new", STORY_A, "Outlet N"))
    copies = [replace(mention(doc(f"c{i}", STORY_A, f"Outlet {i}")), index=i % 2) for i in range(6)]
    own = [replace(m, index=1), replace(m, index=9)]  # its own document: these score apart from the copies
    candidates = {"inc-a": [*copies, *own], "inc-b": copies[::-1]}
    link = assign(m, candidates)
    every = [(score_pair(m, x)[0], i, x.id) for i in sorted(candidates)
             for x in sorted(candidates[i], key=lambda x: x.id)]
    best = max(s for s, _, _ in every)
    score, incident_id, member_id = next(e for e in every if e[0] == best)
    assert link is not None and (link.score, link.incident_id, link.matched_mention) == (score, incident_id, member_id)


def test_assign_is_deterministic_and_breaks_ties_by_incident_id():
    m = mention(doc("new", STORY_A, "Outlet N"))
    twin = mention(doc("t1", STORY_A, "Outlet T"))
    forward = {"inc-b": [twin], "inc-a": [twin]}
    backward = dict(reversed(list(forward.items())))
    assert assign(m, forward) == assign(m, backward)
    link = assign(m, forward)
    assert link is not None and link.incident_id == "inc-a"


@pytest.mark.parametrize("change", [
    {"status": "negated"}, {"status": "hypothetical"}, {"status": "historical"}, {"scope": "aggregate"},
    {"type": "arrest"}, {"where": DAMASCUS}, {"when": day(date(2016, 11, 1))},
])
def test_assign_refuses_incompatible_mentions(change):
    m = mention(doc("new", STORY_A, "Outlet N"), **change)
    assert assign(m, _candidates()) is None


def test_assign_with_no_candidates_founds_a_new_incident():
    assert assign(mention(doc("new")), {}) is None
    assert assign(mention(doc("new")), {"inc-empty": []}) is None


# --- source registry and independence ----------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), [
    ("Reuters", "wire"), ("afp", "wire"), ("The Associated Press", "wire"), ("SANA", "wire"),
    ("White Helmets", "ngo"), ("SOHR", "ngo"), ("ICRC", "un_icrc"), ("UN OCHA", "un_icrc"),
    ("BBC Arabic", "news"), ("Amaq", "party"), ("Twitter", "social_media"),
    ("Nowhere Gazette", "unknown"), (None, "unknown"),
])
def test_registry_kind_of(name, kind):
    assert load_registry().kind_of(name) == kind


def test_registry_file_extends_the_packaged_one(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text("name,aliases,type,parent\nValley Courier,VC,news,\nValley Weekly,,news,Valley Courier\n",
                    encoding="utf-8")
    registry = load_registry(path)
    assert registry.kind_of("vc") == "news" and registry.kind_of("Reuters") == "wire"
    assert registry.canonical("Valley Weekly") == "Valley Courier"


@pytest.mark.parametrize(("content", "message"), [
    ("name,type\nX,news\n", "header"),
    ("name,aliases,type,parent\nX,,newspaper,\n", "line 2"),
    ("name,aliases,type,parent\n,,news,\n", "line 2"),
])
def test_registry_rejects_bad_files(tmp_path: Path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_registry(path)


def test_registry_missing_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_registry(tmp_path / "absent.csv")


REPRINT = STORY_A.replace("Warplanes struck", "Jets hit").replace("by nightfall.", "late on Tuesday.")


@pytest.mark.parametrize(("docs", "expected"), [
    ([doc("a", STORY_A, "Outlet A"), doc("b", STORY_B, "Outlet B")], 2),
    ([doc("a", STORY_A, "Outlet A"), doc("b", STORY_B, "outlet a")], 1),          # one source, twice
    ([doc("a", STORY_A, "Outlet A"), doc("b", REPRINT, "Outlet B")], 1),          # near-duplicate reprint
    ([doc("a", STORY_A, "Outlet A"), doc("b", "Editor's note. " + STORY_A + " More soon.", "B")], 1),
    ([doc("a", STORY_A, "Reuters"), doc("b", "BEIRUT (Reuters) - " + STORY_B, "Daily Post")], 1),
    ([doc("a", STORY_B + " AFP reports.", "Outlet A"), doc("b", STORY_A, "Agence France-Presse")], 1),
    ([doc("a", STORY_B + " AFP reports.", "Outlet A"), doc("b", "(AFP) " + STORY_A, "Outlet B")], 1),
    ([doc("a", STORY_A, "BBC Arabic"), doc("b", STORY_B, "BBC News")], 1),        # same owner
    ([doc("a", STORY_A, "UNICEF"), doc("b", STORY_B, "SOHR"), doc("c", STORY_B[:60], None)], 2),
    ([doc("a", STORY_A, None)], 0),
])
def test_independent_sources(docs, expected):
    assert independent_sources(docs, load_registry()) == expected


_texts = st.sampled_from([STORY_A, STORY_B, REPRINT, "(Reuters) - " + STORY_B, "Short note."])
_sources = st.sampled_from([None, "Reuters", "Outlet A", "outlet a", "AFP", "Agence France-Presse", "BBC"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_texts, _sources), min_size=1, max_size=6))
def test_independent_sources_never_exceed_sources(pairs):
    docs = [doc(f"d{i}", text, source) for i, (text, source) in enumerate(pairs)]
    count = independent_sources(docs, load_registry())
    assert 0 <= count <= len({d.source for d in docs if d.source})


# --- incidents ---------------------------------------------------------------------------------

def test_specificity_covers_every_event_type_with_other_last():
    assert sorted(SPECIFICITY) == sorted(EVENT_TYPES)
    assert SPECIFICITY[-1] == "other"


@pytest.mark.parametrize(("types", "expected"), [
    (["shelling", "shelling", "air_strike"], "shelling"),
    (["other", "air_strike"], "air_strike"),
    (["air_strike", "other"], "air_strike"),
    (["other", "other", "air_strike"], "other"),
    (["siege", "aid_access", "aid_access", "siege"], "aid_access"),
    (["chemical_attack", "air_strike"], "chemical_attack"),
    # The weapon codes an attack on civilians once a quarter of the mentions name it.
    (["attack_on_civilians"] * 6 + ["air_strike", "shelling"], "air_strike"),
    (["attack_on_civilians"] * 4 + ["air_strike"], "attack_on_civilians"),
    (["attack_on_civilians", "abduction", "abduction"], "abduction"),
])
def test_majority_type_with_specificity_tie_break(types, expected):
    d = doc("d1")
    assert majority_type([mention(d, i, t) for i, t in enumerate(types)]) == expected


@pytest.mark.parametrize(("whens", "expected"), [
    # a stated day wins over the week assumed from publication
    ([When(D13, D13, "day"), When(D13 - timedelta(days=6), D13, "week", "", "when:published-week")],
     (D13, D13, "day")),
    # stated dates make a union
    ([When(D13, D13, "day"), When(D13 - timedelta(days=1), D13 - timedelta(days=1), "day")],
     (D13 - timedelta(days=1), D13, "day")),
    # with no stated date, the assumed ones stand
    ([When(D13 - timedelta(days=6), D13, "week", "", "when:published-week")],
     (D13 - timedelta(days=6), D13, "week")),
])
def test_union_when_prefers_stated_dates(whens, expected):
    d = doc("d1")
    when = union_when([mention(d, i, when=w) for i, w in enumerate(whens)])
    assert when is not None and (when.start, when.end, when.precision) == expected


def _incident_inputs():
    d1 = doc("r-1", STORY_A, "Outlet A", published=date(2016, 12, 13))
    d2 = doc("r-2", STORY_B, "Outlet B", published=date(2016, 12, 14))
    m1 = mention(d1, 0, "air_strike", where=ALEPPO, when=day(date(2016, 12, 13)),
                 figures=(Figure("killed", "people", 12, None, "at_least"),),
                 perpetrators=(Actor("Russia", 8),), targets=("food", "civilians"))
    m2 = mention(d2, 0, "shelling", where=ALEPPO_DISTRICT, when=day(date(2016, 12, 14)),
                 figures=(Figure("killed", "people", 15, 15, "exact"),),
                 perpetrators=(Actor("Russia", 8), Actor("Syrian government", 1)), targets=("health",))
    m3 = mention(d1, 1, "air_strike", where=SYRIA, when=When(date(2016, 12, 1), date(2016, 12, 31), "month"),
                 figures=(Figure("killed", "people", 0, 0, "exact"),), certainty="denied",
                 claimed_by="a ministry spokesman")
    m4 = mention(d2, 1, "air_strike", status="hypothetical",
                 figures=(Figure("killed", "people", 300, 300, "exact"),))
    return [m1, m2, m3, m4], {d.sha256: d for d in (d1, d2)}


def test_build_incident_fields():
    mentions, documents = _incident_inputs()
    links = [Link(mentions[1].id, "inc-x", 0.8, (("type", 0.7),), mentions[0].id)]
    inc = build_incident("inc-x", mentions, documents, links)
    assert (inc.id, inc.type, inc.scope, inc.status) == ("inc-x", "air_strike", "incident", "machine")
    assert inc.where == ALEPPO_DISTRICT  # the most precise place
    assert inc.when is not None
    assert inc.when.to_dict() == {"start": "2016-12-01", "end": "2016-12-31", "precision": "month"}
    (killed,) = inc.figures
    assert (killed.low, killed.best, killed.high, killed.conservative) == (12, 13.5, 15, 12)
    assert killed.contradiction is True  # the figures against the denial
    assert len(killed.claims) == 3  # the hypothetical 300 is not a claim about this incident
    assert inc.perpetrators == ("Russia", "Syrian government")
    assert inc.targets == ("civilians", "food", "health")
    assert inc.documents == ("r-1", "r-2")
    assert inc.sources == ("Outlet A", "Outlet B")
    assert inc.independent_sources == 2
    assert inc.mentions == tuple(m.id for m in mentions)
    assert inc.links == tuple(links)
    assert inc.to_dict()["figures"][0]["claims"][0]["document"] == "r-1"


def test_build_incident_is_pure_and_repeatable():
    mentions, documents = _incident_inputs()
    before = (list(mentions), dict(documents))
    first = build_incident("inc-x", mentions, documents, [])
    assert first == build_incident("inc-x", mentions, documents, [])
    assert (list(mentions), dict(documents)) == before


def test_build_incident_when_keeps_day_precision_over_days():
    d = doc("d1")
    mentions = [mention(d, 0, when=day(date(2016, 12, 15))), mention(d, 1, when=day(date(2016, 12, 16)))]
    inc = build_incident("inc-y", mentions, {d.sha256: d}, [])
    assert inc.when is not None
    assert inc.when.to_dict() == {"start": "2016-12-15", "end": "2016-12-16", "precision": "day"}


def test_lone_non_asserted_mention_keeps_type_but_gives_no_figures():
    d = doc("d1")
    m = mention(d, type="displacement", status="negated",
                figures=(Figure("displaced", "people", 9, 9, "exact"),))
    inc = build_incident(incident_id_for(m), [m], {d.sha256: d}, [])
    assert (inc.type, inc.figures, inc.grade, inc.where) == ("displacement", (), "weak", ALEPPO)


@pytest.mark.parametrize(("problem", "message"), [
    ("empty", "no mentions"), ("scope", "mixes"), ("document", "was not passed"), ("link", "does not belong"),
])
def test_build_incident_rejects_inconsistent_input(problem, message):
    d1, d2 = doc("d1"), doc("d2", STORY_B)
    mentions = [mention(d1, 0), mention(d2, 0)]
    documents = {d1.sha256: d1, d2.sha256: d2}
    links: list[Link] = []
    if problem == "empty":
        mentions = []
    elif problem == "scope":
        mentions[1] = mention(d2, 0, scope="aggregate")
    elif problem == "document":
        del documents[d2.sha256]
    else:
        links = [Link(mentions[1].id, "inc-other", 0.9)]
    with pytest.raises(LinkError, match=message):
        build_incident("inc-z", mentions, documents, links)


def _graded(*specs: tuple[str, str, str | None, dict]) -> str:
    """Build an incident from (doc id, text, source, mention kwargs) specs and return its grade."""
    docs: dict[str, Document] = {}
    mentions: list[Mention] = []
    for doc_id, text, source, kwargs in specs:
        d = docs.setdefault(doc_id, doc(doc_id, text, source))
        mentions.append(mention(d, len(mentions), **kwargs))
    return build_incident("inc-g", mentions, {d.sha256: d for d in docs.values()}, []).grade


@pytest.mark.parametrize(("specs", "grade"), [
    ([("a", STORY_A, "Outlet A", {})], "weak"),
    ([("a", STORY_A, "Outlet A", {}), ("b", STORY_B, "Outlet B", {})], "fair"),
    ([("a", STORY_A, "Outlet A", {}), ("b", REPRINT, "Outlet B", {})], "weak"),  # a reprint is one story
    ([("a", STORY_A, "Outlet A", {}), ("b", STORY_B, "Outlet B", {"section": "comment"})], "weak"),
    ([("a", STORY_A, "Outlet A", {}), ("b", STORY_B, "Twitter", {})], "weak"),
    ([("a", STORY_A, "Outlet A", {}),
      ("b", STORY_B, "Amaq", {"type": "responsibility_claim", "perpetrators": (Actor("Islamic State", 2),),
                              "certainty": "claimed", "claimed_by": "Islamic State"})], "confirmed"),
    ([("a", STORY_A, "Outlet A", {"perpetrators": (Actor("Russia", 8),)}),
      ("b", STORY_B, "Outlet B", {"perpetrators": (Actor("Syrian government", 1),)})], "contested"),
    ([("a", STORY_A, "Outlet A", {"perpetrators": (Actor("Russia", 8),)}),
      ("b", STORY_B, "Outlet B", {"type": "responsibility_claim", "perpetrators": (Actor("Russia", 8),),
                                  "certainty": "denied", "claimed_by": "Russia"})], "contested"),
    ([("a", STORY_A, "Outlet A", {"perpetrators": (Actor("Russia", 8),)}),
      ("b", STORY_B, "Outlet B", {"perpetrators": (Actor("Russia", 8), Actor("Syrian government", 1))})],
     "fair"),
    ([("a", STORY_A, "Outlet A", {"perpetrators": (Actor("Russia", 8),)}),
      ("b", STORY_B, "Outlet B", {"perpetrators": (Actor("Turkey", 8),), "section": "comment"})], "weak"),
])
def test_grades(specs, grade):
    assert _graded(*specs) == grade


# --- features: names, places, dates, text, figures, contradictions -------------------------------

@pytest.mark.parametrize(("a", "b", "same"), [
    ("Talbiseh", "Tallbīsah", True), ("Douma", "Dūmā", True), ("Maarat al-Numan", "Ma‘arrat an Nu‘mān", True),
    ("al-Bab", "Al Bāb", True), ("Binnish", "Taftanāz", False), ("Hama", "Homs", False),
])
def test_skeleton_folds_spelling_variants(a, b, same):
    assert (skeleton(a) == skeleton(b)) is same


def test_names_in_skips_sentence_openers():
    names = names_in("Gunmen attacked a post near Jisr al-Shughur on Friday. Rescuers came from Ariha.")
    assert {skeleton("Jisr ash Shughūr"), skeleton("Ariha")} <= names
    assert not {skeleton("Gunmen"), skeleton("Rescuers"), skeleton("Friday")} & names


SARMIN = Place("Sarmīn", 35.90, 36.73, "city", geonameid="163345", country="SY", score=0.9)
SARAQIB = Place("Saraqib", 35.86, 36.81, "city", geonameid="163806", country="SY", score=0.9)


@pytest.mark.parametrize(("a", "b", "text_a", "expected"), [
    (SARMIN, SARAQIB, "", 0.0),                                   # two towns are two places, however near
    (SARMIN, replace(SARAQIB, score=0.55), "", 0.25),            # a doubtful place: softened, never a gate
    (SARMIN, SARAQIB, "Shells hit a mosque near Saraqib.", NAMED_IN_TEXT),  # the clause names the other place
    (ALEPPO, ALEPPO_DISTRICT, "", pytest.approx(0.98, abs=0.02)),  # a neighbourhood inside the city
    (None, SARAQIB, "", 0.0),                                     # no place: only names link
    (None, SARAQIB, "Jets hit a bakery in Saraqib.", NAMED_IN_TEXT),
    (None, None, "", UNPLACED),                                     # two mentions that name nothing
    (SYRIA, SYRIA, "", pytest.approx(0.55)),                       # two reports naming only the country
    (ALEPPO, AT_ALEPPO("al-Kalasa"), "", CONTAINED),               # a quarter placed at its town's point
    (AT_ALEPPO("al-Kalasa"), AT_ALEPPO("al-Shaar"), "", DOUBTFUL_TOWNS),  # two guessed places at one point
])
def test_place_score(a, b, text_a, expected):
    assert place_score(a, b, text_a, "") == expected
    assert place_score(b, a, "", text_a) == expected


@pytest.mark.parametrize(("when_a", "when_b", "expected"), [
    (day(D13), day(D13), 1.0),
    (day(D13), day(date(2016, 12, 14)), NEXT_DAY),                 # "the day after the market attack"
    (day(D13), When(date(2016, 12, 10), date(2016, 12, 16), "week"), pytest.approx(0.5 + 0.5 / 7)),
    (day(D13), day(date(2016, 12, 16)), 0.0),
])
def test_date_score(when_a, when_b, expected):
    a, b = mention(doc("d1"), when=when_a), mention(doc("d2"), when=when_b)
    assert date_score(a, b) == expected == date_score(b, a)


def test_text_score_stems_and_ignores_report_vocabulary():
    d = doc("d1")
    evac = mention(d, evidence="Buses evacuated the wounded from the Salah al-Din quarter.")
    later = mention(d, 1, evidence="The evacuation of the wounded from Salah al-Din resumed.")
    generic = mention(d, 2, evidence="At least four people were killed on Monday, officials said.")
    assert text_score(evac, later) > 0.5
    assert text_score(evac, generic) == 0.0


@pytest.mark.parametrize(("fa", "fb", "expected"), [
    (Figure("killed", "people", 9, None, "at_least"), Figure("killed", "civilians", 11, 11, "exact"), 1.0),
    (Figure("killed", "people", 5, 5, "exact"), Figure("killed", "people", 11, 11, "exact"), DISAGREEING_FIGURES),
    (Figure("killed", "people", 5, 5, "exact"), Figure("injured", "people", 11, 11, "exact"), 0.5),
])
def test_figure_score(fa, fb, expected):
    assert figure_score(mention(doc("d1"), figures=(fa,)), mention(doc("d2"), figures=(fb,))) == expected


def test_document_score_prefers_nearby_clauses_of_one_report():
    d = doc("d1")
    assert document_score(mention(d, 0), mention(d, 2)) == 1.0
    assert document_score(mention(d, 0), mention(d, 5)) == 0.5
    assert document_score(mention(d, 0), mention(doc("d2"), 0)) == 0.5


_claims = st.builds(
    claim, st.sampled_from(["exact", "approx", "vague", "at_least", "at_most", "range"]),
    st.integers(0, 40), st.integers(40, 60), document=st.sampled_from(["d1", "d2"]),
    source=st.sampled_from(["A", "B"]), claimed_by=st.sampled_from([None, "x"]),
    certainty=st.sampled_from(["reported", "denied"]),
    published=st.sampled_from([None, date(2016, 1, 1), date(2016, 1, 2)]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_claims, max_size=7))
def test_contradiction_search_equals_all_pairs(claims):
    from itertools import combinations

    (est,) = fuse(claims) or (None,)
    expected = any(contradicts(a, b) for a, b in combinations(claims, 2))
    assert (est.contradiction if est else False) is expected


def test_story_groups_of_many_documents_equal_all_pairs():
    from harmwatch.link.sources import ALL_PAIRS, near_duplicate, shingles

    texts = [STORY_A, STORY_B, REPRINT, STORY_B.replace("overnight", "late at night")]
    docs = [doc(f"d{i}", f"Bulletin {i}. " + texts[i % 4] + f" Filed {i}.", f"Outlet {i}") for i in
            range(ALL_PAIRS + 20)]
    groups = story_groups(docs, load_registry())
    sh = [shingles(d.text) for d in docs]
    for i in range(0, len(docs), 7):
        for j in range(i + 1, len(docs), 5):
            if near_duplicate(sh[i], sh[j]):
                assert groups[i] == groups[j]
    assert len(set(groups)) < len(docs)


def test_a_rebuilt_incident_does_not_compare_its_documents_again(monkeypatch):
    from harmwatch.link import sources

    docs = [doc(f"r{i}", f"Dispatch {i}. " + (STORY_A if i % 2 else STORY_B), f"Desk {i}") for i in range(12)]
    first = story_groups(docs, load_registry())
    calls = []
    monkeypatch.setattr(sources, "near_duplicate", lambda a, b: calls.append((a, b)) or False)
    assert story_groups(docs, load_registry()) == first
    assert calls == []  # every pair was remembered from the first build
    story_groups([*docs, doc("r-new", "A new dispatch. " + STORY_A, "Desk new")], load_registry())
    assert 0 < len(calls) <= len(docs)  # only the newcomer's pairs are compared
