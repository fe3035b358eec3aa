"""Pairwise mention scoring, blocking windows and incident assignment.

A pair scores 0 when a gate fails: different scope, a mention that is not asserted, incompatible
types, places too far apart, or dates too far apart. Otherwise the score is a weighted mean of the
feature values of :mod:`harmwatch.link.features` (0.5 means "nothing known either way").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from ..model import Link, Mention
from .features import (
    DATE_SLACK_DAYS,
    NEUTRAL,
    PUBLISHED_LAG_DAYS,
    actor_score,
    date_range,
    date_score,
    document_score,
    figure_score,
    haversine_km,
    other_quarters,
    place_rank,
    place_score,
    salient_words,
    target_score,
    text_score,
    type_score,
)

__all__ = [
    "BLOCK_DAYS", "DATE_SLACK_DAYS", "GATES", "LINK_THRESHOLD", "NEUTRAL", "PUBLISHED_LAG_DAYS", "WEIGHTS",
    "assign", "blocking_window", "date_range", "haversine_km", "incident_id_for", "place_rank",
    "salient_words", "score_pair",
]

LINK_THRESHOLD = 0.55
BLOCK_DAYS = DATE_SLACK_DAYS  # candidates are searched this far around a mention's dates (the date gate)

WEIGHTS: tuple[tuple[str, float], ...] = (
    ("type", 0.10), ("place", 0.20), ("date", 0.25), ("text", 0.25),
    ("actors", 0.05), ("targets", 0.05), ("figures", 0.05), ("document", 0.05),
)
GATES: tuple[str, ...] = ("scope", "status", "type", "place", "date")


def incident_id_for(mention: Mention) -> str:
    """A deterministic incident id for the incident ``mention`` founds."""
    return "inc-" + hashlib.sha256(mention.id.encode("utf-8")).hexdigest()[:12]


def blocking_window(mention: Mention) -> tuple[date | None, date | None]:
    """The date range in which candidate incidents are searched; (None, None) when nothing is known."""
    span = date_range(mention)
    if span is None:
        return None, None
    pad = timedelta(days=BLOCK_DAYS)
    return span[0] - pad, span[1] + pad


_ORDER = ("scope", "status", "type", "place", "date", "text", "actors", "targets", "figures", "document")
_W_TYPE, _W_PLACE, _W_DATE, _W_TEXT, _W_ACTORS, _W_TARGETS, _W_FIGURES, _W_DOCUMENT = (w for _, w in WEIGHTS)
assert tuple(n for n, _ in WEIGHTS) == _ORDER[2:]  # _values sums the terms in the order of WEIGHTS


def _values(a: Mention, b: Mention) -> tuple[float, dict[str, float]]:
    """The unrounded score and feature values; the gates first, stopping at the first that fails.

    Written out rather than looped over feature functions: it runs for every candidate pair.
    """
    values = {"scope": float(a.scope == b.scope)}
    if values["scope"] <= 0.0:
        return 0.0, values
    values["status"] = float(a.status == "asserted" and b.status == "asserted")
    if values["status"] <= 0.0:
        return 0.0, values
    kind = values["type"] = type_score(a.type, b.type)
    if kind <= 0.0:
        return 0.0, values
    when = values["date"] = date_score(a, b)
    if when <= 0.0:
        return 0.0, values
    where = values["place"] = place_score(a.where, b.where, a.evidence.text, b.evidence.text)
    if where <= 0.0:
        return 0.0, values
    text = values["text"] = text_score(a, b)
    actors = values["actors"] = actor_score(a, b)
    targets = values["targets"] = target_score(a, b)
    figures = values["figures"] = figure_score(a, b)
    document = values["document"] = document_score(a, b)
    # The same terms, in the same order, as sum(values[name] * w for name, w in WEIGHTS).
    score = (kind * _W_TYPE + where * _W_PLACE + when * _W_DATE + text * _W_TEXT + actors * _W_ACTORS
             + targets * _W_TARGETS + figures * _W_FIGURES + document * _W_DOCUMENT)
    return round(score, 4), values


def _rounded(values: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple((k, round(values[k], 4)) for k in _ORDER if k in values)


def score_pair(a: Mention, b: Mention) -> tuple[float, tuple[tuple[str, float], ...]]:
    """How likely two mentions report the same event, in [0, 1], and the features behind it.

    The gates are computed first; when one fails the score is 0 and only the features computed so
    far are returned (cheap: most candidate pairs fail on type, date or place).
    """
    score, values = _values(a, b)
    return score, _rounded(values)


def assign(mention: Mention, candidates: Mapping[str, Sequence[Mention]],
           threshold: float = LINK_THRESHOLD) -> Link | None:
    """The best incident for ``mention`` among ``candidates`` (incident id -> member mentions), or None.

    An incident scores as its best-matching member. Ties go to the smaller incident id, then member id.
    Mentions that are not asserted never link: each founds its own incident. Nor does a mention join an
    incident placed in another quarter of its town by one of its members (``other_quarters``).
    """
    if mention.status != "asserted":
        return None
    best: tuple[float, str, Mention, dict[str, float]] | None = None
    quarter = mention.where is not None and mention.where.geonameid is None  # only such can be in other quarters
    for incident_id in sorted(candidates):
        if quarter and any(other_quarters(mention, member) for member in candidates[incident_id]):
            continue
        seen: dict[tuple[int, float], Mention] = {}
        for member in sorted(candidates[incident_id], key=lambda m: m.id):
            # A member saying what an earlier one said scores as it did (copies of one report): skip it.
            key = (member.facts_hash, document_score(mention, member))
            earlier = seen.setdefault(key, member)
            if earlier is not member and earlier.facts_key == member.facts_key:
                continue
            score, values = _values(mention, member)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, incident_id, member, values)
    if best is None:
        return None
    score, incident_id, member, values = best
    return Link(mention.id, incident_id, score, _rounded(values), member.id)
