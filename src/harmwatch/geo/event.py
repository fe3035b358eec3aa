"""Where an event happened, of the places one sentence names.

"Syrian residents, fleeing violence in Tell Rifaat, arrive in Azaz": the violence happened in
Tell Rifaat (the origin of the flight), the arrival in Azaz (the destination). The words just
before each place name say which role it plays; the event's trigger word says which role the
event wants: an arrival or a shelter wants the destination, everything else (an attack, a flight,
a displacement) wants where it happened, never where people went.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Place, Toponym
from .tables import ARABIC_ARTICLES

ORIGIN, DESTINATION, LOCATION = "origin", "destination", "location"
_PRECISION_RANK = {"exact": 0, "neighbourhood": 1, "city": 2, "district": 3, "region": 4, "country": 5,
                   "continent": 6}
# Cue words right before a place name (up to a few words back), by the role they give it.
_ORIGIN_CUE = re.compile(
    r"\b(?:fle(?:e|eing|d|es)|escap(?:e|ed|ing)|left|leaving|displaced|evacuated|expelled|uprooted|"
    r"driven\s+out|out\s+of|originally|returning|came)\b(?:\s+\S+){0,3}?\s+(?:from|in|of)?\s*$"
    r"|\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_DESTINATION_CUE = re.compile(
    r"\b(?:arriv(?:e|ed|es|ing)|reach(?:ed|es|ing)?|refuge|shelter(?:ed|ing)?|settled|head(?:ed|ing)?|"
    r"moved|relocated|crossed|bound|bussed|transferred|taken|brought|sent|evacuated)\b"
    r"(?:\s+\S+){0,3}?\s+(?:in|to|into|at|for|towards?)\s+(?:the\s+)?$"
    r"|\b(?:to|into|towards?)\s+(?:the\s+)?$", re.IGNORECASE)
# Trigger words of events that happen where people arrive.
_ARRIVAL = re.compile(r"^(?:arriv|reach|refuge|shelter|settl|return|receiv|host)", re.IGNORECASE)
_WINDOW = 60  # characters before a name that may hold its cue
# "the countryside of Idlib", "east of Damascus", "Daraa countryside", "Hama province": the text names
# the area around the place (or the region named after it), not the town itself.
_COMPASS = r"(?:north|south|east|west)(?:-?(?:east|west))?"
_AREA_BEFORE = re.compile(
    rf"\b(?:countryside(?:\s+of)?|{_COMPASS}\s+of|(?:province|governorate|region)\s+of)"
    r"\s+(?:the\s+)?(?:capital\s+)?$", re.IGNORECASE)
_AREA_AFTER = re.compile(
    rf"(?:\s*,|\s+and\b|\s+{_COMPASS}(?:ern)?\b)*\s+(?P<word>countryside|province|governorate|region)\b",
    re.IGNORECASE)
_AREA_PRECISION = {"countryside": "district", "province": "region", "governorate": "region", "region": "region"}
# A country named as whose people or institutions speak or act, not where: "a US official said",
# "Russia's defence ministry", "the US-led coalition", "US defence officials", "the US-Russian ceasefire".
_ATTRIBUTE_AFTER = re.compile(
    r"(?:['’]s)?(?:-(?:led|backed|based)\b|-(?-i:[A-Z])|\s+(?:(?:defen[cs]e|foreign|state|senior|top|security|military"
    r"|government|interior|special|air|naval|border)\s+)?(?:officials?|envoys?|diplomats?|spokes(?:man|woman|person)"
    r"|ambassadors?|president|ministers?|ministry|officers?|commanders?|government|administration|regime"
    r"|military|army|forces|troops|soldiers|coalition|intelligence|authorities|embassy|delegation|negotiators?"
    r"|department|state\s+media|news\s+agency)\b)", re.IGNORECASE)


# A dateline opening a line says where the report was filed, not where its first event happened:
# "ALEPPO, Syria - ", "BEIRUT (Reuters) - ", "DAMASCUS, Syria, Dec 5 (AP) — ". Not a heading "IDLIB:" of a
# roundup, which names where its events happened.
_DATELINE = re.compile(r"^[ \t]*[A-Z][A-Z'’.\- ]*[A-Z](?:,[ \t]*[A-Z][\w'’.\- ]{1,40}?){0,2}"
                       r"(?:[ \t]*\([^)\n]{1,40}\))?[ \t]*[-–—]{1,3}[ \t]", re.MULTILINE)


def dateline_end(text: str, start: int) -> int:
    """Where the dateline of the line starting at ``start`` ends (``start`` when it has none)."""
    m = _DATELINE.match(text, start)
    return m.end() if m else start


def attributive(text: str, toponym: Toponym) -> bool:
    """Whether a country is named for who acts or speaks ("a US official said"), not for where."""
    return (toponym.place is not None and toponym.place.precision == "country"
            and _ATTRIBUTE_AFTER.match(text, toponym.end) is not None)


def _placed(text: str, toponyms: Sequence[Toponym]) -> list[Toponym]:
    """The resolved toponyms that can be where something happened."""
    return [t for t in toponyms if t.place is not None and t.place.lat is not None and not attributive(text, t)]


_HELD_BY = re.compile(r"(?:\b[\w'’]+-(?:held|controlled|run|besieged|dominated)\s+)+$", re.IGNORECASE)


def place_role(sentence: str, start: int) -> str:
    """The role of the place named at ``start``: origin, destination or (plain) location."""
    before = sentence[max(0, start - _WINDOW):start]
    before = re.split(r"[;:.!?]", before)[-1]  # a cue from another clause says nothing
    before = _HELD_BY.sub("", before)  # "fled to the Kurdish-controlled Sheikh Maqsoud": the cue is before them
    if _DESTINATION_CUE.search(before):
        return DESTINATION
    if _ORIGIN_CUE.search(before):
        return ORIGIN
    return LOCATION


_QUARTER_BEFORE = re.compile(r"\b(?:district|neighbou?rhood|quarter|suburb)s?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_QUARTER_AFTER = re.compile(r"[ \t]+(?:neighbou?rhood|quarter|suburb)s?\b", re.IGNORECASE)
# A quarter's name: up to four capitalised words, each maybe after an Arabic article ("Bustan al-Qasr").
_NAME_WORD = rf"(?:(?i:{ARABIC_ARTICLES})-)?[A-Z][\w'’]*(?:-[\w'’]+)*"
_QUARTER_NAME = re.compile(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}")
_NAMES = rf"{_QUARTER_NAME.pattern}(?:(?:,[ \t]*|,?[ \t]+and[ \t]+){_QUARTER_NAME.pattern})*"
# Lower case only: "District" and "Quarter" in capitals end a proper name ("School District", "French Quarter").
_KIND = r"(?P<word>neighbou?rhood|quarter|suburb|district)(?P<many>s)?"
_CUE = re.compile(r"neighbou?rhood|quarter|suburb|district")
_NAMES_BEFORE_KIND = re.compile(rf"(?<![\w'’-])(?P<names>{_NAMES})[ \t]+{_KIND}\b")
_KIND_BEFORE_NAMES = re.compile(rf"\b{_KIND}[ \t]+of[ \t]+(?:the[ \t]+)?(?P<names>{_NAMES})")
# "X district" after "the" (and up to two words: "the rebel-held al-Midan district") is a town's quarter;
# so is "Aleppo's Sukkari district"; without either, it may be an administrative district ("in Azaz district").
_THE_BEFORE = re.compile(r"(?:\bthe(?:[ \t]+\S+){0,2}|['’]s)[ \t]+$", re.IGNORECASE)
# Leading words that describe a quarter but are not its name: "The", "Kurdish-controlled", "Aleppo's".
_NOT_NAME = re.compile(r"(?i:the|a|an|its|their)|\S+-(?i:held|controlled|run|besieged|dominated|backed|led)"
                       r"|\S+['’]s")


def quarter_names(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of the names that words make quarters of a town in ``text[start:end]``: "the
    al-Kalasa neighbourhood", "the Sukkari and Fardous districts", "the neighbourhood of Bab al-Nairab"."""
    end = len(text) if end is None else end
    if _CUE.search(text, start, end) is None:
        return []  # most texts: no need for the slower name patterns
    found: set[tuple[int, int]] = set()
    for m in _NAMES_BEFORE_KIND.finditer(text, start, end):
        names = _names_in(text, m)
        if names and m["word"].casefold() == "district" and not _THE_BEFORE.search(
                text, max(0, names[0][0] - 40), names[0][0]):
            continue
        found.update(names if m["many"] else names[-1:])
    for m in _KIND_BEFORE_NAMES.finditer(text, start, end):
        names = _names_in(text, m)
        found.update(names if m["many"] else names[:1])
    return sorted(found)


