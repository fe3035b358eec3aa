"""The spaCy component ``harmwatch_places``: find place names in a Doc and resolve them together.

Detection starts from ``doc.ents``: GPE and LOC always; FAC, NORP, PERSON and
ORG-like entities only where the gazetteer confirms a place (NORP only as a
country's demonym). When ``detect_missed`` is on it also takes

- place names inside organisation names ("the Fargo Police", "Minnesota House");
- capitalised names the NER missed, and all-capital datelines ("HUDSON —");
- later repeats of a name already found (one sense per discourse).

It writes ``doc.spans["hw_places"]``, each span with ``span._.place`` set to the
resolved ``Place`` (or None for a GPE/LOC the gazetteer does not know).

Importing this module imports spaCy; ``harmwatch.geo`` imports it only on use.
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..config import from_env
from ..model import Place
from .event import quarter_named, quarter_names
from .index import Gazetteer, Match, is_user
from .resolve import RunFocus, resolve
from .sources import ABBR, ALT, DEMONYM, PRIMARY
from .spatial import km
from .tables import ADMIN_WORDS, ARABIC_ARTICLES, GENERIC_WORDS, PLACE_WORDS

SPANS_KEY = "hw_places"
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_NAME_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "NORP", "PERSON", "LANGUAGE"})
# Entities whose names often hold a place name: "the Fargo Police", "Minnesota House".
_EMBED_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"})
# A capitalised name after these is a place: "fighting near Kafr Nabl".
_LOCATIVE = frozenset({
    "in", "near", "at", "outside", "into", "around", "toward", "towards", "across", "through",
    "inside",
})
# Weaker cues: a town's own name after them is a place ("shelling on Aleppo", "areas of Aleppo").
_WEAK_LOCATIVE = frozenset({
    "of", "on", "from", "to", "target", "targets", "targeted", "targeting", "hit", "hits", "struck",
    "shelled", "bombed", "northern", "southern", "eastern", "western", "central", "old", "'s", "’s",
    "shell", "shells", "shelling", "bomb", "bombs", "bombing", "strike", "strikes", "attack", "attacks",
    "attacked", "raid", "raids", "raided", "stormed", "besieged", "besiege", "entered", "captured",
})
# Words after a name that say it is a place: "Aleppo city", "Daraa countryside", "Homs province".
_PLACE_AFTER = PLACE_WORDS | ADMIN_WORDS
_DATELINE_END = re.compile(r"\s*(?:,|—|–|-{1,3}|\()")
_ALIAS_FEATURES = frozenset({"PCLI", "CONT", "RGN"})
_BIG_FEATURES = frozenset({"PCLI", "CONT", "RGN", "ADM1", "ADM2"})
_MAX_RUN = 4
_MIN_LETTERS = 3
# Without a locative word before it, a lone capitalised town name must be this big to count.
_BIG_TOWN = 100_000
# Words after a town's name that make it the place of an event: "the Aleppo offensive".
_EVENT_NOUNS = frozenset({
    "offensive", "siege", "battle", "front", "frontline", "ceasefire", "truce", "evacuation", "evacuations",
    "operation", "campaign", "assault", "fighting", "bombing", "bombings", "bombardment", "massacre", "attack",
    "attacks", "strikes", "airstrikes", "pocket", "enclave", "clashes", "blockade",
})
_EMBEDDED_TOWN = 10_000
_SMALL_TOWN = 5_000

if not Span.has_extension("place"):
    Span.set_extension("place", default=None)
if not Span.has_extension("quarter"):
    Span.set_extension("quarter", default=False)  # named as a town's quarter, here or elsewhere in the doc


class PlaceResolver:
    """Callable pipeline component; set ``gazetteer`` after ``add_pipe`` to choose the index."""

    def __init__(self, name: str = "harmwatch_places", *, gazetteer: Gazetteer | None = None,
                 detect_missed: bool = True, run_context: bool | None = None) -> None:
        self.name = name
        self.gazetteer = gazetteer
        self.detect_missed = detect_missed
        # Off (HARMWATCH_RUN_CONTEXT=0): every document is read alone, whatever came before it.
        self.run_context = from_env().run_context if run_context is None else run_context
        self.run = RunFocus()  # the geography of the documents this component has read
        self.by_source: dict[str, RunFocus] = {}  # the same per source ("SOHR" is about Syria)

    def _gaz(self) -> Gazetteer:
        if self.gazetteer is None:
            self.gazetteer = Gazetteer.open(from_env().gazetteer_path)
        return self.gazetteer

    def _runs(self, doc: Doc) -> tuple[RunFocus | None, RunFocus | None]:
        """The run focus that informs ``doc`` and the other one its places also count for: its source's,
        once that has read enough documents to say something, else the whole run's."""
        if not self.run_context:
            return None, None
        document = doc._.hw_document if doc.has_extension("hw_document") else None
        source = getattr(document, "source", None)
        if not source:
            return self.run, None
        mine = self.by_source.setdefault(source, RunFocus())
        return (mine, self.run) if mine.shares() else (self.run, mine)

    def __call__(self, doc: Doc) -> Doc:
        gaz = self._gaz()
        finder = _Finder(doc, gaz)
        spans = finder.find(self.detect_missed)
        own, other = self._runs(doc)
        text = doc.text  # rebuilt on every access
        toponyms = resolve(text, [(s.start_char, s.end_char) for s in spans], gaz, context=False, run=own)
        if other is not None:
            other.add(t.place for t in toponyms)
        vouched: Counter[str | None] = Counter(t.place.country for s, t in zip(spans, toponyms, strict=True)
                                               if t.place and t.place.country and s.start not in finder.weak)
        places = [_fitting(text, span, topo.place, finder, _others(span, topo.place, finder, vouched), gaz)
                  for span, topo in zip(spans, toponyms, strict=True)]
        kept = []
        for span, place in zip(spans, _quarters_in_town(spans, places, finder), strict=True):
            unplaced_ok = span.label_ in _PLACE_LABELS and span.start not in finder.found
            if place is None and not (unplaced_ok or span.start in finder.quarters):
                continue  # only a name the NER calls a place, or a named quarter, stays without one
            span._.place = place
            span._.quarter = span.start in finder.quarters
            kept.append(span)
        doc.spans[SPANS_KEY] = kept
        return doc


