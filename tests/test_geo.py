"""The geocoding stage: normalisation, gazetteer index, resolution, spaCy component, geoparse."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import spacy

from harmwatch.config import from_env
from harmwatch.errors import GeoError, IngestError
from harmwatch.geo import Gazetteer, geoparse, import_geonames, import_places, normalize_name, resolve
from harmwatch.geo import index as geo_index
from harmwatch.geo.index import FUZZY
from harmwatch.geo.resolve import RunFocus
from harmwatch.geo.sources import ALT, DEMONYM, PRIMARY, Entry
from harmwatch.model import PLACE_PRECISIONS, Place, Toponym

# --- normalisation ---


@pytest.mark.parametrize("a, b", [
    ("Ma`arrat al-Nu'man", "Maarat an-Numan"),
    ("Dayr az-Zawr", "Deir ez-Zor"),
    ("Sheikh Maqsoud", "Shaykh Maqsud"),
    ("Kfar Nabl", "Kafr Nabl"),
    ("Raqqah", "Raqqa"),
    ("Jisr ash-Shughur", "Jisr al Shughur"),
    ("Ḩalab", "Halab"),
    ("The Hague", "Hague"),
    ("ALEPPO", "aleppo"),
    ("St. Louis", "Saint Louis"),
    ("Beirut", "Bayrut"),
])
def test_spelling_variants_share_a_key(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize("a, b", [
    ("Aleppo", "Idlib"),
    ("Homs", "Hama"),
    ("Paris", "Parish"),
    ("Al Bab", "Bab al-Hawa"),
])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert normalize_name(a) != normalize_name(b)


@pytest.mark.parametrize("name", ["", "  ", "-", "'"])
def test_names_without_letters_normalise_to_empty(name: str) -> None:
    assert normalize_name(name) == ""


def test_arabic_script_keeps_its_letters() -> None:
    key = normalize_name("حلب")
    assert key and key == normalize_name(" حلب ")


def test_only_an_article_before_a_name_is_unified() -> None:
    assert normalize_name("El Paso") == normalize_name("al-Paso")
    assert normalize_name("El") == "el" != normalize_name("Al")


# --- gazetteer candidates ---


def test_candidates_find_the_syrian_city(geo_gazetteer: Gazetteer) -> None:
    places = geo_gazetteer.candidates("Aleppo")
    city = [p for p in places if p.feature == "PPL" and p.country == "SY"]
    assert city and city[0].geonameid and city[0].geonameid.isdigit()
    assert 35 < (city[0].lat or 0) < 37 and 36 < (city[0].lon or 0) < 38


def test_transliterations_reach_the_same_place(geo_gazetteer: Gazetteer) -> None:
    a = geo_gazetteer.candidates("Dayr az-Zawr")
    b = geo_gazetteer.candidates("Deir ez-Zor")
    assert a and a == b and all(p.country == "SY" for p in a)


def test_alternate_names_in_arabic_script(geo_gazetteer: Gazetteer) -> None:
    assert any(p.country == "SY" and p.feature == "PPL" for p in geo_gazetteer.candidates("حلب"))


def test_demonym_maps_to_its_country(geo_gazetteer: Gazetteer) -> None:
    found = geo_gazetteer.matches("Syrian")
    assert found[0].place.feature == "PCLI" and found[0].place.country == "SY"
    assert found[0].kind == DEMONYM


def test_fuzzy_match_only_when_nothing_matches_exactly(geo_gazetteer: Gazetteer) -> None:
    typo = geo_gazetteer.matches("Jisr al-Shughor")
    assert typo and all(m.kind == FUZZY and 0.9 <= m.similarity < 1 for m in typo)
    assert typo[0].place.country == "SY"
    assert geo_gazetteer.matches("Jisr al-Shughor", fuzzy=False) == []
    assert all(m.kind != FUZZY for m in geo_gazetteer.matches("Jisr al-Shughur"))


def test_unknown_name_has_no_candidates(geo_gazetteer: Gazetteer) -> None:
    assert geo_gazetteer.candidates("Qwxzzyville") == []
    assert geo_gazetteer.candidates("") == []


def test_candidate_limit(geo_gazetteer: Gazetteer) -> None:
    assert len(geo_gazetteer.candidates("Springfield", limit=3)) == 3


@pytest.mark.parametrize("name, country, feature", [
    ("Middle East", None, "RGN"),
    ("Europe", None, "CONT"),
    ("Minn.", "US", "ADM1"),
    ("Granville County", "US", "ADM2"),
    ("U.S.", "US", "PCLI"),
    ("Rural Damascus", "SY", "ADM1"),  # Rif Dimashq by the English name monitors use
])
def test_regions_abbreviations_and_aliases(geo_gazetteer: Gazetteer, name: str, country: str | None,
                                           feature: str) -> None:
    top = geo_gazetteer.candidates(name)[0]
    assert (top.country, top.feature) == (country, feature)


def test_country_lookup(geo_gazetteer: Gazetteer) -> None:
    syria = geo_gazetteer.country("sy")
    assert syria is not None and syria.precision == "country" and syria.name == "Syria"
    assert geo_gazetteer.country("XX") is None
    assert "TR" in geo_gazetteer.neighbours("SY")


# --- resolution in context ---


def _spans(text: str, *names: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for n in names:
        start = text.index(n, pos)
        out.append((start, start + len(n)))
        pos = start + len(n)
    return out


def _resolve(gaz: Gazetteer, text: str, *names: str) -> list[Toponym]:
    return resolve(text, _spans(text, *names), gaz)


def test_every_chosen_place_explains_itself(geo_gazetteer: Gazetteer) -> None:
    text = "Shelling hit Aleppo and Idlib province, Syrian activists said, as talks went on in Europe."
    topos = _resolve(geo_gazetteer, text, "Aleppo", "Idlib province", "Syrian", "Europe")
    assert [t.text for t in topos] == ["Aleppo", "Idlib province", "Syrian", "Europe"]
    for t in topos:
        assert t.place is not None and t.place.reason and 0 < t.place.score <= 1
        assert t.place.precision in PLACE_PRECISIONS
        assert t.place.geonameid is None or t.place.geonameid.isdigit()
    assert [t.place.precision for t in topos if t.place] == ["city", "region", "country", "continent"]
    assert [t.place.country for t in topos if t.place][:3] == ["SY", "SY", "SY"]


def test_aleppo_resolves_to_syria(geo_gazetteer: Gazetteer) -> None:
    (t,) = _resolve(geo_gazetteer, "Shelling hit Aleppo on Sunday.", "Aleppo")
    assert t.place and t.place.country == "SY" and t.place.precision == "city"


@pytest.mark.parametrize("text, names, expect", [
    ("Floods hit Paris, Texas, and nearby Dallas.", ("Paris", "Texas", "Dallas"), ("US", "Texas")),
    ("Protesters filled the streets of Paris and Lyon.", ("Paris", "Lyon"), ("FR", None)),
    ("A plant in Lebanon, Tennessee closed.", ("Lebanon", "Tennessee"), ("US", "Tennessee")),
    ("Rockets from Lebanon hit northern Israel.", ("Lebanon", "Israel"), ("LB", None)),
])
def test_context_picks_the_namesake(geo_gazetteer: Gazetteer, text: str, names: tuple[str, ...],
                                    expect: tuple[str, str | None]) -> None:
    first = _resolve(geo_gazetteer, text, *names)[0].place
    assert first is not None and first.country == expect[0]
    if expect[1]:
        assert first.admin1 == expect[1]


@pytest.mark.parametrize("text, names, country", [
    ("The mayor of Atlanta said Georgia would send help to Savannah.", ("Atlanta", "Georgia"), "US"),
    ("Talks in Tbilisi: Georgia and Russia disagree.", ("Tbilisi", "Georgia"), "GE"),
])
def test_country_focus_decides_georgia(geo_gazetteer: Gazetteer, text: str, names: tuple[str, ...],
                                       country: str) -> None:
    assert _resolve(geo_gazetteer, text, *names)[1].place.country == country  # type: ignore[union-attr]


def test_repeats_of_a_name_share_one_place(geo_gazetteer: Gazetteer) -> None:
    text = "Paris was calm. Later, in Paris, Texas, a storm hit. Paris residents cleaned up."
    topos = _resolve(geo_gazetteer, text, "Paris", "Paris", "Texas", "Paris")
    assert {(t.place.name, t.place.country) for t in (topos[0], topos[1], topos[3]) if t.place} == {
        ("Paris", "US")}


def test_unknown_names_stay_unresolved(geo_gazetteer: Gazetteer) -> None:
    text = "Clashes near Qwxzzyville and Homs."
    topos = _resolve(geo_gazetteer, text, "Qwxzzyville", "Homs")
    assert topos[0].place is None and topos[0].text == "Qwxzzyville"
    assert topos[1].place is not None and topos[1].place.country == "SY"


def test_other_names_in_the_text_inform_given_spans(geo_gazetteer: Gazetteer) -> None:
    text = "Paris is a small city in Lamar County in northeast Texas, known for its replica tower."
    with_context = resolve(text, [(0, 5)], geo_gazetteer)
    without = resolve(text, [(0, 5)], geo_gazetteer, context=False)
    assert len(with_context) == 1 and with_context[0].place and with_context[0].place.country == "US"
    assert without[0].place and without[0].place.country == "FR"


@pytest.mark.parametrize("text, names", [
    ("Shelling hit Maarat al-Numan and Saraqib.", ("Maarat al-Numan", "Saraqib")),
    ("Shelling hit Ma`arrat an-Nu'man and Saraqeb.", ("Ma`arrat an-Nu'man", "Saraqeb")),
    ("Shelling hit MAARET AL NUMAN and Sarāqib.", ("MAARET AL NUMAN", "Sarāqib")),
])
def test_transliteration_variants_resolve_to_one_place(geo_gazetteer: Gazetteer, text: str,
                                                       names: tuple[str, ...]) -> None:
    town, other = _resolve(geo_gazetteer, text, *names)
    assert town.place is not None and other.place is not None
    reference = _resolve(geo_gazetteer, "Shelling hit Maarat al-Numan and Saraqib.", "Maarat al-Numan", "Saraqib")
    assert (town.place.geonameid, other.place.geonameid) == (reference[0].place.geonameid,  # type: ignore[union-attr]
                                                             reference[1].place.geonameid)  # type: ignore[union-attr]
    assert town.place.country == "SY"


@pytest.mark.parametrize("text, name, container", [
    ("Qwxzzville, a village in Idlib province, was shelled.", "Qwxzzville", "Idlib province"),
    ("Winchester is a city in Lewis County, Idaho, United States.", "Winchester", "Lewis County"),
])
def test_an_unknown_place_is_put_at_its_container(geo_gazetteer: Gazetteer, text: str, name: str,
                                                  container: str) -> None:
    (t,) = resolve(text, _spans(text, name), geo_gazetteer)
    (c,) = resolve(text, _spans(text, container), geo_gazetteer)
    assert t.place is not None and c.place is not None
    assert t.place.name == name and (t.place.lat, t.place.lon) == (c.place.lat, c.place.lon)
    assert t.place.precision == c.place.precision and t.place.precision in ("district", "region")
    assert "placed at" in t.place.reason


def test_a_list_is_no_container(geo_gazetteer: Gazetteer) -> None:
    text = "Shelling hit Homs, Hama and Idlib."
    homs, hama, idlib = _resolve(geo_gazetteer, text, "Homs", "Hama", "Idlib")
    assert homs.place is not None and homs.place.name == "Homs" and homs.place.precision == "city"
    assert "placed at" not in homs.place.reason


@pytest.mark.parametrize("text, name, kind", [
    ("Farmers marched against new EU rules on grain.", "EU", "CONT"),  # the Union, not the town of Eu
    ("The ferry left Eu at dawn for the coast.", "Eu", "PPL"),
])
def test_a_short_name_in_capitals_is_an_acronym(geo_gazetteer: Gazetteer, text: str, name: str,
                                                kind: str) -> None:
    (t,) = _resolve(geo_gazetteer, text, name)
    assert t.place is not None and t.place.feature == kind


def test_a_state_outranks_a_village_of_its_name(geo_gazetteer: Gazetteer) -> None:
    text = "Flights from Manhattan and Boston to Florida were cancelled as the storm neared."
    florida = _resolve(geo_gazetteer, text, "Manhattan", "Boston", "Florida")[2].place
    assert florida is not None and florida.feature == "ADM1" and florida.country == "US"


def test_names_that_lie_together_pick_namesakes_that_lie_together(geo_gazetteer: Gazetteer) -> None:
    text = "Roads were closed in Edmonton and Enfield after the water main burst."
    topos = _resolve(geo_gazetteer, text, "Edmonton", "Enfield")
    assert [t.place.country for t in topos if t.place] == ["GB", "GB"]
    assert "near a place" in topos[1].place.reason  # type: ignore[union-attr]


def test_a_big_city_does_not_follow_its_small_namesakes(geo_gazetteer: Gazetteer) -> None:
    text = "Clashes went on near Palmyra and at the edge of Damascus."
    damascus = _resolve(geo_gazetteer, text, "Palmyra", "Damascus")[1].place
    assert damascus is not None and damascus.country == "SY"


def test_the_run_s_geography_reads_a_lone_ambiguous_name(geo_gazetteer: Gazetteer) -> None:
    text = "Shelling hit Palmyra overnight."
    alone = _resolve(geo_gazetteer, text, "Palmyra")[0].place
    assert RunFocus().shares() == {}
    run = _syrian_run(geo_gazetteer)
    read = resolve(text, _spans(text, "Palmyra"), geo_gazetteer, run=run)[0].place
    assert alone is not None and alone.country == "US"  # no other name: population and own name decide
    assert read is not None and read.country == "SY"
    # A document that names its own country is read by it, whatever the run was about.
    other = "A fair opened in Palmyra, Pennsylvania."
    assert _resolve(geo_gazetteer, other, "Palmyra", "Pennsylvania")[0].place.country == "US"  # type: ignore


def test_a_fuzzy_match_needs_support_from_the_document(geo_gazetteer: Gazetteer) -> None:
    text = "Fighting in Aleppo and Damascus. Jets struck al-Eis and al-Hamadaniya on Monday."
    topos = _resolve(geo_gazetteer, text, "Aleppo", "Damascus", "al-Eis", "al-Hamadaniya")
    assert topos[2].place is None, topos[2].place  # not Los Angeles, however big
    neighbour = topos[3].place  # a fuzzy match next door (Iraq's Al-Hamdaniya) is still a reading
    assert neighbour is not None and neighbour.country == "IQ", neighbour


def _syrian_run(gaz: Gazetteer) -> RunFocus:
    """A run whose three documents so far were about Syria."""
    run = RunFocus()
    for earlier in ("Fighting in Homs.", "Air strikes on Idlib.", "Shelling in Hama and Homs."):
        resolve(earlier, _spans(earlier, *[w.strip(".") for w in earlier.split() if w[0].isupper()][1:]), gaz, run=run)
    assert run.documents == 3 and max(run.shares(), key=run.shares().__getitem__) == "SY"
    return run


def test_a_village_abroad_is_no_reading_in_a_run_about_elsewhere(geo_gazetteer: Gazetteer) -> None:
    text = "Fighting broke out in Arbin city."
    alone = _resolve(geo_gazetteer, text, "Arbin")[0].place
    assert alone is not None and alone.country == "FR" and alone.population < 5_000  # the only Arbin it knows
    run = _syrian_run(geo_gazetteer)
    assert resolve(text, _spans(text, "Arbin"), geo_gazetteer, run=run)[0].place is None
    # A city abroad still stands, and so does a village the document's own names place in its country.
    paris = "Protesters marched in Paris."
    assert resolve(paris, _spans(paris, "Paris"), geo_gazetteer, run=run)[0].place.country == "FR"  # type: ignore
    french = "Fighting broke out in Arbin city, France."
    assert resolve(french, _spans(french, "Arbin", "France"), geo_gazetteer, run=run)[0].place.country == "FR"  # type: ignore


def test_a_village_in_the_countryside_of_a_town_is_placed_there(geo_gazetteer: Gazetteer) -> None:
    text = "Shells fell on Qwzzat village in the southern countryside of Hama."
    village, hama = _resolve(geo_gazetteer, text, "Qwzzat", "Hama")
    assert hama.place is not None and village.place is not None
    assert (village.place.lat, village.place.lon) == (hama.place.lat, hama.place.lon)
    assert "placed at 'Hama'" in village.place.reason


def test_no_spans_no_toponyms(geo_gazetteer: Gazetteer) -> None:
    assert resolve("Nothing to see.", [], geo_gazetteer) == []


# --- spaCy component ---


@pytest.fixture
def ruled_nlp(geo_gazetteer: Gazetteer) -> spacy.language.Language:
    """A blank English pipeline whose "NER" is a fixed entity ruler, so the test does not hang on a model."""
    from harmwatch.geo import component

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([  # type: ignore[attr-defined]
        {"label": "GPE", "pattern": "Aleppo"}, {"label": "NORP", "pattern": "Syrian"},
        {"label": "NORP", "pattern": "Democrats"}, {"label": "GPE", "pattern": "Qwxzzland"},
        {"label": "PERSON", "pattern": [{"TEXT": "Kafr"}, {"TEXT": "Nabl"}]},
        {"label": "ORG", "pattern": [{"TEXT": "Aleppo"}, {"TEXT": "Media"}, {"TEXT": "Center"}]},
        {"label": "ORG", "pattern": "Lyon"},
        {"label": "PERSON", "pattern": [{"TEXT": "Adam"}, {"TEXT": "Tartus"}]},
    ])
    pipe = nlp.add_pipe("harmwatch_places")
    assert isinstance(pipe, component.PlaceResolver)
    pipe.gazetteer = geo_gazetteer
    return nlp


def test_component_writes_place_spans(ruled_nlp: spacy.language.Language) -> None:
    doc = ruled_nlp("Syrian Democrats said shelling near Kafr Nabl and Aleppo hit Qwxzzland and Homs.")
    spans = doc.spans["hw_places"]
    found = {s.text: s._.place for s in spans}
    assert found["Syrian"] is not None and found["Syrian"].precision == "country"
    assert "Democrats" not in found  # a NORP that is no country's demonym
    assert found["Kafr Nabl"] is not None and found["Kafr Nabl"].country == "SY"  # PERSON after "near"
    assert found["Aleppo"] is not None and found["Aleppo"].country == "SY"
    assert "Qwxzzland" in found and found["Qwxzzland"] is None  # a GPE the gazetteer does not know
    assert found["Homs"] is not None and found["Homs"].country == "SY"  # missed by the "NER"
    assert [s.start_char for s in spans] == sorted(s.start_char for s in spans)


@pytest.mark.parametrize("text, places", [
    ("HOMS — Fighting resumed on Monday.", ["HOMS"]),  # dateline
    ("The Aleppo Media Center reported shelling.", ["Aleppo"]),  # a place inside an organisation's name
    ("Fighting in Hama went on. Hama residents fled.", ["Hama", "Hama"]),  # repeat at sentence start
    ("Adam Tartus spoke. Tartus said so.", []),  # a person's surname, not the port
    ("Shelling hit Aleppo. Lyon said it would help.", ["Aleppo"]),  # a French club in a Syrian story
    ("Lyon said it would help.", ["Lyon"]),  # no story geography to contradict it
])
def test_component_finds_what_the_ner_misses(ruled_nlp: spacy.language.Language, text: str,
                                             places: list[str]) -> None:
    doc = ruled_nlp(text)
    assert [s.text for s in doc.spans["hw_places"]] == places
    assert all(s._.place is not None for s in doc.spans["hw_places"])


def test_component_ignores_capitalised_words_at_sentence_start(ruled_nlp: spacy.language.Language) -> None:
    doc = ruled_nlp("Paris said nothing.")
    assert [s.text for s in doc.spans["hw_places"]] == []


def test_component_opens_the_default_gazetteer_lazily(geo_gazetteer: Gazetteer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from harmwatch.geo.component import PlaceResolver

    home = tmp_path / "home"
    home.mkdir()
    (home / "gazetteer.sqlite").write_bytes(geo_gazetteer.path.read_bytes())
    monkeypatch.setenv("HARMWATCH_HOME", str(home))
    pipe = PlaceResolver()
    assert pipe.gazetteer is None
    doc = pipe(spacy.blank("en")("Fighting in Aleppo."))
    assert pipe.gazetteer is not None and pipe.gazetteer.path == home / "gazetteer.sqlite"
    assert [s.text for s in doc.spans["hw_places"]] == ["Aleppo"]


def _ruled_places(gazetteer: Gazetteer, patterns: list[tuple[str, str]]) -> spacy.language.Language:
    """A blank pipeline whose NER is an entity ruler with ``(label, text)`` patterns, then harmwatch_places."""
    from harmwatch.geo import component  # noqa: F401  (registers harmwatch_places)

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": label, "pattern": text} for label, text in patterns])  # type: ignore
    pipe = nlp.add_pipe("harmwatch_places")
    pipe.gazetteer = gazetteer  # type: ignore[attr-defined]
    return nlp


def test_a_town_the_ner_calls_a_people_is_kept_after_a_cue(geo_gazetteer: Gazetteer) -> None:
    nlp = _ruled_places(geo_gazetteer, [("NORP", "Aleppo"), ("LANGUAGE", "Homs")])
    for text in ("Shells hit areas of Aleppo city", "Airstrikes on Aleppo", "Rebels clash in Homs"):
        doc = nlp(text)
        assert [s._.place.country for s in doc.spans["hw_places"]] == ["SY"], text
    doc = nlp("Aleppo fans cheered the team")
    assert [s.text for s in doc.spans["hw_places"]] == []


@pytest.mark.parametrize(("text", "label"), [
    ("Turkish jets struck the town at dawn.", "NORP"),  # who acted, not where
    ("Two attacks in Turkish towns left 4 dead.", "GPE"),  # after "in": a place after all
])
def test_a_peoples_name_vouches_for_its_country_but_is_no_location(geo_gazetteer: Gazetteer, text: str,
                                                                    label: str) -> None:
    nlp = _ruled_places(geo_gazetteer, [("NORP", "Turkish")])
    doc = nlp(text)
    [span] = doc.spans["hw_places"]
    assert (span.text, span.label_, span._.place.country) == ("Turkish", label, "TR")


def test_a_generic_name_is_no_place_once_its_article_is_trimmed(geo_gazetteer: Gazetteer) -> None:
    nlp = _ruled_places(geo_gazetteer, [("LOC", "the Old City"), ("LOC", "the West Bank")])
    doc = nlp("A deal for the Old City of Homs emptied it.")
    assert [(s.text, s._.place.country) for s in doc.spans["hw_places"]] == [("Homs", "SY")]
    doc = nlp("Raids went on across the West Bank.")  # generic words, but not a generic name
    assert [s.text for s in doc.spans["hw_places"]] == ["West Bank"]


def test_a_compass_word_cues_a_town(geo_gazetteer: Gazetteer) -> None:
    """"east Aleppo" is a place even when another country's town is the only other name."""
    nlp = _ruled_places(geo_gazetteer, [("PERSON", "Doctors")])  # no place for the NER: the scan finds them
    doc = nlp("Doctors in east Aleppo wrote again. Our office in Gaziantep takes calls. East Aleppo waits.")
    found = [(s.text, s._.place.country if s._.place else None) for s in doc.spans["hw_places"]]
    assert found == [("Aleppo", "SY"), ("Gaziantep", "TR"), ("Aleppo", "SY")]
    doc = nlp("Doctors on the East Saraqib road wrote again.")  # a capital starts a name: no cue
    assert [s.text for s in doc.spans["hw_places"]] == []
    doc = nlp("Doctors on the east Saraqib road wrote again.")
    assert [s.text for s in doc.spans["hw_places"]] == ["Saraqib"]
    # The small model calls "east Aleppo" a people: the town in it is still found.
    ruled = _ruled_places(geo_gazetteer, [("NORP", "east Aleppo"), ("GPE", "Gaziantep")])
    doc = ruled("Barrels fell on two quarters of east Aleppo, a doctor in Gaziantep said.")
    assert [(s.text, s._.place.country) for s in doc.spans["hw_places"]] == [("Aleppo", "SY"), ("Gaziantep", "TR")]


