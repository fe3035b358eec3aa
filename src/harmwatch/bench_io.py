"""File formats of the benchmark commands (``interfaces.md`` sections 1-3).

These read records, call the library and write lines; they hold no logic of
their own beyond turning input lines into typed records.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

from .errors import ConfigError
from .model import Document, Mention, sha256_hex

BATCH = 32


class _Extracts(Protocol):
    def extract(self, docs: list[Document]) -> list[tuple[Mention, ...]]: ...


def record_document(rec: dict[str, Any]) -> Document:
    """A Document from an ``{id, text, published, source}`` line, keyed by its canonical JSON."""
    if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
        raise ConfigError(f"input line {str(rec)[:60]!r} has no string 'text'; each line needs id and text.")
    raw = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    published = rec.get("published")
    try:
        pub = date.fromisoformat(str(published)[:10]) if published else None
    except ValueError:
        raise ConfigError(f"record {rec.get('id')!r}: published {published!r} is not YYYY-MM-DD.") from None
    return Document(id=str(rec.get("id")), sha256=sha256_hex(raw), raw=raw, text=rec["text"],
                    source=rec.get("source"), published=pub, media_type="application/json")


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def extract_jsonl(records: Iterable[dict[str, Any]], output: Path, extractor: _Extracts) -> int:
    n = 0
    with output.open("w", encoding="utf-8") as out:
        for chunk in _batches(records, BATCH):
            docs = [record_document(r) for r in chunk]
            for doc, mentions in zip(docs, extractor.extract(docs), strict=True):
                ordered = sorted(mentions, key=lambda m: (m.evidence.start, m.index))
                line = {"id": doc.id, "mentions": [m.to_dict() for m in ordered]}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                n += 1
            print(f"extract: {n} documents", file=sys.stderr)
    return n


def classify_tsv(input_path: Path, output: Path) -> int:
    from .extract import classify_texts

    try:
        with input_path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
    except OSError as exc:
        raise ConfigError(f"cannot read {input_path}: {exc.strerror}; check the path.") from None
    body = [r for r in rows[1:] if r]
    labels = classify_texts(r[1] if len(r) > 1 else "" for r in body)
    with output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "type"])
        writer.writerows([r[0], label] for r, label in zip(body, labels, strict=True))
    return len(body)


def geoparse_jsonl(records: Iterable[dict[str, Any]], output: Path, gazetteer: Any, given_spans: bool) -> int:
    from .geo import geoparse

    n = 0
    with output.open("w", encoding="utf-8") as out:
        for line in geoparse(records, given_spans=given_spans, gazetteer=gazetteer):
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            n += 1
    return n
