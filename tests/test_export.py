"""Exports read back with the standard library equal the store's incidents."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from harmwatch.errors import ConfigError
from harmwatch.export import CSV_COLUMNS, FORMATS, export
from harmwatch.export.acled import acled_exportable
from harmwatch.export.ucdp import ucdp_exportable


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


def _kept(fmt):
    """Which incidents each format writes: geojson needs coordinates; ACLED and UCDP keep their kinds."""
    return {
        "geojson": lambda inc: inc.where is not None and inc.where.lat is not None,
        "acled": acled_exportable, "ucdp": ucdp_exportable,
    }.get(fmt, lambda inc: True)


def read_ids(fmt, path):
    """The incident ids in an export, read back with pandas, geopandas or pyarrow."""
    import geopandas
    import pandas as pd
    import pyarrow.parquet as pq

    if fmt == "jsonl":
        return list(pd.read_json(path, lines=True, dtype=False)["id"]) if path.stat().st_size else []
    if fmt == "geojson":
        return list(geopandas.read_file(path)["id"])
    if fmt == "parquet":
        return pq.read_table(path).column("id").to_pylist()
    column = {"acled": "event_id_cnty"}.get(fmt, "id")
    return list(pd.read_csv(path, dtype=str, keep_default_na=False)[column])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("filters", [{"type": "shelling"}, {"since": date(2016, 7, 26)},
                                     {"until": date(2016, 7, 24)}, {"bbox": (36.0, 35.0, 37.0, 36.0)},
                                     {"type": "shelling", "bbox": (37.0, 36.0, 38.0, 37.0)}])
def test_filters_apply_to_every_format(linked_store, tmp_path, fmt, filters):
    every = [inc.id for inc in linked_store.incidents() if _kept(fmt)(inc)]
    expected = [inc.id for inc in linked_store.incidents(**filters) if _kept(fmt)(inc)]
    assert expected and len(expected) < len(every), "each filter should keep some incidents and drop others"
    out = tmp_path / f"out.{fmt}"
    assert export(linked_store, fmt, out, **filters) == len(expected)
    assert read_ids(fmt, out) == expected


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


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_streams_incidents(linked_store, tmp_path, monkeypatch, fmt):
    """Incidents are consumed while the output is open, not collected into a list first."""
    out = tmp_path / f"s.{fmt}"
    real = linked_store.incidents
    open_files: list[int] = []

    def watching(**filters):
        for inc in real(**filters):
            yield inc
            tmp = [p for p in tmp_path.iterdir() if p.name.startswith(f".s.{fmt}.")]
            open_files.append(len(tmp))

    monkeypatch.setattr(linked_store, "incidents", watching)
    assert export(linked_store, fmt, out) == sum(map(_kept(fmt), real()))
    assert len(open_files) == linked_store.counts()["incidents"] and set(open_files) == {1}


# --- read back with pandas, geopandas and pyarrow: the same incidents and figures ---

def _killed(inc):
    from harmwatch.store.records import headline

    return headline(inc, "killed")


def _float_or_none(value):
    return None if value is None or value != value else float(value)  # NaN is pandas' empty cell


def test_csv_reads_back_with_pandas(linked_store, tmp_path):
    import pandas as pd

    out = tmp_path / "incidents.csv"
    export(linked_store, "csv", out)
    frame = pd.read_csv(out)
    incidents = list(linked_store.incidents())
    assert list(frame["id"]) == [inc.id for inc in incidents]
    for (_, row), inc in zip(frame.iterrows(), incidents, strict=True):
        killed = _killed(inc)
        for field in ("low", "best", "high", "conservative"):
            assert _float_or_none(row[f"killed_{field}"]) == (getattr(killed, field) if killed else None)
        assert _float_or_none(row["lat"]) == (inc.where.lat if inc.where else None)


def test_jsonl_reads_back_with_pandas(linked_store, tmp_path):
    import pandas as pd

    out = tmp_path / "incidents.jsonl"
    export(linked_store, "jsonl", out)
    frame = pd.read_json(out, lines=True, dtype=False)
    incidents = list(linked_store.incidents())
    assert list(frame["id"]) == [inc.id for inc in incidents]
    assert list(frame["figures"]) == [[f.to_dict() for f in inc.figures] for inc in incidents]


def test_geojson_reads_back_with_geopandas(linked_store, tmp_path):
    import geopandas

    out = tmp_path / "incidents.geojson"
    export(linked_store, "geojson", out)
    frame = geopandas.read_file(out)
    placed = [inc for inc in linked_store.incidents() if inc.where and inc.where.lat is not None]
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == [inc.id for inc in placed]
    assert [(p.x, p.y) for p in frame.geometry] == [(inc.where.lon, inc.where.lat) for inc in placed]
    assert list(frame["figures"]) == [[f.to_dict() for f in inc.figures] for inc in placed]


def _parquet_dict(row):
    """Rebuild ``Incident.to_dict()`` from a Parquet row: the schema loses nothing it holds."""
    place = ({"name": row["place"], "lat": row["lat"], "lon": row["lon"], "precision": row["place_precision"]}
             if row["place"] is not None else None)
    when = ({"start": row["date_start"].isoformat(), "end": row["date_end"].isoformat(),
             "precision": row["date_precision"]} if row["date_start"] else None)
    fields = ("kind", "group", "low", "best", "high", "conservative", "contradiction")
    figures = [{**{k: f[k] for k in fields},
                "claims": [{"low": c["low"], "high": c["high"], "qualifier": c["qualifier"],
                            "certainty": c["certainty"], "claimed_by": c["claimed_by"], "source": c["source"],
                            "document": c["document"], "evidence": {"start": c["evidence_start"],
                                                                    "end": c["evidence_end"],
                                                                    "text": c["evidence_text"]}}
                           for c in f["claims"]]} for f in row["figures"]]
    keys = ("id", "type", "scope", "perpetrators", "targets", "documents", "sources", "independent_sources",
            "grade", "mentions", "status")
    return {**{k: row[k] for k in keys}, "where": place, "when": when, "figures": figures}


def test_parquet_reads_back_with_pyarrow_as_the_incidents(linked_store, tmp_path):
    import pyarrow.parquet as pq

    from harmwatch.export import parquet_schema

    out = tmp_path / "incidents.parquet"
    assert export(linked_store, "parquet", out) == linked_store.counts()["incidents"]
    table = pq.read_table(out)
    assert table.schema.equals(parquet_schema())
    assert [_parquet_dict(row) for row in table.to_pylist()] == [
        inc.to_dict() for inc in linked_store.incidents()]


def test_parquet_summary_columns_read_back_with_pandas(linked_store, tmp_path):
    import pandas as pd

    out = tmp_path / "incidents.parquet"
    export(linked_store, "parquet", out)
    frame = pd.read_parquet(out)
    for (_, row), inc in zip(frame.iterrows(), linked_store.incidents(), strict=True):
        killed = _killed(inc)
        assert _float_or_none(row["killed_best"]) == (killed.best if killed else None)
        assert bool(row["contradiction"]) == any(f.contradiction for f in inc.figures)


def test_parquet_writes_row_groups_as_it_goes(linked_store, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from harmwatch.export import parquet

    monkeypatch.setattr(parquet, "ROW_GROUP", 2)
    out = tmp_path / "incidents.parquet"
    count = export(linked_store, "parquet", out)
    assert count > 2
    assert pq.ParquetFile(out).num_row_groups == -(-count // 2)


def test_empty_parquet_has_the_schema(new_store, tmp_path):
    import pyarrow.parquet as pq

    from harmwatch.export import parquet_schema

    out = tmp_path / "empty.parquet"
    assert export(new_store, "parquet", out) == 0
    table = pq.read_table(out)
    assert table.num_rows == 0 and table.schema.equals(parquet_schema())


def test_acled_reads_back_with_pandas(linked_store, tmp_path):
    import pandas as pd

    from harmwatch.export import ACLED_COLUMNS
    from harmwatch.export.codes import deaths

    out = tmp_path / "acled.csv"
    export(linked_store, "acled", out)
    frame = pd.read_csv(out, dtype={"event_id_cnty": str})
    kept = [inc for inc in linked_store.incidents() if acled_exportable(inc)]
    assert tuple(frame.columns) == ACLED_COLUMNS
    assert list(frame["event_id_cnty"]) == [inc.id for inc in kept]
    assert all(inc.scope == "incident" for inc in kept)
    assert list(frame["fatalities"]) == [int(deaths(inc).conservative) for inc in kept]
    assert [(_float_or_none(r.latitude), _float_or_none(r.longitude)) for r in frame.itertuples()] == [
        (i.where.lat, i.where.lon) for i in kept]


def test_ucdp_reads_back_with_pandas(linked_store, tmp_path):
    import pandas as pd

    from harmwatch.export import UCDP_COLUMNS
    from harmwatch.export.codes import deaths

    out = tmp_path / "ucdp.csv"
    export(linked_store, "ucdp", out)
    frame = pd.read_csv(out, dtype={"id": str})
    kept = [inc for inc in linked_store.incidents() if ucdp_exportable(inc)]
    assert tuple(frame.columns) == UCDP_COLUMNS
    assert list(frame["id"]) == [inc.id for inc in kept]
    for field in ("low", "best", "high"):
        assert list(frame[field]) == [getattr(deaths(inc), field) for inc in kept]
    assert list(frame["date_start"]) == [inc.when.start.isoformat() for inc in kept]