def test_a_place_name_the_ner_cut_short_is_made_whole(geo_gazetteer: Gazetteer) -> None:
    nlp = _ruled_places(geo_gazetteer, [("GPE", "Tal"), ("GPE", "Deir")])
    doc = nlp("Kurdish fighters clashed near Tal Abyad; later, shells hit Deir ez-Zor and Tal.")
    found = [(s.text, s._.place.country if s._.place else None) for s in doc.spans["hw_places"]]
    assert ("Tal Abyad", "SY") in found and ("Deir ez-Zor", "SY") in found


def test_each_source_reads_a_lone_name_in_its_own_geography(geo_gazetteer: Gazetteer) -> None:
    from types import SimpleNamespace

    from harmwatch.extract import components  # noqa: F401  (registers doc._.hw_document)
    from harmwatch.geo.component import PlaceResolver

    pipe = PlaceResolver(gazetteer=geo_gazetteer)
    nlp = spacy.blank("en")

    def read(text: str, source: str) -> list[str | None]:
        doc = nlp.make_doc(text)
        doc._.hw_document = SimpleNamespace(source=source)
        return [s._.place.country if s._.place else None for s in pipe(doc).spans["hw_places"]]

    for text in ("Fighting in Homs.", "Air strikes in Idlib.", "Shelling in Hama."):
        assert read(text, "Syria Wire") == ["SY"]
    for text in ("A fair in Cleveland.", "Storms in Columbus.", "A parade in Dayton.", "Snow in Akron."):
        assert read(text, "Ohio Daily") == ["US"]
    assert read("Shelling hit Palmyra.", "Syria Wire") == ["SY"]
    assert read("A fair opened in Palmyra.", "Ohio Daily") == ["US"]
    assert pipe.run.documents == 9  # every document also counts for the whole run

    def alone(history: tuple[str, ...]) -> tuple[list[str | None], int]:
        off = PlaceResolver(gazetteer=geo_gazetteer, run_context=False)
        for text in (*history, "A fair opened in Palmyra."):
            doc = nlp.make_doc(text)
            doc._.hw_document = SimpleNamespace(source="Any Daily")
            found = [s._.place.country if s._.place else None for s in off(doc).spans["hw_places"]]
        return found, off.run.documents

    # Switched off, what came before changes nothing.
    assert alone(("Fighting in Homs.", "Air strikes in Idlib.", "Shelling in Hama.", "Raids on Aleppo.")) == \
        alone(("A fair in Cleveland.", "Storms in Columbus.", "A parade in Dayton.", "Snow in Akron.")) == \
        alone(())
    assert alone(())[1] == 0


