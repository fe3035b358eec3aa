"""Which documents tell one story: same outlet, a credited wire, or near-identical text.

Documents are grouped with a union-find: two documents join when their sources have the same owner
in the registry, when one credits a wire that is the other's source (or that both credit), or when
their word 5-gram shingles are near-duplicates. Each group counts as one independent source.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from ..model import Document
from .registry import SourceRegistry

SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.6  # Jaccard of shingle sets at or above which two texts are one story
CONTAINED_COPY = 0.8  # share of a shorter text's shingles found in a longer one: a copy with extras
MIN_SHINGLES = 8  # texts shorter than this many shingles are too short to call copies
ALL_PAIRS = 200  # up to this many documents every pair is compared; beyond, only those sharing a shingle
COMMON_SHINGLE = 50  # a shingle in more documents than this is a stock phrase, not evidence of copying
SHINGLE_BUDGET = 1 << 20  # hashed shingles remembered (about 60 MB): some 2,000 long articles, more short ones
CACHED_STORY_KEYS = 1 << 16  # documents whose story keys are remembered
CACHED_PAIRS = 1 << 18  # compared document pairs remembered: an incident is rebuilt with the same ones
_WORD = re.compile(r"\w+")
K = TypeVar("K")
V = TypeVar("V")


def main_text(document: Document) -> str:
    """The document's text without its flagged boilerplate, which reprints change freely."""
    if not document.boilerplate:
        return document.text
    parts, pos = [], 0
    for span in sorted(document.boilerplate, key=lambda s: s.start):
        parts.append(document.text[pos:max(pos, span.start)])
        pos = max(pos, span.end)
    parts.append(document.text[pos:])
    return " ".join(parts)


def shingles(text: str, n: int = SHINGLE_WORDS) -> frozenset[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return frozenset({" ".join(words)}) if words else frozenset()
    return frozenset(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))


def near_duplicate(a: frozenset[object], b: frozenset[object]) -> bool:
    """Jaccard at or above NEAR_DUPLICATE, or the shorter text almost wholly inside the longer."""
    if not a or not b:
        return False
    common = len(a & b)
    if common / len(a | b) >= NEAR_DUPLICATE:
        return True
    smaller = min(len(a), len(b))
    return smaller >= MIN_SHINGLES and common / smaller >= CONTAINED_COPY


class _Recent(Generic[K, V]):
    """The most recently used values, up to ``budget`` in total ``weight`` (one each by default)."""

    def __init__(self, budget: int, weight: Callable[[V], int] = lambda _: 1) -> None:
        self._items: OrderedDict[K, V] = OrderedDict()
        self._budget, self._weight, self._held = budget, weight, 0

    def get(self, key: K, make: Callable[[], V]) -> V:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
            return found
        found = self._items[key] = make()
        self._held += self._weight(found)
        while self._held > self._budget and len(self._items) > 1:
            self._held -= self._weight(self._items.popitem(last=False)[1])
        return found


_STORY_KEYS: _Recent[tuple[SourceRegistry, str | None, str], tuple[str, ...]] = _Recent(CACHED_STORY_KEYS)
# Hashes, not strings: a tenth of the memory and faster to intersect. They are compared only within this
# process, so the per-process salt of ``hash`` does not matter, and a collision of two 64-bit hashes costs
# at most one shingle of a Jaccard score.
_SHINGLED: _Recent[str, frozenset[int]] = _Recent(SHINGLE_BUDGET, lambda found: len(found) + 1)


def _story_keys(registry: SourceRegistry, document: Document) -> tuple[str, ...]:
    """The owner of the document's source and the wire its text credits; remembered by its sha256."""
    def make() -> tuple[str, ...]:
        keys = {registry.canonical(document.source), registry.wire_credited(document.text)}
        return tuple(sorted(k for k in keys if k))

    return _STORY_KEYS.get((registry, document.source, document.sha256), make)