class _Finder:
    """Collects the place-name spans of one Doc without overlaps."""

    def __init__(self, doc: Doc, gaz: Gazetteer) -> None:
        self.doc, self.gaz = doc, gaz
        self.taken = [False] * len(doc)
        self.spans: list[Span] = []
        people = [e for e in doc.ents if e.label_ == "PERSON" and len(e) > 1]
        # Tokens of full personal names, and the surnames they give ("Saakashvili" alone later).
        self.person_tokens = {k for e in people for k in range(e.start, e.end)}
        self.surnames = {e[-1].text for e in people}
        self.taken_by_ents: set[int] = set()  # filled before the scan outside entities
        self.weak: set[int] = set()  # start tokens of spans found by the gazetteer alone, without a cue
        self.found: set[int] = set()  # start tokens of every span the NER did not label a place
        self.quarters: set[int] = set()  # start tokens of quarters named as such: kept even when unresolved

    def find(self, detect_missed: bool) -> list[Span]:
        self._quarters()
        for ent in map(self._uncompassed, self.doc.ents):
            # "the Old City" (of Homs) is no place of its own; "the West Bank" is.
            generic = _generic(ent) or (_trim(ent) or ent).text.casefold() in GENERIC_WORDS
            if ent.label_ in _PLACE_LABELS and not self._a_person(ent) and not generic:
                self._add(self._completed(_trim(ent)), ent.label_, found=False)
            elif ent.label_ in _NAME_LABELS and self._entity_is_place(ent):
                # A people's name ("Russian") vouches for its country but is not where anything happens.
                people = (ent.label_ in ("NORP", "LANGUAGE") and not _after_locative(ent)
                          and not ((_cued(ent) or self._named_event(ent)) and self._town(ent.text)))
                self._add(_trim(ent), "NORP" if people else "GPE",
                          weak=ent.label_ not in ("NORP", "LANGUAGE") and not _cued(ent))
        if detect_missed:
            for ent in self.doc.ents:
                if ent.label_ in _EMBED_LABELS and not self.taken[ent.start]:
                    self._runs(ent.start, ent.end, _EMBEDDED_TOWN)
            self.taken_by_ents = {k for e in self.doc.ents for k in range(e.start, e.end)}
            self._runs(0, len(self.doc), _BIG_TOWN)
            self._repeats()
        return sorted(self.spans, key=lambda s: s.start)

    def _quarters(self) -> None:
        """Names that words make a town's quarter ("the al-Kalasa neighbourhood"), which the NER often misses
        or takes for a person: a quarter the gazetteer lacks still tells two events in one city apart."""
        names = set()
        text = self.doc.text  # Doc.text is rebuilt on every access
        for start, end in quarter_names(text):
            span = self.doc.char_span(start, end)
            if span is None or _generic(span) or self._demonym(span.text) or self._big(span.text, _BIG_TOWN):
                continue  # "the Old City quarter", "the Christian quarter", "the Damascus suburb of Douma"
            names.add(span.text)
            if self._add(span, "LOC"):
                self.quarters.add(span.start)
        # The same name again, without its cue word ("chlorine was used in al-Sukkari"): the same quarter.
        for name in sorted(names):
            for m in re.finditer(rf"(?<![\w'’-]){re.escape(name)}(?![\w'’-])", text):
                span = self.doc.char_span(m.start(), m.end())
                if span is not None and self._add(span, "LOC"):
                    self.quarters.add(span.start)

    def _demonym(self, text: str) -> bool:
        return any(m.kind == DEMONYM for m in self.gaz.matches(text, fuzzy=False))

    def _uncompassed(self, ent: Span) -> Span:
        """"east Aleppo", which the small model calls a people, is the east of a town: the town, a place."""
        if len(ent) > 1 and ent[0].text in _COMPASS_BEFORE and self._town(ent[1:].text):
            return Span(self.doc, ent.start + 1, ent.end, label="GPE")
        return ent

    def _add(self, span: Span | None, label: str, weak: bool = False, found: bool = True) -> bool:
        if span is None or len(span) == 0 or any(self.taken[span.start:span.end]):
            return False
        if found:
            self.found.add(span.start)
        self.taken[span.start:span.end] = [True] * len(span)
        if weak:
            self.weak.add(span.start)
        self.spans.append(Span(self.doc, span.start, span.end, label=label))
        return True

    def _completed(self, span: Span | None) -> Span | None:
        """The NER's place name cut short ("Tal" of "Tal Abyad", "Deir" of "Deir ez-Zor") made whole:
        the longest run of up to ``_MAX_RUN`` more name tokens that the gazetteer knows as one name."""
        if span is None:
            return None
        doc = span.doc
        for end in range(min(len(doc), span.end + _MAX_RUN), span.end, -1):
            tail = doc[span.end:end]
            if not (tail[-1].is_title or tail[-1].is_upper) or any(not _name_part(t) for t in tail):
                continue
            if any(not doc[k].whitespace_ and doc[k + 1].text != "-" and doc[k].text != "-"
                   for k in range(span.end - 1, end - 1)):
                continue  # glued to punctuation: not one name
            if self._exact(doc[span.start:end].text):
                return doc[span.start:end]
        return span

    def _a_person(self, ent: Span) -> bool:
        """A GPE that is a person's surname here ("Strickland said") when the gazetteer has no such place."""
        return len(ent) == 1 and ent.text in self.surnames and not self._exact(ent.text)

    def _exact(self, text: str, cued: bool = False) -> list[Match]:
        """Matches good enough to detect a name: a place's own name, or an alias of a country or region;
        any alternate name when a word before it says a place follows ("near Kafr Nabl").

        GeoNames alternate names include historic and colloquial names ("Center", "Bank") that
        would turn ordinary words into places.
        """
        return [m for m in self.gaz.matches(text, fuzzy=False)
                if m.kind == PRIMARY or m.place.feature in _ALIAS_FEATURES or (cued and m.kind == ALT)]

    def _town(self, text: str) -> bool:
        """A populated place or region by its own name ("Aleppo"), not an alternate one."""
        return any(m.kind == PRIMARY and m.place.feature not in ("PCLI", "CONT")
                   for m in self.gaz.matches(text, fuzzy=False))

    def _named_event(self, ent: Span) -> bool:
        """A big town's name before an event word ("the Aleppo offensive", "the Homs truce"), not "Aleppo fans"."""
        doc = ent.doc
        return (ent.end < len(doc) and doc[ent.end].lower_ in _EVENT_NOUNS
                and any(m.kind == PRIMARY and (m.place.feature or "").startswith("PPL")
                        and m.place.population >= _BIG_TOWN for m in self.gaz.matches(ent.text, fuzzy=False)))

    def _big(self, text: str, min_population: int) -> bool:
        return any(m.place.feature in _BIG_FEATURES or m.place.population >= min_population
                   for m in self._exact(text))

    def _entity_is_place(self, ent: Span) -> bool:
        """A non-place entity that is really a place: the NER takes Arabic town names for people."""
        if ent.label_ in ("NORP", "LANGUAGE"):
            # A demonym, or a town the small model takes for a people ("shells hit areas of Aleppo city").
            return (any(m.place.feature == "PCLI" for m in self.gaz.matches(ent.text, fuzzy=False))
                    or ((_cued(ent) or self._named_event(ent)) and self._town(ent.text)))
        if ent.label_ == "PERSON" and (ent.start in self.person_tokens or ent.text in self.surnames):
            if _after_weak_locative(ent) and not _after_locative(ent):
                return self._town(ent.text)  # "the city of Khan Shaykhun"
            return (_after_locative(ent) or _before_place_word(ent)) and bool(self._exact(ent.text, cued=True))
        if _after_locative(ent) or _before_place_word(ent) or self._after_country(ent):
            return bool(self._exact(ent.text, cued=True))
        if _cued(ent) and self._town(ent.text):
            return True
        return self._big(ent.text, _EMBEDDED_TOWN if ent.label_ != "PERSON" else _BIG_TOWN)

    def _runs(self, lo: int, hi: int, min_population: int) -> None:
        """Capitalised token runs in [lo, hi) that the gazetteer knows well enough."""
        i = lo
        while i < hi:
            n = self._run_at(i, hi, min_population)
            i += n or 1

    def _run_at(self, i: int, hi: int, min_population: int) -> int:
        tok = self.doc[i]
        if self.taken[i] or i in self.person_tokens or i in self.taken_by_ents or tok.is_stop:
            return 0
        if not (tok.is_title or _dateline(tok)):
            return 0
        for n in range(min(_MAX_RUN, hi - i), 0, -1):
            span = self.doc[i:i + n]
            last = span[-1]
            if any(self.taken[i:i + n]) or not (last.is_title or last.is_upper) or _generic(span):
                continue
            if sum(c.isalpha() for c in span.text) < _MIN_LETTERS:
                continue
            if not last.whitespace_ and last.i + 1 < len(self.doc) and self.doc[last.i + 1].text == "-":
                continue  # part of a hyphenated name: "Wal-Mart"
            strong = (_after_locative(span) or _before_place_word(span) or self._after_country(span)
                      or _line_label(span))
            cued = _dateline(tok) or strong
            if span.text.endswith("."):
                ok = self._abbreviation(span)  # "Columbus, Ga.", "U.S. Attorney"; not "Mr."
            elif cued:
                ok = bool(self._exact(span.text, cued=strong))
            elif _after_weak_locative(span) and self._town(span.text):
                ok, cued = True, True
            else:
                ok = not _sentence_initial(self.doc, i) and self._big(span.text, min_population)
            if ok and self._add(span, "GPE", weak=not cued):
                return n
        return 0

    def _after_country(self, span: Span) -> bool:
        """After a country's possessive: "Syria's Azaz", "in Iraq's Mosul" name a place of that country."""
        doc = span.doc
        if span.start < 2 or doc[span.start - 1].lower_ not in ("'s", "’s"):
            return False
        return any(m.place.feature == "PCLI" for m in self.gaz.matches(doc[span.start - 2].text, fuzzy=False))

    def _abbreviation(self, span: Span) -> bool:
        """A country alias anywhere ("U.S."), a state abbreviation after a comma or hyphen ("D-S.C.")."""
        found = self.gaz.matches(span.text, fuzzy=False)
        if any(m.place.feature == "PCLI" and m.kind <= ALT for m in found):
            return True
        after_sep = span.start > 0 and self.doc[span.start - 1].text in {",", "-"}
        return after_sep and any(m.kind == ABBR and m.place.feature == "ADM1" for m in found)

    def _repeats(self) -> None:
        """Later occurrences of a name already taken as a place, outside personal names."""
        names = {s.text: s.start in self.weak for s in self.spans
                 if sum(c.isalpha() for c in s.text) >= _MIN_LETTERS and self._exact(s.text)}
        text = self.doc.text  # Doc.text is rebuilt on every access
        for name, weak in sorted(names.items()):
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                span = self.doc.char_span(m.start(), m.end())
                if span is not None and not any(k in self.person_tokens for k in range(span.start, span.end)):
                    self._add(span, "GPE", weak=weak)


