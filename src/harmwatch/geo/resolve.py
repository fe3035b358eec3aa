"""Resolve all place names of one document together.

Each distinct name gets its gazetteer candidates and a prior from what the name alone
says (feature type, kind of name match, population). The picks then give the document's
country focus, the regions it names and the points it is about; the next passes add that
context, plus what the text says about containment: "X, Y", "X in Y" and descriptions such
as "X is a village in Y" or "X, a town near Y". Repeats of one name share one place (one
sense per discourse). Population is the last tie-breaker, not the first: a place in the
document's country beats a bigger namesake elsewhere. A name the text describes as lying
in a place, but that the gazetteer only knows elsewhere (or not at all), is placed at
that container, with the container's precision.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from ..model import Place, Toponym
from .context import DESCRIBED, WEAK, containers, context_spans
from .index import CONTEXT_TOWN, FUZZY, Gazetteer, Match, is_user
from .normalize import normalize_name
from .sources import ABBR, ALT, DEMONYM, PRIMARY
from .spatial import LOCAL_FEATURES, TOWN_FEATURES, inside, km, near_share
from .tables import ADMIN_WORDS, PLACE_WORDS

_FEATURE_BONUS = {"PCLI": 0.45, "CONT": 0.4, "RGN": 0.45, "ADM1": 0.1, "ADM2": 0.0, "PPL": 0.0, "PPLC": 0.25}
_KIND_BONUS = {PRIMARY: 0.25, ALT: 0.1, ABBR: 0.15, DEMONYM: 0.2}
_KIND_LABEL = {PRIMARY: "name", ALT: "alternate name", ABBR: "abbreviation", DEMONYM: "demonym",
               FUZZY: "fuzzy match"}
_USER_BONUS = 0.5  # a user's own gazetteer entry wins over packaged namesakes near it
_POP_WEIGHT = 0.4
_FOCUS_WEIGHT = 0.6
_NEIGHBOUR_WEIGHT = 0.3
_REGION_WEIGHT = 0.5
_NEAR_WEIGHT = 0.4
_SAME_SPOT_KM = 50.0
_COUNTRY_NAMESAKE_PENALTY = 0.4
_ALT_PENALTY = 0.2
_COLOCATED_WEIGHT = 0.4  # as _NEAR_WEIGHT: the same evidence, before any pick
_PLAUSIBLE = 0.3
_CELL_DEG = 1.5  # grid cells about 165 km tall; a coarse screen, km() decides
_NEAR_KM = 150.0
_STATE_NAMESAKE_SHARE = 0.01  # a town this small next to the region of its name is the lesser namesake
_LOCAL = LOCAL_FEATURES
_CONTAINER_BONUS = 1.0
_CONTAINED_BONUS = 0.3
_NAMESAKE_REGION_PENALTY = 0.3
_CAPITAL_SHARE = 0.2
_PASSES = 2
# A weak (fuzzy, or alternate-name) match of a small place outside the document's countries is
# more likely a street or a person than that far-away village: "Castello road" is no town in Italy.
_WEAK_POPULATION = 5_000
_FOCUS_KNOWN = 0.5
_ACRONYM_LETTERS = 3
_ACRONYM_TOWN = 100_000  # a city this big may go by its initials ("NYC" for New York City)
_ALIAS_FEATURES = frozenset({"PCLI", "CONT", "RGN", "ADM1"})
_CONTEXT_FEATURES = frozenset({"PCLI", "CONT", "RGN", "ADM1", "ADM2"})
_RUN_MIN_DOCS = 3  # a run's geography means something only after a few documents
_RUN_MEMORY = 500  # documents: a document's weight in the run focus halves after about 350 more
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass
class RunFocus:
    """The countries the documents of one run (a feed, a batch) are about.

    A document whose only place name is ambiguous ("shelling in Madaya") is read in the run's
    geography: in a feed about Syria that is the Syrian town, not a bigger namesake in Myanmar. It
    only counts when the document itself names no other country. Each document adds one unit of
    weight, shared among the countries of its resolved places; older documents fade (``_RUN_MEMORY``),
    so a long-running service follows its feed's geography as it moves.
    """

    weights: dict[str, float] = field(default_factory=dict)
    documents: int = 0

    def add(self, places: Iterable[Place | None]) -> None:
        countries = [p.country for p in places if p is not None and p.country]
        if not countries:
            return
        self.documents += 1
        keep = 1 - 1 / _RUN_MEMORY
        self.weights = {cc: w * keep for cc, w in self.weights.items() if w * keep > 1e-3}
        for cc in countries:
            self.weights[cc] = self.weights.get(cc, 0.0) + 1 / len(countries)

    def shares(self) -> dict[str, float]:
        if self.documents < _RUN_MIN_DOCS:
            return {}
        total = sum(self.weights.values())
        return {cc: w / total for cc, w in self.weights.items()}


@dataclass(frozen=True)
class _Name:
    """One place-name span of the document, cleaned for lookup."""

    start: int
    end: int
    surface: str
    query: str
    key: str
    admin_hint: bool  # "Idlib province": prefer a region over a town


@dataclass
class _Group:
    """All occurrences of one name (same key): they share candidates, scores and the answer."""

    key: str
    occurrences: list[int]
    cands: list[Match]
    prior: list[float]
    why: list[list[str]]
    given: bool = True  # named at a given span, not only as context
    static: list[float] = field(default_factory=list)  # containment bonuses: they do not change
    static_why: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Scored:
    match: Match
    total: float
    runner_up: float | None
    why: tuple[str, ...]


def _clean(text: str, start: int, end: int) -> _Name:
    surface = text[start:end]
    query = _POSSESSIVE.sub("", _LEADING_THE.sub("", surface.strip())).strip() or surface.strip()
    words = query.split()
    hint = len(words) > 1 and words[-1].casefold() in ADMIN_WORDS
    return _Name(start, end, surface, query, normalize_name(query), hint)


def _lookup(gaz: Gazetteer, name: _Name) -> list[Match]:
    found = gaz.matches(name.query)
    words = name.query.split()
    if not found and name.admin_hint:
        found = [m for m in gaz.matches(" ".join(words[:-1])) if m.place.feature in ("ADM1", "ADM2", "RGN")]
    elif not found and len(words) > 1 and words[-1].casefold() in PLACE_WORDS:
        found = gaz.matches(" ".join(words[:-1]))
    # Two-letter postal codes ("GA") only count when written in capitals.
    found = [m for m in found if not (m.kind == ABBR and len(name.query) <= 2 and not name.query.isupper())]
    if len(name.query) <= _ACRONYM_LETTERS and name.query.isupper():
        # "the UN said", "EU rules": in capitals a short name is an acronym, not the small town Un or Eu.
        found = [m for m in found if m.kind == ABBR or m.place.feature in _ALIAS_FEATURES
                 or m.place.population >= _ACRONYM_TOWN]
    return found


@dataclass(frozen=True)
class _Siblings:
    """What a name's candidates say about each other, computed once per name."""

    primaries: tuple[Place, ...]  # places whose own name this is
    towns: tuple[Place, ...]  # towns among the candidates
    country_alias: bool  # a country goes by this name ("Iran", "Lebanon")
    states: tuple[Place, ...] = ()  # first-level regions whose own name this is ("Florida")

    @classmethod
    def of(cls, cands: list[Match]) -> _Siblings:
        return cls(tuple(s.place for s in cands if s.kind == PRIMARY),
                   tuple(s.place for s in cands if s.place.feature in TOWN_FEATURES),
                   any(s.place.feature == "PCLI" and s.kind <= ALT for s in cands),
                   tuple(s.place for s in cands if s.kind == PRIMARY and s.place.feature == "ADM1"))


