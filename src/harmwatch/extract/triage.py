"""Sentence triage: the spaCy model runs only on the sentences that can hold an event.

A sentence is *event-bearing* when a trigger pattern of the lexicon matches it, it states a figure
(``find_figures``) or another voice's figure ("Moscow put the figure at 50,000", ``extract.restate``):
only such sentences can give a mention, and only the rules that assemble a mention read the model's
annotations. Event-bearing sentences, in runs, go through the whole model (tok2vec,
tagger, parser, attribute ruler, verb lemmas, NER); the other runs are only tokenized, each of their
sentences a flat tree. The pieces are joined back into one ``Doc`` over the unchanged text, so every
character offset is the same as without triage; harmwatch's components then run on it as usual.

Place names outside event sentences, which place resolution still reads (the document's focus city,
countries that vouch for a reading), are found without the NER by ``harmwatch_places``' gazetteer scan
(capitalised names, names after "in"/"near", repeats of names found elsewhere). On the seeds this gives
the same scores as the NER everywhere; it can change the focus city of a document, mostly for the better
(a person's name the NER took for a far-away town no longer counts).

Sentences are cut by a cheap rule (end punctuation, spaces, a capital; not after "Mr." or "U.S.")
within lines (``harmwatch_lines`` starts a sentence at every line break). A parsed run sees less context
than in its whole document, so its parse can differ at its first or last words, rarely (a dateline
"CITY, Country, date -" may stay in its sentence). When the pieces do not join back to the text (a
tokenizer corner case), that document is parsed whole; so is a text where triage would skip little.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from . import lexicon as lx
from .figures import find_figures
from .restate import RESTATING_WORDS

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MIN_SAVING = 0.1  # parse a document whole when triage would skip less than this share of its text
# A sentence ends at . ! or ? (and closing quotes or brackets), then spaces, then a capital or digit.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*[ \t]+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"(\S+)[.!?][\"'”’)\]]*[ \t]+$")
# Words whose period does not end a sentence ("Mr. Assad", "Gen. Smith", "Jan. 5").
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "cpl", "adm", "st", "rev", "prof",
    "sen", "rep", "gov", "pres", "sheikh", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "no", "nos", "vol", "inc", "co", "corp", "ltd", "jr", "sr", "vs", "etc", "approx",
    "est", "ft", "mt", "fig", "al",
})


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    parse: bool


def is_event_line(line: str) -> bool:
    """A trigger word or a figure: the text (a line or a sentence) may hold a mention."""
    if not line.strip():
        return False
    return bool(lx.TRIGGER_STARTS.search(line) or RESTATING_WORDS.search(line)) or bool(find_figures(line, 0))


def _ends_sentence(text: str, cut: int) -> bool:
    """Whether the punctuation before ``cut`` ends a sentence, not an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, cut - 40), cut)
    if m is None:
        return True
    word = m.group(1).lstrip("\"'“‘([")
    if "." in word or (len(word) == 1 and word.isalpha()):  # "U.S.", "J. Smith"
        return False
    return word.lower() not in _ABBREVIATIONS


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of the sentences of the line ``text[start:end]``; each keeps its trailing spaces."""
    end = len(text) if end is None else end
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        if _ends_sentence(text, m.end()):
            yield pos, m.end()
            pos = m.end()
    if pos < end:
        yield pos, end


def parts(text: str) -> list[Part]:
    """Runs of whole sentences covering ``text`` (a line break ends a sentence), marked to parse or not."""
    out: list[Part] = []
    for a, b in _piece_sentences(text, 0, len(text)):
        parse = is_event_line(text[a:b])
        if out and out[-1].parse == parse:
            out[-1] = Part(out[-1].start, b, parse)
        else:
            out.append(Part(a, b, parse))
    return out


def _worth_it(text: str, found: Sequence[Part]) -> bool:
    skipped = sum(p.end - p.start for p in found if not p.parse)
    return len(found) > 1 and skipped >= MIN_SAVING * max(len(text), 1)


def _piece_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentences of ``text[start:end]``, line by line."""
    pos = start
    while pos < end:
        cut = text.find("\n", pos, end)
        line_end = end if cut < 0 else cut + 1
        yield from sentences(text, pos, line_end)
        pos = line_end


