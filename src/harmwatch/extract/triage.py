"""Line triage: the parser runs only on the lines that can hold an event.

A line (a title, a paragraph, a caption) is *event-bearing* when a trigger pattern of the lexicon
matches it or it states a figure (``find_figures``): only such lines can give a mention. Event-bearing
lines go through the whole spaCy model (tagger, parser, lemmatizer, NER); the other lines through the
NER only, which place resolution needs everywhere (the document's focus city, repeated names,
countries that vouch for a reading). The pieces are joined back into one ``Doc`` over the unchanged
text, so every character offset is the same as without triage; the harmwatch components then run on
it as usual. A skipped line is one sentence with a flat tree, and no rule ever reads its parse.

``harmwatch_lines`` already starts a sentence at every line break, so a line parses the same alone as
inside its document. When the joined text differs from the original (a tokenizer corner case), that
document is parsed whole instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import lexicon as lx
from .figures import find_figures

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MIN_SAVING = 0.1  # parse a document whole when triage would skip less than this share of its text


@dataclass(frozen=True)
class Part:
    start: int
    end: int
    parse: bool


def is_event_line(line: str) -> bool:
    """A trigger word or a figure: the line may hold a mention."""
    if not line.strip():
        return False
    return any(p.regex.search(line) for p in lx.EXTRACT_TRIGGERS) or bool(find_figures(line, 0))


def parts(text: str) -> list[Part]:
    """Runs of whole lines (each with its line break), marked to be parsed or not."""
    out: list[Part] = []
    start = 0
    while start < len(text):
        cut = text.find("\n", start)
        end = len(text) if cut < 0 else cut + 1
        parse = is_event_line(text[start:end])
        if out and out[-1].parse == parse:
            out[-1] = Part(out[-1].start, end, parse)
        else:
            out.append(Part(start, end, parse))
        start = end
    return out


def _worth_it(text: str, found: Sequence[Part]) -> bool:
    skipped = sum(p.end - p.start for p in found if not p.parse)
    return len(found) > 1 and skipped >= MIN_SAVING * max(len(text), 1)


def _flat_lines(doc: Doc) -> Doc:
    """Each line of an unparsed piece becomes one sentence: its first token the root, the rest under it."""
    root = 0
    for tok in doc:
        if tok.i and "\n" in doc[tok.i - 1].text_with_ws:
            root = tok.i
        tok.head = doc[root]
        tok.dep_ = "ROOT" if tok.i == root else "dep"
    return doc


class Triage:
    """Turns texts into ``Doc``s parsed only where it matters; ``nlp`` is harmwatch's full pipeline."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        names = nlp.pipe_names
        self.harmwatch = [n for n in names if n.startswith("harmwatch_") and n != "harmwatch_lines"]
        self.model_only = [n for n in names if n not in self.harmwatch]
        self.ner_only = [n for n in ("ner",) if n in names]

    def docs(self, texts: Sequence[str], batch_size: int) -> list[Doc]:
        """One Doc per text with the spaCy model's annotations (not yet harmwatch's)."""
        plans = [parts(t) for t in texts]
        plans = [p if _worth_it(t, p) else [Part(0, len(t), True)] for t, p in zip(texts, plans, strict=True)]
        # Each run completes before the next: select_pipes changes the shared nlp while it is active.
        parsed = iter(self._run(self.model_only, [t[p.start:p.end] for t, pl in zip(texts, plans, strict=True)
                                                  for p in pl if p.parse], batch_size))
        named = iter(self._run(self.ner_only, [t[p.start:p.end] for t, pl in zip(texts, plans, strict=True)
                                               for p in pl if not p.parse], batch_size))
        return [self._join(text, [next(parsed) if p.parse else _flat_lines(next(named)) for p in plan])
                for text, plan in zip(texts, plans, strict=True)]

    def _run(self, enabled: list[str], texts: list[str], batch_size: int) -> list[Doc]:
        disabled = [n for n in self.nlp.pipe_names if n not in enabled]
        with self.nlp.select_pipes(disable=disabled):
            return list(self.nlp.pipe(texts, batch_size=batch_size))

    def _join(self, text: str, pieces: list[Doc]) -> Doc:
        from spacy.tokens import Doc

        if len(pieces) == 1:
            return pieces[0]
        joined = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["tensor", "user_data"])  # type: ignore[call-arg]
        if joined.text != text:  # the tokenizer cut differently at a seam: parse the document whole
            return self._run(self.model_only, [text], 1)[0]
        return joined

    def finish(self, doc: Doc) -> Doc:
        """Run harmwatch's own components on a Doc from ``docs``."""
        for name in self.harmwatch:
            doc = self.nlp.get_pipe(name)(doc)
        return doc