def _others(span: Span, place: Place | None, finder: _Finder, vouched: Counter[str | None]) -> set[str]:
    """The countries that the document's names other than ``span`` (resolved to ``place``) vouch for."""
    own: Counter[str | None] = Counter()
    if place is not None and span.start not in finder.weak:
        own[place.country] += 1
    return {c for c in (vouched - own) if c}


def _fitting(text: str, span: Span, place: Place | None, finder: _Finder, others: set[str],
             gaz: Gazetteer) -> Place | None:
    """``place`` if it fits the geography of the document's other names (``others``), else None.

    A name found by the gazetteer alone, without a cue, must lie in one of their countries ("Toyota"
    is a Japanese city, but not in a story about Ohio); one found by a cue, near them ("Bostan" in an
    Aleppo story is a quarter, not the town in Iran); a village far from all of them is more likely a
    street or quarter nobody lists than a namesake abroad. A small place matched by the first words of
    a longer name, or a quarter matched abroad, is a namesake too (``_cut_short``, ``_foreign_quarter``).
    """
    if place is None or _cut_short(text, span, place) or _foreign_quarter(text, span, place, others):
        return None
    if not others:
        return place
    if span.start in finder.weak:
        return place if place.country in others else None
    near = others | {n for c in others for n in gaz.neighbours(c)}
    if place.country in near or is_user(place):
        return place
    if span.start in finder.found and place.population < _BIG_TOWN:
        return None
    return None if place.feature == "PPL" and place.population < _SMALL_TOWN else place