@pytest.mark.parametrize(("value", "on"), [("0", False), ("off", False), ("1", True), ("", True)])
def test_run_context_can_be_switched_off(value: str, on: bool) -> None:
    assert from_env({"HARMWATCH_RUN_CONTEXT": value}).run_context is on


# --- event location ---


def _toponyms(gaz: Gazetteer, text: str, *names: str) -> list[Toponym]:
    return _resolve(gaz, text, *names)


@pytest.mark.parametrize("trigger, expect", [("fleeing", "Homs"), ("violence", "Homs"), ("arrive", "Tartus")])
def test_event_location_tells_origin_from_destination(geo_gazetteer: Gazetteer, trigger: str,
                                                       expect: str) -> None:
    from harmwatch.geo import event_location

    text = "Syrian residents, fleeing violence in Homs, arrive in Tartus by bus."
    topos = _toponyms(geo_gazetteer, text, "Homs", "Tartus")
    place = event_location(text, topos, text.index(trigger))
    assert place is not None and f"({expect!r})" in place.reason
    assert place.precision == "city" and "event location" in place.reason


def test_event_location_skips_where_people_went(geo_gazetteer: Gazetteer) -> None:
    from harmwatch.geo import event_location

    text = "An air strike hit a market in Idlib; survivors were taken to Turkey."
    topos = _toponyms(geo_gazetteer, text, "Idlib", "Turkey")
    place = event_location(text, topos, text.index("strike"))
    assert place is not None and place.name == "Idlib"
    assert event_location(text, [], 0) is None


