"""Fuzz ingest and extraction with generated inputs; print how every case ended.

    .venv/bin/python bench/fuzz.py                  # 10,000 cases, seed 7
    .venv/bin/python bench/fuzz.py --cases 500 --seed 3 --no-extract

Each case is one file (text, Markdown, HTML, JSON, JSONL, CSV, RSS or Atom) built
from random bytes, random Unicode (right-to-left text, bidi controls, combining
marks, zero-width characters, U+2028 and other separators, astral and private-use
characters), a well-formed record of its format with such text, a mutation of
one, or one of the named pathological inputs (``PATHOLOGICAL``: a 1 MB single
line, JSON nested 100,000 deep, HTML with 10,000 nested tags, a billion-laughs
feed, CSV with ragged rows, NUL bytes ...).  Each named input runs once per run.

A worker process ingests the file into a SQLite store and, unless
``--no-extract``, runs the real extractor on every document it stored.  The
parent waits ``--timeout`` seconds per case; a worker that has not answered by
then is killed and the case counts as hung.  Outcomes:

- stored:   at least one document stored (any other records rejected with an IngestError)
- rejected: no document, and every input rejected with an IngestError
- crashed:  any other exception, or a stored document that breaks an invariant
            (hash of raw, store round trip, evidence offsets)
- hung:     no answer within the timeout

The generators are plain functions of a ``random.Random``, so ``tests/test_fuzz.py``
drives the same ones from hypothesis.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = (".txt", ".md", ".html", ".json", ".jsonl", ".csv", ".xml", ".atom")
MB = 1 << 20

# --- random text ------------------------------------------------------------------------------------

_WORDS = ("killed", "wounded", "shelling", "air strike", "civilians", "children", "at least", "dozens of",
          "Aleppo", "Idlib", "Homs", "on Monday", "2016-07-24", "July 24", "the government", "rebels",
          "said", "reported", "no one was hurt", "would", "not", "1,200", "3", "hundreds", "evacuated",
          "Comments", "Share on Facebook", "Photo: AFP", "Reuters", "—", ";", ":", ",", ".", "\n", "\n\n")
_RANGES = (
    (0x20, 0x7E), (0x600, 0x6FF), (0x590, 0x5FF), (0x300, 0x36F), (0x20D0, 0x20FF), (0x4E00, 0x4E80),
    (0x1F300, 0x1F5FF), (0x1D400, 0x1D4FF), (0xE000, 0xE0FF), (0x1, 0x1F), (0x7F, 0x9F), (0x10FFF0, 0x10FFFF),
)
_SPECIAL = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202b",
            "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u2028", "\u2029",
            "\x85", "\x0b", "\x0c", "\r", "\r\n", "\t", "\u00a0", "\u3000", "\ufffe", "\uffff", "\ufffd",
            "\u0301\u0302\u0303\u0304", "e\u0301", "ﷺ", "\U0001f1f8\U0001f1fe", "\x00")


def weird_text(rng: random.Random, max_len: int = 300) -> str:
    """Text mixing conflict-report words with RTL, combining, zero-width, separator and astral characters."""
    out: list[str] = []
    length = int(rng.random() ** 2 * max_len)
    while sum(map(len, out)) < length:
        pick = rng.random()
        if pick < 0.45:
            out.append(rng.choice(_WORDS) + " ")
        elif pick < 0.7:
            out.append(rng.choice(_SPECIAL))
        else:
            lo, hi = rng.choice(_RANGES)
            out.append("".join(chr(rng.randint(lo, hi)) for _ in range(rng.randint(1, 8))))
    text = "".join(out)
    return text.replace("\x00", "") if rng.random() < 0.9 else text


def encode(rng: random.Random, text: str) -> bytes:
    """UTF-8 mostly; sometimes with a BOM, sometimes invalid (lone surrogates, Latin-1)."""
    roll = rng.random()
    if roll < 0.05:
        return "\ufeff".encode() + text.encode("utf-8")
    if roll < 0.08:
        return (text + "\ud800").encode("utf-8", "surrogatepass")
    if roll < 0.1:
        return text.encode("latin-1", "replace")
    return text.encode("utf-8")


def random_bytes(rng: random.Random, ext: str) -> bytes:
    return rng.randbytes(int(rng.random() ** 3 * 4096))


def random_unicode(rng: random.Random, ext: str) -> bytes:
    return encode(rng, weird_text(rng, 1500))


# --- well-formed records of each format, filled with weird text ---------------------------------------

_JUNK: tuple[Any, ...] = (None, True, 0, -1, 1.5, 1e308, "", [], {}, ["x"], {"a": {"b": [1]}}, "2016-07-24",
                          "2016-13-45", "yesterday", "2016-07-24T10:00:00+03:00")


def _record(rng: random.Random) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    if rng.random() < 0.95:
        rec["text"] = weird_text(rng) if rng.random() < 0.9 else rng.choice(_JUNK)
    for key in ("id", "title", "url", "published", "source", "language", weird_text(rng, 8)):
        if rng.random() < 0.4:
            rec[key] = weird_text(rng, 30) if rng.random() < 0.6 else rng.choice(_JUNK)
    return rec


def _json(rng: random.Random) -> str:
    value: Any = [_record(rng) for _ in range(rng.randint(0, 4))]
    roll = rng.random()
    if roll < 0.3 and value:
        value = value[0]
    elif roll < 0.35:
        value = rng.choice(_JUNK)
    return json.dumps(value, ensure_ascii=rng.random() < 0.3)


def _jsonl(rng: random.Random) -> str:
    lines = [json.dumps(_record(rng), ensure_ascii=rng.random() < 0.3) for _ in range(rng.randint(0, 5))]
    if rng.random() < 0.3:
        lines.insert(rng.randint(0, len(lines)), rng.choice(["", "   ", "{bad", "[]", "null", "\u2028"]))
    return "\n".join(lines) + rng.choice(["", "\n", "\r\n"])


def _csv_cell(rng: random.Random) -> str:
    cell = weird_text(rng, 60)
    if rng.random() < 0.6 or any(c in cell for c in ',"\n\r'):
        cell = '"' + cell.replace('"', '""') + '"' if rng.random() < 0.9 else '"' + cell
    return cell


def _csv(rng: random.Random) -> str:
    names = rng.sample(["id", "text", "title", "url", "published", "source"], rng.randint(1, 6))
    if rng.random() < 0.1:
        names.append(rng.choice(names))
    end = rng.choice(["\n", "\r\n"])
    rows = [",".join(names)]
    for _ in range(rng.randint(0, 5)):
        width = len(names) if rng.random() < 0.8 else rng.randint(0, len(names) + 3)  # ragged rows
        rows.append(",".join(_csv_cell(rng) for _ in range(width)))
    return end.join(rows) + end


_TAGS = ("p", "div", "span", "b", "a", "script", "style", "title", "table", "tr", "td", "br", "svg", "iframe",
         "template", "article", "h1", "li", "img", "x-custom", "!--", "head", "body", "noscript")
_ENTITIES = ("&amp;", "&lt;", "&#x202e;", "&#0;", "&#xD800;", "&#1114112;", "&bogus;", "&nbsp;", "&", "&#")


def _html_node(rng: random.Random, depth: int) -> str:
    if depth > 6 or rng.random() < 0.35:
        text = weird_text(rng, 80)
        return text + (rng.choice(_ENTITIES) if rng.random() < 0.3 else "")
    tag = rng.choice(_TAGS)
    if tag == "!--":
        return f"<!-- {weird_text(rng, 30)} -->"
    attrs = "".join(f' a{i}="{weird_text(rng, 10)}"' for i in range(rng.randint(0, 2)))
    inner = "".join(_html_node(rng, depth + 1) for _ in range(rng.randint(0, 4)))
    close = f"</{tag}>" if rng.random() < 0.85 else ""
    return f"<{tag}{attrs}>{inner}{close}"


def _html(rng: random.Random) -> str:
    head = rng.choice(["", "<!DOCTYPE html>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "<![CDATA[x]]>", "<?xml?>"])
    return f"{head}<html><head><title>{weird_text(rng, 40)}</title></head><body>" \
           f"{''.join(_html_node(rng, 0) for _ in range(rng.randint(1, 5)))}</body></html>"


def _xml_text(rng: random.Random) -> str:
    text = weird_text(rng, 120)
    if rng.random() < 0.3:
        return "<![CDATA[" + text.replace("]]>", "") + "]]>"
    return text.replace("&", "&amp;").replace("<", "&lt;") if rng.random() < 0.9 else text


def _rss(rng: random.Random) -> str:
    items = "".join(
        f"<item><title>{_xml_text(rng)}</title><link>http://example.org/{i}</link>"
        f"<description>{_xml_text(rng)}</description><pubDate>{rng.choice(_DATES)}</pubDate></item>"
        for i in range(rng.randint(0, 4)))
    decl = rng.choice(['<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>', "",
                       '<?xml version="1.0" encoding="iso-8859-1"?>'])
    return f'{decl}<rss version="2.0"><channel><title>{_xml_text(rng)}</title>{items}</channel></rss>'


_DATES = ("Mon, 25 Jul 2016 10:00:00 GMT", "2016-07-25T10:00:00Z", "yesterday", "", "Mon, 99 Foo 2016")


def _atom(rng: random.Random) -> str:
    entries = "".join(
        f"<entry><id>urn:x:{i}</id><title>{_xml_text(rng)}</title><updated>{rng.choice(_DATES)}</updated>"
        f"<content type=\"{rng.choice(['html', 'text', 'xhtml'])}\">{_xml_text(rng)}</content></entry>"
        for i in range(rng.randint(0, 4)))
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{_xml_text(rng)}</title>{entries}</feed>'


_STRUCTURED: dict[str, Callable[[random.Random], str]] = {
    ".txt": lambda rng: weird_text(rng, 1500), ".md": lambda rng: "# " + weird_text(rng, 1500),
    ".html": _html, ".json": _json, ".jsonl": _jsonl, ".csv": _csv, ".xml": _rss, ".atom": _atom,
}


def structured(rng: random.Random, ext: str) -> bytes:
    return encode(rng, _STRUCTURED[ext](rng))


_INSERTS = (b"\x00", b"<", b">", b'"', b"'", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"]]>", b"&a;", b"\r", b",",
            b"{", b"}", b"[", b"\n", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\xe2\x80\xa8", b"<![", b"\\u0000")


def mutate(rng: random.Random, data: bytes) -> bytes:
    """1-5 random edits: flips, inserts of syntax-breaking bytes, deletions, duplications, truncation."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        at = rng.randint(0, len(buf))
        roll = rng.random()
        if roll < 0.25 and buf:
            buf[min(at, len(buf) - 1)] ^= 1 << rng.randint(0, 7)
        elif roll < 0.6:
            buf[at:at] = rng.choice(_INSERTS)
        elif roll < 0.75:
            del buf[at:at + rng.randint(1, 40)]
        elif roll < 0.9:
            buf[at:at] = buf[max(0, at - 50):at]
        else:
            del buf[at:]
    return bytes(buf)


