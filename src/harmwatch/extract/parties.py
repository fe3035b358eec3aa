"""Who did it: the perpetrators of a mention among the actors its sentence names.

Every actor of the sentence is a perpetrator unless the words say otherwise: civilians and protesters
(outside protests), the claimant (unless it speaks of its own forces or claims the act), an actor after
"against", "on", "into", "near" (a target or a place), one that lost territory ("from"), and, in an event
with a doer and a done-to, one named in the object of its verb ("rebels shot down a Syrian army helicopter").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Span

from ..model import Actor
from . import lexicon as lx

NON_PERPETRATOR_INTER = frozenset({6, 7})  # protesters and civilians
_TARGET_BLOCKERS = ("against ", "toward ", "towards ", "on ", "targeting ", "fighting ", "into ", "near ")
_DETERMINER_END = re.compile(r"(?<=\s)(?:the|a|an)\s+$")
# "retook the area from rebels", "fleeing from ISIS": the actor after "from" lost, it did not act.
_FROM_LOSES = frozenset({"territory_regained", "territory_taken", "territory_transfer", "displacement"})
# "fled to the Turkish border", "evacuated to Turkey": where people went.
_TO_IS_WHERE = frozenset({"displacement", "evacuation"})
# Event types that harm people or property.
VIOLENT = frozenset({
    "air_strike", "shelling", "chemical_attack", "suicide_bombing", "explosive_device", "grenade",
    "attack_on_civilians", "sexual_violence", "abduction", "armed_clash", "excessive_force_against_protesters",
    "mob_violence", "violent_demonstration", "looting_destruction", "arrest",
})
# Events with a doer and a done-to; in a clash, a riot or an agreement the object is a party too.
_ONE_SIDED = (VIOLENT - {"armed_clash", "violent_demonstration"}) | {
    "disrupted_weapons_use", "siege", "evacuation", "displacement", "aid_access"}
# "set fire to a police station": the name of an actor's building, not the actor.
_A_BUILDING = re.compile(r"\s+(?:stations?|headquarters|buildings?|academy|compound|offices?|barracks)\b",
                         re.IGNORECASE)
_IN_NOUN_PHRASE = frozenset({"compound", "amod", "poss", "nmod", "conj", "appos"})
# Verbs whose object is no victim: "accused militias of executing 13", "helped Syrian forces retake".
_OBJECT_ACTS = lx.REPORTING_VERBS | {"help", "support", "back", "join", "accompany", "lead", "order", "blame",
                                     "hold", "urge", "call", "allow", "force"}


def perpetrators(text: str, sent_start: int, sent_text: str, actors: Sequence[Span], claimant: str | None,
                 etype: str) -> tuple[Actor, ...]:
    """The actors (``actors``: the sentence's ``hw_actors`` spans) that did an ``etype`` event; ``text`` is the
    document's text and ``sent_text`` the sentence's, which starts at ``sent_start``."""
    out: dict[str, Actor] = {}
    for span in actors:
        actor: Actor = span._.hw_actor
        if actor.inter in NON_PERPETRATOR_INTER and etype not in ("peaceful_protest", "violent_demonstration"):
            continue
        if claimant and span.text in claimant and not _speaks_for_itself(sent_text, span.end_char - sent_start):
            continue
        before = _DETERMINER_END.sub("", text[max(sent_start, span.start_char - 16):span.start_char].lower())
        if (before.endswith(_TARGET_BLOCKERS) or (etype in _FROM_LOSES and before.endswith("from "))
                or (etype in _TO_IS_WHERE and before.endswith("to "))):
            continue
        if (etype in _ONE_SIDED and _acted_on(span)) or _A_BUILDING.match(text, span.end_char):
            continue
        out.setdefault(actor.name, actor)
    return tuple(out.values())


def _speaks_for_itself(text: str, after: int) -> bool:
    """The claimant names its own forces or claims the act: it is an actor too."""
    return bool(lx.OWN_FORCES.search(text, after) or lx.SELF_CLAIM.search(text, after))


def _acted_on(span: Span) -> bool:
    """An actor named in the object of a verb was acted on: "rebels shot down a Syrian army helicopter",
    "jets struck rebel positions"."""
    tok = span.root
    while tok.dep_ in _IN_NOUN_PHRASE and tok.head is not tok:
        tok = tok.head
    return tok.dep_ == "dobj" and tok.head.pos_ == "VERB" and tok.head.lemma_.lower() not in _OBJECT_ACTS