def _names_in(text: str, m: re.Match[str]) -> list[tuple[int, int]]:
    """The names of a matched list, each without its leading describing words."""
    out = []
    for name in _QUARTER_NAME.finditer(text, m.start("names"), m.end("names")):
        kept = next((w for w in re.finditer(r"\S+", name[0]) if not _NOT_NAME.fullmatch(w[0])), None)
        if kept is not None:
            out.append((name.start() + kept.start(), name.end()))
    return out


def quarter_named(text: str, start: int, end: int) -> bool:
    """Whether words make the name at ``start:end`` a quarter of a town: "the district of al-Hamdaniyeh",
    "the al-Kalasa neighbourhood" ("X district" without "the" may be an administrative district)."""
    if _QUARTER_BEFORE.search(text, max(0, start - 40), start) or _QUARTER_AFTER.match(text, end):
        return True
    near = quarter_names(text, max(0, start - 160), min(len(text), end + 40))
    return any(s < end and start < e for s, e in near)


_ARTICLE = re.compile(rf"^(?:{ARABIC_ARTICLES})[- ]")


def quarter_key(name: str) -> str:
    """A quarter's name without case or a leading Arabic article: "al-Sukkari" and "Sukkari" are one quarter."""
    return _ARTICLE.sub("", name.casefold())


