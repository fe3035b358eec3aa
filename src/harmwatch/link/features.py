"""The pairwise features that say whether two mentions report the same event.

Every feature is a number in [0, 1]; 0.5 means "nothing known either way", above it is evidence
for one event, below it evidence for two. A feature of 0 on a gate (``score.GATES``) rules a link
out. The rules are general: nothing here knows a place, an outlet or a date of any corpus.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from functools import lru_cache

from ..model import PLACE_PRECISIONS, Mention, Place
from .claims import interval, overlaps
from .names import MIN_NAME, STOPWORDS, folded_name, named_in, names_in, skeleton

NEUTRAL = 0.5
PUBLISHED_LAG_DAYS = 3  # with no event date, the event is taken to be at most this old at publication
DATE_SLACK_DAYS = 1  # date ranges this far apart may still be one event told loosely ("late Sunday")
NEXT_DAY = 0.1  # dates one day apart: most likely two events ("the day after the market attack")
DISAGREEING_FIGURES = 0.25  # the figure feature when every shared figure disagrees
UNPLACED = 0.4  # a mention without a place: slightly against, since it could be any nearby event
DOUBTFUL_TOWNS = 0.25  # two nearby towns, one of them a doubtful resolution: unlikely, not impossible
CONTAINED = 0.6  # a town in the province a report names
NEARBY_CLAUSES = 2  # mentions this close in one document usually tell one event
NAMED_IN_TEXT = 0.75  # one report's place is named in the other's clause: the resolver may have erred
LOW_CONFIDENCE = 0.65  # a resolved place scored below this may be the wrong place with the same name
FINE: tuple[str, ...] = ("exact", "neighbourhood", "city", "district")

# Place tolerance by the coarser precision of the pair; a pair is incompatible beyond twice this.
TOLERANCE_KM: dict[str, float] = {
    "exact": 1.0, "neighbourhood": 3.0, "city": 15.0, "district": 40.0, "region": 150.0,
    "country": 600.0, "continent": 3000.0,
}
# Two coarse places that agree say little: every report from one country names it.
_SAME_COARSE = {"region": 0.65, "country": 0.55, "continent": 0.5}

# Types that different reports may give the same event ("was hit" read as a strike or as shelling).
FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"air_strike", "shelling", "chemical_attack", "suicide_bombing", "explosive_device",
               "grenade", "attack_on_civilians", "looting_destruction"}),
    frozenset({"armed_clash", "territory_regained", "territory_taken", "territory_transfer"}),
    frozenset({"attack_on_civilians", "abduction", "arrest", "sexual_violence"}),
    frozenset({"siege", "aid_access"}),
    frozenset({"evacuation", "agreement", "displacement"}),
    frozenset({"peaceful_protest", "protest_with_intervention", "excessive_force_against_protesters",
               "violent_demonstration", "mob_violence"}),
    # Shooting at protesters reads as an attack on civilians; an attack on a post as a clash.
    frozenset({"attack_on_civilians", "excessive_force_against_protesters", "protest_with_intervention"}),
    frozenset({"attack_on_civilians", "armed_clash"}),
)
CLAIMABLE = FAMILIES[0] | FAMILIES[1] | FAMILIES[2]  # attacks someone can claim responsibility for
FAMILY_SCORE = 0.7
OTHER_SCORE = 0.5

# Groups that count the same people loosely: "9 people" and "11 civilians" may be one toll.
_LOOSE_GROUPS = frozenset({"people", "civilians"})

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*")


def date_range(mention: Mention) -> tuple[date, date] | None:
    """The mention's event dates; else the few days up to its publication; None when nothing is known."""
    when = mention.when
    if when is not None:
        start, end = when.start, when.end
        if start is not None and end is not None:
            return (start, end) if start <= end else (end, start)
        if start is not None or end is not None:
            day = start or end
            assert day is not None
            return day, day
    if mention.published is not None:
        return mention.published - timedelta(days=PUBLISHED_LAG_DAYS), mention.published
    return None


def type_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if "other" in (a, b):
        return OTHER_SCORE
    if "responsibility_claim" in (a, b):
        return FAMILY_SCORE if ({a, b} - {"responsibility_claim"}) <= CLAIMABLE else 0.0
    return FAMILY_SCORE if any(a in f and b in f for f in FAMILIES) else 0.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def place_rank(precision: str) -> int:
    """Index in PLACE_PRECISIONS (finest first); an unknown precision counts as a city."""
    return PLACE_PRECISIONS.index(precision if precision in PLACE_PRECISIONS else "city")


