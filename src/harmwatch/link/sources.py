"""Which documents tell one story: same outlet, a credited wire, or near-identical text.

Documents are grouped with a union-find: two documents join when their sources have the same owner
in the registry, when one credits a wire that is the other's source (or that both credit), or when
their word 5-gram shingles are near-duplicates. Each group counts as one independent source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Document
from .registry import SourceRegistry

SHINGLE_WORDS = 5
NEAR_DUPLICATE = 0.6  # Jaccard of shingle sets at or above which two texts are one story
CONTAINED_COPY = 0.8  # share of a shorter text's shingles found in a longer one: a copy with extras
MIN_SHINGLES = 8  # texts shorter than this many shingles are too short to call copies
_WORD = re.compile(r"\w+")


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


def near_duplicate(a: frozenset[str], b: frozenset[str]) -> bool:
    """Jaccard at or above NEAR_DUPLICATE, or the shorter text almost wholly inside the longer."""
    if not a or not b:
        return False
    common = len(a & b)
    if common / len(a | b) >= NEAR_DUPLICATE:
        return True
    smaller = min(len(a), len(b))
    return smaller >= MIN_SHINGLES and common / smaller >= CONTAINED_COPY


def _story_keys(document: Document, registry: SourceRegistry) -> set[str]:
    keys = set()
    own = registry.canonical(document.source)
    if own:
        keys.add(own)
    wire = registry.wire_credited(document.text)
    if wire:
        keys.add(wire)
    return keys


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
        for key in sorted(_story_keys(document, registry)):
            union(owner.setdefault(key, i), i)
    texts = [shingles(main_text(d)) for d in documents]
    for i in range(len(documents)):
        for j in range(i + 1, len(documents)):
            if find(i) != find(j) and near_duplicate(texts[i], texts[j]):
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
