"""Resolve all place names of one document together.

Each name gets its gazetteer candidates. A first pass ranks them by what the
name alone says (feature type, kind of name match, population). The picks give
the document's country focus and the regions it names; the next passes add
that context, plus "X, Y" / "X in Y" containment. Repeats of one name share one
place (one sense per discourse). Population is the last tie-breaker, not the
first: a place in the document's country beats a bigger namesake elsewhere.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Place, Toponym
from .index import FUZZY, Gazetteer, Match
from .normalize import normalize_name
from .sources import ABBR, ALT, DEMONYM, PRIMARY
from .tables import ADMIN_WORDS, GENERIC_WORDS

_FEATURE_BONUS = {"PCLI": 0.45, "CONT": 0.4, "RGN": 0.45, "ADM1": 0.1, "ADM2": 0.0, "PPL": 0.0}
_KIND_BONUS = {PRIMARY: 0.25, ALT: 0.1, ABBR: 0.15, DEMONYM: 0.2}
_KIND_LABEL = {PRIMARY: "name", ALT: "alternate name", ABBR: "abbreviation", DEMONYM: "demonym",
               FUZZY: "fuzzy match"}
_POP_WEIGHT = 0.4
_FOCUS_WEIGHT = 0.6
_NEIGHBOUR_WEIGHT = 0.3
_REGION_WEIGHT = 0.5
_NEAR_WEIGHT = 0.4
_NEAR_KM = 150.0
_SAME_SPOT_KM = 50.0
_COUNTRY_NAMESAKE_PENALTY = 0.4
_ALT_PENALTY = 0.2
_LOCAL = frozenset({"PPL", "ADM2"})
_CONTAINER_BONUS = 1.0
_CONTAINED_BONUS = 0.3
_NAMESAKE_REGION_PENALTY = 0.3
_PASSES = 2
# What may stand between a place and the larger place that contains it: "Oxford, Miss." / "Homs in Syria".
_CONTAINER_GAP = re.compile(r"\s*,\s*|\s+in\s+(?:the\s+)?|\s*\(\s*", re.IGNORECASE)
# Capitalised words in a row, allowing Arabic articles and "of"/"de" inside: "Deir ez-Zor", "Bay of Pigs".
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:[ ](?:(?:al|el|ad|as|ash|az|ar|an|at|of|de|du|la|le)[ -])?"
                              r"[A-Z][\w'’.-]*)*")
_CONTEXT_STOP = frozenset({"The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "This", "That",
                           "I", "But", "And", "As", "If", "Mr", "Mrs", "Ms", "Dr"})
_CONTEXT_FEATURES = frozenset({"PCLI", "ADM1", "CONT", "RGN"})
_CONTEXT_TOWN = 100_000
_MAX_CONTEXT = 200
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True)
class _Name:
    """One place-name span of the document, cleaned for lookup."""

    start: int
    end: int
    surface: str
    query: str
    admin_hint: bool  # "Idlib province": prefer a region over a town


@dataclass
class _State:
    """One document's names, their candidates and containers, and the current picks (one per call)."""

    names: list[_Name]
    cands: list[list[Match]]
    container: dict[int, int] = field(default_factory=dict)  # name index -> index of its container
    picks: list[Match | None] = field(default_factory=list)


def _clean(text: str, start: int, end: int) -> _Name:
    surface = text[start:end]
    query = _POSSESSIVE.sub("", _LEADING_THE.sub("", surface.strip())).strip() or surface.strip()
    words = query.split()
    hint = len(words) > 1 and words[-1].casefold() in ADMIN_WORDS
    return _Name(start, end, surface, query, hint)


def _lookup(gaz: Gazetteer, name: _Name) -> list[Match]:
    found = gaz.matches(name.query)
    if not found and name.admin_hint:
        bare = " ".join(name.query.split()[:-1])
        found = [m for m in gaz.matches(bare) if m.place.feature in ("ADM1", "ADM2", "RGN")]
    # Two-letter postal codes ("GA") only count when written in capitals.
    return [m for m in found if not (m.kind == ABBR and len(name.query) <= 2 and not name.query.isupper())]


def _inside(place: Place, container: Place) -> bool:
    if place is container or place.country is None or place.country != container.country:
        return False
    if container.feature == "PCLI":
        return place.feature != "PCLI"
    in_region = place.feature in ("PPL", "ADM2") and place.admin1 == container.admin1
    return container.feature == "ADM1" and in_region