class Triage:
    """Turns texts into ``Doc``s parsed only where it matters; ``nlp`` is harmwatch's full pipeline."""

    def __init__(self, nlp: Language) -> None:
        from . import components  # noqa: F401  (registers doc._.hw_quiet)

        self.nlp = nlp
        names = nlp.pipe_names
        self.harmwatch = [n for n in names if n.startswith("harmwatch_") and n not in _MODEL_SIDE]
        self.model_only = [n for n in names if n not in self.harmwatch]

    def docs(self, texts: Sequence[str], batch_size: int) -> list[Doc]:
        """One Doc per text with the spaCy model's annotations (not yet harmwatch's)."""
        plans = [parts(t) for t in texts]
        triaged = [_worth_it(t, p) for t, p in zip(texts, plans, strict=True)]
        # Each run completes before the next: select_pipes changes the shared nlp while it is active.
        whole = iter(self._run(self.model_only, [t for t, tr in zip(texts, triaged, strict=True) if not tr],
                               batch_size))
        # Pieces are short: a bigger batch keeps the model's matrix products about as large as for whole texts.
        pieces = [text[p.start:p.end] for text, plan, tr in zip(texts, plans, triaged, strict=True) if tr
                  for p in plan if p.parse]
        parsed = iter(self._run(self.model_only, pieces, batch_size * 16))
        joined = iter([self._join(text, plan, [next(parsed) if p.parse else self._flat(text, p) for p in plan])
                       for text, plan, tr in zip(texts, plans, triaged, strict=True) if tr])
        return [next(joined) if tr else next(whole) for tr in triaged]

    def _run(self, enabled: list[str], texts: Sequence[str], batch_size: int) -> list[Doc]:
        if not texts:
            return []
        disabled = [n for n in self.nlp.pipe_names if n not in enabled]
        with self.nlp.select_pipes(disable=disabled):
            return list(self.nlp.pipe(texts, batch_size=batch_size))

    def _flat(self, text: str, part: Part) -> Doc:
        """An unparsed piece: only tokenized, each of its sentences one flat tree, its first token the root."""
        import numpy
        from spacy.attrs import DEP, HEAD

        piece = text[part.start:part.end]
        doc = self.nlp.make_doc(piece)
        if not len(doc):
            return doc
        idx = doc.to_array("IDX").astype("int64")
        starts = numpy.array([a - part.start for a, _ in _piece_sentences(text, part.start, part.end)])
        breaks = numpy.array([m.end() for m in re.finditer("\n", piece)], dtype="int64")
        # A token starts a sentence at a sentence start, or when a line break lies since the previous token.
        lines_before = numpy.searchsorted(breaks, idx, "right")
        is_root = numpy.isin(idx, starts)
        is_root[0] = True
        is_root[1:] |= lines_before[1:] > lines_before[:-1]
        order = numpy.arange(len(doc))
        root = numpy.maximum.accumulate(numpy.where(is_root, order, 0))
        strings = self.nlp.vocab.strings
        deps = numpy.where(is_root, strings.add("ROOT"), strings.add("dep")).astype("uint64")
        arrays = numpy.stack([(root - order).astype("uint64"), deps], axis=1)  # heads as offsets, as spaCy keeps them
        doc.from_array([HEAD, DEP], cast(Any, arrays))
        return doc

    def _join(self, text: str, plan: Sequence[Part], pieces: list[Doc]) -> Doc:
        from spacy.tokens import Doc

        joined = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["tensor", "user_data"])  # type: ignore[call-arg]
        last = joined[-1] if len(joined) else None
        if last is None or last.idx + len(last.text_with_ws) != len(text):  # pieces lost or gained text: parse whole
            return self._run(self.model_only, [text], 1)[0]
        # Assembly skips these sentences: triage found neither a trigger nor a figure in them.
        joined._.hw_quiet = tuple((p.start, p.end) for p in plan if not p.parse)
        return joined

    def finish(self, doc: Doc) -> Doc:
        """Run harmwatch's own components on a Doc from ``docs``."""
        for name in self.harmwatch:
            doc = self.nlp.get_pipe(name)(doc)
        return doc


# harmwatch components that belong with the model: sentence starts before the parser; POS, morphology and
# lemmas after it.
_MODEL_SIDE = frozenset({"harmwatch_lines", "harmwatch_tag_attrs", "harmwatch_verb_lemmas"})
