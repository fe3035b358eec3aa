"""Claims, their value intervals and point values, and their fusion into low/best/high estimates.

The rules are those of ``spec/interfaces.md`` section 4 ("Claims, estimates and contradictions").
"""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections.abc import Sequence

from ..errors import LinkError
from ..model import QUALIFIERS, Claim, Document, Figure, FigureEstimate, Mention

Interval = tuple[float, float]


def _value(low: int | None, high: int | None, qualifier: str) -> tuple[float, float] | None:
    """The two numbers a figure stands on: (a, b) for a range, (v, v) otherwise; None when it has none."""
    if qualifier not in QUALIFIERS:
        raise LinkError(
            f"unknown figure qualifier {qualifier!r}; use one of {', '.join(QUALIFIERS)} "
            "(spec/taxonomy.md) when building figures."
        )
    known = [float(x) for x in (low, high) if x is not None]
    if not known:
        return None
    if qualifier == "range":
        return min(known), max(known)
    # "up to X" stands on its high end; every other qualifier on its low end.
    v = known[-1] if qualifier == "at_most" else known[0]
    return v, v


def interval(claim: Claim | Figure, certainty: str | None = None) -> Interval | None:
    """The value interval of a claim (or of a figure said with ``certainty``); None when it has no number.

    exact [v, v]; approx [0.9v, 1.1v]; vague [v, 10v]; at_least [v, inf); at_most [0.6X, X];
    range [a, b]; a denial [0, 0].
    """
    if (claim.certainty if isinstance(claim, Claim) else certainty) == "denied":
        return 0.0, 0.0
    ab = _value(claim.low, claim.high, claim.qualifier)
    if ab is None:
        return None
    a, b = ab
    match claim.qualifier:
        case "approx":
            return 0.9 * a, 1.1 * a
        case "vague":
            return a, 10 * a
        case "at_least":
            return a, math.inf
        case "at_most":
            return 0.6 * b, b
        case _:  # exact, range
            return a, b


def point_value(claim: Claim) -> float | None:
    """v for exact, approx, vague and at_least; X for at_most; the midpoint of a range; None for a denial."""
    if claim.certainty == "denied":
        return None
    ab = _value(claim.low, claim.high, claim.qualifier)
    if ab is None:
        return None
    return (ab[0] + ab[1]) / 2


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def claims_of(mention: Mention, document: Document) -> tuple[Claim, ...]:
    """One claim per figure of ``mention``, attributed to ``document`` (the one the mention comes from)."""
    if document.sha256 != mention.doc_sha256:
        raise LinkError(
            f"mention {mention.id} comes from document {mention.doc_sha256[:12]}, not from "
            f"{document.id!r} ({document.sha256[:12]}); pass the mention's own document."
        )
    source = document.source or mention.source
    published = document.published or mention.published
    return tuple(
        Claim(
            mention_id=mention.id, document=document.id, source=source, kind=f.kind, group=f.group,
            low=f.low, high=f.high, qualifier=f.qualifier, certainty=mention.certainty,
            claimed_by=mention.claimed_by, evidence=mention.evidence, published=published,
        )
        for f in mention.figures
    )


def _folded(name: str | None) -> str:
    return " ".join((name or "").casefold().split())


def _is_update(a: Claim, b: Claim, ia: Interval, ib: Interval) -> bool:
    """A later document of the same source raising its earlier figure."""
    if not a.source or _folded(a.source) != _folded(b.source) or a.document == b.document:
        return False
    if a.published is None or b.published is None or a.published == b.published:
        return False
    early, late = (ia, ib) if a.published < b.published else (ib, ia)
    return late[0] > early[1]


def contradicts(a: Claim, b: Claim) -> bool:
    """Non-overlapping intervals from different documents, or from different claimants in one document."""
    ia, ib = interval(a), interval(b)
    if ia is None or ib is None or overlaps(ia, ib):
        return False
    if a.document == b.document:
        return _folded(a.claimed_by) != _folded(b.claimed_by)
    return not _is_update(a, b, ia, ib)


def _any_contradiction(claims: Sequence[Claim]) -> bool:
    """Whether two claims contradict; only pairs whose intervals are disjoint are examined."""
    spans = sorted(((iv, c) for c in claims if (iv := interval(c)) is not None), key=lambda x: x[0][1])
    if len(spans) < 2 or max(iv[0] for iv, _ in spans) <= spans[0][0][1]:
        return False  # every interval reaches past the lowest upper bound: all overlap at one point
    by_low = sorted(spans, key=lambda x: x[0][0])
    lows = [iv[0] for iv, _ in by_low]
    for a_iv, a in spans:
        for _, b in by_low[bisect_right(lows, a_iv[1]):]:
            if contradicts(a, b):
                return True
    return False


def _estimate(kind: str, group: str, claims: tuple[Claim, ...]) -> FigureEstimate:
    points = sorted(p for p in map(point_value, claims) if p is not None)
    low = points[0] if points else None
    high = points[-1] if points else None
    best = float(statistics.median(points)) if points else None
    contradiction = _any_contradiction(claims)
    return FigureEstimate(kind, group, low, best, high, conservative=low, contradiction=contradiction,
                          claims=claims)


def fuse(claims: Sequence[Claim]) -> tuple[FigureEstimate, ...]:
    """One estimate per (kind, group), sorted by kind then group; claims keep their input order."""
    groups: dict[tuple[str, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.kind, claim.group), []).append(claim)
    return tuple(_estimate(kind, group, tuple(groups[kind, group])) for kind, group in sorted(groups))
