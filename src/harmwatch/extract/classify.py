"""Snippet-level event type: the main event a short text reports.

``classify_all`` uses the trained linear model (``typemodel``), whose features
include the trigger rules below; ``classify_one`` is the rules alone, kept for
explainability and for comparison (``rules_only=True``).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import lexicon as lx
from .actors import ActorDictionary, load_actors

# Specific types beat generic ones when both appear in a snippet.
_WEIGHT = {"diplomatic": 0.4, "responsibility_claim": 0.5, "agreement": 0.7, "territory_taken": 0.8,
           "peaceful_protest": 0.8, "attack_on_civilians": 0.9, "aid_access": 0.8, "arrest": 0.9,
           "armed_clash": 0.9}


def classify_one(text: str, actors: ActorDictionary) -> str:
    """The rules' answer: the strongest, earliest, most specific trigger."""
    scores: dict[str, float] = {}
    n = max(len(text), 1)
    for pat in lx.TRIGGERS:
        for m in pat.regex.finditer(text):
            etype = retype(pat, text, actors)
            early = 1.0 - 0.5 * m.start() / n  # the main event tends to come first
            score = pat.strength * _WEIGHT.get(etype, 1.0) * early
            scores[etype] = max(scores.get(etype, 0.0), score)
    if not scores:
        return "other"
    return max(sorted(scores), key=lambda t: scores[t])


def retype(pat: lx.TriggerPattern, text: str, actors: ActorDictionary) -> str:
    from .rules import retype as by_context

    inters = [m.actor.inter for m in actors.find(text)]
    return by_context(pat.type, pat.strength, text, text, inters).value


def classify_all(texts: Iterable[str], *, rules_only: bool = False) -> list[str]:
    items = list(texts)
    if not rules_only:
        from .typemodel import default_model

        return default_model().predict(items)
    actors = load_actors()
    return [classify_one(t, actors) for t in items]