QUARTER_KM = 30.0  # a town's quarter lies this close to the town


def _quarters_in_town(spans: list[Span], places: list[Place | None], finder: _Finder) -> list[Place | None]:
    """``places`` with each named quarter's match kept only if it can be that quarter (``_in_town``); a name
    left unplaced as a quarter is unplaced wherever the document repeats it (one sense per document)."""
    towns = [p for s, p in zip(spans, places, strict=True) if p and p.population and s.start not in finder.quarters]
    out = list(places)
    unplaced: set[str] = set()
    for i, span in enumerate(spans):
        place = out[i]
        if span.start in finder.quarters:
            out[i] = _in_town(place, [t for t in towns if place is None or t.geonameid != place.geonameid])
            if out[i] is None:
                unplaced.add(span.text)
    return [None if span.text in unplaced else place for span, place in zip(spans, out, strict=True)]


def _in_town(place: Place | None, towns: list[Place]) -> Place | None:
    """The match of a name that words make a quarter, if it can be one: not a fuzzy match ("Al-Masharqa" is
    not the village of Al 'Asharah), and near a town the document names when it names any."""
    if place is None or is_user(place) or place.geonameid is None:
        return place
    if place.reason.startswith("fuzzy"):
        return None
    points = [(t.lat, t.lon) for t in towns if t.lat is not None and t.lon is not None]
    if place.lat is None or place.lon is None or not points:
        return place
    return place if any(km(place.lat, place.lon, lat, lon) <= QUARTER_KM for lat, lon in points) else None


