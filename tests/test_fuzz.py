"""Fuzzing: every input ends as stored documents or clear IngestErrors, and the extractor never crashes.

The generators and the per-case check are ``bench/fuzz.py``'s (which runs 10,000 cases); here hypothesis
drives them with a few examples per format, and every named pathological input runs once.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from conftest import load_bench
from harmwatch.config import Settings
from harmwatch.extract import chunks
from harmwatch.model import Document, sha256_hex
from harmwatch.store import open_store

fuzz = load_bench("fuzz")

_HYP = hsettings(max_examples=12, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("fuzz") / "fuzz.db") as store:
        yield store


def _run(tmp_path, store, ext: str, data: bytes, extractor=None):
    path = tmp_path / f"case{ext}"
    path.write_bytes(data)
    return fuzz.run_case(path, store, extractor, Settings(max_bytes=4 * fuzz.MB))


# --- ingest: every parser, generated inputs -----------------------------------------------------------


@pytest.mark.parametrize("ext", fuzz.FORMATS)
@_HYP
@given(rng=st.randoms(use_true_random=False), kind=st.sampled_from(sorted(fuzz.GENERATORS)))
def test_generated_input_is_stored_or_rejected_never_crashes(tmp_path, fuzz_store, ext, rng, kind):
    outcome = _run(tmp_path, fuzz_store, ext, fuzz.GENERATORS[kind](rng, ext))
    assert outcome.kind in ("stored", "rejected"), outcome.detail
    assert outcome.documents or outcome.errors  # an input never vanishes without a word


@pytest.mark.parametrize("ext", [".json", ".jsonl", ".csv", ".xml", ".atom", ".html"])
@_HYP
@given(rng=st.randoms(use_true_random=False))
def test_well_formed_records_with_odd_unicode_are_stored_intact(tmp_path, fuzz_store, ext, rng):
    outcome = _run(tmp_path, fuzz_store, ext, fuzz.structured(rng, ext))
    assert outcome.kind in ("stored", "rejected"), outcome.detail


# Named inputs: (documents stored, error classes) each must give.
EXPECTED: dict[str, tuple[int, tuple[str, ...]]] = {
    "1 MB single line (txt)": (1, ()), "1 MB single line (html)": (1, ()), "1 MB single line (jsonl)": (1, ()),
    "1 MB single cell (csv)": (1, ()), "1 MB single feed item": (1, ()),
    "JSON nested 100,000 deep": (0, ("ParseError",)), "JSONL nested 100,000 deep": (1, ("ParseError",)),
    "HTML with 10,000 nested tags": (1, ()), "HTML with 10,000 unclosed tags": (1, ()),
    "feed item with 10,000 nested tags": (1, ()),
    "billion-laughs feed": (0, ("ParseError",)), "external-entity feed": (0, ("ParseError",)),
    "billion-laughs HTML": (1, ()), "CSV with ragged rows": (2, ("ParseError", "ParseError")),
    "CSV with an unclosed quote": (0, ("ParseError",)),
    "NUL byte in text": (0, ("DecodeError",)), "NUL byte in JSON": (0, ("DecodeError",)),
    "escaped NUL in JSON": (0, ("ParseError",)), "NUL byte in feed": (0, ("DecodeError",)),
    "unpaired surrogate escape in JSONL": (1, ("ParseError",)),
    "U+2028 inside a JSONL string": (1, ()), "RTL, bidi controls and combining marks": (1, ()),
    "zero-width characters everywhere": (1, ()), "100,000 newlines": (1, ()), "a 5,000-digit number": (1, ()),
    "invalid UTF-8": (0, ("DecodeError",)), "UTF-16 feed": (0, ("DecodeError",)),
}


def test_every_named_input_has_an_expectation():
    # One name may accept either outcome: whether 990 levels parse depends on the caller's stack depth.
    assert set(fuzz.PATHOLOGICAL) - set(EXPECTED) == {"JSON nested just under the parser limit"}


@pytest.mark.parametrize("name", sorted(fuzz.PATHOLOGICAL))
def test_pathological_input_ends_as_expected(tmp_path, fuzz_store, name):
    ext, make = fuzz.PATHOLOGICAL[name]
    outcome = _run(tmp_path, fuzz_store, ext, make())
    assert outcome.kind in ("stored", "rejected"), outcome.detail
    got = (outcome.documents, tuple(sorted(outcome.error_types.elements())))
    assert got == EXPECTED.get(name, got if got in ((1, ()), (0, ("ParseError",))) else None)


def test_entities_are_never_expanded_in_html(tmp_path, fuzz_store):
    from harmwatch.ingest import read_path

    ext, make = fuzz.PATHOLOGICAL["billion-laughs HTML"]
    path = tmp_path / f"laughs{ext}"
    path.write_bytes(make())
    (doc,) = read_path(path, Settings())
    assert "lollol" not in doc.text and len(doc.text) < 2000


# --- the extractor -------------------------------------------------------------------------------------


def _doc(text: str, published: date | None = date(2016, 7, 25)) -> Document:
    raw = text.encode("utf-8")
    return Document(id="fuzz", sha256=sha256_hex(raw), raw=raw, text=text, published=published)


@hsettings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(rng=st.randoms(use_true_random=False), dated=st.booleans())
def test_extractor_on_odd_unicode_gives_well_formed_mentions(extractor, rng, dated):
    text = fuzz.weird_text(rng, 1500)
    doc = _doc(text, date(2016, 7, 25) if dated else None)
    (mentions,) = extractor.extract([doc])
    fuzz.check_mentions(doc, mentions)


EXTRACTOR_CASES = {
    "1 MB single line": "x" * fuzz.MB,  # over spaCy's 1,000,000-character limit
    "100,000 newlines": "Shelling hit Aleppo.\n" + "\n" * 100_000 + "Two were killed.",
    "100,000 spaces": "Shelling" + " " * 100_000 + "killed 4 civilians.",
    "a 5,000-digit count": "9" * 5000 + " civilians were killed in Aleppo.",
    "a count past a trillion": "99999999999999 million civilians were killed in Idlib.",
    "bidi and combining marks": "\u202eShelling killed 5\u202c civilians in A\u0301leppo\u2028on Monday.",
    "zero-width joiners inside words": "She\u200bll\u200ding ki\u2060lled 12 civil\ufeffians in Homs.",
    "only punctuation": ";;;,,,:::---—" * 500,
}


@pytest.mark.parametrize("name", sorted(EXTRACTOR_CASES))
def test_extractor_survives_pathological_text(extractor, name):
    doc = _doc(EXTRACTOR_CASES[name])
    (mentions,) = extractor.extract([doc])
    fuzz.check_mentions(doc, mentions)


# --- long documents go through in pieces -------------------------------------------------------------


@pytest.mark.parametrize("text, limit, cuts", [
    ("a" * 10, 4, [4, 8, 10]),  # no break at all: hard cuts
    ("aaaa bbbb cccc", 7, [5, 10, 14]),  # at spaces
    ("a" * 8 + ". bbb " + "c" * 6, 16, [10, 20]),  # a sentence end wins over a later space
    ("x" * 6 + "\ny y" + "z" * 5, 12, [7, 15]),  # a line end wins over a later space
    ("x" * 6 + "\n\ny y\nz", 12, [8, 13]),  # a paragraph break wins over a later line end
    ("short", 100, [5]),
    ("a. " + "w " * 20, 20, [9, 19, 29, 43]),  # no sentence end in reach: runs of at most 10, at spaces
    ("x" * 25, 20, [10, 25]),  # nor a space: a hard cut at the run length; the rest fits the limit
])
def test_bounds_cut_at_the_best_break_within_the_limit(text, limit, cuts):
    found = chunks.bounds(text, limit, run=10)
    assert [end for _, end in found] == cuts
    assert [start for start, _ in found] == [0, *cuts[:-1]]
    assert all(end - start <= limit for start, end in found)


@given(text=st.text(alphabet=st.sampled_from("ab .\n!;"), max_size=400), limit=st.integers(min_value=2, max_value=60),
       run=st.integers(min_value=2, max_value=60))
def test_bounds_cover_the_text_exactly(text, limit, run):
    found = chunks.bounds(text, limit, run)
    assert "".join(text[a:b] for a, b in found) == text
    assert all(0 < b - a <= limit for a, b in found) or text == ""


_PARAGRAPHS = [
    "Shelling killed 7 civilians in Aleppo on 24 July 2016, the monitor said.",
    "An air strike on a market in Idlib killed 12 people on 23 July 2016.",
    "Aid convoys reached Homs on 22 July 2016 after a truce.",
    "A car bomb wounded 30 people in Azaz on 21 July 2016, medics said.",
    "Government forces arrested 15 protesters in Daraa on 20 July 2016.",
]


def _signature(mentions):
    return [(m.type, m.evidence.text, tuple(tuple(sorted(f.to_dict().items())) for f in m.figures))
            for m in mentions]


def test_a_document_in_pieces_gives_the_mentions_of_the_whole(extractor, monkeypatch):
    text = "\n\n".join(_PARAGRAPHS * 3)
    doc = _doc(text)
    (whole,) = extractor.extract([doc])
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 200)
    assert len(chunks.split_documents([doc])) > 5
    (pieced,) = extractor.extract([doc])
    fuzz.check_mentions(doc, pieced)
    assert len({m.id for m in pieced}) == len(pieced)
    # Repeated paragraphs in other pieces are no longer recognised as repeats; every distinct one is there.
    assert set(_signature(whole)) == set(_signature(pieced)) and whole


def test_pieces_keep_batches_aligned_and_boilerplate_marks_in_place(monkeypatch):
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 30)
    long = _doc("Share on Facebook\n" + "word " * 20 + "\nShare on Facebook\n" + "more " * 10)
    from harmwatch.ingest import find_boilerplate

    long = replace(long, boilerplate=find_boilerplate(long.text))
    short = _doc("tiny")
    pieces = chunks.split_documents([short, long, short])
    assert [p.doc for p in pieces][0] == 0 and [p.doc for p in pieces][-1] == 2
    for piece in pieces:
        doc = [short, long, short][piece.doc]
        assert doc.text[piece.offset:piece.offset + len(piece.document.text)] == piece.document.text
        for mark in piece.document.boilerplate:
            assert piece.document.text[mark.start:mark.end] == mark.text
    assert sum(len(p.document.boilerplate) for p in pieces if p.doc == 1) == len(long.boilerplate)


def test_unseeded_random_is_not_used_by_the_generators():
    # Same seed, same cases: the bench's figures are reproducible.
    first = [(c.kind, c.ext, c.data) for c in fuzz.cases(60, seed=11)]
    assert first == [(c.kind, c.ext, c.data) for c in fuzz.cases(60, seed=11)]
    assert first != [(c.kind, c.ext, c.data) for c in fuzz.cases(60, seed=12)]
    assert fuzz.generate(random.Random(1)) == fuzz.generate(random.Random(1))