def mutated(rng: random.Random, ext: str) -> bytes:
    return mutate(rng, structured(rng, ext))


# --- named pathological inputs (each once per bench run; all in the test suite) -------------------------

_LAUGHS = ('<!DOCTYPE rss [<!ENTITY a "lol">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")


def _nested_json(depth: int) -> bytes:
    return ('{"text": "deep", "x": ' + "[" * depth + "]" * depth + "}").encode()


PATHOLOGICAL: dict[str, tuple[str, Callable[[], bytes]]] = {
    "1 MB single line (txt)": (".txt", lambda: ("Shelling hit the market " * 43_700)[:MB].encode()),
    "1 MB single line (html)": (".html", lambda: ("<p>" + "word " * (MB // 5) + "</p>").encode()),
    "1 MB single line (jsonl)": (".jsonl", lambda: json.dumps({"text": "x" * MB}).encode()),
    "1 MB single cell (csv)": (".csv", lambda: ("id,text\n1," + "y" * MB + "\n").encode()),
    "1 MB single feed item": (".xml", lambda: ('<rss version="2.0"><channel><item><description>' + "z " * (MB // 2)
                                               + "</description></item></channel></rss>").encode()),
    "JSON nested 100,000 deep": (".json", lambda: _nested_json(100_000)),
    "JSON nested just under the parser limit": (".json", lambda: _nested_json(990)),
    "JSONL nested 100,000 deep": (".jsonl", lambda: _nested_json(100_000) + b"\n" + b'{"text": "ok"}\n'),
    "HTML with 10,000 nested tags": (".html", lambda: ("<div>" * 10_000 + "Shelling killed 3 civilians."
                                                      + "</div>" * 10_000).encode()),
    "HTML with 10,000 unclosed tags": (".html", lambda: ("<b><i>" * 5_000 + "Shelling killed 3.").encode()),
    "feed item with 10,000 nested tags": (".xml", lambda: ('<rss version="2.0"><channel><item><description>'
                                                           + "<a>" * 10_000 + "x" + "</a>" * 10_000
                                                           + "</description></item></channel></rss>").encode()),
    "billion-laughs feed": (".xml", lambda: ('<?xml version="1.0"?>' + _LAUGHS + '<rss version="2.0"><channel>'
                                             "<item><description>&j;</description></item></channel></rss>"
                                             ).encode()),
    "external-entity feed": (".xml", lambda: b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM '
                                             b'"file:///etc/passwd">]><rss version="2.0"><channel><item>'
                                             b"<description>&x;</description></item></channel></rss>"),
    "billion-laughs HTML": (".html", lambda: (_LAUGHS + "<p>Shelling killed 3 civilians. &j;</p>").encode()),
    "CSV with ragged rows": (".csv", lambda: b"id,text,source\n1,ok,A\n2,too,many,fields,here\n3\n4,fine,B\n"),
    "CSV with an unclosed quote": (".csv", lambda: b'id,text\n1,"never closed\n2,next\n'),
    "NUL byte in text": (".txt", lambda: b"Shelling killed 3\x00 civilians."),
    "NUL byte in JSON": (".json", lambda: b'{"text": "a\x00b"}'),
    "escaped NUL in JSON": (".json", lambda: b'{"text": "killed 3\\u0000 civilians"}'),
    "unpaired surrogate escape in JSONL": (".jsonl", lambda: b'{"text": "half an emoji \\ud83d here"}\n'
                                                             b'{"text": "fine"}\n'),
    "NUL byte in feed": (".xml", lambda: b'<rss version="2.0"><channel><item><description>a\x00</description>'
                                         b"</item></channel></rss>"),
    "U+2028 inside a JSONL string": (".jsonl", lambda: '{"text": "line\u2028break\u2029para"}\n'.encode()),
    "RTL, bidi controls and combining marks": (".txt", lambda: ("\u202eقصف حلب\u202c \u05e9\u05dc\u05d5\u05dd "
                                                                "a\u0301\u0302" * 200).encode()),
    "zero-width characters everywhere": (".txt", lambda: "\u200b".join("Shelling killed 5 civilians").encode()),
    "100,000 newlines": (".txt", lambda: b"x\n" + b"\n" * 100_000 + b"y"),
    "a 5,000-digit number": (".txt", lambda: ("9" * 5000 + " civilians were killed.").encode()),
    "invalid UTF-8": (".txt", lambda: b"Shelling \xc3\x28 killed"),
    "UTF-16 feed": (".xml", lambda: '<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><item>'
                                    "<description>hi</description></item></channel></rss>".encode("utf-16")),
}


GENERATORS: dict[str, Callable[[random.Random, str], bytes]] = {
    "random bytes": random_bytes, "random unicode": random_unicode, "structured": structured, "mutated": mutated,
}
_WEIGHTS = {"random bytes": 1, "random unicode": 2, "structured": 3, "mutated": 4}


@dataclass(frozen=True)
class Case:
    kind: str
    ext: str
    data: bytes


def generate(rng: random.Random) -> Case:
    kind = rng.choices(list(_WEIGHTS), weights=list(_WEIGHTS.values()))[0]
    ext = rng.choice(FORMATS)
    return Case(kind, ext, GENERATORS[kind](rng, ext))


def cases(n: int, seed: int) -> list[Case]:
    """The named pathological inputs, then random cases up to ``n`` in all."""
    named = [Case("pathological", ext, make()) for ext, make in PATHOLOGICAL.values()][:n]
    rng = random.Random(seed)
    return named + [generate(rng) for _ in range(n - len(named))]


# --- running one case (in the worker) ---------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # stored | rejected | crashed | hung
    documents: int = 0
    errors: int = 0
    extracted: int = 0
    extract_errors: int = 0
    detail: str = ""
    seconds: float = 0.0
    error_types: Counter[str] = field(default_factory=Counter)


def check_document(doc: Any, store: Any, *, new: bool) -> None:
    """The invariants of a stored document; AssertionError says which broke.

    ``new`` is False when the same bytes were stored before (perhaps under another name): then only the raw
    bytes must match, since the first copy's id and metadata stand.
    """
    from harmwatch.model import sha256_hex

    assert doc.sha256 == sha256_hex(doc.raw), "sha256 is not the hash of raw"
    assert all(doc.text[s.start:s.end] == s.text for s in doc.boilerplate), "boilerplate offsets are wrong"
    stored = store.get_document(doc.sha256)
    assert (stored == doc) if new else (stored.raw == doc.raw), "the stored document reads back different"


def check_mentions(doc: Any, mentions: Any) -> None:
    assert [m.index for m in mentions] == list(range(len(mentions))), "mention indexes are not 0..n-1"
    for m in mentions:
        spans = [m.evidence, m.trigger, *(f.span for f in m.figures)]
        assert all(doc.text[s.start:s.end] == s.text for s in spans if s is not None), "evidence offsets are wrong"
        assert all(0 <= (f.low or 0) < 1e12 and 0 <= (f.high or 0) < 1e12 for f in m.figures), "figure out of range"


def run_case(path: Path, store: Any, extractor: Any, settings: Any) -> Outcome:
    """Ingest ``path`` into ``store`` and extract what was stored; never raises."""
    from harmwatch.errors import HarmwatchError, IngestError
    from harmwatch.ingest import read_path

    out = Outcome("rejected")
    try:
        stored = []
        for item in read_path(path, settings):
            if isinstance(item, IngestError):
                out.errors += 1
                out.error_types[type(item).__name__] += 1
                continue
            check_document(item, store, new=store.add_document(item))
            stored.append(item)
        out.documents = len(stored)
        out.kind = "stored" if stored else "rejected"
        for doc in stored if extractor is not None else ():
            try:
                check_mentions(doc, extractor.extract([doc])[0])
                out.extracted += 1
            except HarmwatchError as exc:
                out.extract_errors += 1
                out.error_types[type(exc).__name__] += 1
    except Exception as exc:  # noqa: BLE001 - the bench counts every unexpected exception as a crash
        out.kind = "crashed"
        out.detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300] + " | " + \
            traceback.format_exc().strip().splitlines()[-3][:200]
    return out


def _worker(conn: Any, folder: str, extract: bool, home: str | None) -> None:
    from harmwatch.config import Settings, from_env
    from harmwatch.store import open_store

    settings = from_env() if home is None else Settings(home=Path(home))
    extractor = None
    if extract:
        from harmwatch.extract import Extractor
        from harmwatch.geo import Gazetteer

        extractor = Extractor(gazetteer=Gazetteer.open(settings.gazetteer_path))
        extractor.extract([])  # load the model before the first timed case
    store = open_store(Path(folder) / f"fuzz-{multiprocessing.current_process().pid}.db")
    conn.send("ready")
    while True:
        msg = conn.recv()
        if msg is None:
            return
        index, ext, data = msg
        path = Path(folder) / f"case-{index}{ext}"
        path.write_bytes(data)
        started = time.perf_counter()
        outcome = run_case(path, store, extractor, settings)
        outcome.seconds = time.perf_counter() - started
        path.unlink()
        conn.send(outcome)


# --- the parent: one worker at a time, killed and replaced when a case hangs -------------------------------


class Worker:
    def __init__(self, folder: str, extract: bool, home: str | None) -> None:
        self.args = (folder, extract, home)
        self.ctx = multiprocessing.get_context("spawn")
        self.proc: Any = None
        self.conn: Any = None

    def _start(self) -> None:
        here, there = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(there, *self.args), daemon=True)
        self.proc.start()
        self.conn = here
        if not self.conn.poll(600) or self.conn.recv() != "ready":
            raise RuntimeError("the fuzz worker did not start within 10 minutes")

    def run(self, index: int, case: Case, timeout: float) -> Outcome:
        if self.proc is None or not self.proc.is_alive():
            self._start()
        self.conn.send((index, case.ext, case.data))
        if self.conn.poll(timeout):
            try:
                result: Outcome = self.conn.recv()
                return result
            except EOFError:
                self.stop()
                return Outcome("crashed", detail="the worker process died (killed by the OS?)")
        self.stop()
        return Outcome("hung", detail=f"no answer within {timeout:.0f} s", seconds=timeout)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.join()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.conn.send(None)
            self.proc.join(30)
        self.stop()


def _table(rows: dict[str, Counter[str]]) -> str:
    cols = ("cases", "stored", "rejected", "crashed", "hung")
    lines = [f"{'':<16}" + "".join(f"{c:>10}" for c in cols)]
    for name, counts in rows.items():
        lines.append(f"{name:<16}" + "".join(f"{counts[c]:>10}" for c in cols))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a case counts as hung")
    parser.add_argument("--no-extract", action="store_true", help="ingest only; skip the extractor")
    parser.add_argument("--home", default=None, help="HARMWATCH_HOME holding the gazetteer [default: from env]")
    args = parser.parse_args(argv)
    by_kind: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    slowest: list[tuple[float, str]] = []
    crashes: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hw-fuzz-") as folder:
        worker = Worker(folder, not args.no_extract, args.home)
        try:
            for i, case in enumerate(cases(args.cases, args.seed)):
                out = worker.run(i, case, args.timeout)
                for counts in (by_kind.setdefault(case.kind, Counter()), total):
                    counts["cases"] += 1
                    counts[out.kind] += 1
                total["documents"] += out.documents
                total["extracted"] += out.extracted
                total["extract_errors"] += out.extract_errors
                errors.update(out.error_types)
                slowest = sorted([*slowest, (out.seconds, f"{case.kind} {case.ext}")], reverse=True)[:3]
                if out.kind in ("crashed", "hung"):
                    crashes.append(f"case {i} ({case.kind}, {case.ext}, {len(case.data)} bytes): {out.detail}")
                if (i + 1) % 1000 == 0:
                    print(f"... {i + 1} cases, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        finally:
            worker.close()
    print(f"fuzz: {total['cases']} cases (seed {args.seed}), extractor {'off' if args.no_extract else 'on'}, "
          f"{time.perf_counter() - started:.0f} s\n")
    print(_table({**by_kind, "total": total}))
    print(f"\ndocuments stored {total['documents']}, extracted {total['extracted']}, "
          f"extraction errors {total['extract_errors']}")
    print("rejections by error: " + ", ".join(f"{k} {v}" for k, v in errors.most_common()))
    print("slowest cases: " + "; ".join(f"{s:.1f} s {what}" for s, what in slowest))
    for line in crashes[:20]:
        print("  " + line)
    return 1 if total["crashed"] or total["hung"] else 0


if __name__ == "__main__":
    sys.exit(main())
