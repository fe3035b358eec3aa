"""The ingest stage: files and folders -> Documents or IngestErrors."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from harmwatch.config import Settings
from harmwatch.errors import (
    DecodeError,
    EmptyInput,
    IngestError,
    ParseError,
    TooLarge,
    UnsupportedFormat,
)
from harmwatch.ingest import (
    IngestReport,
    find_boilerplate,
    ingest,
    iter_inputs,
    load_sidecar,
    read_path,
)
from harmwatch.model import Document, sha256_hex

SEEDS = Path("/work/shared/seeds")


class MemorySink:
    """The store's add_document contract, in memory: one document per sha256."""

    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}

    def add_document(self, doc: Document) -> bool:
        if doc.sha256 in self.docs:
            return False
        self.docs[doc.sha256] = doc
        return True


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def run(paths: list[Path], settings: Settings, clock=None) -> tuple[list[Document], list[IngestError]]:
    docs: list[Document] = []
    errors: list[IngestError] = []
    for item in iter_inputs(paths, settings, clock=clock):
        (errors if isinstance(item, IngestError) else docs).append(item)  # type: ignore[arg-type]
    return docs, errors


def only_doc(paths: list[Path], settings: Settings, clock=None) -> Document:
    docs, errors = run(paths, settings, clock)
    assert errors == [] and len(docs) == 1, (docs, errors)
    return docs[0]


def only_error(paths: list[Path], settings: Settings) -> IngestError:
    docs, errors = run(paths, settings)
    assert docs == [] and len(errors) == 1, (docs, errors)
    return errors[0]


REPORT = "Shelling struck a bakery in the north of the town on Monday.\r\n\r\n  Two people were hurt.\n"


# --- plain text -------------------------------------------------------------------------------------


def test_txt_text_is_the_decoded_file_unchanged(tmp_path, ingest_settings, fixed_clock):
    path = write(tmp_path / "report.txt", REPORT)
    doc = only_doc([path], ingest_settings, fixed_clock)
    assert doc.text == REPORT
    assert doc.raw == path.read_bytes()
    assert doc.sha256 == sha256_hex(path.read_bytes())
    assert (doc.id, doc.media_type, doc.language, doc.origin) == ("report.txt", "text/plain", "en", str(path))
    assert doc.retrieved == fixed_clock()
    assert doc.source is None and doc.published is None


@pytest.mark.parametrize("name, media_type", [("a.txt", "text/plain"), ("b.md", "text/markdown"),
                                              ("C.TXT", "text/plain")])
def test_text_media_types(tmp_path, ingest_settings, name, media_type):
    doc = only_doc([write(tmp_path / name, "A convoy was stopped at the crossing.")], ingest_settings)
    assert doc.media_type == media_type


def test_ids_are_posix_paths_relative_to_the_folder(tmp_path, ingest_settings):
    root = tmp_path / "corpus"
    write(root / "b.txt", "Second report about a market.")
    write(root / "a" / "deep" / "c.txt", "Third report about a clinic.")
    write(root / "a" / "x.txt", "First report about a school.")
    docs, errors = run([root], ingest_settings)
    assert errors == []
    # Files of a folder before its subfolders, names sorted: deterministic across runs.
    assert [d.id for d in docs] == ["b.txt", "a/x.txt", "a/deep/c.txt"]
    assert [d.id for d in run([root], ingest_settings)[0]] == [d.id for d in docs]


def test_hidden_files_and_folders_are_skipped(tmp_path, ingest_settings):
    write(tmp_path / "seen.txt", "A visible report.")
    write(tmp_path / ".hidden.txt", "A hidden note.")
    write(tmp_path / ".git" / "inner.txt", "A file in a hidden folder.")
    docs, errors = run([tmp_path], ingest_settings)
    assert errors == [] and [d.id for d in docs] == ["seen.txt"]


