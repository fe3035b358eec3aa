"""ACLED- and UCDP-like exports, reference layers and the coverage comparison."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import interop_incident
from harmwatch.cli import main
from harmwatch.errors import ConfigError, NotFound
from harmwatch.export import ACLED_COLUMNS, UCDP_COLUMNS, compare, export, import_reference, reference_events
from harmwatch.export.acled import acled_exportable, acled_row, interaction
from harmwatch.export.codes import (
    ACLED_TYPES,
    acled_time_precision,
    country,
    deaths,
    disorder_type,
    event_date,
    ucdp_date_prec,
)
from harmwatch.export.context import ExportContext
from harmwatch.export.coverage import MATCH_COLUMNS, days_apart, haversine_km
from harmwatch.export.reference import reference_geojson
from harmwatch.export.ucdp import sides, ucdp_exportable, ucdp_row
from harmwatch.model import EVENT_TYPES, When
from harmwatch.store.reference import list_layers

TAXONOMY = Path(__file__).resolve().parents[2] / "shared" / "spec" / "taxonomy.md"
INTERS = {"Syrian government": 1, "Russia": 8, "Islamic State": 2, "Syrian rebels": 2, "Police": 1,
          "Hezbollah": 3}
CTX = ExportContext(inters=INTERS, timestamp=1_500_000_000)

# ACLED's codebook: event type -> sub-event types.
CODEBOOK = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb", "Grenade",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}


# --- the ACLED mapping against the taxonomy ---

def _taxonomy_rows() -> dict[str, str]:
    """code -> ACLED column of the event-type table in spec/taxonomy.md."""
    rows = {}
    for line in TAXONOMY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z_]+", cells[0]) and cells[0] != "code":
            rows[cells[0]] = cells[2]
    return rows


@pytest.mark.skipif(not TAXONOMY.is_file(), reason="../shared/spec/taxonomy.md is not beside the repository")
def test_acled_mapping_is_the_taxonomy_table():
    rows = _taxonomy_rows()
    assert set(rows) == set(EVENT_TYPES)
    mapped = {code: tuple(part.strip() for part in acled.split(" / ", 1)) for code, acled in rows.items()
              if acled != "—"}
    assert ACLED_TYPES == mapped


def test_every_type_is_mapped_or_deliberately_left_out():
    left_out = set(EVENT_TYPES) - set(ACLED_TYPES)
    assert left_out == {"responsibility_claim", "diplomatic", "crime", "natural_disaster",
                        "industrial_disaster"}
    for event, sub in ACLED_TYPES.values():
        assert sub in CODEBOOK[event]


@pytest.mark.parametrize(("event", "sub", "expected"), [
    ("Battles", "Armed clash", "Political violence"),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
    ("Violence against civilians", "Attack", "Political violence"),
    ("Riots", "Mob violence", "Political violence"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Protests", "Excessive force against protesters", "Political violence; Demonstrations"),
    ("Strategic developments", "Other", "Strategic developments"),
])
def test_disorder_type(event, sub, expected):
    assert disorder_type(event, sub) == expected


def test_acled_file_codes_validate(interop_store, linked_store, tmp_path):
    """Every row of an ACLED export, from both test stores, uses ACLED's codes consistently."""
    rows = []
    for n, store in enumerate((interop_store, linked_store)):
        out = tmp_path / f"acled{n}.csv"
        export(store, "acled", out)
        with out.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS
            rows.extend(reader)
    assert len(rows) > 5
    for row in rows:
        assert row["sub_event_type"] in CODEBOOK[row["event_type"]]
        assert row["disorder_type"] == disorder_type(row["event_type"], row["sub_event_type"])
        inter1, inter2 = int(row["inter1"]), int(row["inter2"])
        assert 0 <= inter1 <= 8 and 0 <= inter2 <= 8
        assert int(row["interaction"]) == interaction(inter1, inter2)
        assert row["civilian_targeting"] in ("", "Civilian targeting")
        assert row["time_precision"] in ("1", "2", "3")
        assert row["geo_precision"] in ("", "1", "2", "3")
        assert int(row["fatalities"]) >= 0
        if row["event_date"]:
            assert row["year"] == row["event_date"][:4]