@pytest.mark.parametrize("text, place", [
    ("A Syria official said warplanes had been over the area.", None),
    ("Syria's defence ministry said the convoy burned.", None),
    ("The Syria-backed militia shelled the camp.", None),
    ("Syria state media said rebels shelled the camp.", None),
    ("Fighting resumed after the Syria-Iraq ceasefire collapsed.", None),
    ("Warplanes struck Syria on Monday, officials said.", "Syria"),
    ("Shelling in Syria between forces of both sides went on.", "Syria"),
])
def test_a_country_named_for_who_acts_is_not_where(geo_gazetteer: Gazetteer, text: str, place: str | None) -> None:
    """"A US official said": the official's country, not the place of the event."""
    from harmwatch.geo import event_location
    from harmwatch.geo.event import event_place

    topos = _toponyms(geo_gazetteer, text, "Syria")
    assert topos[0].place is not None and topos[0].place.precision == "country"
    found = event_location(text, topos, 0)
    assert (found.name if found else None) == place
    assert (event_place(text, topos) is None) is (place is None)


def test_event_location_prefers_the_finer_place_nearby(geo_gazetteer: Gazetteer) -> None:
    from harmwatch.geo import event_location

    text = "Shelling hit Saraqib in Syria."
    place = event_location(text, _toponyms(geo_gazetteer, text, "Saraqib", "Syria"), 0)
    assert place is not None and place.precision == "city"


