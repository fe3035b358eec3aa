from __future__ import annotations

import csv
import json
import sqlite3

import pytest
from click.testing import CliRunner

from harmwatch.cli import main
from harmwatch.model import EVENT_TYPES

REPORTS = {
    "a.txt": "Air strikes hit a bakery in Idlib on Thursday, killing at least 9 civilians, the local council said.\n",
    "b.txt": "A monitoring group said 21 civilians were killed when air strikes hit a bakery in Idlib on Thursday.\n",
    "c.txt": "Clashes between rebels and government troops continued in Daraa on Wednesday.\n",
}
META = [{"file": "a.txt", "source": "Idlib Today", "published": "2016-12-16"},
        {"file": "b.txt", "source": "Monitor Weekly", "published": "2016-12-16"},
        {"file": "c.txt", "source": "Southern Desk", "published": "2016-12-15"}]


@pytest.fixture
def run(hw_env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, list(args), env=hw_env, catch_exceptions=False)

    return invoke


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.jsonl").write_text("\n".join(json.dumps(m) for m in META) + "\n", encoding="utf-8")
    return folder


@pytest.fixture
def processed_db(run, corpus, tmp_path):
    db = str(tmp_path / "hw.db")
    assert run("ingest", "--db", db, str(corpus)).exit_code == 0
    assert run("process", "--db", db).exit_code == 0
    return db


def test_ingest_reports_each_rejection_and_keeps_the_rest(run, corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "broken.json").write_text("{not json", encoding="utf-8")
    (corpus / "image.png").write_bytes(b"\x89PNG\r\n")
    db = str(tmp_path / "hw.db")
    result = run("ingest", "--db", db, str(corpus))
    assert result.exit_code == 2
    for name in ("empty.txt", "broken.json", "image.png"):
        assert name in result.stderr
    assert "3 stored" in result.stderr
    again = run("ingest", "--db", db, str(corpus / "a.txt"), str(corpus / "b.txt"))
    assert again.exit_code == 0 and "0 stored, 2 already present" in again.stderr
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from documents").fetchone()[0] == 3


def test_incidents_jsonl_follows_the_interface(run, processed_db):
    result = run("incidents", "--db", processed_db, "--format", "jsonl")
    assert result.exit_code == 0
    incidents = [json.loads(line) for line in result.stdout.splitlines()]
    assert incidents
    for inc in incidents:
        assert inc["type"] in EVENT_TYPES and inc["status"] == "machine"
        assert inc["independent_sources"] <= len(inc["sources"])
    bakery = [i for i in incidents if i["type"] == "air_strike" and len(i["documents"]) == 2]
    assert bakery, [(i["type"], i["documents"]) for i in incidents]
    (killed,) = [f for f in bakery[0]["figures"] if f["kind"] == "killed"]
    assert killed["low"] == 9 and killed["high"] == 21 and killed["conservative"] == 9
    assert {c["document"] for c in killed["claims"]} == {"a.txt", "b.txt"}


def test_show_puts_claims_next_to_their_sentences(run, processed_db):
    listing = run("incidents", "--db", processed_db, "--format", "jsonl", "--type", "air_strike")
    inc_id = json.loads(listing.stdout.splitlines()[0])["id"]
    result = run("show", "--db", processed_db, inc_id)
    assert result.exit_code == 0
    assert "killed" in result.stdout and "local council" in result.stdout
    assert "rule:" in result.stdout


def test_show_unknown_incident_is_a_clear_error(run, processed_db):
    result = run("show", "--db", processed_db, "inc-nope")
    assert result.exit_code == 1 and "inc-nope" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "geojson", "jsonl"])
def test_export_formats(run, processed_db, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = run("export", "--db", processed_db, "--format", fmt, "--output", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(text.splitlines()))
        assert rows and "type" in rows[0]
    elif fmt == "geojson":
        assert json.loads(text)["type"] == "FeatureCollection"
    else:
        assert all(json.loads(line)["id"].startswith("inc-") for line in text.splitlines())


def test_bad_date_filter_says_how_to_write_it(run, processed_db):
    result = run("incidents", "--db", processed_db, "--since", "last tuesday")
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.stderr


def test_extract_command_writes_one_line_per_document(run, tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    records = [
        {"id": "x1", "text": REPORTS["a.txt"], "published": "2016-12-16", "source": "A"},
        {"id": "x2", "text": "Nothing happened here.", "published": None, "source": None},
    ]
    inp.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run("extract", "--input", str(inp), "--output", str(out))
    assert result.exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["x1", "x2"]
    assert lines[1]["mentions"] == []
    m = lines[0]["mentions"][0]
    assert set(m) >= {"type", "status", "scope", "section", "where", "when", "figures", "perpetrators",
                      "targets", "claimed_by", "certainty", "evidence"}
    ev = m["evidence"]
    assert records[0]["text"][ev["start"]:ev["end"]] == ev["text"]


def test_classify_command(run, tmp_path):
    inp, out = tmp_path / "in.tsv", tmp_path / "out.tsv"
    inp.write_text("id\ttext\n7\tMortar shells hit a school.\n8\tThe weather was fine.\n", encoding="utf-8")
    assert run("classify", "--input", str(inp), "--output", str(out)).exit_code == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    assert rows[0] == ["id", "type"] and [r[0] for r in rows[1:]] == ["7", "8"]
    assert rows[1][1] == "shelling" and rows[2][1] in EVENT_TYPES


def test_geoparse_given_spans_resolves_exactly_those(run, tmp_path):
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    text = "Refugees from Aleppo reached Gaziantep."
    spans = [{"start": text.index("Aleppo"), "end": text.index("Aleppo") + 6},
             {"start": text.index("Gaziantep"), "end": text.index("Gaziantep") + 9}]
    inp.write_text(json.dumps({"id": "g1", "text": text, "toponyms": spans}) + "\n", encoding="utf-8")
    assert run("geoparse", "--given-spans", "--input", str(inp), "--output", str(out)).exit_code == 0
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(t["start"], t["end"]) for t in line["toponyms"]] == [(s["start"], s["end"]) for s in spans]
    assert [t["country"] for t in line["toponyms"]] == ["SY", "TR"]


def test_demo_shows_contradictions_and_multi_source_incidents(demo_db):
    db, summary = demo_db
    assert "with contradicting figures" in summary
    with sqlite3.connect(db) as con:
        datas = [json.loads(r[0]) for r in con.execute("select data from incidents")]
    single = [d for d in datas if d["scope"] == "incident"]
    assert any(len(d["sources"]) >= 2 for d in single)
    assert any(f["contradiction"] for d in single for f in d["figures"])
