"""A small linear event-type classifier trained on examples we wrote.

The training set (``data/training/event_types.jsonl``) is original writing in
the style of wire reports: no benchmark data is used.  Features are TF-IDF word
and character n-grams plus the trigger rules' scores (the same lexicon mention
extraction uses), so the model learns how far to trust each rule.  Training
takes a few seconds and happens once per process, on first use; nothing is
downloaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import ExtractError
from ..model import EVENT_TYPES
from . import lexicon as lx
from .actors import ActorDictionary, load_actors

TRAINING = "data/training/event_types.jsonl"


@dataclass(frozen=True)
class TrainingExample:
    text: str
    type: str


def training_examples() -> tuple[TrainingExample, ...]:
    """The packaged examples; raises ExtractError naming the bad line if the file is damaged."""
    try:
        raw = resources.files("harmwatch").joinpath(TRAINING).read_text(encoding="utf-8")
    except OSError as exc:
        raise ExtractError(f"cannot read the packaged {TRAINING} ({exc}); reinstall harmwatch.") from exc
    out = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            example = TrainingExample(str(rec["text"]), str(rec["type"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ExtractError(f"{TRAINING} line {n} is damaged ({exc}); reinstall harmwatch.") from exc
        if example.type not in EVENT_TYPES:
            raise ExtractError(f"{TRAINING} line {n}: unknown type {example.type!r}; reinstall harmwatch.")
        out.append(example)
    return tuple(out)


def rule_scores(text: str, actors: ActorDictionary) -> list[float]:
    """One score per event type from the trigger lexicon (strongest, earliest match)."""
    from .classify import retype

    scores = dict.fromkeys(EVENT_TYPES, 0.0)
    n = max(len(text), 1)
    for pat in lx.TRIGGERS:
        for m in pat.regex.finditer(text):
            etype = retype(pat, text, actors)
            scores[etype] = max(scores[etype], pat.strength * (1.0 - 0.5 * m.start() / n))
    return [scores[t] for t in EVENT_TYPES]


class TypeModel:
    """Word and character n-grams + rule scores -> a linear SVM over the event-type codes.

    Character n-grams carry spelling variants and unseen inflections ("shelled", "shellings");
    the rule scores carry the lexicon's knowledge.  A linear SVM trains in seconds on a laptop.
    """

    def __init__(self, examples: Sequence[TrainingExample], actors: ActorDictionary) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC

        self.actors = actors
        self.vectorizer = FeatureUnion([
            ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, strip_accents="unicode")),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)),
        ])
        features = self._features([e.text for e in examples], fit=True)
        self.model = LinearSVC(C=0.5, class_weight="balanced")
        self.model.fit(features, [e.type for e in examples])

    def _features(self, texts: Sequence[str], fit: bool = False) -> Any:
        from scipy.sparse import csr_matrix, hstack

        words = self.vectorizer.fit_transform(texts) if fit else self.vectorizer.transform(texts)
        rules = csr_matrix([rule_scores(t, self.actors) for t in texts])
        return hstack([words, rules]).tocsr()

    def predict(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return [str(label) for label in self.model.predict(self._features(texts))]


@lru_cache(maxsize=1)
def default_model() -> TypeModel:
    return TypeModel(training_examples(), load_actors())