@pytest.mark.parametrize("text, name, precision", [
    ("Clashes in the eastern countryside of Homs went on.", "Homs", "district"),
    ("Warplanes hit Hama northern and southern countryside.", "Hama", "district"),
    ("Shelling east of Damascus killed two.", "Damascus", "district"),
    ("A blast in Daraa province killed five.", "Daraa", "region"),
    ("A blast in Daraa city killed five.", "Daraa", "city"),
    ("Shells hit the city of Idlib.", "Idlib", "city"),
    ("Fighting in eastern Aleppo went on.", "Aleppo", "city"),  # a part of the city
    ("Homs, Hama countryside and Idlib were shelled.", "Homs", "city"),  # a list: the word is Hama's
])
def test_the_words_around_a_town_may_name_the_area_around_it(text: str, name: str, precision: str) -> None:
    from harmwatch.geo.event import named_area
    from harmwatch.model import Place

    town = Place(name, 35.0, 37.0, "city", reason="name")
    start = text.index(name)
    got = named_area(text, start, start + len(name), town)
    assert got.precision == precision and (got.lat, got.lon) == (35.0, 37.0)
    assert (got is town) == (precision == "city")


def test_a_region_stays_a_region(geo_gazetteer: Gazetteer) -> None:
    from harmwatch.geo.event import named_area
    from harmwatch.model import Place

    region = Place("Idlib", 35.8, 36.6, "region")
    assert named_area("the countryside of Idlib", 19, 24, region) is region