def coarser_precision(a: Place, b: Place) -> str:
    p = max(a.precision, b.precision, key=place_rank)
    return p if p in PLACE_PRECISIONS else "city"


def is_confident(p: Place) -> bool:
    """False for a place the resolver was unsure of (score 0 means it gave no score: trusted)."""
    return not 0.0 < p.score < LOW_CONFIDENCE


def place_class(p: Place | None) -> str:
    """How a place can be compared: ``fine`` (a town or finer, with coordinates), ``region`` or
    ``country`` (with a country code), or ``nowhere`` (no place, a continent, or too little known)."""
    if p is None:
        return "nowhere"
    if p.precision in FINE:
        return "fine" if p.lat is not None and p.lon is not None else "nowhere"
    if p.precision in ("region", "country") and p.country:
        return p.precision
    return "nowhere"


def _same_country(a: Place, b: Place) -> bool:
    return bool(a.country and b.country and a.country.upper() == b.country.upper())


def _fine_pair(a: Place, b: Place) -> float:
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    near = max(0.0, 1.0 - haversine_km(a.lat, a.lon, b.lat, b.lon) / (2 * TOLERANCE_KM[coarser_precision(a, b)]))
    if near == 0.0:
        return 0.0
    if a.placed_at(b) or b.placed_at(a):  # a quarter at its town's point: the town holds it
        return CONTAINED
    if a.precision == b.precision and folded_name(a.name) != folded_name(b.name):
        # Two towns are two places, however near; unless the resolver was unsure of one.
        return DOUBTFUL_TOWNS if not (is_confident(a) and is_confident(b)) else 0.0
    return NEUTRAL + NEUTRAL * near


def other_quarters(a: Mention, b: Mention) -> bool:
    """Two quarters of one town, placed at its point ("al-Kalasa" and "al-Shaar" at Aleppo's): two places,
    unless one report's clause also names the other's quarter ("al-Kalasa and al-Shaar were hit")."""
    pa, pb = a.where, b.where
    if pa is None or pb is None or pa.geonameid is not None or pb.geonameid is not None or pa.lat is None:
        return False
    if pa.precision not in FINE or (pa.lat, pa.lon) != (pb.lat, pb.lon) or skeleton(pa.name) == skeleton(pb.name):
        return False
    return not (named_in(pa, b.evidence.text) or named_in(pb, a.evidence.text))


def _fine_in_coarse(fine: Place, coarse: Place) -> float:
    """A town in its province is compatible; a town and a whole country are not comparable."""
    if coarse.precision == "region" and _same_country(fine, coarse) and fine.admin1 and fine.admin1 == coarse.admin1:
        return CONTAINED
    return 0.0


def _coarse_pair(a: Place, b: Place) -> float:
    if not _same_country(a, b):
        return 0.0
    if a.precision == b.precision == "region":
        return _SAME_COARSE["region"] if a.admin1 and a.admin1 == b.admin1 else 0.0
    return _SAME_COARSE["country"] if a.precision == b.precision else NEUTRAL


def _raw_place_score(a: Place, b: Place) -> float:
    if a.geonameid and a.geonameid == b.geonameid:
        return 1.0 if a.precision in FINE else _SAME_COARSE.get(a.precision, 1.0)
    ca, cb = place_class(a), place_class(b)
    if ca == cb == "fine":
        return _fine_pair(a, b)
    if ca == "fine":
        return _fine_in_coarse(a, b)
    if cb == "fine":
        return _fine_in_coarse(b, a)
    return _coarse_pair(a, b)


def _names_of(p: Place | None, text: str) -> frozenset[str]:
    own = skeleton(p.name) if p is not None else ""
    return names_in(text) | ({own} if len(own) >= MIN_NAME else set())


def _unplaced(a: Place | None, b: Place | None, text_a: str, text_b: str) -> float:
    """When one side is nowhere in particular, only names link: the two must name a place in common.

    Two mentions that name nothing at all stay comparable (both are filed under ``*``).
    """
    names_a, names_b = _names_of(a, text_a), _names_of(b, text_b)
    if names_a & names_b:
        return NAMED_IN_TEXT
    return UNPLACED if not names_a and not names_b else 0.0


