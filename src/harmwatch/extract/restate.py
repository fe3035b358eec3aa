"""A second claimant's figure for the same event: "..., while Moscow put the figure at 50,000".

The clause has no trigger word and its number no counted noun, so the clause rules give it nothing. It
restates the count of the mention before it with another number and another voice: it becomes a mention of
its own (same event, place and time), with that figure, claimed by the one who put it, so both claims stand
side by side in the incident. The restating voice is no perpetrator of the event before it.

The voice may also open the next sentence ("Activists said 30 were killed. The government put the toll at
five."): ``restated_alone`` reads such a sentence against the mentions of the sentence before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Actor, Figure, Mention, Span
from .numbers import Quantity, find_quantities

# "<who> put/puts/gave/estimated the (overall death) figure/number/toll (from the raids) at|as <count>"
_RESTATED = re.compile(
    r"(?P<who>(?:the\s+)?(?-i:[A-Z])[\w'’.-]*(?:\s+(?:of\s+|for\s+)?(?-i:[A-Z])[\w'’.-]*){0,5}"
    r"|the\s+(?:[a-z]+\s+){0,2}?(?:government|ministry|army|military|monitor|observatory|council|agency|group|regime))"
    r"(?:,\s*(?:however|though|meanwhile|in turn|instead|for (?:its|their|his|her) part),)?"  # "The army, however,"
    r"\s+(?:put|puts|putting|placed|places|gave|gives|estimated|estimates|estimating)\s+(?:the|its|their|his|her)\s+"
    r"(?:(?:own|overall|total|official|final|death|casualty|latest)\s+){0,2}(?:figure|number|toll|count|total|tally"
    r"|estimate)(?:\s+(?:from|in|of|for)\s+[^,;:.\d]{1,50}?)?\s+(?:at|as)\s+",
    re.IGNORECASE,
)

# What every restatement holds; triage parses a sentence that has it ("Moscow put the figure at 50,000.").
RESTATING_WORDS = re.compile(r"\b(?:figure|number|toll|count|total|tally|estimate)\s+(?:at|as)\s", re.IGNORECASE)


def restated(text: str, offset: int, mentions: Sequence[Mention], index: int) -> tuple[list[Mention], list[Mention]]:
    """(``mentions`` with restating voices taken out of their perpetrators, the restating mentions).

    ``text`` is one sentence starting at document offset ``offset``; ``mentions`` are its mentions in text
    order; new mentions are numbered from ``index``.
    """
    voices: list[tuple[int, str]] = []  # (document offset, words) of each restating voice
    added: list[Mention] = []
    for m in _RESTATED.finditer(text):
        # The event's own count comes before the voice: "Later the army put the toll at five" restates nothing.
        before = [x for x in mentions if x.figures and _starts_before(x.figures[0], offset + m.start())]
        mention = _restating(text, offset, m, before, index + len(added))
        if mention is not None:
            voices.append((offset + m.start("who"), m.group("who").strip()))
            added.append(mention)
    if not added:
        return list(mentions), []
    said = [who for _, who in voices]
    restating = [(a, r.evidence.end) for (a, _), r in zip(voices, added, strict=True)]
    return [replace(x, perpetrators=_without(x.perpetrators, *said),
                    figures=tuple(f for f in x.figures if not _inside(f, restating))) for x in mentions], added


def restated_alone(text: str, offset: int, previous: Sequence[Mention], index: int) -> list[Mention]:
    """The restating mention of a sentence that opens with a second voice ("The government put the toll at
    five."), for the last mention with figures of the sentence before (``previous``); [] when it is not one.
    The caller passes only sentences without a trigger word: one with its own event is read as usual."""
    m = _RESTATED.match(text, _start(text))
    mention = _restating(text, offset, m, [x for x in previous if x.figures], index) if m is not None else None
    return [] if mention is None else [mention]


_OPENER = re.compile(r"[\s\"'“‘]*(?:(?:but|however|later|meanwhile|separately|officially|yet|instead)\b,?\s+)?",
                     re.IGNORECASE)


def _start(text: str) -> int:
    """Where a sentence's voice can start: after quotes and a connective ("Later, the army put ...")."""
    m = _OPENER.match(text)
    return m.end() if m else 0


def _restating(text: str, offset: int, m: re.Match[str], before: Sequence[Mention], index: int) -> Mention | None:
    """The mention of the voice ``m`` matched in ``text`` for the last of ``before``; None without a count."""
    count = _count_at(text, m.end(), offset)
    if not before or count is None:
        return None
    base, who = before[-1], m.group("who").strip()
    end = count.end - offset
    evidence = Span(offset + m.start("who"), offset + end, text[m.start("who"):end])
    kind, group = base.figures[0].kind, base.figures[0].group
    figure = Figure(kind, group, count.low, count.high, count.qualifier, Span(count.start, count.end, count.text))
    return replace(base, index=index, evidence=evidence, figures=(figure,), claimed_by=_bare(who),
                   certainty="claimed", perpetrators=_without(base.perpetrators, who), rule=f"{base.rule}|restated")


def _starts_before(figure: Figure, pos: int) -> bool:
    return figure.span is not None and figure.span.start < pos


def _inside(figure: Figure, ranges: Sequence[tuple[int, int]]) -> bool:
    """A figure of a restating clause ("put the death toll at 12") is that voice's, not the first one's."""
    return figure.span is not None and any(a <= figure.span.start < b for a, b in ranges)


_CLAUSE_END = re.compile(r"[;.!?](?:\s|$)|,\s|\s(?:and|but|while)\s|$")
_PROBE_NOUN = " people"  # the number parser wants a counted noun; the restated figure's noun is the one before


def _count_at(text: str, pos: int, offset: int) -> Quantity | None:
    """The count that starts at ``pos`` of ``text`` ("at up to 50,000"), with its qualifier."""
    end = _CLAUSE_END.search(text, pos)
    tail = text[pos:end.start() if end else len(text)]
    found = find_quantities(tail + _PROBE_NOUN, offset + pos)
    return found[0] if found and found[0].start == offset + pos and found[0].end <= offset + pos + len(tail) else None


def opening_voice(text: str) -> str | None:
    """Who opens a sentence by putting a count ("The Observatory put the overall death toll at 230")."""
    m = _RESTATED.match(text, _start(text))
    return _bare(m.group("who").strip()) if m is not None else None


def before_voice(clause_text: str) -> str:
    """The clause up to a second voice's restatement: "; the government put the death toll at 12" is that voice's
    figure, so its words ("death toll") say nothing of the first voice's event (its scope)."""
    m = _RESTATED.search(clause_text)
    return clause_text[:m.start("who")] if m and m.start("who") > 0 else clause_text


def _bare(who: str) -> str:
    who = re.sub(r"^(?:while|but|whereas|and)\s+", "", who, flags=re.IGNORECASE)
    return "the" + who[3:] if who.startswith("The ") else who  # as within a sentence: "the government"


def _without(actors: tuple[Actor, ...], *voices: str) -> tuple[Actor, ...]:
    """The actors not named by one of ``voices`` ("Moscow put the figure at ..." is no perpetrator)."""
    said = [v.casefold() for v in voices]
    return tuple(a for a in actors if not any(a.text and a.text.casefold() in v for v in said))
