"""A second claimant's figure for the same event, in the same sentence: "..., while Moscow put the figure at 50,000".

The clause has no trigger word and its number no counted noun, so the clause rules give it nothing. It
restates the count of the mention before it with another number and another voice: it becomes a mention of
its own (same event, place and time), with that figure, claimed by the one who put it, so both claims stand
side by side in the incident. The restating voice is no perpetrator of the event before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..model import Actor, Figure, Mention, Span
from .numbers import Quantity, find_quantities

# "<who> put/puts/gave/estimated the (death) figure/number/toll at|as <count>"
_RESTATED = re.compile(
    r"(?P<who>(?:the\s+)?(?-i:[A-Z])[\w'’.-]*(?:\s+(?:of\s+|for\s+)?(?-i:[A-Z])[\w'’.-]*){0,5}"
    r"|the\s+(?:[a-z]+\s+){0,2}?(?:government|ministry|army|military|monitor|observatory|council|agency|group|regime))"
    r"\s+(?:put|puts|putting|placed|places|gave|gives|estimated|estimates|estimating)\s+(?:the|its|their|his|her)\s+"
    r"(?:(?:own|death|casualty|latest)\s+)?(?:figure|number|toll|count|total|tally|estimate)\s+(?:at|as)\s+",
    re.IGNORECASE,
)


def restated(text: str, offset: int, mentions: Sequence[Mention], index: int) -> tuple[list[Mention], list[Mention]]:
    """(``mentions`` with restating voices taken out of their perpetrators, the restating mentions).

    ``text`` is one sentence starting at document offset ``offset``; ``mentions`` are its mentions in text
    order; new mentions are numbered from ``index``.
    """
    voices: list[tuple[int, str]] = []  # (document offset, words) of each restating voice
    added: list[Mention] = []
    for m in _RESTATED.finditer(text):
        before = [x for x in mentions if x.figures and x.evidence.start < offset + m.start()]
        count = _count_at(text, m.end(), offset)
        if not before or count is None:
            continue
        base, who = before[-1], m.group("who").strip()
        voices.append((offset + m.start("who"), who))
        end = count.end - offset
        evidence = Span(offset + m.start("who"), offset + end, text[m.start("who"):end])
        kind, group = base.figures[0].kind, base.figures[0].group
        figure = Figure(kind, group, count.low, count.high, count.qualifier, Span(count.start, count.end, count.text))
        added.append(replace(base, index=index + len(added), evidence=evidence, figures=(figure,),
                             claimed_by=_bare(who), certainty="claimed",
                             perpetrators=_without(base.perpetrators, who), rule=f"{base.rule}|restated"))
    if not added:
        return list(mentions), []
    said = [who for _, who in voices]
    restating = [(a, r.evidence.end) for (a, _), r in zip(voices, added, strict=True)]
    return [replace(x, perpetrators=_without(x.perpetrators, *said),
                    figures=tuple(f for f in x.figures if not _inside(f, restating))) for x in mentions], added


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


def before_voice(clause_text: str) -> str:
    """The clause up to a second voice's restatement: "; the government put the death toll at 12" is that voice's
    figure, so its words ("death toll") say nothing of the first voice's event (its scope)."""
    m = _RESTATED.search(clause_text)
    return clause_text[:m.start("who")] if m and m.start("who") > 0 else clause_text


def _bare(who: str) -> str:
    return re.sub(r"^(?:while|but|whereas|and)\s+", "", who, flags=re.IGNORECASE)


def _without(actors: tuple[Actor, ...], *voices: str) -> tuple[Actor, ...]:
    """The actors not named by one of ``voices`` ("Moscow put the figure at ..." is no perpetrator)."""
    said = [v.casefold() for v in voices]
    return tuple(a for a in actors if not any(a.text and a.text.casefold() in v for v in said))