# --- HTML --------------------------------------------------------------------------------------------

ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Strike on a depot</title>
<meta property="og:site_name" content="The Example Courier">
<meta property="article:published_time" content="2019-03-14T08:30:00+02:00">
<script>var tracking = "do not keep me";</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Strike on a depot</h1>
<p>An air strike hit a fuel depot on the edge of the city early on Thursday, local officials said,
and firefighters worked through the morning to contain the blaze that followed.</p>
<p>Residents of the nearby streets were told to stay indoors while the smoke cleared, and the
regional hospital said it had treated several people for breathing problems.</p>
</article><footer>Copyright The Example Courier</footer></body></html>"""


def test_html_main_text_title_and_date(tmp_path, ingest_settings):
    path = write(tmp_path / "page.html", ARTICLE_HTML)
    doc = only_doc([path], ingest_settings)
    assert "fuel depot on the edge of the city" in doc.text
    assert "tracking" not in doc.text and "Home" not in doc.text
    assert doc.title == "Strike on a depot"
    assert doc.published == date(2019, 3, 14)
    assert doc.raw == path.read_bytes() and doc.media_type == "text/html"
    assert doc.source == "The Example Courier"


def test_html_reader_comments_follow_the_main_text_under_a_heading(tmp_path, ingest_settings):
    page = ARTICLE_HTML.replace("</article>", '</article><div class="comments"><p>Reader note: '
                                "stay safe, everyone on the east side.</p></div>")
    doc = only_doc([write(tmp_path / "c.html", page)], ingest_settings)
    main_end = doc.text.index("regional hospital")
    heading = doc.text.index("\nComments\n")
    assert main_end < heading < doc.text.index("Reader note: stay safe")
    assert "Comments" in [s.text for s in doc.boilerplate]


def test_sidecar_wins_over_what_is_guessed_from_a_page(tmp_path, ingest_settings):
    write(tmp_path / "page.htm", ARTICLE_HTML)
    write(tmp_path / "metadata.jsonl", json.dumps({"file": "page.htm", "source": "Wire Desk",
                                                   "published": "2019-03-15"}) + "\n")
    doc = only_doc([tmp_path], ingest_settings)
    assert (doc.source, doc.published) == ("Wire Desk", date(2019, 3, 15))


def test_deeply_nested_html_falls_back_to_tag_stripping(tmp_path, ingest_settings):
    depth = 5000
    page = f"<html><body>{'<div>' * depth}<p>Deep words survive.</p>{'</div>' * depth}</body></html>"
    doc = only_doc([write(tmp_path / "deep.html", page)], ingest_settings)
    assert doc.text.strip() == "Deep words survive."


@pytest.mark.parametrize("page, error", [
    ("<html><head><script>only()</script></head><body>  </body></html>", EmptyInput),
    ("<![bogus marked section", ParseError),
])
def test_bad_html(tmp_path, ingest_settings, page, error):
    err = only_error([write(tmp_path / "bad.html", page)], ingest_settings)
    assert type(err) is error and "bad.html" in str(err)


# --- JSON / JSONL / CSV ------------------------------------------------------------------------------

TRICKY_TEXT = "  Line one\r\nLine two\u2028still two \u00e9\u4e2d\t\n"


def test_jsonl_text_is_exactly_the_field(tmp_path, ingest_settings):
    lines = [json.dumps({"id": "r-1", "text": TRICKY_TEXT, "source": "Desk A", "published": "2020-05-01"}),
             "", json.dumps({"id": 7, "text": "Seven people were detained.", "language": "fr-FR"}),
             json.dumps({"text": "No id here."})]
    path = write(tmp_path / "in.jsonl", "\n".join(lines) + "\n")
    docs, errors = run([tmp_path], ingest_settings)
    assert errors == []
    assert [d.id for d in docs] == ["r-1", "7", "in.jsonl#3"]
    assert docs[0].text == TRICKY_TEXT
    assert (docs[0].source, docs[0].published) == ("Desk A", date(2020, 5, 1))
    assert docs[1].language == "fr" and docs[2].language == "en"
    assert [d.origin for d in docs] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert {d.media_type for d in docs} == {"application/jsonl"}


def test_record_identity_is_its_canonical_json(tmp_path, ingest_settings):
    record = {"text": "A checkpoint was closed.", "title": "Closure", "id": "k"}
    doc = only_doc([write(tmp_path / "one.json", json.dumps(record))], ingest_settings)
    expected = json.dumps({**record, "source": None}, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
    assert doc.raw == expected and doc.sha256 == sha256_hex(expected)


def test_a_bad_jsonl_line_rejects_only_that_record(tmp_path, ingest_settings):
    lines = ['{"id": "a", "text": "Fine record one."}', '{"id": "b", "text": ', '["not", "an object"]',
             '{"id": "c"}', '{"id": "d", "text": "   "}', '{"id": "e", "text": "Fine record five."}',
             '{"id": "f", "text": "Bad date.", "published": "last Tuesday"}']
    write(tmp_path / "mixed.jsonl", "\n".join(lines))
    docs, errors = run([tmp_path], ingest_settings)
    assert [d.id for d in docs] == ["a", "e"]
    assert [type(e) for e in errors] == [ParseError, ParseError, ParseError, EmptyInput, ParseError]
    assert all("mixed.jsonl" in str(e) for e in errors)
    assert "line 2" in str(errors[0]) and "not valid JSON" in str(errors[0])
    assert '"text"' in str(errors[2]) and "last Tuesday" in str(errors[4])


def test_json_single_object_and_list(tmp_path, ingest_settings):
    write(tmp_path / "single.json", json.dumps({"id": 3, "text": "A single record."}))
    write(tmp_path / "many.json", json.dumps([{"text": "First of two."}, 5, {"id": "z", "text": "Last."}]))
    docs, errors = run([tmp_path], ingest_settings)
    assert sorted(d.id for d in docs) == ["3", "many.json#1", "z"]
    assert len(errors) == 1 and "many.json#2" in str(errors[0]) and isinstance(errors[0], ParseError)
    assert {d.media_type for d in docs} == {"application/json"}


@pytest.mark.parametrize("content, error, words", [
    ('{"id": "x", "text": "unfinished', ParseError, "not valid JSON"),
    ("42", ParseError, "object or a list"),
    ("[]", EmptyInput, "empty list"),
    ("[" * 20_000 + "]" * 20_000, ParseError, "not valid JSON"),
])
def test_bad_json_files(tmp_path, ingest_settings, content, error, words):
    err = only_error([write(tmp_path / "data.json", content)], ingest_settings)
    assert type(err) is error and "data.json" in str(err) and words in str(err)


CSV_TEXT = 'id,text,title,published,source,extra\r\n' \
           '10,"Shops were looted,\r\nthen burned.",Looting,2021-02-03T10:00:00Z,Desk B,\r\n' \
           ',Second row text.,,,,kept\r\n'


def test_csv_records(tmp_path, ingest_settings):
    path = write(tmp_path / "t.csv", CSV_TEXT)
    docs, errors = run([path], ingest_settings)
    assert errors == []
    assert [d.id for d in docs] == ["10", "t.csv#2"]
    assert docs[0].text == "Shops were looted,\r\nthen burned."
    assert (docs[0].title, docs[0].published, docs[0].source) == ("Looting", date(2021, 2, 3), "Desk B")
    assert docs[1].title is None and docs[1].media_type == "text/csv"


def test_the_same_record_as_csv_and_jsonl_is_one_document(tmp_path, ingest_settings):
    record = {"id": "same", "text": "A bridge was damaged.", "source": "Desk C"}
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["id", "text", "title", "source"])
    writer.writeheader()
    writer.writerow({**record, "title": ""})
    write(tmp_path / "a.csv", buf.getvalue())
    write(tmp_path / "b.jsonl", json.dumps(record) + "\n")
    sink = MemorySink()
    report = ingest(sink, [tmp_path], ingest_settings)
    assert (report.stored, report.present, report.ok) == (1, 1, True)


@pytest.mark.parametrize("content, error, words", [
    ("id,title\n1,No text column\n", ParseError, '"text" column'),
    ('id,text\n1,"never closed\n', ParseError, "malformed CSV"),
    ("id,text\n1,too,many,fields\n", ParseError, "4 fields"),
    ("id,text\n1,\n", EmptyInput, "empty"),
    ("id,text\n", EmptyInput, "no records"),
])
def test_bad_csv(tmp_path, ingest_settings, content, error, words):
    err = only_error([write(tmp_path / "rows.csv", content)], ingest_settings)
    assert type(err) is error and "rows.csv" in str(err) and words in str(err)


# --- feeds -------------------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example Wire</title><language>en-gb</language>
<item><title>Clinic hit</title><link>https://example.org/a</link><guid>urn:example:1</guid>
<pubDate>Wed, 04 Mar 2015 09:00:00 GMT</pubDate>
<description>&lt;p&gt;A clinic was &lt;b&gt;hit&lt;/b&gt; by shells.&lt;/p&gt;</description>
<source url="https://other.example">Other Agency</source></item>
<item><title>Road closed</title><link>https://example.org/b</link>
<description>The main road was closed to traffic.</description></item>
<item><title>Empty</title></item>
</channel></rss>"""

