"""HTML to main text: trafilatura first, a plain tag-stripper when it gives nothing or fails.

trafilatura (lxml) refuses pathologically deep trees and can raise on odd
input; the stripper is linear and has no recursion, so a page always ends
as text or as an IngestError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "iframe", "object"})
_BLOCK = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
    "table", "section", "article", "header", "footer", "aside", "nav", "blockquote", "pre", "figure",
    "figcaption", "main", "hr", "form", "address", "caption", "td", "th",
})
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
# A size bound, not a timer, so a page gives the same text on a busy machine as on an idle one.
TRAFILATURA_MAX_CHARS = 3_000_000
_TITLE = re.compile(r"<title[^>]{0,200}>([^<]{1,1000})</title>", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlText:
    """What a page gave: main text and any metadata the extractor found."""

    text: str
    title: str | None = None
    published: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    extractor: str = "trafilatura"


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skip:
            self.parts.append(data)


def strip_tags(html: str) -> HtmlText:
    """Visible text of ``html``, one block per line, whitespace tidied.

    ``ValueError`` when html.parser gives up on a broken declaration (``<![``, ``<!x[``).
    """
    parser = _Stripper()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError as exc:  # html.parser's way of saying "malformed declaration"
        raise ValueError(f"malformed markup ({exc})") from None
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).splitlines())
    title = _SPACES.sub(" ", " ".join("".join(parser.title_parts).split())).strip()
    return HtmlText("\n".join(line for line in lines if line), title or None, extractor="strip-tags")


def _trafilatura(html: str) -> HtmlText | None:
    import trafilatura  # heavy (lxml, justext, htmldate): only when a page is read

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=True,
                                      include_tables=True, deduplicate=False)
    if doc is None or isinstance(doc, dict) or not (doc.text or "").strip():
        return None
    text = str(doc.text)
    if (doc.comments or "").strip():
        # Keep reader comments, after a heading line, so extract can mark them section "comment".
        text = f"{text}\n\nComments\n\n{doc.comments}"
    return HtmlText(text, title=doc.title or None, published=doc.date or None, source=doc.sitename or None,
                    url=doc.url or None, language=getattr(doc, "language", None) or None)


def html_to_text(html: str) -> HtmlText:
    """Main text of a page: trafilatura's, else the tag-stripper's (the page may still be empty).

    ``ValueError`` only when both fail on malformed markup.  Pages over ``TRAFILATURA_MAX_CHARS`` go
    straight to the stripper: trafilatura takes about 10 s per MB of table markup, the stripper about 1 s.
    """
    if len(html) > TRAFILATURA_MAX_CHARS:
        return strip_tags(html)
    try:
        found = _trafilatura(html)
    except Exception:  # noqa: BLE001 - third-party parser on untrusted input; the stripper takes over
        found = None
    if found is None:
        return strip_tags(html)
    if found.title is None:
        match = _TITLE.search(html)
        title = " ".join(match.group(1).split()) if match else ""
        return HtmlText(found.text, unescape(title) or None, found.published, found.source, found.url,
                        found.language)
    return found
