"""Long texts in pieces the parser can hold, with every offset mapped back to the whole document.

spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters), its parser
needs about 0.5 GB per 100,000 characters, and mention assembly grows with the
square of a document's length, so one long report could crash ``process`` on
every run, exhaust memory or stall it for hours.  A document longer than
``CHUNK_CHARS`` is cut at paragraph, line, sentence or word breaks; each piece is
extracted as if it were the document, and its mentions are shifted back to
document offsets and numbered on from the previous piece; a long stretch without
any sentence or line end is cut every ``RUN_CHARS``.  Shorter documents
(news articles, every benchmark text) go through unchanged.  What a piece
cannot see: the title and focus place of the whole document, and repeats of a
sentence in another piece; in a document without a publication date, each piece
looks for a date line (``dates.date_line``) at its own top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import Document, Mention, Span

CHUNK_CHARS = 20_000
# A stretch with no sentence or line end is one "sentence" to the parser, and assembling its mentions
# grows with the square of its length: such stretches are cut into pieces this long instead.
RUN_CHARS = 2_000
# Preferred cut points, best tier first; within a tier the latest wins.  Only a break in the second half
# of the window counts, so pieces are not needlessly short.
_TIERS = (("\n\n",), ("\n",), (". ", "? ", "! ", "; "))


@dataclass(frozen=True)
class Piece:
    """One piece of document ``doc``: its text starts at ``offset`` of the whole text."""

    doc: int
    offset: int
    document: Document


def bounds(text: str, limit: int = CHUNK_CHARS, run: int = RUN_CHARS) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces covering ``text``, each at most ``limit`` characters.

    While more than ``limit`` characters remain, a piece with no sentence or line end near its limit is cut
    at most ``run`` characters long.
    """
    if limit < 2 or run < 2:
        raise ValueError(f"chunk limits must be at least 2 characters, got {limit} and {run}")
    out: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut(text, start, start + limit, run)
        out.append((start, cut))
        start = cut
    out.append((start, len(text)))
    return out


def _cut(text: str, start: int, hard: int, run: int) -> int:
    floor = start + (hard - start) // 2
    for tier in _TIERS:
        at = max(((i + len(sep)) for sep in tier if (i := text.rfind(sep, floor, hard)) >= 0), default=-1)
        if at >= 0:
            return at
    short = min(hard, start + run)
    at = text.rfind(" ", start + (short - start) // 2, short)
    return at + 1 if at >= 0 else short


def split_documents(docs: Sequence[Document], limit: int | None = None) -> list[Piece]:
    """Every document as one piece (itself) or, when longer than ``limit`` (``CHUNK_CHARS``), several."""
    limit = CHUNK_CHARS if limit is None else limit
    out: list[Piece] = []
    for i, doc in enumerate(docs):
        if len(doc.text) <= limit:
            out.append(Piece(i, 0, doc))
            continue
        for start, end in bounds(doc.text, limit, RUN_CHARS):
            marks = tuple(_shift(s, -start) for s in doc.boilerplate if start <= s.start and s.end <= end)
            out.append(Piece(i, start, replace(doc, text=doc.text[start:end], boilerplate=marks)))
    return out


def join_mentions(n_docs: int, pieces: Sequence[Piece], found: Sequence[tuple[Mention, ...]]
                  ) -> list[tuple[Mention, ...]]:
    """One tuple of mentions per document, in document offsets and numbered 0, 1, ... across pieces."""
    out: list[list[Mention]] = [[] for _ in range(n_docs)]
    for piece, mentions in zip(pieces, found, strict=True):
        bucket = out[piece.doc]
        for m in mentions:
            bucket.append(_moved(m, piece.offset, len(bucket)))
    return [tuple(ms) for ms in out]


def _moved(m: Mention, offset: int, index: int) -> Mention:
    if offset == 0 and index == m.index:
        return m
    # Only the first piece starts with the document's title line.
    section = "body" if offset and m.section == "title" else m.section
    return replace(
        m, index=index, section=section, evidence=_shift(m.evidence, offset),
        trigger=_shift(m.trigger, offset) if m.trigger else None,
        figures=tuple(replace(f, span=_shift(f.span, offset) if f.span else None) for f in m.figures),
    )


def _shift(span: Span, by: int) -> Span:
    return span if by == 0 else Span(span.start + by, span.end + by, span.text)