ATOM = """<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><id>tag:example.org,2018:7</id><title>Aid arrives</title><updated>2018-06-09T22:00:00Z</updated>
<link href="https://example.org/7"/>
<content type="html">&lt;p&gt;Trucks with aid arrived.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_items_are_documents(tmp_path, ingest_settings):
    path = write(tmp_path / "wire.rss", RSS)
    docs, errors = run([path], ingest_settings)
    assert [d.id for d in docs] == ["urn:example:1", "https://example.org/b"]
    assert docs[0].text == "A clinic was hit by shells."
    assert (docs[0].source, docs[1].source) == ("Other Agency", "Example Wire")
    assert docs[0].published == date(2015, 3, 4) and docs[1].published is None
    assert (docs[0].title, docs[0].url, docs[0].language) == ("Clinic hit", "https://example.org/a", "en")
    assert docs[0].media_type == "application/rss+xml" and docs[0].origin == f"{path}#1"
    assert len(errors) == 1 and isinstance(errors[0], EmptyInput) and "wire.rss#3" in str(errors[0])


def test_atom_feed(tmp_path, ingest_settings):
    doc = only_doc([write(tmp_path / "desk.atom", ATOM)], ingest_settings)
    assert (doc.id, doc.text, doc.published) == ("tag:example.org,2018:7", "Trucks with aid arrived.",
                                                 date(2018, 6, 9))
    assert doc.media_type == "application/atom+xml" and doc.source == "Atom Desk"


def billion_laughs(levels: int = 12) -> str:
    ents = ['<!ENTITY l0 "ha">'] + [f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">'
                                     for i in range(1, levels)]
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n{chr(10).join(ents)}\n]>\n'
            f'<rss version="2.0"><channel><title>x</title><item><title>&l{levels - 1};</title>'
            f'<description>&l{levels - 1};</description></item></channel></rss>')


def test_billion_laughs_feed_is_refused_not_expanded(tmp_path, ingest_settings):
    # 10**11 characters if expanded: this only finishes because the entities are refused.
    err = only_error([write(tmp_path / "bomb.xml", billion_laughs())], ingest_settings)
    assert isinstance(err, ParseError) and "bomb.xml" in str(err) and "entities" in str(err)


@pytest.mark.parametrize("content, error", [
    ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>', ParseError),
    ("<rss version='2.0'><channel><item></channel>", ParseError),
    ("<catalog><book>Not a feed</book></catalog>", UnsupportedFormat),
    ("<rss version='2.0'><channel><title>Quiet</title></channel></rss>", EmptyInput),
])
def test_bad_feeds(tmp_path, ingest_settings, content, error):
    err = only_error([write(tmp_path / "feed.xml", content)], ingest_settings)
    assert type(err) is error and "feed.xml" in str(err)


# --- sidecars ----------------------------------------------------------------------------------------


def sidecar_lines(*entries: dict) -> str:
    return "".join(json.dumps(e) + "\n" for e in entries)


def test_sidecar_gives_defaults_and_is_not_a_document(tmp_path, ingest_settings):
    write(tmp_path / "one.txt", "Fighting was reported near the river.")
    write(tmp_path / "sub" / "two.txt", "Families left the village.")
    write(tmp_path / "recs.jsonl", '{"id": "own", "text": "Own source.", "source": "Record Desk"}\n'
                                   '{"id": "dflt", "text": "Default source."}\n')
    write(tmp_path / "metadata.jsonl", sidecar_lines(
        {"file": "one.txt", "source": "Desk One", "published": "2016-08-01", "title": "T1",
         "url": "https://example.org/1", "note": "ignored"},
        {"file": "sub/two.txt", "source": "Desk Two", "published": "2016-08-02T23:00:00+03:00"},
        {"file": "recs.jsonl", "source": "File Desk"},
        {"file": "missing.txt", "source": "Nobody"}))
    docs, errors = run([tmp_path], ingest_settings)
    assert errors == []
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {"one.txt", "sub/two.txt", "own", "dflt"}
    one = by_id["one.txt"]
    assert (one.source, one.published, one.title, one.url) == ("Desk One", date(2016, 8, 1), "T1",
                                                              "https://example.org/1")
    assert (by_id["sub/two.txt"].source, by_id["sub/two.txt"].published) == ("Desk Two", date(2016, 8, 2))
    assert (by_id["own"].source, by_id["dflt"].source) == ("Record Desk", "File Desk")
    # The sidecar's source is part of a record's identity.
    assert json.loads(by_id["dflt"].raw)["source"] == "File Desk"


def test_nested_sidecar_overrides_and_direct_file_uses_its_folder_sidecar(tmp_path, ingest_settings):
    write(tmp_path / "metadata.jsonl", sidecar_lines({"file": "inner/x.txt", "source": "Outer"}))
    write(tmp_path / "inner" / "metadata.jsonl", sidecar_lines({"file": "x.txt", "source": "Inner"}))
    path = write(tmp_path / "inner" / "x.txt", "Water supply was cut.")
    assert only_doc([tmp_path], ingest_settings).source == "Inner"
    direct = only_doc([path], ingest_settings)
    assert (direct.id, direct.source) == ("x.txt", "Inner")


def test_bad_sidecar_line_is_reported_and_the_file_still_ingested(tmp_path, ingest_settings):
    write(tmp_path / "a.txt", "Power lines were down.")
    write(tmp_path / "metadata.jsonl", '{"file": "a.txt", "published": "soon"}\nnot json\n')
    docs, errors = run([tmp_path], ingest_settings)
    assert [d.id for d in docs] == ["a.txt"] and docs[0].published is None
    assert len(errors) == 2 and all(isinstance(e, ParseError) for e in errors)
    assert "metadata.jsonl line 1" in str(errors[0]) and "metadata.jsonl line 2" in str(errors[1])


def test_sidecar_given_directly_is_refused(tmp_path, ingest_settings):
    path = write(tmp_path / "metadata.jsonl", sidecar_lines({"file": "a.txt", "source": "S"}))
    err = only_error([path], ingest_settings)
    assert isinstance(err, UnsupportedFormat) and "sidecar" in str(err)


def test_load_sidecar_keys_are_normalised(tmp_path):
    path = write(tmp_path / "metadata.jsonl", sidecar_lines({"file": "./d\\e.txt", "source": "S"}))
    entries, errors = load_sidecar(path)
    assert errors == [] and list(entries) == ["d/e.txt"]


def test_read_path_with_explicit_sidecar_and_root(tmp_path, ingest_settings, fixed_clock):
    from harmwatch.ingest import SidecarEntry

    path = write(tmp_path / "f" / "g.txt", "A bus was stopped.")
    items = list(read_path(path, ingest_settings, root=tmp_path, clock=fixed_clock,
                           sidecar={"f/g.txt": SidecarEntry(file="f/g.txt", source="Given")}))
    assert [(d.id, d.source) for d in items if isinstance(d, Document)] == [("f/g.txt", "Given")]


# --- identity and the ingest report ------------------------------------------------------------------


def test_same_bytes_twice_is_one_document_and_reingest_is_a_noop(tmp_path, ingest_settings):
    write(tmp_path / "a.txt", "An identical statement.")
    write(tmp_path / "copy.txt", "An identical statement.")
    sink = MemorySink()
    first = ingest(sink, [tmp_path], ingest_settings)
    again = ingest(sink, [tmp_path], ingest_settings)
    assert (first.stored, first.present, first.ok) == (1, 1, True)
    assert (again.stored, again.present) == (0, 2) and len(sink.docs) == 1


def test_same_record_from_another_source_is_another_document(tmp_path, ingest_settings):
    text = "Dozens of families fled overnight."
    write(tmp_path / "a.jsonl", json.dumps({"id": "n1", "text": text, "source": "Desk A"}) + "\n")
    write(tmp_path / "b.jsonl", json.dumps({"id": "n1", "text": text, "source": "Desk B"}) + "\n")
    docs, _ = run([tmp_path], ingest_settings)
    assert [d.text for d in docs] == [text, text] and docs[0].sha256 != docs[1].sha256


def test_ingest_reports_rejections_and_carries_on(tmp_path, ingest_settings, capsys):
    write(tmp_path / "good.txt", "A good report.")
    write(tmp_path / "bad.bin", b"\x00\x01")
    sink = MemorySink()
    report = ingest(sink, [tmp_path, tmp_path / "nope.txt"], ingest_settings, progress=True)
    assert isinstance(report, IngestReport) and not report.ok
    assert report.stored == 1 and len(report.rejected) == 2
    assert "no such file or folder" in str(report.rejected[1]) and "nope.txt" in str(report.rejected[1])
    assert "ingest" in capsys.readouterr().err


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, error, words", [
    ("empty.txt", b"", EmptyInput, "empty"),
    ("blank.txt", b" \n\t\n", EmptyInput, "whitespace"),
    ("latin.txt", "caf\u00e9".encode("latin-1"), DecodeError, "UTF-8"),
    ("nul.txt", b"text\x00more", DecodeError, "NUL"),
    ("nul.jsonl", b'{"text": "a\x00"}\n', DecodeError, "NUL"),
    ("photo.png", b"\x89PNG\r\n", UnsupportedFormat, ".png"),
    ("noext", b"plain words", UnsupportedFormat, "(none)"),
])
def test_bad_input_errors_name_the_file(tmp_path, ingest_settings, name, content, error, words):
    err = only_error([write(tmp_path / name, content)], ingest_settings)
    assert type(err) is error
    assert str(err).startswith(str(tmp_path / name)) and words in str(err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_not_read(tmp_path, ingest_settings):
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block forever
    err = only_error([tmp_path], ingest_settings)
    assert isinstance(err, UnsupportedFormat) and "pipe.txt" in str(err) and "regular file" in str(err)


def test_too_large_is_refused_before_reading(tmp_path, ingest_settings, monkeypatch):
    path = write(tmp_path / "huge.txt", b"a" * (ingest_settings.max_bytes + 1))

    def no_open(self, *args, **kwargs):
        raise AssertionError("the file was opened despite its size")

    monkeypatch.setattr(Path, "open", no_open)
    err = only_error([path], ingest_settings)
    assert isinstance(err, TooLarge) and "huge.txt" in str(err)
    assert str(ingest_settings.max_bytes) in str(err)
    assert "HARMWATCH_MAX_BYTES" in str(err) and "--max-bytes" in str(err)


def test_a_file_at_the_limit_is_accepted(tmp_path, ingest_settings):
    path = write(tmp_path / "edge.txt", b"b" * ingest_settings.max_bytes)
    assert len(only_doc([path], ingest_settings).text) == ingest_settings.max_bytes


# --- boilerplate -------------------------------------------------------------------------------------


@pytest.mark.parametrize("line", [
    "Send by e-mail", "Send by e-mailSend by e-mail", "Share this article", "Share", "Subscribe",
    "Subscribe to our daily briefing", "Credit: Staff Photographer", "Photo credit: A. Person",
    "Advertisement", "Comments", "12 Comments", "3 Comments on \"A headline\"", "Leave a comment",
    "We use cookies to improve your experience. By browsing you accept our cookie policy.",
    "Facebook Twitter Email", "Print Friendly, PDF & Email", "Read more", "______", "Reply",
])
def test_boilerplate_lines_are_flagged(line):
    text = f"Gunfire was heard near the port.\n{line}\nThe port stayed closed.\n"
    spans = find_boilerplate(text)
    assert [(s.text, text[s.start:s.end]) for s in spans] == [(line, line)]


@pytest.mark.parametrize("line", [
    "Subscribers to the local radio said the shelling went on for hours.",
    "The credit union building was damaged in the strike.",
    "Comments by the minister were reported by state media.",
    "Advertisements on the billboards were torn down by protesters who gathered in the square.",
    "The share of displaced people rose to a third of the population.",
])
def test_prose_is_not_flagged(line):
    assert find_boilerplate(f"{line}\n") == ()


def test_repeated_lines_flag_later_copies_with_exact_offsets(tmp_path, ingest_settings):
    text = "By A. Writer\n  Heavy rain slowed the convoy.\nBy A. Writer\r\nThe convoy arrived.\n"
    doc = only_doc([write(tmp_path / "r.txt", text)], ingest_settings)
    second = text.index("By A. Writer", 1)
    assert [(s.start, s.end, s.text) for s in doc.boilerplate] == [(second, second + 12, "By A. Writer")]


# --- the seed articles -------------------------------------------------------------------------------


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds folder is absent")
def test_seed_folder_gives_five_documents_with_sidecar_metadata(fixed_clock):
    expected = {}
    for line in (SEEDS / "metadata.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        expected[entry["file"]] = (entry["source"], date.fromisoformat(entry["published"]))
    docs, errors = run([SEEDS], Settings(), fixed_clock)
    assert errors == [] and len(docs) == 5
    assert {d.id: (d.source, d.published) for d in docs} == expected
    for doc in docs:
        assert doc.text == (SEEDS / doc.id).read_text(encoding="utf-8")
        assert all(doc.text[s.start:s.end] == s.text for s in doc.boilerplate)


# --- never another exception -------------------------------------------------------------------------

_FUZZ = st.one_of(
    st.binary(max_size=600),
    st.text(max_size=400).map(lambda s: s.encode("utf-8")),
    st.lists(st.sampled_from(['{', '}', '[', ']', '"text"', ':', ',', '"', '\n', 'id', '<', '>', '/', '!',
                              '<rss version="2.0">', '<channel>', '<item>', '<![', '<!DOCTYPE x [', '&a;',
                              'text,id\r\n', 'a', ' ', '\x00', '\ufeff']),
             max_size=40).map(lambda parts: "".join(parts).encode("utf-8")),
)


@pytest.mark.parametrize("ext", [".txt", ".json", ".jsonl", ".csv", ".html", ".xml"])
@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_FUZZ)
def test_any_bytes_give_documents_or_ingest_errors(tmp_path, ext, data):
    path = tmp_path / f"fuzz{ext}"
    path.write_bytes(data)
    items = list(read_path(path, Settings(max_bytes=10_000)))
    assert items and all(isinstance(i, Document | IngestError) for i in items)
    for doc in (i for i in items if isinstance(i, Document)):
        assert doc.sha256 == sha256_hex(doc.raw)
        assert all(doc.text[s.start:s.end] == s.text for s in doc.boilerplate)