def _prior(m: Match, name: _Name, sib: _Siblings) -> tuple[float, list[str]]:
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
    elif p.feature == "ADM1" and any(t.population >= _CAPITAL_SHARE * p.population and inside(t, p)
                                     for t in sib.towns):
        # "Aleppo" alone is the city, not the governorate named after it, when the city is most of
        # it; "Quebec" is the province (its capital holds a twentieth of its people).
        score -= _NAMESAKE_REGION_PENALTY
    if m.kind == ALT and not _short_form(p.name, name.query) and any(not inside(p, q) for q in sib.primaries):
        # A place's own name outranks another place's alternate name ("Paris" for Swainsboro), but
        # not that of the region named after it ("New York" for New York City).
        score -= _ALT_PENALTY
    if p.feature in _LOCAL and sib.country_alias:
        # "Iran" is the country unless the text says otherwise ("Lebanon, Ohio").
        score -= _COUNTRY_NAMESAKE_PENALTY
    elif p.feature in _LOCAL and any(q.country == p.country and p.population < _STATE_NAMESAKE_SHARE * q.population
                                     for q in sib.states):
        # Likewise "Florida" is the state, not the village of Florida, New York, in the same country.
        score -= _COUNTRY_NAMESAKE_PENALTY
    if p.population:
        why.append(f"population {p.population}")
    return score, why


