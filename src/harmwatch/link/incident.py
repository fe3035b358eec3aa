"""Build an incident from its linked mentions: type, place, dates, figures, sources and grade."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import combinations

from ..errors import LinkError
from ..model import ASSUMED_WHEN, DATE_PRECISIONS, Document, Incident, Link, Mention, Place, When
from .claims import claims_of, fuse
from .features import FAMILIES, place_rank
from .names import skeleton
from .registry import SourceRegistry, load_registry
from .sources import count_stories, story_groups

# Most specific first: a tie between mention types goes to the earlier one here; "other" is last.
SPECIFICITY: tuple[str, ...] = (
    "chemical_attack", "suicide_bombing", "grenade", "explosive_device", "air_strike", "shelling",
    "sexual_violence", "abduction", "excessive_force_against_protesters", "protest_with_intervention",
    "violent_demonstration", "mob_violence", "peaceful_protest", "attack_on_civilians",
    "territory_regained", "territory_taken", "territory_transfer", "armed_clash", "arrest",
    "disrupted_weapons_use", "base_established", "looting_destruction", "evacuation", "aid_access",
    "siege", "displacement", "agreement", "change_to_group_activity", "natural_disaster",
    "industrial_disaster", "crime", "diplomatic", "responsibility_claim", "other",
)
# The explosions of the attack family: the weapon an attack on civilians is coded by (majority_type).
BY_WEAPON = FAMILIES[0] - {"attack_on_civilians", "looting_destruction"}
WEAK_SOURCE_KINDS = frozenset({"comment", "social_media", "party"})
# Attacks with one perpetrator: who did it can be disputed (not battles or protests, which have two sides).
ONE_SIDED = (FAMILIES[0] | FAMILIES[2]) - {"armed_clash"}


def _specificity(event_type: str) -> float:
    if event_type in SPECIFICITY:
        return SPECIFICITY.index(event_type)
    return SPECIFICITY.index("other") - 0.5  # an unlisted type: more specific than "other" only


def majority_type(mentions: Sequence[Mention]) -> str:
    """The type most mentions carry; a tie goes to the more specific type.

    An attack on civilians with a weapon is coded by the weapon, as ACLED codes an air strike that kills
    civilians: once a quarter of the mentions name one, the casualty words of the others ("killed", "wounded",
    "the attack") do not outvote it.
    """
    counts = Counter(m.type for m in mentions)
    if counts["attack_on_civilians"] and sum(counts[t] for t in BY_WEAPON) * 4 >= len(mentions):
        del counts["attack_on_civilians"]
    return min(counts, key=lambda t: (-counts[t], _specificity(t), t))


def _place_key(place: Place) -> tuple[str, ...]:
    if place.geonameid:
        return ("id", place.geonameid)
    return ("name", " ".join(place.name.casefold().split()), str(place.lat), str(place.lon))


def best_place(mentions: Sequence[Mention]) -> Place | None:
    """The most precise place among the mentions; ties go to the one quarter named of a town the others name
    ("al-Shaar", placed at Aleppo's point, before Aleppo), then to the place named most often."""
    places: dict[tuple[str, ...], Place] = {}
    counts: Counter[tuple[str, ...]] = Counter()
    for m in mentions:
        if m.where is not None:
            key = _place_key(m.where)
            places.setdefault(key, m.where)
            counts[key] += 1
    if not places:
        return None
    quarters: dict[tuple[float | None, float | None], set[str]] = {}
    for p in places.values():
        if any(p.placed_at(town) for town in places.values()):
            quarters.setdefault((p.lat, p.lon), set()).add(skeleton(p.name))

    def rank(key: tuple[str, ...]) -> tuple[int, bool, int, bool, tuple[str, ...]]:
        p = places[key]
        sole_quarter = p.geonameid is None and len(quarters.get((p.lat, p.lon), ())) == 1
        return place_rank(p.precision), not sole_quarter, -counts[key], p.lat is None, key

    return places[min(places, key=rank)]


def union_when(mentions: Sequence[Mention]) -> When | None:
    """The union of the mentions' date ranges, at the finest precision they all share.

    Dates the texts state win over dates assumed from publication: one report saying "on Monday, 3 October"
    dates the incident, however many others give no date (and so span the week before they were published).
    """
    whens = [m.when for m in mentions if m.when is not None and (m.when.start or m.when.end)]
    whens = [w for w in whens if not w.rule.startswith(ASSUMED_WHEN)] or whens
    if not whens:
        return None
    days = [d for w in whens for d in (w.start, w.end) if d is not None]
    known = [w.precision for w in whens if w.precision in DATE_PRECISIONS and w.precision != "unknown"]
    precision = max(known, key=DATE_PRECISIONS.index) if known else "unknown"
    return When(min(days), max(days), precision, rule="link: union of linked mentions")


def _names(m: Mention) -> frozenset[str]:
    return frozenset(a.name.casefold() for a in m.perpetrators)


def _accepts(m: Mention) -> bool:
    """A party claiming an attack itself ("Islamic State claimed responsibility"), not an accusation."""
    return (m.type == "responsibility_claim" and m.certainty == "claimed"
            and bool(m.claimed_by or m.perpetrators))


def _sides(m: Mention) -> frozenset[int]:
    return frozenset(a.inter for a in m.perpetrators if a.inter)


def _contested(voices: Sequence[Mention]) -> bool:
    """Competing perpetrators of a one-sided attack, or a blamed party denying responsibility.

    Two attributions compete when they share neither an actor nor a side (ACLED ``inter`` code:
    "the police" and "Iraqi forces" are both state forces). Battles and protests have two sides by
    nature, so their actors never compete.
    """
    blamed = sorted({(_names(m), _sides(m)) for m in voices if m.perpetrators and m.certainty != "denied"
                     and m.type in ONE_SIDED}, key=lambda x: sorted(x[0]))
    if any(a.isdisjoint(b) and (not sa or not sb or sa.isdisjoint(sb)) for (a, sa), (b, sb) in
           combinations(blamed, 2)):
        return True
    denied = {n for m in voices if m.type == "responsibility_claim" and m.certainty == "denied"
              for n in _names(m)}
    return any(denied & names for names, _ in blamed)


def grade_of(mentions: Sequence[Mention], documents: Sequence[Document], groups: Sequence[int],
             registry: SourceRegistry) -> str:
    """confirmed, contested, fair or weak (``discounted`` is a reviewer's decision only).

    ``groups`` labels each document's story (:func:`story_groups`); ``fair`` needs two stories told
    by credible sources in mentions that are not reader comments.
    """
    voices = [m for m in mentions if m.status == "asserted" and m.section != "comment"]
    if any(_accepts(m) for m in voices):
        return "confirmed"
    if _contested(voices):
        return "contested"
    heard = {m.doc_sha256 for m in voices}
    credible = [d.sha256 in heard and registry.kind_of(d.source) not in WEAK_SOURCE_KINDS for d in documents]
    return "fair" if count_stories(documents, groups, credible) >= 2 else "weak"


def _documents_of(mentions: Sequence[Mention], documents: Mapping[str, Document]) -> list[Document]:
    """The mentions' documents in order of first appearance, each with a source if its mentions have one."""
    found: dict[str, Document] = {}
    for m in mentions:
        doc = documents.get(m.doc_sha256)
        if doc is None:
            raise LinkError(
                f"mention {m.id} comes from document {m.doc_sha256[:12]}, which was not passed; "
                "pass every linked mention's Document, keyed by its sha256."
            )
        if m.doc_sha256 not in found:
            found[m.doc_sha256] = doc
        if found[m.doc_sha256].source is None and m.source:
            found[m.doc_sha256] = replace(found[m.doc_sha256], source=m.source)
    return list(found.values())


def _check(incident_id: str, mentions: Sequence[Mention], links: Sequence[Link]) -> str:
    if not mentions:
        raise LinkError(f"incident {incident_id} has no mentions; build an incident from at least one.")
    scopes = sorted({m.scope for m in mentions})
    if len(scopes) > 1:
        raise LinkError(
            f"incident {incident_id} mixes {' and '.join(scopes)} mentions; aggregate mentions link "
            "only with aggregate ones, so split them into separate incidents."
        )
    ids = {m.id for m in mentions}
    for link in links:
        if link.incident_id != incident_id or link.mention_id not in ids:
            raise LinkError(
                f"link {link.mention_id} -> {link.incident_id} does not belong to incident {incident_id}; "
                "pass only the links of this incident's mentions."
            )
    return scopes[0]


def build_incident(incident_id: str, mentions: Sequence[Mention], documents: Mapping[str, Document],
                   links: Sequence[Link], registry: SourceRegistry | None = None) -> Incident:
    """The incident these linked mentions describe (``interfaces.md`` section 4). Pure.

    Figures come from asserted mentions only; type, place and dates from the asserted mentions,
    or from all of them when none is asserted (a lone negated, hypothetical or historical mention).
    """
    ordered = list({m.id: m for m in mentions}.values())
    scope = _check(incident_id, ordered, links)
    registry = load_registry() if registry is None else registry
    docs = _documents_of(ordered, documents)
    by_sha = {d.sha256: d for d in docs}
    asserted = [m for m in ordered if m.status == "asserted"]
    basis = asserted or ordered
    claims = [c for m in asserted for c in claims_of(m, by_sha[m.doc_sha256])]
    groups = story_groups(docs, registry)
    return Incident(
        id=incident_id, type=majority_type(basis), scope=scope, where=best_place(basis),
        when=union_when(basis), figures=fuse(claims),
        perpetrators=tuple(sorted({a.name for m in basis for a in m.perpetrators})),
        targets=tuple(sorted({t for m in basis for t in m.targets})),
        documents=tuple(d.id for d in docs),
        sources=tuple(sorted({d.source for d in docs if d.source})),
        independent_sources=count_stories(docs, groups),
        grade=grade_of(asserted, docs, groups, registry), mentions=tuple(m.id for m in ordered),
        status="machine", links=tuple(links),
    )
