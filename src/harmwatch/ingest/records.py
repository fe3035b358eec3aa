"""JSON, JSONL and CSV: each record is one document, its ``text`` field kept exactly.

A record's identity is its canonical JSON (sorted keys, compact, UTF-8) with
its id and effective source set, so the same text from another source is
another document.  A bad record is rejected alone; the others still come.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import EmptyInput, IngestError, ParseError
from ..model import Document
from .common import FileContext, Meta, build_document, canonical_bytes, decode_utf8
from .fields import normalise_language, opt_str, parse_published

CSV_COLUMNS = ("id", "text", "title", "url", "published", "source")


def _record_id(obj: dict[str, Any], ctx: FileContext, n: int) -> str:
    value = obj.get("id")
    if value is None or value == "":
        return f"{ctx.rel}#{n}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"field 'id' must be a string or a whole number, got {value!r}")
    return str(value)


def _record_text(obj: dict[str, Any], where: str, label: str) -> str:
    if "text" not in obj:
        raise ParseError(where, f"{label} has no \"text\" field; every record needs its text")
    text = obj["text"]
    if not isinstance(text, str):
        raise ParseError(where, f"{label} has a \"text\" that is {type(text).__name__}, not a string; "
                                "give the text as a JSON string")
    if not text.strip():
        raise EmptyInput(where, f"{label} has an empty \"text\"; add the text or drop the record")
    return text


def record_document(obj: Any, n: int, ctx: FileContext, media_type: str, label: str) -> Document:
    """The Document for record ``n`` (1-based) of a file; ``label`` says where it is (e.g. "line 4")."""
    where = f"{ctx.origin}#{n}"
    if not isinstance(obj, dict):
        raise ParseError(where, f"{label} is {type(obj).__name__}, not a JSON object; "
                                "each record must be an object with a \"text\" field")
    text = _record_text(obj, where, label)
    dflt = ctx.defaults
    try:
        doc_id = _record_id(obj, ctx, n)
        source = opt_str(obj, "source") or (dflt.source if dflt else None)
        meta = Meta(
            source=source, url=opt_str(obj, "url") or (dflt.url if dflt else None),
            title=opt_str(obj, "title") or (dflt.title if dflt else None),
            published=parse_published(obj.get("published")) or (dflt.published if dflt else None),
            language=normalise_language(obj.get("language")) or (dflt.language if dflt else None),
        )
    except ValueError as exc:
        raise ParseError(where, f"{label}: {exc}; fix the record and ingest it again") from None
    raw = canonical_bytes({**obj, "id": doc_id, "source": source}, where)
    return build_document(ctx, doc_id=doc_id, raw=raw, text=text, meta=meta, media_type=media_type,
                          origin=where)


def _each(records: Iterable[tuple[int, Any, str]], ctx: FileContext, media_type: str
          ) -> Iterator[Document | IngestError]:
    """Documents for the records, or their errors; a file with no records at all is EmptyInput."""
    count = 0
    for n, obj, label in records:
        count += 1
        if isinstance(obj, IngestError):  # the record could not even be parsed
            yield obj
            continue
        try:
            yield record_document(obj, n, ctx, media_type, label)
        except IngestError as exc:
            yield exc
    if not count:
        raise EmptyInput(ctx.origin, "has no records; add some or leave it out")


def _json_reason(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def read_json(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """A ``.json`` file: one object, or a list of objects."""
    text = decode_utf8(data, ctx.origin, strip_bom=True)
    if not text.strip():
        raise EmptyInput(ctx.origin, "has only whitespace; add records or leave it out")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ParseError(ctx.origin, f"is not valid JSON ({_json_reason(exc)}); fix it, or write one "
                                     "object per line as JSONL") from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ParseError(ctx.origin, f"holds a JSON {type(value).__name__}; it must be an object or a list "
                                     "of objects with a \"text\" field")
    if not value:
        raise EmptyInput(ctx.origin, "is an empty list; add records or leave it out")
    yield from _each(((n, obj, f"record {n}") for n, obj in enumerate(value, start=1)),
                     ctx, "application/json")


def _jsonl_records(text: str, origin: str) -> Iterator[tuple[int, Any, str]]:
    n = 0
    # Only "\n" ends a line: JSON strings may hold U+2028 and friends unescaped.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        n += 1
        label = f"line {lineno}"
        try:
            yield n, json.loads(line), label
        except (ValueError, RecursionError) as exc:
            yield n, ParseError(f"{origin}#{n}", f"{label} is not valid JSON ({_json_reason(exc)}); fix that "
                                                 "line (the other lines were read)"), label


def read_jsonl(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """A ``.jsonl`` file: one object per line; blank lines are skipped, bad lines rejected alone."""
    text = decode_utf8(data, ctx.origin, strip_bom=True)
    if not text.strip():
        raise EmptyInput(ctx.origin, "has only blank lines; add one JSON object per line")
    yield from _each(_jsonl_records(text, ctx.origin), ctx, "application/jsonl")


def _csv_header(reader: Any, origin: str) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise EmptyInput(origin, "has no header row; the first row must name the columns "
                                 f"({', '.join(CSV_COLUMNS)})") from None
    except csv.Error as exc:
        raise ParseError(origin, f"has a malformed header row ({exc}); fix the CSV quoting") from None
    names = [h.strip() for h in header]
    if "text" not in names:
        raise ParseError(origin, f"has no \"text\" column (header: {', '.join(names)[:200]}); name the "
                                 f"columns {', '.join(CSV_COLUMNS)}")
    if len(set(names)) != len(names):
        raise ParseError(origin, "repeats a column name in its header; give each column one name")
    return names


def _csv_rows(reader: Any, names: list[str], origin: str) -> Iterator[tuple[int, Any, str]]:
    n = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield n + 1, ParseError(f"{origin}#{n + 1}", f"line {reader.line_num}: malformed CSV ({exc}); "
                                    "this row and the rest of the file were not read - fix the quoting"), ""
            return
        if not row:
            continue
        n += 1
        label = f"row {n} (line {reader.line_num})"
        if len(row) != len(names):
            yield n, ParseError(f"{origin}#{n}", f"{label} has {len(row)} fields but the header has "
                                                 f"{len(names)}; quote fields that contain commas"), label
            continue
        # An empty cell means "not given", as a missing key does in JSON; an empty text is EmptyInput.
        yield n, {k: v for k, v in zip(names, row, strict=True) if v != "" or k == "text"}, label


def read_csv(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """A ``.csv`` file with a header row; columns id, text, title, url, published, source."""
    text = decode_utf8(data, ctx.origin, strip_bom=True)
    if not text.strip():
        raise EmptyInput(ctx.origin, "has only whitespace; add a header row and records")
    # Texts can be long; the module-wide default (128 KiB) would reject real articles.
    csv.field_size_limit(max(csv.field_size_limit(), ctx.settings.max_bytes))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names = _csv_header(reader, ctx.origin)
    yield from _each(_csv_rows(reader, names, ctx.origin), ctx, "text/csv")