def _short_form(own: str, query: str) -> bool:
    """Whether ``query`` is ``own`` without its place word: "Enfield" of "Enfield Town", "Kuwait" of "Kuwait City"."""
    head, _, word = own.casefold().rpartition(" ")
    return word in PLACE_WORDS and normalize_name(head) == normalize_name(query)


@dataclass(frozen=True)
class _Focus:
    """What the names of the document point at: countries, regions and points (one entry per name)."""

    countries: dict[str, float]
    regions: dict[tuple[str | None, str | None], float]
    points: list[tuple[str, float, float]]  # (name key, lat, lon) of local places
    near_memo: dict[str | None, float] = field(default_factory=dict)  # country -> its neighbours' share

    def neighbour_share(self, country: str | None, neighbours: frozenset[str]) -> float:
        share = self.near_memo.get(country)
        if share is None:
            share = self.near_memo[country] = min(1.0, sum(self.countries.get(n, 0.0) for n in neighbours))
        return share


def _focus(groups: list[_Group], picks: dict[str, Match | None]) -> _Focus:
    countries: dict[str, float] = defaultdict(float)
    regions: dict[tuple[str | None, str | None], float] = defaultdict(float)
    points: list[tuple[str, float, float]] = []
    for g in groups:
        pick = picks.get(g.key)
        if pick is None or not pick.place.country:
            continue
        p = pick.place
        local = p.feature in _LOCAL
        countries[p.country or ""] += 0.5 if local else 1.0
        if local or p.feature == "ADM1":
            regions[(p.country, p.admin1)] += 0.5 if local else 1.0
        if local and p.lat is not None and p.lon is not None:
            points.append((g.key, p.lat, p.lon))
    return _Focus(dict(countries), dict(regions), points)


def _without(focus: _Focus, g: _Group, pick: Match | None) -> _Focus:
    """The focus without group ``g``'s own pick: a name does not vouch for itself."""
    countries, regions = dict(focus.countries), dict(focus.regions)
    if pick is not None and pick.place.country:
        p = pick.place
        local = p.feature in _LOCAL
        countries[p.country or ""] -= 0.5 if local else 1.0
        if local or p.feature == "ADM1":
            regions[(p.country, p.admin1)] -= 0.5 if local else 1.0
    points = [q for q in focus.points if q[0] != g.key]
    return _Focus(_shares(countries), _shares(regions), points)


def _shares(weights: dict) -> dict:
    weights = {k: w for k, w in weights.items() if w > 1e-9}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()} if total else {}


def _spatial(p: Place, focus: _Focus, neighbours: frozenset[str], why: list[str] | None = None) -> float:
    """Bonus for lying in the document's countries, regions and near its other places.

    Says why into ``why`` when given; scoring every candidate needs only the number.
    """
    score = 0.0
    region = 0.0
    share = focus.countries.get(p.country or "", 0.0)
    near = focus.neighbour_share(p.country, neighbours)
    if share or near:
        score += _FOCUS_WEIGHT * share + _NEIGHBOUR_WEIGHT * near
        if why is not None:
            why.append(f"country focus {p.country} {share:.2f}" + (f" (neighbours {near:.2f})" if near else ""))
    local = p.feature in _LOCAL
    if local or p.feature == "ADM1":
        # An ADM1 candidate's admin1 is its own name: the region the other places lie in.
        region = focus.regions.get((p.country, p.admin1), 0.0)
        if region:
            score += _REGION_WEIGHT * region
            if why is not None:
                why.append(f"region focus {p.admin1} {region:.2f}")
    close = 0.0
    if local and focus.points and p.lat is not None and p.lon is not None:
        close = near_share(p.lat, p.lon, focus.points)
        if close:
            score += _NEAR_WEIGHT * close
            if why is not None:
                why.append(f"near {close:.0%} of the other places")
    if (share or region or close) and is_user(p):
        score += _USER_BONUS
        if why is not None:
            why.append("user gazetteer entry in the document's area")
    return score


def _same_spot(a: Place, b: Place) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    return km(a.lat, a.lon, b.lat, b.lon) <= _SAME_SPOT_KM


