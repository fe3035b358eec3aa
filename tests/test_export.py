"""Exports read back with the standard library equal the store's incidents."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from conftest import FakeExtractor, FakeLinkStage
from harmwatch.errors import ConfigError
from harmwatch.export import CSV_COLUMNS, FORMATS, export
from harmwatch.pipeline import process


@pytest.fixture
def linked_store(new_store, toy_documents):
    for doc in toy_documents:
        new_store.add_document(doc)
    process(new_store, FakeExtractor(), linker=FakeLinkStage())
    return new_store


def test_jsonl_reads_back_as_the_incidents(linked_store, tmp_path):
    out = tmp_path / "incidents.jsonl"
    count = export(linked_store, "jsonl", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert count == len(lines) == linked_store.counts()["incidents"]
    assert [json.loads(line) for line in lines] == [inc.to_dict() for inc in linked_store.incidents()]


def _number(text):
    return float(text) if text else None


def test_csv_reads_back_as_the_incidents(linked_store, tmp_path):
    out = tmp_path / "incidents.csv"
    count = export(linked_store, "csv", out)
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    incidents = list(linked_store.incidents())
    assert count == len(rows) == len(incidents)
    for row, inc in zip(rows, incidents, strict=True):
        assert (row["id"], row["type"], row["scope"]) == (inc.id, inc.type, inc.scope)
        assert (row["grade"], row["status"]) == (inc.grade, inc.status)
        assert row["date_start"] == (inc.when.start.isoformat() if inc.when else "")
        assert (row["place"], _number(row["lat"]), _number(row["lon"])) == (
            inc.where.name, inc.where.lat, inc.where.lon)
        assert row["sources"].split("; ") == list(inc.sources)
        assert row["perpetrators"] == "; ".join(inc.perpetrators)
        assert int(row["independent_sources"]) == inc.independent_sources
        killed = [f for f in inc.figures if f.kind == "killed"]
        for field in ("low", "best", "high", "conservative"):
            assert _number(row[f"killed_{field}"]) == (getattr(killed[0], field) if killed else None)
            assert row[f"injured_{field}"] == ""
        assert row["contradiction"] == ("true" if any(f.contradiction for f in inc.figures) else "false")


def test_geojson_has_lon_lat_points_and_skips_unplaced(linked_store, tmp_path):
    out = tmp_path / "incidents.geojson"
    count = export(linked_store, "geojson", out)
    collection = json.loads(out.read_text(encoding="utf-8"))
    placed = [inc for inc in linked_store.incidents() if inc.where and inc.where.lat is not None]
    assert collection["type"] == "FeatureCollection"
    assert count == len(collection["features"]) == len(placed)
    assert len(placed) < linked_store.counts()["incidents"]  # the toy corpus has an unplaced incident
    for feature, inc in zip(collection["features"], placed, strict=True):
        assert feature["type"] == "Feature" and feature["id"] == inc.id
        assert feature["geometry"] == {"type": "Point", "coordinates": [inc.where.lon, inc.where.lat]}
        assert feature["properties"] == inc.to_dict()


def test_empty_geojson_is_valid(new_store, tmp_path):
    out = tmp_path / "empty.geojson"
    assert export(new_store, "geojson", out) == 0
    assert json.loads(out.read_text()) == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("filters", [{"type": "air_strike"}, {"since": date(2016, 7, 26)},
                                     {"until": date(2016, 7, 24)}, {"bbox": (36.0, 35.0, 37.0, 36.0)}])
def test_filters_reach_the_store(linked_store, tmp_path, fmt, filters):
    expected = [inc for inc in linked_store.incidents(**filters)
                if fmt != "geojson" or (inc.where and inc.where.lat is not None)]
    assert expected, "each filter should keep something from the toy corpus"
    assert export(linked_store, fmt, tmp_path / f"out.{fmt}", **filters) == len(expected)


def test_unknown_format_names_the_valid_ones(linked_store, tmp_path):
    with pytest.raises(ConfigError, match="jsonl, csv, geojson"):
        export(linked_store, "xlsx", tmp_path / "x.xlsx")
    assert not [p for p in tmp_path.iterdir() if "x.xlsx" in p.name]


def test_missing_output_folder_raises_config_error(linked_store, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        export(linked_store, "jsonl", tmp_path / "nope" / "x.jsonl")


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_export_keeps_the_old_file_and_leaves_no_temp(linked_store, tmp_path, monkeypatch, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"incidents.{fmt}"
    out.write_text("previous export\n")
    real = linked_store.incidents

    def failing(**filters):
        yield from real(**filters)
        raise OSError("disk went away")

    monkeypatch.setattr(linked_store, "incidents", failing)
    with pytest.raises(OSError, match="disk went away"):
        export(linked_store, fmt, out)
    assert out.read_text() == "previous export\n"
    assert list(out_dir.iterdir()) == [out]


def test_export_streams_incidents(linked_store, tmp_path, monkeypatch):
    """Incidents are consumed while the output is open, not collected into a list first."""
    out = tmp_path / "s.jsonl"
    real = linked_store.incidents
    open_files: list[int] = []

    def watching(**filters):
        for inc in real(**filters):
            yield inc
            tmp = [p for p in tmp_path.iterdir() if p.name.startswith(".s.jsonl.")]
            open_files.append(len(tmp))

    monkeypatch.setattr(linked_store, "incidents", watching)
    assert export(linked_store, "jsonl", out) == linked_store.counts()["incidents"]
    assert open_files and set(open_files) == {1}