def quarter_place(name: str, town: Place) -> Place:
    """A quarter the gazetteer lacks, placed at its town: the town's point and precision, the quarter's name
    (so two quarters of one town are two places to linking) and a score that says it is a guess."""
    return replace(town, name=name, geonameid=None, feature=None, population=0, score=0.5,
                   reason=f"a quarter the gazetteer lacks; placed at {town.name!r}, the town it is in")


def named_area(text: str, start: int, end: int, place: Place) -> Place:
    """``place`` (named at ``start:end`` of ``text``) as coarse as the words around it make it.

    "the countryside of Idlib" or "north of Homs" is the area around the town, "Daraa province" the
    region: the town's point stays, its precision drops to ``district`` or ``region``, so a town the
    same sentence names outright ("and in Daraa city") counts as the finer place.
    """
    after = _AREA_AFTER.match(text, end)
    if after:
        coarse = _AREA_PRECISION[after.group("word").casefold()]
    elif _AREA_BEFORE.search(text, max(0, start - _WINDOW), start):
        coarse = "district"
    else:
        return place
    if _PRECISION_RANK.get(place.precision, 9) >= _PRECISION_RANK[coarse]:
        return place  # already that coarse: "Idlib province" resolved to the region
    why = f"named as the area around it ({coarse})"
    return replace(place, precision=coarse, reason=f"{place.reason}; {why}" if place.reason else why)


def event_place(text: str, toponyms: Sequence[Toponym], triggers: Sequence[int] = (),
                near: int | None = None) -> Place | None:
    """The most precise of the places named around an event that can be where it happened.

    ``toponyms`` carry offsets into ``text``; ``triggers`` are where the event's trigger words start.
    Where people went (a destination) is left out unless a trigger is an arrival; each place is as
    coarse as the words around it make it (``named_area``), so "shelling in the countryside of Idlib
    and in Saraqib" is placed at Saraqib. Ties go to the place nearest ``near`` (the event's own trigger),
    then to the first named.
    """
    placed = _placed(text, toponyms)
    if not placed:
        return None
    roles = {id(t): place_role(text, t.start) for t in placed}
    if any(_ARRIVAL.match(_trigger_word(text, o)) for o in triggers):
        pool = [t for t in placed if roles[id(t)] == DESTINATION] or placed
    else:
        pool = [t for t in placed if roles[id(t)] != DESTINATION] or placed
    named = [(named_area(text, t.start, t.end, t.place), t.start) for t in pool if t.place is not None]
    return min(named, key=lambda pn: (_PRECISION_RANK.get(pn[0].precision, 9),
                                      abs(pn[1] - near) if near is not None else 0))[0]


def _trigger_word(sentence: str, offset: int | None) -> str:
    if offset is None or not 0 <= offset < len(sentence):
        return ""
    m = re.match(r"\w+", sentence[offset:])
    return m.group() if m else ""


def event_location(sentence: str, toponyms: Sequence[Toponym], trigger_offset: int | None = None) -> Place | None:
    """The place where the event of ``sentence`` happened, or None if it names no resolved place.

    ``toponyms`` are the sentence's resolved place names with offsets into ``sentence``;
    ``trigger_offset`` is where the event's trigger word starts ("arrive", "airstrike"). The place
    keeps its precision (``exact`` … ``country``); its reason says which role decided.
    """
    placed = _placed(sentence, toponyms)
    if not placed:
        return None
    roles = {id(t): place_role(sentence, t.start) for t in placed}
    wants_destination = bool(_ARRIVAL.match(_trigger_word(sentence, trigger_offset)))
    if wants_destination:
        pool = [t for t in placed if roles[id(t)] == DESTINATION] or placed
    else:
        pool = [t for t in placed if roles[id(t)] != DESTINATION] or placed
    anchor = trigger_offset if trigger_offset is not None else 0

    def rank(t: Toponym) -> tuple[int, int, int]:
        assert t.place is not None
        origin_first = 0 if roles[id(t)] == ORIGIN and not wants_destination else 1
        return origin_first, abs(t.start - anchor) // 40, _PRECISION_RANK.get(t.place.precision, 9)

    best = min(pool, key=rank)
    assert best.place is not None
    why = f"event location: {roles[id(best)]} ({best.text!r})"
    return replace(best.place, reason=f"{best.place.reason}; {why}" if best.place.reason else why)