def _rank(g: _Group, scores: list[float], final: bool, explain: Callable[[int], list[str]]) -> _Scored | None:
    if not g.cands:
        return None
    best = max(range(len(g.cands)), key=scores.__getitem__)
    if not final:
        return _Scored(g.cands[best], scores[best], None, ())
    # Confidence is about the location: a namesake next door (city and its district) is no rival.
    here = g.cands[best].place
    rival = None
    for c in sorted(range(len(g.cands)), key=scores.__getitem__, reverse=True):
        if c != best and not _same_spot(g.cands[c].place, here):
            rival = scores[c]
            break
    return _Scored(g.cands[best], scores[best], rival, tuple(explain(best)))


def _score_pass(groups: list[_Group], picks: dict[str, Match | None] | None, gaz: Gazetteer,
                final: dict[str, _Scored | None] | None = None, run: _Focus | None = None
                ) -> dict[str, _Scored | None]:
    """Score every group's candidates: prior and containment, plus the focus when ``picks`` is given.

    ``final`` is the previous pass's result when this pass is the last: then confidence and reasons
    are worked out, and a name only the text's context gave keeps its previous answer (only the
    given names are answered). ``run`` is the run's focus, standing in for a document's own when the
    document names no country.
    """
    focus = _focus(groups, picks) if picks is not None else None
    out: dict[str, _Scored | None] = {}
    near: dict[str, frozenset[str]] = {}
    for g in groups:
        if final is not None and not g.given:
            out[g.key] = final[g.key]
            continue
        if final is None and len(g.cands) <= 1:  # nothing to choose between
            out[g.key] = _Scored(g.cands[0], 0.0, None, ()) if g.cands else None
            continue
        n = len(g.occurrences)
        own = _without(focus, g, picks.get(g.key)) if focus is not None and picks is not None else None
        if own is not None and run is not None and not own.countries:
            own = run
        scores = [g.prior[c] + g.static[c] for c in range(len(g.cands))]
        if own is not None:
            for c, m in enumerate(g.cands):
                cc = m.place.country or ""
                if cc not in near:
                    near[cc] = gaz.neighbours(cc) if cc else frozenset()
                scores[c] += _spatial(m.place, own, near[cc])
        scores = [n * x for x in scores]

        def explain(c: int, g: _Group = g, own: _Focus | None = own) -> list[str]:
            why = g.why[c] + g.static_why[c]
            if own is not None:
                p = g.cands[c].place
                _spatial(p, own, gaz.neighbours(p.country) if p.country else frozenset(), why)
            return why

        out[g.key] = _rank(g, scores, final is not None, explain)
    return out


def _static(groups: list[_Group], names: list[_Name], links: dict[int, tuple[int, str]]) -> None:
    """Containment bonuses, which depend only on the candidates: "X in Y" helps X's places inside Y."""
    group_of = {i: g for g in groups for i in g.occurrences}
    for g in groups:
        g.static = [0.0] * len(g.cands)
        g.static_why = [[] for _ in g.cands]
    for i, (j, _how) in links.items():
        gi, gj = group_of[i], group_of[j]
        if gi is gj:
            continue
        outer = [m.place for m in _viable(gj, links, group_of)]
        for c, m in enumerate(gi.cands):
            if any(inside(m.place, o) for o in outer):
                gi.static[c] += _CONTAINER_BONUS / len(gi.occurrences)
                label = f"in {names[j].surface!r}"
                if label not in gi.static_why[c]:
                    gi.static_why[c].append(label)
        for c, m in enumerate(gj.cands):
            if any(inside(x.place, m.place) for x in gi.cands):
                gj.static[c] += _CONTAINED_BONUS / len(gj.occurrences)
                if "contains a named place" not in gj.static_why[c]:
                    gj.static_why[c].append("contains a named place")


