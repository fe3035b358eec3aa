"""Pairwise mention similarity, blocking and incident assignment.

A pair scores 0 when a gate fails: different scope, a mention that is not asserted, incompatible
types, places too far apart, or dates too far apart. Otherwise the score is a weighted sum of
feature values in [0, 1]; 0.5 means "nothing known either way".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache

from ..model import PLACE_PRECISIONS, Link, Mention, Place
from .claims import interval, overlaps

LINK_THRESHOLD = 0.6
BLOCK_DAYS = 3  # how far around a mention's dates candidate incidents are searched
PUBLISHED_LAG_DAYS = 3  # with no event date, the event is taken to be at most this old at publication
DATE_SLACK_DAYS = 1  # ranges this close still match (reporting lag, "last night")
NEUTRAL = 0.5
CONTAINED = 0.6  # a coarse place containing a finer one: compatible, but weak evidence

WEIGHTS: tuple[tuple[str, float], ...] = (
    ("type", 0.25), ("place", 0.25), ("date", 0.20), ("text", 0.15),
    ("actors", 0.05), ("targets", 0.05), ("figures", 0.05),
)
GATES: tuple[str, ...] = ("scope", "status", "type", "place", "date")

# Types that different reports may give the same event ("was hit" read as a strike or as shelling).
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"air_strike", "shelling", "chemical_attack", "suicide_bombing", "explosive_device",
               "grenade", "attack_on_civilians", "looting_destruction"}),
    frozenset({"armed_clash", "territory_regained", "territory_taken", "territory_transfer"}),
    frozenset({"attack_on_civilians", "abduction", "arrest", "sexual_violence"}),
    frozenset({"siege", "aid_access"}),
    frozenset({"evacuation", "agreement", "displacement"}),
    frozenset({"peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters",
               "violent_demonstration", "mob_violence"}),
)
_CLAIMABLE = _FAMILIES[0] | _FAMILIES[1] | _FAMILIES[2]  # attacks someone can claim responsibility for
_FAMILY_SCORE = 0.7
_OTHER_SCORE = 0.5

# Place tolerance by the coarser precision of the pair; a pair is incompatible beyond twice this.
_TOLERANCE_KM: dict[str, float] = {
    "exact": 1.0, "neighbourhood": 3.0, "city": 15.0, "district": 40.0, "region": 150.0,
    "country": 600.0, "continent": 3000.0,
}
_COARSE = ("region", "country", "continent")
_STOPWORDS = frozenset(
    "the and for that this with from were was are has have had been its their they said says say "
    "into over after before when while which who whom what where also than then there these those "
    "not but all any some more most other such only our out his her him she them about against "
    "during between under again further".split()
)
_WORD = re.compile(r"[^\W\d_]+|\d+")


def incident_id_for(mention: Mention) -> str:
    """A deterministic incident id for the incident ``mention`` founds."""
    return "inc-" + hashlib.sha256(mention.id.encode("utf-8")).hexdigest()[:12]


def date_range(mention: Mention) -> tuple[date, date] | None:
    """The mention's event dates; else the few days up to its publication; None when nothing is known."""
    known = [d for d in (mention.when.start, mention.when.end) if d is not None] if mention.when else []
    if known:
        return min(known), max(known)
    if mention.published is not None:
        return mention.published - timedelta(days=PUBLISHED_LAG_DAYS), mention.published
    return None


def blocking_window(mention: Mention) -> tuple[date | None, date | None]:
    """The date range in which candidate incidents are searched; (None, None) when nothing is known."""
    span = date_range(mention)
    if span is None:
        return None, None
    pad = timedelta(days=BLOCK_DAYS)
    return span[0] - pad, span[1] + pad


def type_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if "other" in (a, b):
        return _OTHER_SCORE
    if "responsibility_claim" in (a, b):
        return _FAMILY_SCORE if ({a, b} - {"responsibility_claim"}) <= _CLAIMABLE else 0.0
    return _FAMILY_SCORE if any(a in f and b in f for f in _FAMILIES) else 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def place_rank(precision: str) -> int:
    """Index in PLACE_PRECISIONS (finest first); an unknown precision counts as a city."""
    return PLACE_PRECISIONS.index(precision if precision in PLACE_PRECISIONS else "city")


