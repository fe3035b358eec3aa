"""RSS/Atom feed files: each item is one document.

The bytes are first parsed with defusedxml, which refuses entity declarations
(billion laughs, external entities) before anything is expanded; only a
well-formed, entity-free document reaches feedparser.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from ..errors import EmptyInput, IngestError, ParseError, UnsupportedFormat
from ..model import Document
from .common import FileContext, Meta, build_document, canonical_bytes, decode_utf8
from .fields import normalise_language
from .htmldoc import strip_tags

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}encoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']""")


def _check_encoding(data: bytes, origin: str) -> None:
    """UTF-8 unless the XML declaration names another encoding (then expat checks it)."""
    match = _XML_ENCODING.match(data)
    declared = match.group(1).decode("ascii").lower() if match else "utf-8"
    if declared in ("utf-8", "utf8"):
        decode_utf8(data, origin)
    elif b"\x00" in data and not declared.startswith("utf-16") and not declared.startswith("utf-32"):
        decode_utf8(data, origin)  # raises the NUL-byte DecodeError


def _check_safe_xml(data: bytes, origin: str) -> None:
    from xml.etree.ElementTree import ParseError as XmlParseError

    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(origin, f"declares XML entities or external references ({type(exc).__name__}), "
                                 "which could expand without bound; refused - remove the DOCTYPE "
                                 "entity declarations") from None
    except XmlParseError as exc:
        raise ParseError(origin, f"is not well-formed XML ({exc}); fix the feed or save the items as "
                                 "JSONL") from None


def _parse_feed(data: bytes, origin: str) -> Any:
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    except Exception as exc:  # noqa: BLE001 - third-party parser on untrusted input
        raise ParseError(origin, f"could not be read as a feed ({type(exc).__name__}: {exc}); "
                                 "check that it is RSS or Atom") from None
    if not parsed.get("version"):
        raise UnsupportedFormat(origin, "is XML but not an RSS or Atom feed; give feeds as .xml/.rss/.atom "
                                        "and other records as JSON, JSONL or CSV")
    return parsed


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _item_body(entry: Any) -> tuple[str, str]:
    """(raw body as in the feed, its plain text)."""
    content = entry.get("content") or []
    detail = content[0] if content else entry.get("summary_detail") or {}
    raw = detail.get("value") if content else entry.get("summary")
    raw = raw if isinstance(raw, str) else ""
    kind = str(detail.get("type") or "text/html")
    text = strip_tags(raw).text if "html" in kind else raw
    return raw, text


def _item_date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None
    except (AttributeError, ValueError):
        return None


def _item(entry: Any, n: int, feed: Any, ctx: FileContext, media_type: str) -> Document:
    origin = f"{ctx.origin}#{n}"
    try:
        raw_body, text = _item_body(entry)
    except ValueError as exc:
        raise ParseError(origin, f"feed item has {exc}; fix its HTML content") from None
    if not text.strip():
        raise EmptyInput(origin, "feed item has no text (no content or summary); it was skipped")
    source_info = entry.get("source") or {}
    dflt = ctx.defaults
    source = (_str(source_info.get("title")) or (dflt.source if dflt else None)
              or _str(feed.get("title")))
    doc_id = _str(entry.get("id")) or _str(entry.get("link")) or f"{ctx.rel}#{n}"
    record = {
        "id": doc_id, "title": _str(entry.get("title")), "url": _str(entry.get("link")),
        "published": _str(entry.get("published")) or _str(entry.get("updated")), "text": raw_body,
        "source": source,
    }
    meta = Meta(
        source=source, url=record["url"] or (dflt.url if dflt else None),
        title=record["title"] or (dflt.title if dflt else None),
        published=_item_date(entry) or (dflt.published if dflt else None),
        language=normalise_language(feed.get("language")) or (dflt.language if dflt else None),
    )
    return build_document(ctx, doc_id=doc_id, raw=canonical_bytes(record, origin), text=text, meta=meta,
                          media_type=media_type, origin=origin)


def read_feed(data: bytes, ctx: FileContext) -> Iterator[Document | IngestError]:
    """One Document (or one IngestError) per item of an RSS/Atom file."""
    _check_encoding(data, ctx.origin)
    _check_safe_xml(data, ctx.origin)
    parsed = _parse_feed(data, ctx.origin)
    media_type = "application/atom+xml" if str(parsed.version).startswith("atom") else "application/rss+xml"
    entries = parsed.get("entries") or []
    if not entries:
        raise EmptyInput(ctx.origin, "feed has no items; nothing to ingest")
    feed = parsed.get("feed") or {}
    for n, entry in enumerate(entries, start=1):
        try:
            yield _item(entry, n, feed, ctx, media_type)
        except IngestError as exc:
            yield exc