def _colocation(groups: list[_Group]) -> None:
    """Static bonus for a candidate near a plausible candidate of another name.

    Before any pick is made, the places a text names tend to lie together: "Edmonton" and "Enfield"
    named together are the two north London districts, not the Canadian city and a Connecticut town.
    Plausible: a local place whose prior is within ``_PLAUSIBLE`` of its name's best; only such a
    place gets the bonus, so a big city's small namesake abroad does not ("Damascus, Maryland").
    """
    grid: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    named = 0
    for gi, g in enumerate(groups):
        if not g.cands:
            continue
        named += 1
        top = max(g.prior)
        plausible = [m.place for c, m in enumerate(g.cands) if m.place.feature in _LOCAL and m.place.lat is not None
                     and m.place.lon is not None and g.prior[c] >= top - _PLAUSIBLE]
        for p in plausible:
            assert p.lat is not None and p.lon is not None
            grid[(int(p.lat // _CELL_DEG), int(p.lon // _CELL_DEG))].append((gi, p.lat, p.lon))
    if named < 2 or not grid:
        return
    for gi, g in enumerate(groups):
        top = max(g.prior, default=0.0)
        for c, m in enumerate(g.cands):
            p = m.place
            if p.feature not in _LOCAL or p.lat is None or p.lon is None or g.prior[c] < top - _PLAUSIBLE:
                continue
            near = _near_groups(grid, gi, p.lat, p.lon)
            if near:
                g.static[c] += _COLOCATED_WEIGHT * near / (named - 1)
                g.static_why[c].append(f"near a place {near} other name(s) may be")


def _near_groups(grid: dict[tuple[int, int], list[tuple[int, float, float]]], gi: int, lat: float,
                 lon: float) -> int:
    """How many groups other than ``gi`` have a gridded candidate within ``_NEAR_KM`` of the point."""
    cy, cx = int(lat // _CELL_DEG), int(lon // _CELL_DEG)
    found: set[int] = set()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            for h, plat, plon in grid.get((cy + dy, cx + dx), ()):
                if h != gi and h not in found and km(lat, lon, plat, plon) <= _NEAR_KM:
                    found.add(h)
    return len(found)


def _viable(g: _Group, links: dict[int, tuple[int, str]], group_of: dict[int, _Group],
            depth: int = 0) -> list[Match]:
    """Candidates of ``g`` that fit its own container ("Lewis County, Idaho"), else all of them."""
    if depth > 3:
        return g.cands
    for i in g.occurrences:
        if i in links:
            outer_group = group_of[links[i][0]]
            if outer_group is g:
                continue
            outer = [m.place for m in _viable(outer_group, links, group_of, depth + 1)]
            fit = [m for m in g.cands if any(inside(m.place, o) for o in outer)]
            if fit:
                return fit
    return g.cands


def _confidence(r: _Scored) -> float:
    """0..1 from the winner's margin over the best rival elsewhere; a lone exact candidate gets 0.9."""
    if r.runner_up is None:
        return 0.9 if r.match.kind != FUZZY else 0.6
    return round(1 / (1 + math.exp(-4 * (r.total - r.runner_up))), 3)


_ANY_KIND = frozenset({PRIMARY, ALT, ABBR, DEMONYM, FUZZY})
_RUN_VOUCH = 0.05  # a run's stray documents (a few read abroad, rightly or not) vouch for no country


def _weak_and_far(r: _Scored, focus: _Focus, gaz: Gazetteer, kinds: frozenset[int] = frozenset({FUZZY, ALT}),
                  vouch: float = 0.0) -> bool:
    """A small place matched by one of ``kinds`` (a fuzzy or alternate name by default) in a country that, with
    its neighbours, has no more than ``vouch`` of ``focus``. A fuzzy match needs that support at any size, and
    wherever else the document points: "al-Shaar" in an Aleppo report is not Sohar in Oman."""
    p, fuzzy = r.match.place, r.match.kind == FUZZY
    if r.match.kind not in kinds or (p.population >= _WEAK_POPULATION and not fuzzy) or is_user(p):
        return False
    if not focus.countries or (max(focus.countries.values()) < _FOCUS_KNOWN and not fuzzy):
        return False
    near = {p.country or ""} | set(gaz.neighbours(p.country or ""))
    return not any(focus.countries.get(cc, 0.0) > vouch for cc in near)


def _abroad_in_run(r: _Scored, own: _Focus, run: _Focus | None, gaz: Gazetteer) -> bool:
    """A village abroad that nothing else in the document vouches for, in a run about other countries: in a
    Syrian feed, "fighting in Arbin city" is a village the gazetteer lacks, not the French hamlet of 779."""
    return run is not None and not own.countries and _weak_and_far(r, run, gaz, _ANY_KIND, _RUN_VOUCH)


def _fallback(g: _Group, names: list[_Name], links: dict[int, tuple[int, str]],
              result: dict[str, _Scored | None], group_of: dict[int, _Group]) -> Place | None:
    """The container of a name the text places inside it, when none of the name's candidates lies there."""
    for i in g.occurrences:
        link = links.get(i)
        if link is None or link[1] == WEAK:
            continue
        outer = result.get(group_of[link[0]].key)
        if outer is None or group_of[link[0]] is g:
            continue
        mine = result.get(g.key)
        if mine is not None and inside(mine.match.place, outer.match.place):
            return None
        # "al-Zahraa neighborhood in Homs" (but "Vancouver, Calgary" is a list of towns).
        town_in_town = link[1] == DESCRIBED and outer.match.place.feature in TOWN_FEATURES
        if mine is not None and _rank_of(mine.match.place) <= _rank_of(outer.match.place) and not town_in_town:
            return None  # "Georgia, Russia": a country in a list, not a town placed in Russia
        if mine is not None and town_in_town and mine.match.place.population > outer.match.place.population:
            return None  # "the Damascus suburb of Douma": the bigger town holds the smaller, not the other way
        o = outer.match.place
        return replace(o, name=names[i].query, geonameid=None, feature=None, population=0,
                       score=0.5, reason=f"not in the gazetteer there; placed at {names[link[0]].surface!r} "
                                         "that the text puts it in")
    return None


_RANKS = {"CONT": 0, "RGN": 1, "PCLI": 1, "ADM1": 2, "ADM2": 3}


def _rank_of(p: Place) -> int:
    return _RANKS.get(p.feature or "", 4)


def _context_worthy(m: Match) -> bool:
    """A candidate of the kind that made a context name worth taking (see context.context_spans)."""
    return m.kind in (PRIMARY, DEMONYM) and (m.place.feature in _CONTEXT_FEATURES
                                             or m.place.population >= CONTEXT_TOWN)


def _groups(gaz: Gazetteer, names: list[_Name], given: int) -> list[_Group]:
    """One group per distinct name; of a name only the text gave as context (index ``given`` on),
    only the kinds of place that made it context: "Georgia" then is a country or a state, not one
    of the twenty small towns of that name (which would only cost time)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(names):
        by_key[n.key].append(i)
    out = []
    for key, occ in by_key.items():
        first = names[occ[0]]
        cands = _lookup(gaz, first) if key else []
        if occ[0] >= given:
            cands = [m for m in cands if _context_worthy(m)] or cands
        sib = _Siblings.of(cands)
        priors = [_prior(m, first, sib) for m in cands]
        out.append(_Group(key, occ, cands, [p for p, _ in priors], [w for _, w in priors], occ[0] < given))
    return out


def resolve(text: str, spans: Sequence[tuple[int, int]], gazetteer: Gazetteer, *,
            context: bool = True, run: RunFocus | None = None) -> list[Toponym]:
    """Resolve the place names at ``spans`` of ``text`` together; one Toponym per span, in order.

    With ``context`` (the default) unambiguous place names elsewhere in the text also inform the
    choice; pass False when ``spans`` already hold every place name of the text. With ``run``, the
    countries of the run's earlier documents inform a document that names no other country, and
    this document's places are added to it.
    """
    extra = context_spans(text, spans, gazetteer) if context else []
    names = [_clean(text, s, e) for s, e in [*spans, *extra]]
    groups = _groups(gazetteer, names, len(spans))
    group_of = {i: g for g in groups for i in g.occurrences}
    # A demonym contains nothing: "the hospital in Afrin city, Turkish forces said".
    links = {i: link for i, link in containers(text, [(n.start, n.end) for n in names]).items()
             if not all(m.kind == DEMONYM for m in group_of[link[0]].cands)}
    _static(groups, names, links)
    _colocation(groups)
    prior = run.shares() if run is not None else {}
    run_focus = _Focus(prior, {}, []) if prior else None
    result = _score_pass(groups, None, gazetteer)
    for n in range(_PASSES):
        picks = {k: (r.match if r else None) for k, r in result.items()}
        result = _score_pass(groups, picks, gazetteer, final=result if n == _PASSES - 1 else None, run=run_focus)
    picks = {k: (r.match if r else None) for k, r in result.items()}
    answers = {g.key: _fallback(g, names, links, result, group_of) for g in groups}
    # A name placed in its container vouches through the container, not through its own pick abroad.
    focus = _focus(groups, {k: None if answers[k] else m for k, m in picks.items()})
    for g in groups:
        r = result[g.key]
        if answers[g.key] is not None or r is None:
            continue
        own = _without(focus, g, picks[g.key])
        if not (_weak_and_far(r, own, gazetteer) or _abroad_in_run(r, own, run_focus, gazetteer)):
            answers[g.key] = replace(r.match.place, score=_confidence(r), reason="; ".join(r.why))
    out = [Toponym(n.start, n.end, n.surface, answers[n.key]) for n in names[:len(spans)]]
    if run is not None:
        run.add(t.place for t in out)
    return out