def _foreign_quarter(text: str, span: Span, place: Place, others: set[str]) -> bool:
    """A quarter of a town ("the district of al-Hamdaniyeh") whose match lies in none of the countries the
    document's other names vouch for: a namesake abroad (Iraq's Al-Hamdaniya in an Aleppo story)."""
    if not others or place.country in others or is_user(place):
        return False
    return quarter_named(text, span.start_char, span.end_char)


# A name that goes on with an Arabic article and a capital ("Bustan al-Qasr"): longer than what matched.
_GOES_ON = re.compile(rf"[ \t]+(?i:{ARABIC_ARTICLES})-[A-Z]")


def _cut_short(text: str, span: Span, place: Place) -> bool:
    """Whether the gazetteer matched only the first words of a longer name ("Bustan" of "Bustan al-Qasr",
    an Aleppo quarter), so the small place it found is a namesake elsewhere, not the place meant."""
    return (place.population < _EMBEDDED_TOWN and not is_user(place)
            and _GOES_ON.match(text, span.end_char) is not None)


_NAME_PARTICLES = frozenset({"al", "el", "ad", "as", "ash", "az", "ar", "an", "at", "ez", "es", "er", "ed", "of",
                             "de", "du", "la", "le", "-"})


def _name_part(tok: Token) -> bool:
    """A token that may continue a place name: a capitalised word, an Arabic article, a hyphen."""
    return tok.is_title or tok.is_upper and tok.is_alpha or tok.lower_ in _NAME_PARTICLES


