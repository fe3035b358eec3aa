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


def place_role(sentence: str, start: int) -> str:
    """The role of the place named at ``start``: origin, destination or (plain) location."""
    before = sentence[max(0, start - _WINDOW):start]
    before = re.split(r"[;:.!?]", before)[-1]  # a cue from another clause says nothing
    if _DESTINATION_CUE.search(before):
        return DESTINATION
    if _ORIGIN_CUE.search(before):
        return ORIGIN
    return LOCATION


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
    placed = [t for t in toponyms if t.place is not None and t.place.lat is not None]
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