def _contained(a: Place, b: Place, coarser: str) -> float | None:
    """Containment by country (or region) codes; None when the codes cannot decide."""
    same_level = a.precision == b.precision
    if coarser in ("country", "continent") and a.country and b.country:
        if a.country.upper() == b.country.upper():
            return 1.0 if same_level else CONTAINED
        return NEUTRAL if coarser == "continent" else 0.0
    if coarser == "region" and a.country and b.country and a.admin1 and b.admin1:
        same = (a.country.upper(), a.admin1) == (b.country.upper(), b.admin1)
        return (1.0 if same_level else CONTAINED) if same else 0.0
    return None


def place_score(a: Place | None, b: Place | None) -> float:
    """1 for the same place, falling with distance scaled by the coarser precision; 0 when incompatible."""
    if a is None or b is None:
        return NEUTRAL
    if a.geonameid and a.geonameid == b.geonameid:
        return 1.0
    coarser = max(a.precision, b.precision, key=place_rank)
    by_code = _contained(a, b, coarser)
    if by_code is not None:
        return by_code
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        same_name = " ".join(a.name.casefold().split()) == " ".join(b.name.casefold().split())
        return 1.0 if same_name and a.precision == b.precision else NEUTRAL
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    score = max(0.0, 1.0 - km / (2 * _TOLERANCE_KM[coarser]))
    if coarser in _COARSE and a.precision != b.precision:
        score = min(score, CONTAINED) if score > 0 else 0.0
    return score


def date_score(a: Mention, b: Mention) -> float:
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return NEUTRAL
    gap = max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days)
    if gap <= 0:
        # Overlapping short ranges pin the day down; overlapping long ones only agree loosely.
        short = max((ra[1] - ra[0]).days, (rb[1] - rb[0]).days) <= 7
        return 1.0 if short else 0.7
    return 0.5 if gap <= DATE_SLACK_DAYS else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return NEUTRAL
    return len(a & b) / len(a | b)


@lru_cache(maxsize=4096)
def content_words(text: str) -> frozenset[str]:
    """Lower-cased content words with a crude plural strip, for comparing evidence clauses."""
    words = (w for w in _WORD.findall(text.casefold()) if (len(w) > 2 or w.isdigit()) and w not in _STOPWORDS)
    return frozenset(w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def text_score(a: Mention, b: Mention) -> float:
    wa, wb = content_words(a.evidence.text), content_words(b.evidence.text)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def actor_score(a: Mention, b: Mention) -> float:
    return _jaccard(frozenset(p.name.casefold() for p in a.perpetrators),
                    frozenset(p.name.casefold() for p in b.perpetrators))


def figure_score(a: Mention, b: Mention) -> float:
    """The share of the (kind, group) figures both mentions give whose intervals overlap."""
    ia = {(f.kind, f.group): interval(f, a.certainty) for f in a.figures}
    ib = {(f.kind, f.group): interval(f, b.certainty) for f in b.figures}
    shared = [(x, y) for k in sorted(ia.keys() & ib.keys())
              if (x := ia[k]) is not None and (y := ib[k]) is not None]
    if not shared:
        return NEUTRAL
    return sum(overlaps(x, y) for x, y in shared) / len(shared)


def score_pair(a: Mention, b: Mention) -> tuple[float, tuple[tuple[str, float], ...]]:
    """How likely two mentions report the same event, in [0, 1], and the features behind it."""
    values = {
        "scope": float(a.scope == b.scope),
        "status": float(a.status == "asserted" and b.status == "asserted"),
        "type": type_score(a.type, b.type),
        "place": place_score(a.where, b.where),
        "date": date_score(a, b),
        "text": text_score(a, b),
        "actors": actor_score(a, b),
        "targets": _jaccard(frozenset(a.targets), frozenset(b.targets)),
        "figures": figure_score(a, b),
    }
    features = tuple((name, round(value, 4)) for name, value in values.items())
    if any(values[g] <= 0.0 for g in GATES):
        return 0.0, features
    return round(sum(values[name] * w for name, w in WEIGHTS), 4), features


def assign(mention: Mention, candidates: Mapping[str, Sequence[Mention]],
           threshold: float = LINK_THRESHOLD) -> Link | None:
    """The best incident for ``mention`` among ``candidates`` (incident id -> member mentions), or None.

    An incident scores as its best-matching member. Ties go to the smaller incident id, then member id.
    Mentions that are not asserted never link: each founds its own incident.
    """
    if mention.status != "asserted":
        return None
    best: Link | None = None
    for incident_id in sorted(candidates):
        for member in sorted(candidates[incident_id], key=lambda m: m.id):
            score, features = score_pair(mention, member)
            if score >= threshold and (best is None or score > best.score):
                best = Link(mention.id, incident_id, score, features, member.id)
    return best