def test_an_event_is_placed_at_the_town_not_the_countryside_named_with_it(extractor) -> None:
    from harmwatch.model import Document, sha256_hex

    text = "Regime forces shelled the western countryside of Idlib and an air strike killed four in Saraqib."
    doc = Document(id="t", sha256=sha256_hex(text.encode()), raw=text.encode(), text=text, source="Test Wire")
    wheres = [m.where for m in extractor.extract_one(doc) if m.status == "asserted"]
    assert wheres and wheres[0] is not None and wheres[0].name == "Saraqib"


# --- geoparse ---


def test_geoparse_given_spans_keeps_order_and_shape(geo_gazetteer: Gazetteer) -> None:
    text = "Aid reached Homs and Hama in Syria."
    recs = [{"id": 7, "text": text, "toponyms": [{"start": s, "end": e} for s, e in
                                                  _spans(text, "Homs", "Hama", "Syria")[::-1]]},
            {"id": "b", "text": "No places here.", "toponyms": []}]
    spans = [(t["start"], t["end"]) for t in recs[0]["toponyms"]]  # type: ignore[index]
    out = list(geoparse(recs, given_spans=True, gazetteer=geo_gazetteer))
    assert [o["id"] for o in out] == ["7", "b"]
    assert [(t["start"], t["end"]) for t in out[0]["toponyms"]] == spans
    for t in out[0]["toponyms"]:
        assert set(t) == {"start", "end", "name", "lat", "lon", "geonameid", "country"}
        assert isinstance(t["lat"], float) and t["country"] == "SY"
    assert out[1]["toponyms"] == []


@pytest.mark.parametrize("rec", [
    {"id": "x"},
    {"id": "x", "text": "Homs.", "toponyms": [{"start": 0, "end": 99}]},
    {"id": "x", "text": "Homs.", "toponyms": [{"start": "a", "end": 4}]},
])
def test_geoparse_rejects_bad_records(geo_gazetteer: Gazetteer, rec: dict) -> None:
    with pytest.raises(IngestError):
        list(geoparse([rec], given_spans=True, gazetteer=geo_gazetteer))


def test_geoparse_detects_with_the_given_pipeline(geo_gazetteer: Gazetteer,
                                                  ruled_nlp: spacy.language.Language) -> None:
    text = "Shelling near Kafr Nabl and Aleppo."
    out = list(geoparse(iter([{"id": "d", "text": text, "toponyms": [{"start": 0, "end": 3}]}]),
                        given_spans=False, gazetteer=geo_gazetteer, nlp=ruled_nlp))
    assert [text[t["start"]:t["end"]] for t in out[0]["toponyms"]] == ["Kafr Nabl", "Aleppo"]
    assert all(t["country"] == "SY" for t in out[0]["toponyms"])


# --- index build ---


def _tiny_entries(countries: object = None) -> Iterator[Entry]:
    yield Entry("Alpha", 10.0, 20.0, "PPL", "SY", "North", 5000, "1", "test", (("Alpha", PRIMARY),))
    yield Entry("Beta", 11.0, 21.0, "PPL", "SY", "North", 50, "2", "test",
                (("Beta", PRIMARY), ("Al-Beta", ALT)))
    yield Entry("Syria", 35.0, 38.0, "PCLI", "SY", None, 10**7, "3", "test",
                (("Syria", PRIMARY), ("Syrian", DEMONYM)), ("TR",))
    yield Entry("North", 10.5, 20.5, "ADM1", "SY", "North", 5050, None, "test", (("North", PRIMARY),),
                admin1_code="09")


def _dump(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT * FROM place ORDER BY id").fetchall()
        return rows + conn.execute("SELECT * FROM name ORDER BY key, place").fetchall()
    finally:
        conn.close()


@pytest.fixture
def tiny_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo_index, "all_entries", _tiny_entries)


@pytest.mark.usefixtures("tiny_sources")
def test_build_is_idempotent(tmp_path: Path) -> None:
    a = Gazetteer.build(tmp_path / "a.sqlite")
    b = Gazetteer.build(tmp_path / "b.sqlite")
    assert _dump(a) == _dump(b) and _dump(a)
    gaz = Gazetteer.open(a)
    assert [p.name for p in gaz.candidates("al beta")] == ["Beta"]
    assert gaz.meta()["version"] == str(geo_index.GAZETTEER_VERSION)
    gaz.close()


