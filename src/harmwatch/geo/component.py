"""The spaCy component ``harmwatch_places``: find place names in a Doc and resolve them together.

It reads ``doc.ents`` (GPE, LOC; FAC when the gazetteer knows it; NORP only for
demonyms of countries) and adds gazetteer names the NER missed or took for a
person ("shelling in Jisr al-Shughur"). It writes ``doc.spans["hw_places"]``
with ``span._.place`` set to the resolved ``Place`` (or None).

Importing this module imports spaCy; ``harmwatch.geo`` imports it only on use.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..config import from_env
from .index import Gazetteer
from .resolve import resolve

SPANS_KEY = "hw_places"
_PLACE_LABELS = frozenset({"GPE", "LOC"})
_MAYBE_LABELS = frozenset({"FAC", "NORP", "PERSON", "ORG"})
# Words that make the capitalised name after them a place: "fighting near Kafr Nabl".
_LOCATIVE = frozenset({
    "in", "near", "at", "outside", "from", "to", "into", "around", "toward", "towards", "across",
    "through", "inside", "via", "between",
})
_MAX_RUN = 4
_MIN_POPULATION = 10_000  # a capitalised word alone must be at least this big a town to count

if not Span.has_extension("place"):
    Span.set_extension("place", default=None)


class PlaceResolver:
    """Callable pipeline component; set ``gazetteer`` after ``add_pipe`` to choose the index."""

    def __init__(self, name: str = "harmwatch_places", *, gazetteer: Gazetteer | None = None,
                 detect_missed: bool = True) -> None:
        self.name = name
        self.gazetteer = gazetteer
        self.detect_missed = detect_missed

    def _gaz(self) -> Gazetteer:
        if self.gazetteer is None:
            self.gazetteer = Gazetteer.open(from_env().gazetteer_path)
        return self.gazetteer

    def __call__(self, doc: Doc) -> Doc:
        gaz = self._gaz()
        spans = sorted(self._find(doc, gaz), key=lambda s: s.start_char)
        toponyms = resolve(doc.text, [(s.start_char, s.end_char) for s in spans], gaz)
        kept = []
        for span, topo in zip(spans, toponyms, strict=True):
            if topo.place is None and span.label_ not in _PLACE_LABELS:
                continue
            span._.place = topo.place
            kept.append(span)
        doc.spans[SPANS_KEY] = kept
        return doc

    def _find(self, doc: Doc, gaz: Gazetteer) -> Iterator[Span]:
        taken = [False] * len(doc)
        for ent in doc.ents:
            if ent.label_ in _PLACE_LABELS or (ent.label_ in _MAYBE_LABELS and _ent_is_place(ent, gaz)):
                for k in range(ent.start, ent.end):
                    taken[k] = True
                yield Span(doc, ent.start, ent.end, label=ent.label_)
        if self.detect_missed:
            ent_tokens = {k for ent in doc.ents for k in range(ent.start, ent.end)}
            yield from _missed(doc, gaz, taken, ent_tokens)


def _after_locative(span: Span) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in _LOCATIVE


def _ent_is_place(ent: Span, gaz: Gazetteer) -> bool:
    """FAC, NORP, PERSON and ORG entities that are really places."""
    found = gaz.matches(ent.text, fuzzy=False)
    if ent.label_ == "NORP":
        return any(m.place.feature == "PCLI" for m in found)
    if ent.label_ == "FAC":
        return bool(found)
    # The NER often takes romanised Arabic place names for people.
    return bool(found) and _after_locative(ent) and any(m.kind <= 1 for m in found)


def _strong(span: Span, gaz: Gazetteer) -> bool:
    found = [m for m in gaz.matches(span.text, fuzzy=False) if m.kind <= 1]
    if not found:
        return False
    if _after_locative(span):
        return True
    return any(m.place.feature != "PPL" or m.place.population >= _MIN_POPULATION for m in found)


def _sentence_initial(doc: Doc, i: int) -> bool:
    if i == 0:
        return True
    prev = doc[i - 1]
    return prev.is_punct and prev.text in {".", "!", "?", ":", '"', "“", "\n"} or "\n" in prev.text


def _missed(doc: Doc, gaz: Gazetteer, taken: list[bool], ent_tokens: set[int]) -> Iterator[Span]:
    """Runs of capitalised tokens outside every entity that the gazetteer knows as a place."""
    i = 0
    while i < len(doc):
        tok = doc[i]
        if taken[i] or i in ent_tokens or not tok.is_title or tok.is_stop or _sentence_initial(doc, i):
            i += 1
            continue
        for n in range(min(_MAX_RUN, len(doc) - i), 0, -1):
            if any(taken[k] or k in ent_tokens for k in range(i, i + n)):
                continue
            span = Span(doc, i, i + n, label="GPE")
            if span[-1].is_title and _strong(span, gaz):
                for k in range(i, i + n):
                    taken[k] = True
                yield span
                i += n
                break
        else:
            i += 1


@Language.factory("harmwatch_places", default_config={"detect_missed": True})
def make_places(nlp: Language, name: str, detect_missed: bool) -> PlaceResolver:
    return PlaceResolver(name, detect_missed=detect_missed)