# --- ACLED rows ---

@pytest.mark.parametrize(("inc", "expected"), [
    (interop_incident("x", "shelling", perpetrators=["Syrian government"], targets=["civilians"]),
     ("Syrian government", "1", "Civilians (Syria)", "7", "17", "Civilian targeting")),
    (interop_incident("x", "armed_clash", perpetrators=["Islamic State", "Syrian rebels"]),
     ("Islamic State", "2", "Syrian rebels", "2", "22", "")),
    (interop_incident("x", "air_strike", perpetrators=["Russia"]), ("Russia", "8", "", "0", "80", "")),
    (interop_incident("x", "evacuation"), ("", "0", "", "0", "0", "")),
    (interop_incident("x", "attack_on_civilians"),
     ("Unidentified Armed Group (Syria)", "3", "Civilians (Syria)", "7", "37", "Civilian targeting")),
    (interop_incident("x", "peaceful_protest", country=None), ("Protesters", "6", "", "0", "60", "")),
    (interop_incident("x", "protest_with_intervention", perpetrators=["Police"]),
     ("Protesters (Syria)", "6", "Police", "1", "16", "")),
    (interop_incident("x", "mob_violence", targets=["children"]),
     ("Rioters (Syria)", "5", "Civilians (Syria)", "7", "57", "Civilian targeting")),
    (interop_incident("x", "shelling", perpetrators=["Unknown brigade"]),
     ("Unknown brigade", "0", "", "0", "0", "")),
])
def test_acled_actors_and_interaction(inc, expected):
    row = acled_row(inc, CTX)
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"], row["interaction"],
            row["civilian_targeting"]) == expected


@pytest.mark.parametrize(("start", "end", "precision", "expected_precision", "expected_date"), [
    ("2016-07-24", None, "day", 1, "2016-07-24"),
    ("2016-07-24", "2016-07-26", "day", 2, "2016-07-25"),
    ("2016-07-18", "2016-07-24", "week", 2, "2016-07-21"),
    ("2016-07-01", "2016-07-31", "month", 3, "2016-07-16"),
    ("2016-01-01", "2016-12-31", "year", 3, "2016-07-01"),
])
def test_acled_time_precision_and_event_date(start, end, precision, expected_precision, expected_date):
    inc = interop_incident("x", day=start, end=end, precision=precision)
    assert acled_time_precision(inc.when) == expected_precision
    row = acled_row(inc, CTX)
    assert (row["time_precision"], row["event_date"], row["year"]) == (
        str(expected_precision), expected_date, expected_date[:4])


@pytest.mark.parametrize(("precision", "expected"), [("exact", "1"), ("city", "1"), ("district", "2"),
                                                     ("region", "3"), ("country", "3")])
def test_acled_geo_precision(precision, expected):
    inc = interop_incident("x", place=("Somewhere", 36.0, 37.0, precision))
    assert acled_row(inc, CTX)["geo_precision"] == expected


def test_acled_place_columns_and_fatalities():
    inc = interop_incident("x", killed=[("civilians", 10, 11.5, 14), ("fighters", 2, 2, 2)],
                           sources=("Reuters", "SOHR"), documents=("d1", "d2"))
    row = acled_row(inc, CTX)
    assert (row["iso"], row["region"], row["country"]) == ("760", "Middle East", "Syria")
    assert (row["admin1"], row["location"], row["latitude"], row["longitude"]) == (
        "Aleppo", "Aleppo", "36.2", "37.16")
    assert row["fatalities"] == "12"  # the conservative (lowest) figures of the disjoint groups, added up
    assert row["source"] == "Reuters; SOHR"
    assert row["timestamp"] == "1500000000"
    assert row["notes"] == ('On 2016-07-24, shelling in Aleppo; 12 killed (lowest reported figure). '
                            'Reported: "11 civilians were killed"')
    assert row["tags"] == "harmwatch grade=weak; independent sources=2; status=machine"