def place_score(a: Place | None, b: Place | None, text_a: str = "", text_b: str = "") -> float:
    """1 for the same place, falling with distance scaled by the coarser precision; 0 when incompatible.

    Two towns are different places (unless the resolver was unsure of one); a town sits in its
    province but is not compared with a whole country. When one mention's place is named in the
    other's clause (``text_a``, ``text_b``), the resolver probably chose another name of that
    clause: the places count as compatible. A mention with no usable place links only by name.
    """
    if place_class(a) == "nowhere" or place_class(b) == "nowhere":
        return _unplaced(a, b, text_a, text_b)
    assert a is not None and b is not None
    raw = _raw_place_score(a, b)
    if raw < NAMED_IN_TEXT and ((text_b and named_in(a, text_b)) or (text_a and named_in(b, text_a))):
        return NAMED_IN_TEXT
    return raw


def date_score(a: Mention, b: Mention) -> float:
    """1 for one exact day; less the vaguer the dates; low for exact days one apart; 0 beyond the slack."""
    ra, rb = date_range(a), date_range(b)
    if ra is None or rb is None:
        return NEUTRAL
    gap = max((rb[0] - ra[1]).days, (ra[0] - rb[1]).days)
    if gap > DATE_SLACK_DAYS:
        return 0.0
    span = max((ra[1] - ra[0]).days, (rb[1] - rb[0]).days) + 1
    if gap > 0:
        return NEXT_DAY  # ranges that miss each other, even by a day, most likely hold two events
    # Overlapping: the chance that both name the same day, never below neutral.
    return NEUTRAL + NEUTRAL / span


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ions", "ion", "ers", "ed", "es", "s")
_MIN_STEM = 4


def stem(word: str) -> str:
    """A crude English stem, enough to match "evacuated" with "evacuation" and "shells" with "shelling"."""
    if word[:1].isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM and not word.endswith("ss"):
            word = word[:-len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > _MIN_STEM else word


@lru_cache(maxsize=16384)
def salient_words(text: str) -> dict[str, float]:
    """Words that name an event, weighted: proper names count double. Plurals are folded crudely."""
    out: dict[str, float] = {}
    for match in _WORD.finditer(text):
        word = match.group().strip("'’-")
        key = word.casefold().replace("’", "'")
        if key.endswith("'s"):
            key = key[:-2]
        if len(key) < 3 and not key[:1].isdigit() or key in STOPWORDS:
            continue
        key = stem(key)
        if key in STOPWORDS:
            continue
        weight = 2.0 if word[:1].isupper() and match.start() > 0 else 1.0
        out[key] = max(out.get(key, 0.0), weight)
    return out


@lru_cache(maxsize=16384)
def _weighted(text: str) -> tuple[dict[str, float], float]:
    """The salient words of ``text`` and the sum of their squared weights (computed once per clause)."""
    words = salient_words(text)
    return words, sum(w * w for w in words.values())


def text_score(a: Mention, b: Mention) -> float:
    """Weighted cosine of the salient words of the two evidence clauses."""
    (wa, sa), (wb, sb) = _weighted(a.evidence.text), _weighted(b.evidence.text)
    if not wa or not wb:
        return 0.0
    dot = sum(w * wb[k] for k, w in wa.items() if k in wb)
    return dot / math.sqrt(sa * sb)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return NEUTRAL
    return len(a & b) / len(a | b)


def actor_score(a: Mention, b: Mention) -> float:
    return jaccard(frozenset(p.name.casefold() for p in a.perpetrators),
                   frozenset(p.name.casefold() for p in b.perpetrators))


def target_score(a: Mention, b: Mention) -> float:
    return jaccard(frozenset(a.targets), frozenset(b.targets))


def document_score(a: Mention, b: Mention) -> float:
    """1 for clauses close together in one document (a report goes on about its lead event)."""
    if a.doc_sha256 == b.doc_sha256 and abs(a.index - b.index) <= NEARBY_CLAUSES:
        return 1.0
    return NEUTRAL


def _figure_key(kind: str, group: str) -> tuple[str, str]:
    return kind, "people" if group in _LOOSE_GROUPS else group


def figure_score(a: Mention, b: Mention) -> float:
    """The share of figures both mentions give (same kind, compatible group) whose intervals overlap."""
    ia = {_figure_key(f.kind, f.group): interval(f, a.certainty) for f in a.figures}
    ib = {_figure_key(f.kind, f.group): interval(f, b.certainty) for f in b.figures}
    shared = [(x, y) for k in sorted(ia.keys() & ib.keys())
              if (x := ia[k]) is not None and (y := ib[k]) is not None]
    if not shared:
        return NEUTRAL
    # Disagreeing tolls are weak evidence of two events: reports of one event often disagree.
    agree = sum(overlaps(x, y) for x, y in shared) / len(shared)
    return DISAGREEING_FIGURES + (1.0 - DISAGREEING_FIGURES) * agree