def document_shingles(document: Document) -> frozenset[int]:
    """The document's shingles, hashed; remembered by sha256, since an incident is rebuilt with the same documents."""
    return _SHINGLED.get(document.sha256, lambda: frozenset(map(hash, shingles(main_text(document)))))


_COPIES: dict[tuple[str, str], bool] = {}


def _copied(a: Document, b: Document, shingled: Callable[[Document], frozenset[int]]) -> bool:
    """``near_duplicate`` of two documents, remembered by their hashes (the raw bytes fix the text)."""
    key = (a.sha256, b.sha256) if a.sha256 <= b.sha256 else (b.sha256, a.sha256)
    found = _COPIES.get(key)
    if found is None:
        if len(_COPIES) >= CACHED_PAIRS:
            _COPIES.clear()  # crude but bounded; a cleared pair is only compared again
        found = _COPIES[key] = near_duplicate(shingled(a), shingled(b))
    return found


def _candidate_pairs(texts: Sequence[frozenset[object]]) -> Iterable[tuple[int, int]]:
    """Pairs of documents worth comparing: all of them, or for many documents those sharing a shingle.

    A shingle found in more than COMMON_SHINGLE documents pairs each with the next only: copies of a
    story still join through the union-find, and a stock phrase costs no more than its documents.
    """
    n = len(texts)
    if n <= ALL_PAIRS:
        yield from ((i, j) for i in range(n) for j in range(i + 1, n))
        return
    postings: dict[object, list[int]] = {}
    for i, text in enumerate(texts):
        for shingle in text:
            postings.setdefault(shingle, []).append(i)
    pairs: set[tuple[int, int]] = set()
    done: set[tuple[int, ...]] = set()  # the shingles of one passage share their documents: pair them once
    for docs in postings.values():
        key = tuple(docs)
        if len(key) < 2 or key in done:
            continue
        done.add(key)
        if len(key) <= COMMON_SHINGLE:
            pairs.update(itertools.combinations(key, 2))
        else:  # neighbours only: copies of one story still join, through the union-find
            pairs.update(zip(key, key[1:], strict=False))
    yield from sorted(pairs)


def story_groups(documents: Sequence[Document], registry: SourceRegistry) -> tuple[int, ...]:
    """A group label per document (the index of the group's first document)."""
    parent = list(range(len(documents)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        parent[max(ri, rj)] = min(ri, rj)

    owner: dict[str, int] = {}
    for i, document in enumerate(documents):
        for key in _story_keys(registry, document):
            union(owner.setdefault(key, i), i)
    # Shingles only when needed: a rebuilt incident's pairs are mostly remembered already.
    shingled: dict[str, frozenset[int]] = {}

    def text(d: Document) -> frozenset[int]:
        if d.sha256 not in shingled:
            shingled[d.sha256] = document_shingles(d)
        return shingled[d.sha256]

    n = len(documents)
    pairs = (((i, j) for i in range(n) for j in range(i + 1, n)) if n <= ALL_PAIRS
             else _candidate_pairs([text(d) for d in documents]))
    for i, j in pairs:
        if find(i) != find(j) and _copied(documents[i], documents[j], text):
            union(i, j)
    return tuple(find(i) for i in range(len(documents)))


def count_stories(documents: Sequence[Document], groups: Sequence[int],
                  counted: Sequence[bool] | None = None) -> int:
    """How many story groups hold a document that has a source (and is ``counted``, when given).

    Never more than the number of distinct source names.
    """
    flags = counted if counted is not None else [True] * len(documents)
    count = len({g for g, d, ok in zip(groups, documents, flags, strict=True) if ok and d.source})
    return min(count, len({d.source for d in documents if d.source}))


def independent_sources(documents: Sequence[Document], registry: SourceRegistry) -> int:
    """The number of independent sources among ``documents``."""
    return count_stories(documents, story_groups(documents, registry))