def test_aggregates_and_unmapped_types_stay_out_of_acled():
    assert not acled_exportable(interop_incident("x", "other", scope="aggregate"))
    assert not acled_exportable(interop_incident("x", "diplomatic"))
    assert acled_exportable(interop_incident("x", "siege"))


@pytest.mark.parametrize(("iso2", "numeric", "name", "region"), [
    ("SY", 760, "Syria", "Middle East"), ("NG", 566, "Nigeria", "Western Africa"),
    ("UA", 804, "Ukraine", "Europe"), ("MX", 484, "Mexico", "Central America"),
    ("HT", 332, "Haiti", "Caribbean"), ("AF", 4, "Afghanistan", "South Asia"),
])
def test_country_codes(iso2, numeric, name, region):
    found = country(iso2)
    assert found is not None
    assert (found.iso_numeric, found.name, found.region) == (numeric, name, region)


def test_unknown_country_is_none():
    assert country("ZZ") is None and country(None) is None


def test_actor_codes_come_from_the_store_over_the_packaged_dictionary(new_store, tmp_path):
    from dataclasses import replace

    from conftest import FakeExtractor, toy_document
    from harmwatch.model import Actor

    doc = toy_document(1, "Outlet A", "2016-07-25", "shelling at Aleppo on 2016-07-24 killed 10.")
    mention = replace(FakeExtractor().extract([doc])[0][0], perpetrators=(Actor("Local Brigade", 4),))
    new_store.add_document(doc)
    with new_store.transaction():
        new_store.save_mention(mention, "inc-x", None)
        new_store.put_incident(interop_incident("inc-x", perpetrators=["Local Brigade", "Hezbollah"]))
    out = tmp_path / "acled.csv"
    assert export(new_store, "acled", out, clock=lambda: datetime(2020, 1, 1, tzinfo=UTC)) == 1
    with out.open(newline="", encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert (row["inter1"], row["inter2"], row["interaction"]) == ("4", "3", "34")  # Hezbollah: packaged, 3
    assert row["timestamp"] == "1577836800"


# --- fatality totals ---

@pytest.mark.parametrize(("killed", "expected"), [
    ([("civilians", 10, 10, 10), ("fighters", 5, 5, 5)], (15, 15, 15, 10)),
    ([("people", 15, 15, 15), ("civilians", 10, 10, 10)], (15, 15, 15, 10)),
    ([("children", 3, 3, 3), ("civilians", 10, 12, 20)], (10, 12, 20, 12)),
    ([("people", 4, 6, 9)], (4, 6, 9, 0)),
])
def test_deaths_combine_groups_without_double_counting(killed, expected):
    toll = deaths(interop_incident("x", killed=killed))
    assert (toll.low, toll.best, toll.high, toll.civilians) == expected
    assert toll.known and toll.conservative == toll.low


def test_no_killed_figure_is_zero_and_unknown():
    toll = deaths(interop_incident("x"))
    assert (toll.best, toll.known) == (0, False)


# --- UCDP rows ---

@pytest.mark.parametrize(("type_", "perpetrators", "expected"), [
    ("attack_on_civilians", ["Islamic State"], (3, "Islamic State", "Civilians")),
    ("shelling", ["Syrian rebels", "Syrian government"], (1, "Syrian government", "Syrian rebels")),
    ("air_strike", ["Russia"], (1, "Russia", "")),
    ("armed_clash", ["Islamic State", "Syrian rebels"], (2, "Islamic State", "Syrian rebels")),
    ("armed_clash", ["Hezbollah"], (1, "", "Hezbollah")),
    ("explosive_device", [], (1, "", "")),
])
def test_ucdp_type_of_violence_and_sides(type_, perpetrators, expected):
    assert sides(interop_incident("x", type_, perpetrators=perpetrators), CTX) == expected


@pytest.mark.parametrize(("start", "end", "precision", "expected"), [
    ("2016-07-24", None, "day", 1), ("2016-07-24", "2016-07-27", "day", 2),
    ("2016-07-18", "2016-07-24", "week", 3), ("2016-07-24", None, "week", 3),
    ("2016-07-01", "2016-07-20", "day", 4), ("2016-07-01", "2016-07-31", "month", 4),
    ("2016-01-01", "2016-12-31", "year", 5), ("2016-06-01", "2016-08-31", "day", 5),
])
def test_ucdp_date_precision(start, end, precision, expected):
    when = When(date.fromisoformat(start), date.fromisoformat(end or start), precision)
    assert ucdp_date_prec(when) == expected


def test_ucdp_row_columns_and_deaths():
    inc = interop_incident("x", "shelling", killed=[("civilians", 8, 10, 12), ("people", 9, 14, 20)],
                           place=("Idlib governorate", 35.9, 36.6, "region"), documents=("d1", "d2"))
    docs = {"d1": ("SOHR", "2016-07-24", "Shells hit a market"), "d2": ("Reuters", "2016-07-25", "")}
    row = ucdp_row(inc, CTX, docs)
    assert set(row) == set(UCDP_COLUMNS)
    assert (row["where_prec"], row["date_prec"], row["date_start"], row["date_end"]) == (
        "4", "1", "2016-07-24", "2016-07-24")
    assert (row["low"], row["best"], row["high"]) == ("9", "14", "20")
    assert int(row["deaths_civilians"]) + int(row["deaths_unknown"]) == int(row["best"])
    assert row["number_of_sources"] == "2"
    assert row["source_article"] == '"SOHR,2016-07-24,Shells hit a market";"Reuters,2016-07-25,d2"'
    assert row["source_headline"] == "Shells hit a market;d2"


@pytest.mark.parametrize(("inc", "kept"), [
    (interop_incident("x", "shelling", killed=[("people", 1, 1, 1)]), True),
    (interop_incident("x", "shelling"), False),
    (interop_incident("x", "shelling", killed=[("people", 0, 0, 0)]), False),
    (interop_incident("x", "evacuation", killed=[("people", 3, 3, 3)]), False),
    (interop_incident("x", "attack_on_civilians", killed=[("civilians", 2, 2, 2)], scope="aggregate"), False),
])
def test_ucdp_keeps_lethal_organised_violence(inc, kept):
    assert ucdp_exportable(inc) is kept


def test_ucdp_export_names_the_documents(linked_store, tmp_path):
    out = tmp_path / "ucdp.csv"
    assert export(linked_store, "ucdp", out) > 0
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    docs = {d.id: d for d in linked_store.documents()}
    for row in rows:
        inc = linked_store.incident(row["id"])
        expected = [f'"{docs[d].source},{docs[d].published.isoformat()},{d}"' for d in inc.documents]
        assert row["source_article"] == ";".join(expected)


# --- reference layers ---

UCDP_HEADER = ("id", "type_of_violence", "side_a", "side_b", "where_prec", "where_coordinates", "adm_1",
               "latitude", "longitude", "country", "date_prec", "date_start", "date_end", "best", "low",
               "high", "source_office", "source_headline")
ACLED_HEADER = ("event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                "actor1", "actor2", "country", "admin1", "location", "latitude", "longitude", "geo_precision",
                "source", "notes", "fatalities")


def _ucdp(id, day, lat, lon, *, kind="1.0", prec="1.0", best=1, low=None, high=None, end=None,
          place="Somewhere village"):
    return {"id": id, "type_of_violence": kind, "side_a": "Government of Syria",
            "side_b": "Syrian insurgents", "where_prec": prec, "where_coordinates": place,
            "adm_1": "Aleppo governorate", "latitude": lat, "longitude": lon, "country": "Syria",
            "date_prec": "1.0", "date_start": day, "date_end": end or day,
            "best": best, "low": best if low is None else low, "high": best if high is None else high,
            "source_office": "Test Office", "source_headline": f"headline of {id}"}


UCDP_ROWS = [
    _ucdp("r1", "2016-07-24", 36.22, 37.15, best=11, low=9, high=13),    # 2 km from inc-a: a match
    _ucdp("r2", "2016-07-25", 35.93, 36.63, best=5),                     # at inc-b: a match
    _ucdp("r3", "2016-07-28", 35.93, 36.63, best=2),                     # inc-b, but 3 days later
    _ucdp("r4", "2016-08-01", 34.2, 36.72, best=3),                      # 59 km from inc-c: too far
    _ucdp("r5", "2016-07-24", 35.0, 38.0, prec="6.0", place="Syria"),    # country-level: not comparable
    _ucdp("r6", "2016-07-24", 36.19, 37.17, best=1, low=1, high=1),      # inc-a again: another dyad
    _ucdp("r7", "2016-07-24", 36.2, 37.16, kind="3.0", best=4),          # one-sided: shelling is compatible
]


def _write(path: Path, header, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def ucdp_file(tmp_path):
    return _write(tmp_path / "ucdp-test.csv", UCDP_HEADER, UCDP_ROWS)


@pytest.fixture
def acled_file(tmp_path):
    rows = [
        {"event_id_cnty": "SYR1", "event_date": "24 July 2016", "year": "2016", "time_precision": "1",
         "event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack",
         "actor1": "Military Forces of Syria", "actor2": "Civilians (Syria)", "country": "Syria",
         "admin1": "Aleppo", "location": "Aleppo", "latitude": "36.2", "longitude": "37.16",
         "geo_precision": "1",
         "source": "SOHR", "notes": "Shelling killed ten.", "fatalities": "10"},
        {"event_id_cnty": "SYR2", "event_date": "2016-07-25", "year": "2016", "time_precision": "2",
         "event_type": "Protests", "sub_event_type": "Excessive force against protestors",
         "actor1": "Protesters",
         "actor2": "", "country": "Syria", "admin1": "Idlib", "location": "Idlib", "latitude": "35.93",
         "longitude": "36.63", "geo_precision": "2", "source": "Local", "notes": "", "fatalities": "0"},
        {"event_id_cnty": "SYR3", "event_date": "not a date", "year": "2016", "time_precision": "1",
         "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "", "actor2": "",
         "country": "Syria",
         "admin1": "", "location": "", "latitude": "", "longitude": "", "geo_precision": "", "source": "",
         "notes": "", "fatalities": ""},
    ]
    return _write(tmp_path / "acled-test.csv", ACLED_HEADER, rows)


def test_ucdp_import_reads_every_row(new_store, ucdp_file):
    report = import_reference(new_store, ucdp_file, "ucdp")
    assert report.changed and report.layer.name == "ucdp-test"
    assert (report.layer.events, report.layer.skipped) == (len(UCDP_ROWS), 0)
    found = {e.id: e for e in reference_events(new_store, "ucdp-test")}
    r1 = found["r1"]
    assert (r1.low, r1.best, r1.high) == (9, 11, 13)
    assert r1.when == When(date(2016, 7, 24), date(2016, 7, 24), "day")
    assert (r1.where.name, r1.where.lat, r1.where.country, r1.where.precision) == (
        "Somewhere village", 36.22, "SY", "city")
    assert "shelling" in r1.hw_types and "evacuation" not in r1.hw_types
    assert found["r5"].where.precision == "country"
    assert r1.event_type == "1 state-based" and found["r7"].event_type == "3 one-sided"
    assert dict(r1.data)["source_headline"] == "headline of r1"


def test_acled_import_maps_types_dates_and_skips_bad_rows(new_store, acled_file):
    report = import_reference(new_store, acled_file, "acled", "acled-syria")
    assert (report.layer.events, report.layer.skipped) == (2, 1)
    found = {e.id: e for e in reference_events(new_store, "acled-syria")}
    assert found["SYR1"].hw_types == ("shelling",)
    assert found["SYR1"].when == When(date(2016, 7, 24), date(2016, 7, 24), "day")
    assert (found["SYR1"].low, found["SYR1"].best, found["SYR1"].high) == (10, 10, 10)
    assert found["SYR2"].hw_types == ("excessive_force_against_protesters",)
    assert found["SYR2"].when == When(date(2016, 7, 22), date(2016, 7, 28), "week")
    assert found["SYR2"].where.precision == "district"
    assert list_layers(new_store)[0].skipped == 1


def test_import_is_idempotent_and_a_changed_file_replaces_the_layer(new_store, ucdp_file):
    first = import_reference(new_store, ucdp_file, "ucdp", "layer")
    stored = list(reference_events(new_store, "layer"))
    again = import_reference(new_store, ucdp_file, "ucdp", "layer")
    assert not again.changed and again.layer == first.layer
    assert list(reference_events(new_store, "layer")) == stored and len(stored) == len(UCDP_ROWS)
    _write(ucdp_file, UCDP_HEADER, UCDP_ROWS[:2])
    changed = import_reference(new_store, ucdp_file, "ucdp", "layer")
    assert changed.changed and changed.layer.events == 2
    assert sorted(e.id for e in reference_events(new_store, "layer")) == ["r1", "r2"]
    assert len(list_layers(new_store)) == 1


def test_reference_layers_never_mix_with_incidents(interop_store, ucdp_file, tmp_path):
    before = [inc.id for inc in interop_store.incidents()]
    import_reference(interop_store, ucdp_file, "ucdp")
    assert [inc.id for inc in interop_store.incidents()] == before
    export(interop_store, "jsonl", tmp_path / "all.jsonl")
    assert "r1" not in (tmp_path / "all.jsonl").read_text()


def test_layers_with_two_names_are_separate(new_store, ucdp_file, acled_file):
    import_reference(new_store, ucdp_file, "ucdp", "one")
    import_reference(new_store, acled_file, "acled", "two")
    assert [(layer.name, layer.kind, layer.events) for layer in list_layers(new_store)] == [
        ("one", "ucdp", len(UCDP_ROWS)), ("two", "acled", 2)]


@pytest.mark.parametrize(("kind", "header", "message"), [
    ("ucdp", ACLED_HEADER, "lacks the UCDP column"), ("acled", UCDP_HEADER, "lacks the ACLED column"),
    ("gdelt", UCDP_HEADER, "unknown reference kind"),
])
def test_wrong_kind_or_columns_raise_config_error(new_store, tmp_path, kind, header, message):
    path = _write(tmp_path / "x.csv", header, [])
    with pytest.raises(ConfigError, match=message):
        import_reference(new_store, path, kind)
    assert list_layers(new_store) == []


def test_missing_file_and_missing_layer(new_store, tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        import_reference(new_store, tmp_path / "none.csv", "ucdp")
    with pytest.raises(NotFound, match="reference import"):
        list(reference_events(new_store, "none"))


def test_reference_events_filter_by_bbox_and_give_geojson(new_store, ucdp_file):
    import_reference(new_store, ucdp_file, "ucdp", "u")
    near_aleppo = (37.0, 36.0, 37.3, 36.3)
    assert sorted(e.id for e in reference_events(new_store, "u", near_aleppo)) == ["r1", "r6", "r7"]
    features = list(reference_geojson(new_store, "u", near_aleppo))
    assert [f["geometry"]["coordinates"] for f in features][0] == [37.15, 36.22]
    assert features[0]["properties"]["event_type"] == "1 state-based"


# --- comparison ---

def test_haversine_and_days_apart():
    assert haversine_km(36.2, 37.16, 36.2, 37.16) == 0
    assert 110 < haversine_km(35.0, 37.0, 36.0, 37.0) < 112
    day = When(date(2016, 7, 24), date(2016, 7, 24))
    assert days_apart(day, When(date(2016, 7, 20), date(2016, 7, 25))) == 0
    assert days_apart(day, When(date(2016, 7, 27), date(2016, 7, 28))) == 3
    assert days_apart(When(date(2016, 7, 27), date(2016, 7, 28)), day) == 3
    assert days_apart(day, When(None, None)) is None


def _statuses(path: Path) -> dict[str, list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == MATCH_COLUMNS
        found: dict[str, list[dict[str, str]]] = {}
        for row in reader:
            found.setdefault(row["status"], []).append(row)
    return found


def test_compare_finds_recall_extras_and_figure_agreement(interop_store, ucdp_file, tmp_path):
    import_reference(interop_store, ucdp_file, "ucdp", "u")
    out = tmp_path / "matches.csv"
    result = compare(interop_store, "u", output=out)
    assert (result.reference_events, result.comparable, result.matched) == (7, 6, 4)
    assert result.recall == pytest.approx(4 / 6)
    # one to one, r6 and r7 find inc-a already taken by r1
    assert (result.matched_one_to_one, result.recall_one_to_one) == (2, pytest.approx(2 / 6))
    # inc-c (a lethal clash inside the layer's area) is the one incident the reference lacks
    assert (result.incidents_in_scope, result.incidents_matched,
            result.incidents_not_in_reference) == (3, 2, 1)
    rows = _statuses(out)
    assert sorted(r["reference_id"] for r in rows["match"]) == ["r1", "r2", "r6", "r7"]
    assert sorted(r["reference_id"] for r in rows["missed"]) == ["r3", "r4"]
    assert [r["reference_id"] for r in rows["unplaced"]] == ["r5"]
    assert [r["incident_id"] for r in rows["not_in_reference"]] == ["inc-c"]
    r1 = next(r for r in rows["match"] if r["reference_id"] == "r1")
    assert (r1["incident_id"], r1["days_apart"]) == ("inc-a", "0") and 2 < float(r1["km"]) < 3
    assert {r["reference_id"]: r["one_to_one_incident"] for r in rows["match"]} == {
        "r1": "inc-a", "r2": "inc-b", "r6": "", "r7": ""}
    # inc-a: 11 in [10, 12] against 16 in [14, 18], summed over r1, r6 and r7; inc-b: 5 against 5
    figures = result.figures
    assert (figures.pairs, figures.exact, figures.overlapping, figures.within_factor_2) == (2, 1, 1, 2)
    assert figures.median_abs_diff == pytest.approx(2.5)
    assert "recall of the reference: 4/6 = 66.7% (one to one: 2/6 = 33.3%)" in result.summary()


def test_compare_remembers_matches_for_the_map(interop_store, ucdp_file):
    import_reference(interop_store, ucdp_file, "ucdp", "u")
    compare(interop_store, "u")
    matched = {e.id: e.matched_incident for e in reference_events(interop_store, "u")}
    assert matched == {"r1": "inc-a", "r2": "inc-b", "r3": None, "r4": None, "r5": None, "r6": "inc-a",
                       "r7": "inc-a"}
    compare(interop_store, "u", window_days=3)
    assert next(e for e in reference_events(interop_store, "u") if e.id == "r3").matched_incident == "inc-b"


@pytest.mark.parametrize(("days", "km", "matched"), [(0, 25.0, 4), (3, 25.0, 5), (1, 70.0, 5), (1, 1.0, 2)])
def test_compare_window_and_radius(interop_store, ucdp_file, days, km, matched):
    import_reference(interop_store, ucdp_file, "ucdp", "u")
    assert compare(interop_store, "u", window_days=days, max_km=km).matched == matched


@pytest.mark.parametrize(("end", "matched"), [("2016-07-23", 1), ("2016-07-30", 0)])
def test_incidents_spanning_weeks_are_too_vague_to_match(new_store, tmp_path, end, matched):
    new_store.put_incident(interop_incident("inc-long", "shelling", "2016-07-10", end=end))
    path = _write(tmp_path / "u.csv", UCDP_HEADER, [_ucdp("p1", "2016-07-24", 36.2, 37.16, best=3)])
    import_reference(new_store, path, "ucdp", "u")
    assert compare(new_store, "u").matched == matched  # 14 days may match the next day; 21 days may not


def test_compare_needs_compatible_types(interop_store, tmp_path):
    path = _write(tmp_path / "u.csv", UCDP_HEADER, [_ucdp("p1", "2016-12-15", 36.2, 37.16, best=0)])
    import_reference(interop_store, path, "ucdp", "u")
    assert compare(interop_store, "u").matched == 0  # inc-d is an evacuation, not organised violence


def test_compare_with_acled_uses_the_conservative_figure(interop_store, acled_file):
    import_reference(interop_store, acled_file, "acled", "a")
    result = compare(interop_store, "a")
    assert (result.comparable, result.matched) == (2, 1)
    assert (result.figures.pairs, result.figures.exact) == (1, 1)  # inc-a's lowest figure is ACLED's 10


def test_compare_rejects_bad_settings_and_unknown_layers(interop_store):
    with pytest.raises(ConfigError, match="radius"):
        compare(interop_store, "u", max_km=0)
    with pytest.raises(NotFound, match="no reference layer"):
        compare(interop_store, "nope")


# --- the command line ---

def test_cli_reference_import_list_and_compare(interop_store, ucdp_file, tmp_path):
    runner, db = CliRunner(), interop_store.path
    first = runner.invoke(main, ["reference", "import", "--db", db, str(ucdp_file), "--kind", "ucdp",
                                 "--name", "u"])
    assert first.exit_code == 0, first.output
    assert f"{len(UCDP_ROWS)} events imported" in first.output
    again = runner.invoke(main, ["reference", "import", "--db", db, str(ucdp_file), "--kind", "ucdp",
                                 "--name", "u"])
    assert "unchanged" in again.output
    listed = runner.invoke(main, ["reference", "list", "--db", db])
    assert listed.output.startswith("u\tucdp\t7 events")
    out = tmp_path / "m.csv"
    result = runner.invoke(main, ["compare", "--db", db, "--reference", "u", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "recall of the reference: 4/6" in result.output
    assert len(_statuses(out)["match"]) == 4


def test_cli_compare_unknown_layer_is_a_friendly_error(interop_store):
    result = CliRunner().invoke(main, ["compare", "--db", interop_store.path, "--reference", "nope"])
    assert result.exit_code == 1 and "no reference layer is called 'nope'" in result.output


@pytest.mark.parametrize("fmt", ["acled", "ucdp", "parquet", "csv"])
def test_cli_export_with_bbox(interop_store, tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    result = CliRunner().invoke(main, ["export", "--db", interop_store.path, "--format", fmt,
                                       "--output", str(out), "--bbox", "36.5,35.5,37.5,36.5"])
    assert result.exit_code == 0, result.output
    # Aleppo and Idlib, not Homs nor the unplaced one; ACLED drops the aggregate and the diplomatic incident
    expected = {"acled": 3, "ucdp": 2, "parquet": 5, "csv": 5}[fmt]
    assert f"{expected} incidents written" in result.output


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "36,37,38,35"])
def test_cli_export_rejects_a_bad_bbox(interop_store, tmp_path, bbox):
    result = CliRunner().invoke(main, ["export", "--db", interop_store.path, "--format", "csv",
                                       "--output", str(tmp_path / "x.csv"), "--bbox", bbox])
    assert result.exit_code == 1 and "harmwatch:" in result.output and not (tmp_path / "x.csv").exists()


def test_bbox_east_of_the_antimeridian_is_accepted(interop_store, tmp_path):
    assert export(interop_store, "csv", tmp_path / "x.csv", bbox=(170.0, -50.0, -170.0, 50.0)) == 0


def test_notes_name_the_period_and_the_perpetrators():
    inc = interop_incident("x", "siege", "2016-07-01", end="2016-07-31", precision="month",
                           perpetrators=["Syrian government", "Russia"])
    assert acled_row(inc, CTX)["notes"] == (
        "Between 2016-07-01 and 2016-07-31, siege in Aleppo by Syrian government, Russia.")
    assert acled_row(interop_incident("x", day=None, place=None), CTX)["notes"] == (
        "On an unknown date, shelling in an unknown place.")


def test_event_date_is_none_without_a_date():
    assert event_date(None) is None and event_date(When(None, None)) is None