def _generic(span: Span) -> bool:
    """Whether the run is only generic words ("West", "State Police") or a generic phrase."""
    return span.text.casefold() in GENERIC_WORDS or all(t.lower_ in GENERIC_WORDS for t in span)


def _trim(span: Span) -> Span | None:
    """Drop a leading "the" and a trailing possessive: "the United States" -> "United States"."""
    start, end = span.start, span.end
    if start < end and span.doc[start].lower_ == "the":
        start += 1
    if start < end and span.doc[end - 1].lower_ in ("'s", "’s", "'", "’"):
        end -= 1
    return span.doc[start:end] if start < end else None


def _after_locative(span: Span) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in _LOCATIVE


# Lower-case only: "east Aleppo" is the town's east, "East" starts a name ("South Side", "West Bank").
_COMPASS_BEFORE = frozenset({"north", "south", "east", "west"})


def _after_weak_locative(span: Span) -> bool:
    if span.start == 0:
        return False
    before = span.doc[span.start - 1]
    return before.lower_ in _WEAK_LOCATIVE or before.text in _COMPASS_BEFORE


# Verbs whose object is a place when the gazetteer knows the name as a town: "ISIS recaptured Palmyra".
_PLACE_VERBS = frozenset({"capture", "recapture", "seize", "take", "retake", "storm", "overrun", "enter", "besiege",
                          "encircle", "surround", "liberate", "bomb", "shell", "strike", "pound", "evacuate"})


def _taken_or_struck(span: Span) -> bool:
    root = span.root
    return root.dep_ == "dobj" and root.head.pos_ == "VERB" and root.head.lemma_.lower() in _PLACE_VERBS


def _before_place_word(span: Span) -> bool:
    return span.end < len(span.doc) and span.doc[span.end].lower_ in _PLACE_AFTER


def _cued(span: Span) -> bool:
    """Some word next to the name says it is a place."""
    return _after_locative(span) or _after_weak_locative(span) or _before_place_word(span) or _taken_or_struck(span)


def _dateline(tok: Token) -> bool:
    """An all-capital word at the start of a line or sentence, followed by a dash or comma."""
    doc = tok.doc
    if not tok.is_upper or not tok.is_alpha or len(tok) < _MIN_LETTERS:
        return False
    if not _sentence_initial(doc, tok.i):
        return False
    j = tok.i
    while j + 1 < len(doc) and doc[j + 1].is_upper and doc[j + 1].is_alpha:
        j += 1
    return bool(_DATELINE_END.match(doc.text[doc[j].idx + len(doc[j]):]))


_BULLETS = frozenset({"-", "*", "•", "–", "—", "·"})


def _line_label(span: Span) -> bool:
    """A name that labels a line of a field report: "- Harasta: 5 injured after mortar fire"."""
    doc, i = span.doc, span.start
    if span.end >= len(doc) or doc[span.end].text != ":":
        return False
    if i == 0 or "\n" in doc[i - 1].text_with_ws:
        return True
    prev = doc[i - 1]
    return prev.text in _BULLETS and (prev.i == 0 or "\n" in doc[prev.i - 1].text_with_ws)


def _sentence_initial(doc: Doc, i: int) -> bool:
    if i == 0:
        return True
    prev = doc[i - 1]
    return prev.text in {".", "!", "?", ":", '"', "“", "”", "—"} or "\n" in prev.text_with_ws


@Language.factory("harmwatch_places", default_config={"detect_missed": True})
def make_places(nlp: Language, name: str, detect_missed: bool) -> PlaceResolver:
    return PlaceResolver(name, detect_missed=detect_missed)
