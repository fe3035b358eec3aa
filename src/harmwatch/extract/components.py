"""spaCy components that write harmwatch's findings onto the ``Doc``.

| component | writes |
|---|---|
| ``harmwatch_lines`` | sentence starts at line breaks (before the parser) |
| ``harmwatch_verb_lemmas`` | ``token.lemma_`` of verbs (in place of the model's lemmatizer) |
| ``harmwatch_triggers`` | ``doc.spans["hw_triggers"]`` labelled with event types, ``span._.hw_rule`` |
| ``harmwatch_actors`` | ``doc.spans["hw_actors"]``, ``span._.hw_actor`` |
| ``harmwatch_mentions`` | ``doc._.hw_mentions``: the assembled ``Mention`` records |

Place names come from ``harmwatch_places`` (``harmwatch.geo``).  The caller puts
the source ``Document`` on ``doc._.hw_document`` before the pipeline runs; its
publication date anchors relative dates. Sentence triage (``triage.py``) puts the character ranges
it found quiet (no trigger, no figure) on ``doc._.hw_quiet``; assembly skips their sentences.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.language import Language
from spacy.symbols import VERB
from spacy.tokens import Doc, Span

from . import lexicon as lx
from .actors import ActorDictionary, load_actors
from .rules import doc_text

for _name, _default in (("hw_document", None), ("hw_mentions", ()), ("hw_quiet", ())):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
for _name in ("hw_rule", "hw_actor", "hw_strength"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.component("harmwatch_lines")
def line_sentences(doc: Doc) -> Doc:
    """A line break always ends a sentence: titles, captions and comments are lines."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
    return doc


def char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


class TriggerTagger:
    """Marks event trigger words with the event type they signal."""

    def __call__(self, doc: Doc) -> Doc:
        spans, text = [], doc_text(doc)
        for pat, m in lx.find_triggers(text, _loud(doc._.hw_quiet, len(text))):
            span = char_span(doc, m.start(), m.end(), pat.type)
            if span is not None:
                span._.hw_rule = pat.name
                span._.hw_strength = pat.strength
                spans.append(span)
        doc.spans["hw_triggers"] = sorted(spans, key=lambda s: (s.start_char, -s.end_char))
        return doc


def _loud(quiet: tuple[tuple[int, int], ...], length: int) -> list[tuple[int, int]]:
    """The ranges between the quiet ones: triage found no trigger there, and assembly skips them."""
    out, pos = [], 0
    for start, end in quiet:
        if start > pos:
            out.append((pos, start))
        pos = max(pos, end)
    return [*out, (pos, length)] if pos < length else out


@Language.factory("harmwatch_triggers")
def make_trigger_tagger(nlp: Language, name: str) -> TriggerTagger:
    return TriggerTagger()


class ActorTagger:
    """Marks actor names, normalized through the actor dictionary."""

    def __init__(self) -> None:
        self.actors: ActorDictionary | None = None

    def __call__(self, doc: Doc) -> Doc:
        if self.actors is None:
            self.actors = load_actors()
        spans = []
        for match in self.actors.find(doc_text(doc)):
            span = char_span(doc, match.start, match.end, match.actor.name)
            if span is not None:
                span._.hw_actor = match.actor
                spans.append(span)
        doc.spans["hw_actors"] = spans
        return doc


@Language.factory("harmwatch_actors")
def make_actor_tagger(nlp: Language, name: str) -> ActorTagger:
    return ActorTagger()


class VerbLemmas:
    """Lemmas of verbs only, from the model's lemmatizer (which ``build_nlp`` disables).

    The rules read the lemma of verbs alone (reporting verbs: "say", "report"), and lemmatizing every
    token cost about as much as the parser (issue 9). A verb gets the very lemma the lemmatizer would
    give it; other tokens keep the attribute ruler's lemma or none.
    """

    def __init__(self) -> None:
        self.lemmatizer: Any = None

    def __call__(self, doc: Doc) -> Doc:
        if self.lemmatizer is None:
            return doc
        pos, lemmas = doc.to_array("POS"), doc.to_array("LEMMA")
        for i in numpy.flatnonzero((pos == VERB) & (lemmas == 0)):  # only verbs are looked at in Python
            tok = doc[int(i)]
            tok.lemma_ = self.lemmatizer.lemmatize(tok)[0]
        return doc


@Language.factory("harmwatch_verb_lemmas")
def make_verb_lemmas(nlp: Language, name: str) -> VerbLemmas:
    return VerbLemmas()


class MentionAssembler:
    """Turns the spans above into ``Mention`` records on ``doc._.hw_mentions``."""

    def __call__(self, doc: Doc) -> Doc:
        from .assemble import assemble  # keeps import of this module light

        doc._.hw_mentions = tuple(assemble(doc))
        return doc


@Language.factory("harmwatch_mentions")
def make_mention_assembler(nlp: Language, name: str) -> MentionAssembler:
    return MentionAssembler()