def _prior(m: Match, name: _Name, siblings: list[Match]) -> tuple[float, list[str]]:
    """What the name alone says: feature, kind of match, population."""
    p = m.place
    pop = min(math.log10(p.population + 1) / 7, 1.0)
    score = _POP_WEIGHT * pop + _FEATURE_BONUS.get(p.feature or "", 0.0)
    why = [_KIND_LABEL[m.kind]]
    if m.kind == FUZZY:
        score += -0.2 + (m.similarity - 0.9)
        why[0] += f" {m.similarity:.2f}"
    else:
        score += _KIND_BONUS[m.kind]
    if p.name.casefold() == name.query.casefold():
        score += 0.1
    if name.admin_hint and p.feature in ("ADM1", "ADM2"):
        score += 0.5
        why.append("named as a region")
    elif p.feature == "ADM1" and any(s.place.feature == "PPL" and _inside(s.place, p) for s in siblings):
        # "Aleppo" alone is the city, not the governorate named after it.
        score -= _NAMESAKE_REGION_PENALTY
    if m.kind == ALT and any(s.kind == PRIMARY for s in siblings):
        # A place's own name outranks another place's alternate name ("Paris" for Swainsboro).
        score -= _ALT_PENALTY
    if p.feature in _LOCAL and any(s.place.feature == "PCLI" and s.kind <= ALT for s in siblings):
        # "Iran" is the country unless the text says otherwise ("Lebanon, Ohio").
        score -= _COUNTRY_NAMESAKE_PENALTY
    if p.population:
        why.append(f"population {p.population}")
    return score, why


@dataclass(frozen=True)
class _Focus:
    """What the other names of the document point at: countries, regions and points."""

    countries: dict[str, float]
    regions: dict[tuple[str | None, str | None], float]
    points: tuple[tuple[float, float], ...]


def _shares(weights: dict[Any, float]) -> dict[Any, float]:
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()} if total else {}


def _focus(state: _State, skip_key: str) -> _Focus:
    """Shares of countries and regions among the other names' picks (each distinct name once)."""
    countries: dict[str, float] = defaultdict(float)
    regions: dict[tuple[str | None, str | None], float] = defaultdict(float)
    points: list[tuple[float, float]] = []
    seen: set[str] = {skip_key}
    for name, pick in zip(state.names, state.picks, strict=True):
        key = normalize_name(name.query)
        if pick is None or key in seen or not pick.place.country:
            continue
        seen.add(key)
        p = pick.place
        local = p.feature in _LOCAL
        countries[p.country or ""] += 0.5 if local else 1.0
        if local or p.feature == "ADM1":
            regions[(p.country, p.admin1)] += 0.5 if local else 1.0
        if local and p.lat is not None and p.lon is not None:
            points.append((p.lat, p.lon))
    return _Focus(_shares(countries), _shares(regions), tuple(points))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))


def _same_spot(a: Place, b: Place) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    return _km((a.lat, a.lon), (b.lat, b.lon)) <= _SAME_SPOT_KM


def _spatial(p: Place, focus: _Focus, neighbours: frozenset[str]) -> tuple[float, list[str]]:
    """Bonus for lying in the document's countries, regions and near its other places."""
    score, why = 0.0, []
    share = focus.countries.get(p.country or "", 0.0)
    near = min(1.0, sum(focus.countries.get(n, 0.0) for n in neighbours))
    if share or near:
        score += _FOCUS_WEIGHT * share + _NEIGHBOUR_WEIGHT * near
        why.append(f"country focus {p.country} {share:.2f}" + (f" (neighbours {near:.2f})" if near else ""))
    if p.feature in _LOCAL or p.feature == "ADM1":
        # An ADM1 candidate's admin1 is its own name: the region the other places lie in.
        region = focus.regions.get((p.country, p.admin1), 0.0)
        if region:
            score += _REGION_WEIGHT * region
            why.append(f"region focus {p.admin1} {region:.2f}")
    if p.feature in _LOCAL:
        if focus.points and p.lat is not None and p.lon is not None:
            here = (p.lat, p.lon)
            close = sum(_km(here, q) <= _NEAR_KM for q in focus.points) / len(focus.points)
            if close:
                score += _NEAR_WEIGHT * close
                why.append(f"near {close:.0%} of the other places")
    return score, why


def _context(state: _State, i: int, m: Match, focus: _Focus, gaz: Gazetteer) -> tuple[float, list[str]]:
    """What the rest of the document says about candidate ``m`` of name ``i``."""
    p = m.place
    score, why = _spatial(p, focus, gaz.neighbours(p.country) if p.country else frozenset())
    j = state.container.get(i)
    if j is not None and any(_inside(p, c.place) for c in state.cands[j]):
        score += _CONTAINER_BONUS
        why.append(f"in {state.names[j].surface!r}")
    inner = [k for k, c in state.container.items() if c == i]
    if any(_inside(c.place, p) for k in inner for c in state.cands[k]):
        score += _CONTAINED_BONUS
        why.append("contains a named place")
    return score, why