@pytest.mark.usefixtures("tiny_sources")
def test_open_reuses_a_current_index_and_rebuilds_a_stale_one(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "g.sqlite"
    Gazetteer.open(path).close()
    first = path.stat().st_mtime_ns
    Gazetteer.open(path).close()
    assert path.stat().st_mtime_ns == first  # current: not rebuilt
    monkeypatch.setattr(geo_index, "GAZETTEER_VERSION", geo_index.GAZETTEER_VERSION + 1)
    gaz = Gazetteer.open(path)
    assert gaz.meta()["version"] == str(geo_index.GAZETTEER_VERSION)
    gaz.close()


@pytest.mark.usefixtures("tiny_sources")
def test_a_corrupt_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    path.write_bytes(b"not a database")
    gaz = Gazetteer.open(path)
    assert gaz.candidates("Alpha")[0].geonameid == "1"
    gaz.close()


def test_a_failed_build_leaves_no_half_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(countries: object = None) -> Iterator[Entry]:
        yield from _tiny_entries()
        raise GeoError("source vanished mid-build")

    monkeypatch.setattr(geo_index, "all_entries", _tiny_entries)
    path = Gazetteer.build(tmp_path / "g.sqlite")
    before = _dump(path)
    monkeypatch.setattr(geo_index, "all_entries", broken)
    with pytest.raises(GeoError):
        Gazetteer.build(path)
    with pytest.raises(GeoError):
        Gazetteer.build(tmp_path / "new.sqlite")
    assert _dump(path) == before  # the old index is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.sqlite"]  # no temp file, no new index


def test_build_into_an_unwritable_place_says_what_to_do(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GeoError, match="HARMWATCH_HOME"):
        Gazetteer.build(blocker / "sub" / "g.sqlite")


def _dump_line(gid: str, name: str, feature_class: str, code: str, alt: str = "") -> str:
    cols = [gid, name, name, alt, "10.25", "20.25", feature_class, code, "SY", "", "09", "", "", "",
            "120", "", "300", "Asia/Damascus", "2020-01-01"]
    return "\t".join(cols) + "\n"


@pytest.mark.usefixtures("tiny_sources")
def test_import_adds_villages_and_survives_a_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "g.sqlite"
    dump = tmp_path / "SY.txt"
    dump.write_text(_dump_line("901", "Tall Qasrun", "P", "PPL", "Tell Qasroun,تل قصرون")
                    + _dump_line("902", "Jabal Qasrun", "T", "MT")  # a mountain: not imported
                    + _dump_line("1", "Alpha", "P", "PPL"), encoding="utf-8")  # replaces the packaged Alpha
    assert import_geonames(dump, index) == 2
    gaz = Gazetteer.open(index)
    (village,) = gaz.candidates("Tell Qasroun")
    assert (village.geonameid, village.admin1, village.precision) == ("901", "North", "city")
    assert gaz.candidates("Jabal Qasrun") == []
    (alpha,) = gaz.candidates("Alpha")
    assert alpha.lat == 10.25 and alpha.reason.startswith("user gazetteer")
    gaz.close()
    dump.unlink()  # the user gazetteer keeps the entries, not the file's path
    monkeypatch.setattr(geo_index, "GAZETTEER_VERSION", geo_index.GAZETTEER_VERSION + 1)
    gaz = Gazetteer.open(index)  # the packaged index is rebuilt for the "newer" harmwatch
    assert gaz.meta()["version"] == str(geo_index.GAZETTEER_VERSION)
    assert [p.geonameid for p in gaz.candidates("Tall Qasrun")] == ["901"]
    gaz.close()


def _user_rows(index: Path) -> list[tuple]:
    conn = sqlite3.connect(geo_index.user_path(index))
    try:
        return (conn.execute("SELECT * FROM place ORDER BY id").fetchall()
                + conn.execute("SELECT * FROM name ORDER BY key, place").fetchall()
                + conn.execute("SELECT path, sha256, places FROM file").fetchall())
    finally:
        conn.close()


@pytest.mark.usefixtures("tiny_sources")
def test_importing_the_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    index, dump = tmp_path / "g.sqlite", tmp_path / "SY.txt"
    dump.write_text(_dump_line("901", "Tall Qasrun", "P", "PPL"), encoding="utf-8")
    first = import_places(dump, index)
    before = _user_rows(index)
    again = import_places(dump, index)
    assert (first.unchanged, again.unchanged, again.places) == (False, True, 1)
    assert _user_rows(index) == before
    dump.write_text(_dump_line("903", "Tall Rifat", "P", "PPL"), encoding="utf-8")  # the file changed
    assert import_places(dump, index).places == 1
    gaz = Gazetteer.open(index)
    assert gaz.candidates("Tall Qasrun") == [] and [p.geonameid for p in gaz.candidates("Tall Rifat")] == ["903"]
    gaz.close()


def _tiny_town_entries(countries: object = None) -> Iterator[Entry]:
    yield from _tiny_entries()
    # A bigger town far away that shares its name with a neighbourhood of Alpha.
    yield Entry("Gamma", 40.0, 40.0, "PPL", "TR", "East", 20000, "4", "test", (("Gamma", PRIMARY),))
    yield Entry("Turkey", 39.0, 35.0, "PCLI", "TR", None, 8 * 10**7, "5", "test", (("Turkey", PRIMARY),))


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "places.csv"
    path.write_text("name,lat,lon,kind,parent,aliases\n" + body, encoding="utf-8")
    return path


def test_a_user_neighbourhood_outranks_a_town_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo_index, "all_entries", _tiny_town_entries)
    index = tmp_path / "g.sqlite"
    csv_file = _csv(tmp_path, "Gamma,10.01,20.02,neighbourhood,Alpha,Hayy Gamma|Gamma Quarter\n"
                              "Alpha Hospital,10.02,20.01,hospital,Alpha,\n")
    assert import_places(csv_file, index).places == 2
    gaz = Gazetteer.open(index)
    text = "Shelling hit Gamma in Alpha; Hayy Gamma emptied."
    gamma, alpha, alias = _resolve(gaz, text, "Gamma", "Alpha", "Hayy Gamma")
    assert gamma.place is not None and gamma.place.precision == "neighbourhood"
    assert (gamma.place.country, gamma.place.admin1) == ("SY", "North")  # from its parent
    assert "user gazetteer" in gamma.place.reason
    assert alias.place == replace(gamma.place, score=alias.place.score, reason=alias.place.reason)  # type: ignore
    assert alpha.place is not None and alpha.place.precision == "city"
    (hospital,) = _resolve(gaz, "A strike hit Alpha Hospital.", "Alpha Hospital")
    assert hospital.place is not None and hospital.place.precision == "exact"
    # Outside its area the packaged town keeps its name.
    (far,) = _resolve(gaz, "Markets reopened in Gamma, Turkey.", "Gamma")
    assert far.place is not None and far.place.country == "TR"
    gaz.close()


