"""One file -> Documents or IngestErrors, choosing the reader by extension."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path

from ..config import Settings
from ..errors import EmptyInput, IngestError, ParseError, UnsupportedFormat
from ..model import Document
from .common import MEDIA_TYPES, Clock, FileContext, Meta, build_document, decode_utf8, read_limited, utc_now
from .feeds import read_feed
from .fields import normalise_language, parse_published
from .htmldoc import html_to_text
from .records import read_csv, read_json, read_jsonl
from .sidecar import SIDECAR_NAME, SidecarEntry

Reader = Callable[[bytes, FileContext], Iterator[Document | IngestError]]


def _defaults(ctx: FileContext) -> SidecarEntry:
    return ctx.defaults or SidecarEntry(file=ctx.rel)


def read_text(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """``.txt``/``.md``: the decoded file is the text, unchanged (offsets depend on it)."""
    text = decode_utf8(data, ctx.origin)
    if not text.strip():
        raise EmptyInput(ctx.origin, "has only whitespace; add text or leave it out")
    d = _defaults(ctx)
    meta = Meta(source=d.source, url=d.url, title=d.title, published=d.published, language=d.language)
    yield build_document(ctx, doc_id=ctx.rel, raw=data, text=text, meta=meta,
                         media_type=MEDIA_TYPES[ctx.path.suffix.lower()], origin=ctx.origin)


def _page_date(value: str | None) -> date | None:
    try:
        return parse_published(value)
    except ValueError:  # the extractor's guess, not the user's input: drop it quietly
        return None


def read_html(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """``.html``/``.htm``: trafilatura's main text; raw keeps the page bytes.

    Sidecar values win over what is guessed from the page (site name, date).
    """
    html = decode_utf8(data, ctx.origin)
    if not html.strip():
        raise EmptyInput(ctx.origin, "has only whitespace; add the page or leave it out")
    try:
        page = html_to_text(html)
    except ValueError as exc:
        raise ParseError(ctx.origin, f"is malformed HTML: {exc}; fix the markup or save the text as .txt"
                         ) from None
    if not page.text.strip():
        raise EmptyInput(ctx.origin, "has no visible text once the markup is removed; check that it is "
                                     "the article page")
    d = _defaults(ctx)
    published = d.published or _page_date(page.published)
    meta = Meta(source=d.source or page.source, url=d.url or page.url, title=d.title or page.title,
                published=published,
                language=d.language or normalise_language(page.language))
    yield build_document(ctx, doc_id=ctx.rel, raw=data, text=page.text, meta=meta, media_type="text/html",
                         origin=ctx.origin)


READERS: Mapping[str, Reader] = {
    ".txt": read_text, ".md": read_text, ".html": read_html, ".htm": read_html, ".json": read_json,
    ".jsonl": read_jsonl, ".csv": read_csv, ".xml": read_feed, ".rss": read_feed, ".atom": read_feed,
}


def _rel(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.name


def _guarded(reader: Reader, data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    # A reader may raise an IngestError part-way (e.g. "no records"); it ends that file only.
    try:
        yield from reader(data, ctx)
    except IngestError as exc:
        yield exc


def read_file(path: Path, settings: Settings, *, root: Path | None = None, clock: Clock | None = None,
              sidecar: Mapping[str, SidecarEntry] | None = None) -> Iterator[Document | IngestError]:
    """Documents from one file (several for JSON/JSONL/CSV/feeds), or why it was rejected."""
    origin = str(path)
    if path.name == SIDECAR_NAME:
        yield UnsupportedFormat(origin, "is a metadata sidecar, not a document; ingest its folder "
                                        "to apply it to the files there")
        return
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        yield UnsupportedFormat(origin, f"has an unsupported extension {path.suffix or '(none)'!r}; "
                                        f"harmwatch reads {', '.join(sorted(READERS))} - convert it or "
                                        "leave it out")
        return
    rel = _rel(path, root)
    try:
        data = read_limited(path, origin, settings.max_bytes)
    except IngestError as exc:
        yield exc
        return
    ctx = FileContext(path=path, rel=rel, origin=origin, settings=settings,
                      retrieved=(clock or utc_now)(), defaults=(sidecar or {}).get(rel))
    yield from _guarded(reader, data, ctx)