def _containers(text: str, names: list[_Name]) -> dict[int, int]:
    """Name index -> index of the name right after it when only ", " / " in " stands between."""
    order = sorted(range(len(names)), key=lambda k: names[k].start)
    out: dict[int, int] = {}
    for a, b in zip(order, order[1:], strict=False):
        gap = text[names[a].end:names[b].start]
        if names[a].end <= names[b].start and _CONTAINER_GAP.fullmatch(gap):
            out[a] = b
    return out


@dataclass(frozen=True)
class _Scored:
    match: Match
    total: float
    runner_up: float | None
    why: tuple[str, ...]


def _score_pass(state: _State, gaz: Gazetteer | None) -> list[_Scored | None]:
    """Score every candidate; repeats of a name pool their scores and share the winner."""
    pooled: dict[str, dict[Place, tuple[Match, float, tuple[str, ...]]]] = defaultdict(dict)
    focus_of: dict[str, _Focus] = {}
    for i, (name, cands) in enumerate(zip(state.names, state.cands, strict=True)):
        key = normalize_name(name.query)
        if gaz and key not in focus_of:
            focus_of[key] = _focus(state, key)
        for m in cands:
            s, why = _prior(m, name, cands)
            if gaz:
                cs, cwhy = _context(state, i, m, focus_of[key], gaz)
                s, why = s + cs, why + cwhy
            _, old, old_why = pooled[key].get(m.place, (m, 0.0, ()))
            pooled[key][m.place] = (m, old + s, old_why + tuple(w for w in why if w not in old_why))
    out: list[_Scored | None] = []
    for name in state.names:
        ranked = sorted(pooled[normalize_name(name.query)].values(), key=lambda t: -t[1])
        if not ranked:
            out.append(None)
            continue
        best, total, reasons = ranked[0]
        # Confidence is about the location: a namesake next door (city and its district) is no rival.
        rivals = [t for m, t, _ in ranked[1:] if not _same_spot(m.place, best.place)]
        out.append(_Scored(best, total, rivals[0] if rivals else None, reasons))
    return out


def _confidence(r: _Scored) -> float:
    """0..1 from the winner's margin over the best rival elsewhere; a lone exact candidate gets 0.9."""
    if r.runner_up is None:
        return 0.9 if r.match.kind != FUZZY else 0.6
    return round(1 / (1 + math.exp(-4 * (r.total - r.runner_up))), 3)


def _context_spans(text: str, spans: Sequence[tuple[int, int]], gaz: Gazetteer) -> list[tuple[int, int]]:
    """Unambiguous place names elsewhere in the text: countries, demonyms, regions, big cities.

    They only inform the focus of the given names ("Palermo ... the Argentine capital").
    """
    taken = [False] * (len(text) + 1)
    for s, e in spans:
        taken[s:e] = [True] * (e - s)
    out: list[tuple[int, int]] = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group()))
        i = 0
        while i < len(words) and len(out) < _MAX_CONTEXT:
            i += _context_at(text, run.start(), words, i, taken, gaz, out) or 1
    return out


def _context_at(text: str, base: int, words: list[re.Match[str]], i: int, taken: list[bool],
                gaz: Gazetteer, out: list[tuple[int, int]]) -> int:
    """Length in words of the longest known name starting at word ``i`` (0 if none); appends its span."""
    for n in range(min(len(words) - i, 4), 0, -1):
        start, end = base + words[i].start(), base + words[i + n - 1].end()
        name = text[start:end].rstrip(",.;:")
        end = start + len(name)
        if any(taken[start:end]) or name.casefold() in GENERIC_WORDS or name in _CONTEXT_STOP:
            continue
        if any(m.kind in (PRIMARY, DEMONYM) and (m.place.feature in _CONTEXT_FEATURES
                                                 or m.place.population >= _CONTEXT_TOWN)
               for m in gaz.matches(name, fuzzy=False)):
            out.append((start, end))
            return n
    return 0


def resolve(text: str, spans: Sequence[tuple[int, int]], gazetteer: Gazetteer, *,
            context: bool = True) -> list[Toponym]:
    """Resolve the place names at ``spans`` of ``text`` together; one Toponym per span, in order.

    With ``context`` (the default) unambiguous place names elsewhere in the text also inform the
    choice; pass False when ``spans`` already hold every place name of the text.
    """
    extra = _context_spans(text, spans, gazetteer) if context else []
    names = [_clean(text, s, e) for s, e in [*spans, *extra]]
    state = _State(names, [_lookup(gazetteer, n) for n in names])
    state.container = _containers(text, names)
    result = _score_pass(state, None)
    for _ in range(_PASSES):
        state.picks = [r.match if r else None for r in result]
        result = _score_pass(state, gazetteer)
    out = []
    for name, r in zip(names[:len(spans)], result, strict=False):
        place = replace(r.match.place, score=_confidence(r), reason="; ".join(r.why)) if r else None
        out.append(Toponym(name.start, name.end, name.surface, place))
    return out
