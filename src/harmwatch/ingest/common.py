"""Helpers every reader shares: bounded reading, strict decoding, dates, canonical records."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import DecodeError, EmptyInput, IngestError, ParseError, TooLarge, UnsupportedFormat
from ..model import Document, sha256_hex
from .boilerplate import find_boilerplate
from .sidecar import SidecarEntry

Clock = Callable[[], datetime]

# Extension -> media type; the reader is chosen from the same table in readers.py.
MEDIA_TYPES: Mapping[str, str] = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".json": "application/json",
    ".jsonl": "application/jsonl",
    ".csv": "text/csv",
    ".xml": "application/rss+xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class FileContext:
    """What a reader knows about the file it reads, besides its bytes.

    ``rel`` is the file's id (path relative to the ingested folder, or its
    name); records without an id become ``rel#n``.  ``origin`` is the path as
    given, used in error messages and ``Document.origin``.
    """

    path: Path
    rel: str
    origin: str
    settings: Settings
    retrieved: datetime
    defaults: SidecarEntry | None = None


def read_limited(path: Path, origin: str, max_bytes: int) -> bytes:
    """The file's bytes, refusing files over ``max_bytes`` before reading them."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # opening a FIFO or device would block or never end
            raise UnsupportedFormat(origin, "is not a regular file (a pipe, socket or device); "
                                            "copy the content into a file and ingest that")
        size = st.st_size
        if size > max_bytes:
            raise _too_large(origin, size, max_bytes)
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise IngestError(origin, f"could not be read ({exc.strerror or exc}); check that it exists "
                                  "and is readable") from None
    if len(data) > max_bytes:  # it grew between stat and read
        raise _too_large(origin, len(data), max_bytes)
    if not data:
        raise EmptyInput(origin, "is empty (0 bytes); add text to it or leave it out")
    return data


def _too_large(origin: str, size: int, limit: int) -> TooLarge:
    return TooLarge(origin, f"is {size} bytes, over the limit of {limit} bytes; raise the limit with "
                            "HARMWATCH_MAX_BYTES or --max-bytes, or split the file")


def decode_utf8(data: bytes, origin: str, *, strip_bom: bool = False) -> str:
    """Strict UTF-8; a NUL byte means binary.  ``strip_bom`` for formats that parse the text."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DecodeError(origin, f"contains a NUL byte at offset {nul}, so it looks binary, not text; "
                                  "ingest text files saved as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(origin, f"is not valid UTF-8 (bad byte at offset {exc.start}: {exc.reason}); "
                                  "save it as UTF-8 and ingest it again") from None
    return text[1:] if strip_bom and text.startswith("\ufeff") else text


def canonical_bytes(record: Mapping[str, Any], origin: str) -> bytes:
    """The record's identity bytes: sorted keys, compact, UTF-8, no ASCII escaping.

    ``ParseError`` when a value is nested too deeply to write back, or holds an
    unpaired surrogate (a JSON ``\\ud83d`` escape without its partner), which is not text.
    """
    try:
        dumped = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except RecursionError:  # json.loads accepted a depth that json.dumps refuses
        raise ParseError(origin, "is nested too deeply to store; flatten the record") from None
    check_text(origin, "record", dumped)
    return dumped.encode("utf-8")


def check_text(origin: str, name: str, value: str | None) -> None:
    """``ParseError`` if ``value`` cannot be stored as text: an unpaired surrogate, or a NUL character.

    A NUL byte in a file already means binary (``decode_utf8``); this catches the ``\\u0000`` escape
    in JSON, which PostgreSQL text columns refuse and no report needs.
    """
    if value is None:
        return
    nul = value.find("\x00")
    if nul >= 0:
        raise ParseError(origin, f"its {name} holds a NUL character (a \\u0000 escape) at character {nul}, "
                                 "which is not text; remove it from the input")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParseError(origin, f"its {name} holds an unpaired surrogate (U+{ord(value[exc.start]):04X} at "
                                 f"character {exc.start}), which is not text; fix that escape in the input"
                         ) from None


@dataclass(frozen=True)
class Meta:
    """Optional fields of a document, gathered before building it."""

    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: date | None = None
    language: str | None = None


def build_document(ctx: FileContext, *, doc_id: str, raw: bytes, text: str, meta: Meta,
                   media_type: str, origin: str) -> Document:
    """A Document with identity from ``raw`` and boilerplate flags computed on ``text``.

    ``ParseError`` if a field is not storable text (see ``check_text``).
    """
    for name, value in (("text", text), ("id", doc_id), ("source", meta.source), ("url", meta.url),
                        ("title", meta.title), ("language", meta.language)):
        check_text(origin, name, value)
    return Document(
        id=doc_id, sha256=sha256_hex(raw), raw=raw, text=text, source=meta.source, url=meta.url,
        title=meta.title, published=meta.published, retrieved=ctx.retrieved,
        language=meta.language or "en", media_type=media_type, origin=origin,
        boilerplate=find_boilerplate(text),
    )
