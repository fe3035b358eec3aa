"""What the text around the place names says: other unambiguous names, and containment.

``context_spans`` finds place names the caller did not give (countries, regions, big towns,
"Adams County") so they can inform the given ones. ``containers`` links a name to the name
the text puts it in: "Paris, Texas", "Homs in Syria", "Winchester is a city in Lewis County",
"Kfraya, a village near Idlib". A link is *strong* when the text says so plainly enough to
place an unknown name at its container.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .index import Gazetteer
from .normalize import leading_token, normalize_name
from .tables import ADMIN_WORDS, GENERIC_WORDS, PLACE_WORDS

# Capitalised words in a row, allowing Arabic articles and "of"/"de" inside: "Deir ez-Zor", "Bay of Pigs".
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?:[ ](?:(?:al|el|ad|as|ash|az|ar|an|at|of|de|du|la|le)[ -])?"
                              r"[A-Z][\w'’.-]*)*")
_WORD = re.compile(r"\S+")
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")
_CONTEXT_STOP = frozenset({"The", "A", "An", "In", "On", "At", "It", "He", "She", "They", "We", "This", "That",
                           "I", "But", "And", "As", "If", "Mr", "Mrs", "Ms", "Dr"})
_MAX_CONTEXT = 200
_AFTER_OK = ADMIN_WORDS | PLACE_WORDS
_MAX_WORDS = 4

# What may stand between a place and the larger place that contains it: "Oxford, Miss." / "Homs in Syria".
_ADJACENT = re.compile(r"\s*,\s*|\s+in\s+(?:the\s+)?|\s*\(\s*", re.IGNORECASE)
_COMMA = re.compile(r"\s*[,(]\s*")
# A description that places a name: "X is a village in Y", "X, a town near Y", "X (the capital of Y".
_DESCRIBED = re.compile(
    r"(?:\s+(?:is|was|lies|sits)\s+(?:[a-z0-9][\w'-]*,?\s+){0,8}?"
    r"|\s*[,(]\s*(?:(?:a|an|the|located|situated|based|lying|some|about|around|\d[\d.,]*)\s+)"
    r"(?:[a-z0-9][\w'-]*,?\s+){0,6}?)"
    r"(?:in|of|near|outside|within)\s+(?:the\s+)?")
# A person between the names: "east Aleppo, a doctor in Gaziantep said" puts the doctor, not Aleppo, there.
_PERSON_BETWEEN = re.compile(
    r"\b(?:doctors?|medics?|nurses?|officials?|spokes(?:man|woman|person)|residents?|activists?|witness(?:es)?"
    r"|journalists?|reporters?|correspondents?|monitors?|commanders?|fighters?|volunteers?|workers?|teachers?"
    r"|students?|man|woman|men|women|mother|father|son|daughter|mayor|governor|minister|leader|said|says|told)\b",
    re.IGNORECASE)
# "al-Zahraa neighborhood in Homs", "Turmanin town in the countryside of Idlib", "a village in
# southern Hama countryside". ("the city of Yueyang" names the city: only a part of a town is "of" it.)
_KIND_IN = re.compile(
    r"\s+(?:(?:neighbou?rhood|quarter|district|area|suburb)\s+(?:in|of|near|outside|at)"
    r"|(?:village|town|city|camp)\s+(?:in|near|outside|at))"
    r"\s+(?:the\s+)?(?:(?:[a-z]+\s+){0,3}?(?:of|in)\s+(?:the\s+)?)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+)?")
# After a container, a list goes on ("Homs, Hama and Idlib"): then the comma was a list's.
_LIST_AFTER = re.compile(r"\s*(?:,\s*)?(?:and|or|&)\s", re.IGNORECASE)
_LIST_BEFORE = re.compile(r"[\w.’']\s*,\s*$")
_MAX_GAP = 90
DESCRIBED, COMMA, WEAK = "described", "comma", "weak"
# Words that may stand before a name in a run of capitals: "In Syria", "Northern Aleppo".
_BEFORE_OK = frozenset({"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western",
                        "Central", "Greater", "Old"})


def context_spans(text: str, spans: Sequence[tuple[int, int]], gaz: Gazetteer) -> list[tuple[int, int]]:
    """Unambiguous place names elsewhere in the text: countries, demonyms, regions, counties, big cities.

    They only inform the given names ("Palermo ... the Argentine capital").
    """
    taken = bytearray(len(text) + 1)
    for s, e in spans:
        taken[s:e] = b"\x01" * (e - s)
    out: list[tuple[int, int]] = []
    gaz.context_keys()
    first_words = gaz.context_first_words
    for run in _CAPITALISED_RUN.finditer(text):
        found = run.group()
        if " " not in found and (normalize_name(found).split() or [""])[0] not in first_words:
            continue  # most runs are one word that starts no context name: skip them cheaply
        words = list(_WORD.finditer(found))
        i = 0
        while i < len(words) and len(out) < _MAX_CONTEXT:
            i += _context_at(text, run.start(), words, i, taken, gaz, out) or 1
    return out


def _known(gaz: Gazetteer, name: str, whole: bool) -> bool:
    """Whether ``name`` informs others; a town or district only as a whole name ("Vladimir" of
    "Vladimir Putin" is no town), a country or region also inside one ("Ohio State University")."""
    regions, districts, towns = gaz.context_keys()
    key = normalize_name(name)
    if key in regions:
        return True
    if not whole:
        return False
    words = name.split()
    return key in towns or (len(words) > 1 and words[-1].casefold() in ADMIN_WORDS and key in districts)


def _context_at(text: str, base: int, words: list[re.Match[str]], i: int, taken: bytearray,
                gaz: Gazetteer, out: list[tuple[int, int]]) -> int:
    """Length in words of the longest known name starting at word ``i`` (0 if none); appends its span."""
    gaz.context_keys()
    # An article is only one before a name ("El Paso"): a last word is normalised alone.
    head = words[i].group()
    lead = leading_token(head) if i + 1 < len(words) else (normalize_name(head).split() or [""])[0]
    if lead is None:  # "The ...": normalised with the next word
        lead = (normalize_name(" ".join(w.group() for w in words[i:i + 2])).split() or [""])[0]
    if lead not in gaz.context_first_words:
        return 0  # no context name starts with this word: skip the longer tries
    starts = i == 0 or words[i - 1].group() in _CONTEXT_STOP or words[i - 1].group() in _BEFORE_OK
    for n in range(min(len(words) - i, _MAX_WORDS), 0, -1):
        ends = i + n == len(words) or words[i + n].group().casefold().rstrip(",.;:") in _AFTER_OK
        start, end = base + words[i].start(), base + words[i + n - 1].end()
        name = text[start:end].rstrip(",.;:")
        end = start + len(name)
        if any(taken[start:end]) or name.casefold() in GENERIC_WORDS or name in _CONTEXT_STOP:
            continue
        if _known(gaz, name, starts and ends):
            word = _NEXT_WORD.match(text, end)
            if word and word.group(1) in ADMIN_WORDS:  # "Idlib province": the region, not the town
                end = word.end()
            out.append((start, end))
            return n
    return 0


def containers(text: str, spans: Sequence[tuple[int, int]]) -> dict[int, tuple[int, str]]:
    """Span index -> (index of the span that contains it, how) for the next span in the text.

    How: ``described`` ("X, a village in Y"), ``comma`` ("X, Y" not in a list) or ``weak``
    ("X in Y", or a comma that may be a list's).
    """
    order = sorted(range(len(spans)), key=lambda k: spans[k][0])
    out: dict[int, tuple[int, str]] = {}
    for a, b in zip(order, order[1:], strict=False):
        (_, a_end), (b_start, b_end) = spans[a], spans[b]
        if a_end > b_start or b_start - a_end > _MAX_GAP:
            continue
        gap = text[a_end:b_start]
        if (_DESCRIBED.fullmatch(gap) and not _PERSON_BETWEEN.search(gap)) or _KIND_IN.fullmatch(gap):
            out[a] = (b, DESCRIBED)
        elif _ADJACENT.fullmatch(gap):
            listed = bool(_LIST_AFTER.match(text, b_end)) or bool(_LIST_BEFORE.search(text, 0, spans[a][0]))
            out[a] = (b, COMMA if _COMMA.fullmatch(gap) and not listed else WEAK)
    return out