@pytest.mark.usefixtures("tiny_sources")
@pytest.mark.parametrize("body, message", [
    ("Gamma,north,20,neighbourhood,,\n", "line 2"),
    ("Gamma,10,20,volcano,,\n", "unknown kind"),
    (",10,20,camp,,\n", "needs a name"),
])
def test_a_bad_csv_line_says_which(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(GeoError, match=message):
        import_places(_csv(tmp_path, body), tmp_path / "g.sqlite")
    assert geo_index.user_path(tmp_path / "g.sqlite").exists()  # but nothing was imported
    assert _user_rows(tmp_path / "g.sqlite") == []


@pytest.mark.usefixtures("tiny_sources")
def test_a_file_that_is_neither_format_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(GeoError, match="neither a GeoNames dump"):
        import_places(other, tmp_path / "g.sqlite")


@pytest.mark.usefixtures("tiny_sources")
def test_gazetteer_import_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from harmwatch.cli import main

    home = tmp_path / "home"
    csv_file = _csv(tmp_path, "Gamma,10.01,20.02,neighbourhood,Alpha,\n")
    env = {"HARMWATCH_HOME": str(home)}
    runner = CliRunner()
    first = runner.invoke(main, ["gazetteer", "import", str(csv_file)], env=env)
    second = runner.invoke(main, ["gazetteer", "import", str(csv_file)], env=env)
    listed = runner.invoke(main, ["gazetteer", "list"], env=env)
    missing = runner.invoke(main, ["gazetteer", "import", str(tmp_path / "nope.csv")], env=env)
    assert first.exit_code == 0 and "1 places imported" in first.output
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert listed.exit_code == 0 and str(csv_file) in listed.output
    assert missing.exit_code == 1 and "cannot read" in missing.output


@pytest.mark.usefixtures("tiny_sources")
@pytest.mark.parametrize("content", ["only\tthree\tcolumns\n",
                                     _dump_line("5", "Bad", "P", "PPL").replace("10.25", "north")])
def test_import_rejects_a_malformed_dump(tmp_path: Path, content: str) -> None:
    dump = tmp_path / "bad.txt"
    dump.write_text(content, encoding="utf-8")
    with pytest.raises(GeoError, match="line 1"):
        import_geonames(dump, tmp_path / "g.sqlite")
    with pytest.raises(GeoError, match="cannot read"):
        import_geonames(tmp_path / "missing.txt", tmp_path / "g.sqlite")


def test_gazetteer_pickles_by_path(geo_gazetteer: Gazetteer) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(geo_gazetteer))
    assert copy.path == geo_gazetteer.path and copy.candidates("Homs") == geo_gazetteer.candidates("Homs")
    copy.close()


@pytest.mark.parametrize("text, name, population, cut", [
    ("Shells hit a street in Bustan al-Qasr on Tuesday.", "Bustan", 1_305, True),
    ("Shells hit a street in Bustan Al-Qasr on Tuesday.", "Bustan", 1_305, True),
    ("Clashes went on in Daraa al-Balad all day.", "Daraa", 97_969, False),
    ("Shells hit a street in Bustan al-qasr.", "Bustan", 1_305, False),
    ("Shells hit a street in Bustan, al-Qasr said.", "Bustan", 1_305, False),
])
def test_a_small_place_matched_by_the_first_words_of_a_longer_name_is_dropped(
        text: str, name: str, population: int, cut: bool) -> None:
    """"Bustan" of "Bustan al-Qasr" (an Aleppo quarter) is not the village of Bustan HaGalil."""
    from harmwatch.geo.component import _cut_short

    doc = spacy.blank("en")(text)
    span = doc.char_span(text.index(name), text.index(name) + len(name))
    assert span is not None
    assert _cut_short(text, span, Place(name, 33.0, 35.0, population=population)) is cut


@pytest.mark.parametrize(("text", "country"), [
    ("Rebels shelled the district of al-Hamdaniya in Aleppo on Monday.", None),  # a quarter, not Iraq's town
    ("Rebels shelled the al-Hamdaniya neighbourhood of Aleppo on Monday.", "SY"),  # placed at Aleppo (resolve)
    ("Rebels shelled al-Hamdaniya, near Aleppo, on Monday.", "IQ"),  # no word makes it a quarter
    ("Rebels shelled the al-Hamdaniya quarter on Monday; Aleppo was quiet.", None),
])
def test_a_quarter_abroad_is_a_namesake(geo_gazetteer: Gazetteer, text: str, country: str | None) -> None:
    nlp = _ruled_places(geo_gazetteer, [("GPE", "al-Hamdaniya"), ("GPE", "Aleppo")])
    doc = nlp(text)
    found = {s.text: s._.place.country if s._.place else None for s in doc.spans["hw_places"]}
    assert found == {"al-Hamdaniya": country, "Aleppo": "SY"}


@pytest.mark.parametrize(("text", "names"), [
    ("Jets struck the al-Kalasa neighbourhood of eastern Aleppo.", ["al-Kalasa"]),
    ("Shells hit the Sukkari, Fardous and Bab al-Nairab districts.", ["Sukkari", "Fardous", "Bab al-Nairab"]),
    ("Shells hit the neighbourhoods of Sukkari and Hanano.", ["Sukkari", "Hanano"]),
    ("Shells hit the neighbourhood of Sukkari and Aleppo's old city.", ["Sukkari"]),
    ("The army entered the rebel-held al-Shaar district.", ["al-Shaar"]),
    ("Mortars hit Aleppo's Midan district.", ["Midan"]),
    ("The Kurdish-controlled Sheikh Maqsoud district was shelled.", ["Sheikh Maqsoud"]),
    ("Fighting went on in Azaz district.", []),  # maybe an administrative district
    ("The district was shelled, and the quarter emptied.", []),
])
def test_words_make_a_name_a_quarter(text: str, names: list[str]) -> None:
    from harmwatch.geo.event import quarter_named, quarter_names

    found = quarter_names(text)
    assert [text[a:b] for a, b in found] == names
    assert all(quarter_named(text, a, b) for a, b in found)


@pytest.mark.parametrize(("gap", "described"), [
    (", a village in ", True), (" is a small town near ", True),
    (", a doctor in ", False), (", an activist based in ", False),
])
def test_a_description_places_a_name_but_not_a_person_between(gap: str, described: bool) -> None:
    """"Kafr Nabl, a village in Idlib" puts the village in Idlib; "..., a doctor in Idlib" does not."""
    from harmwatch.geo.context import DESCRIBED, containers

    text = f"Kafr Nabl{gap}Idlib"
    links = containers(text, [(0, 9), (len(text) - 5, len(text))])
    assert (links.get(0, (1, ""))[1] == DESCRIBED) is described


@pytest.mark.parametrize(("text", "filed"), [
    ("ALEPPO, Syria - Jets struck Idlib.", "ALEPPO, Syria - "),
    ("BEIRUT (Reuters) - Jets struck Idlib.", "BEIRUT (Reuters) - "),
    ("DAMASCUS, Syria, Dec 5 (AP) — Shells hit Douma.", "DAMASCUS, Syria, Dec 5 (AP) — "),
    ("IDLIB: jets struck a market.", ""),  # a roundup's heading names where its events were
    ("Jets struck Idlib - a town in the north.", ""),
    ("The UN - and the ICRC - said so.", ""),
])
def test_a_dateline_ends_where_the_report_begins(text, filed):
    from harmwatch.geo.event import dateline_end

    assert text[:dateline_end(text, 0)] == filed
    assert dateline_end(f"Earlier.\n{text}", 9) == 9 + len(filed)
