"""Rules that decide a mention's status, certainty, claimant, scope and section.

Each function takes spaCy spans or plain text and returns a value plus the
name of the rule that fired, so every mention can say why it is what it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from . import lexicon as lx
from .restate import opening_voice

_MODALS = frozenset({"could", "might", "may", "would", "will", "shall", "can"})
_NEG_WINDOW = re.compile(r"(?:\b(?:no|not|never|without|nobody)\b|n['’]t\b)(?:\W+\w+){0,3}\W*$", re.IGNORECASE)
_DET_START = re.compile(r"^(?:the|a|an|one|some)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    value: str
    rule: str


_GOVERNMENT = re.compile(r"\b(?:government|regime|army|troops|soldiers|loyalist|police|security forces|SAA)\b",
                         re.IGNORECASE)
_NON_STATE = re.compile(r"\b(?:gunmen|militants|rebels|insurgents|jihadists|kidnappers|unknown|unidentified"
                        r"|armed (?:men|group)|bandits)\b", re.IGNORECASE)


def retype(etype: str, strength: int, clause_text: str, sent_text: str, inters: Sequence[int]) -> Decision:
    """Context decides between close types; ``inters`` are the ACLED codes of the sentence's actors.

    Air strike vs shelling from the weapon, regained vs taken and arrest vs abduction from the actor.
    """
    state = any(i == 1 for i in inters) or bool(_GOVERNMENT.search(sent_text))
    non_state = any(i in (2, 3, 4) for i in inters) or bool(_NON_STATE.search(clause_text))
    if etype == "shelling" and strength == lx.WEAK and lx.AIR_CUES.search(clause_text):
        return Decision("air_strike", "retype:air-cue")
    if etype == "shelling" and lx.AIRCRAFT.search(clause_text):  # "missiles from Russian planes"
        return Decision("air_strike", "retype:aircraft")
    if etype == "territory_taken" and state:
        return Decision("territory_regained", "retype:state-actor")
    if etype == "territory_regained" and non_state and not state:  # "ISIS recaptured Palmyra"
        return Decision("territory_taken", "retype:non-state-actor")
    if etype == "arrest" and non_state and not state:
        return Decision("abduction", "retype:non-state-captor")
    if etype == "abduction" and state and not non_state:
        return Decision("arrest", "retype:state-captor")
    return Decision(etype, "")


def clause_bounds(sent: Span) -> list[tuple[int, int]]:
    """Character ranges of the clauses of a sentence (document offsets)."""
    text, base = sent.text, sent.start_char
    bounds, pos = [], 0
    for m in lx.CLAUSE_BREAK.finditer(text):
        if m.start() - pos >= 25:  # very short pieces stay with their neighbour
            bounds.append((pos, m.start()))
            pos = m.end()
    bounds.append((pos, len(text)))
    return [(base + a, base + b) for a, b in bounds if b > a]


def _path_to_verb(tok: Token) -> list[Token]:
    """The token and its ancestors up to (and including) the first verb."""
    path = [tok]
    while path[-1].pos_ not in ("VERB", "AUX") and path[-1].head is not path[-1] and len(path) < 6:
        path.append(path[-1].head)
    return path


def _negated_by_tree(trigger: Span) -> bool:
    for tok in _path_to_verb(trigger.root):
        for child in tok.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return True
    return False


def status(trigger: Span, clause_text: str, clause_start: int, old_date: bool, has_present_figure: bool,
           denial: bool = False) -> Decision:
    """asserted / negated / hypothetical / historical, for the event the trigger names.

    A denial ("no civilians were hurt") is an asserted claim of zero, not a negated event.
    """
    if old_date:
        return Decision("historical", "status:old-date")
    if lx.HISTORIC_ATROCITY.search(clause_text):
        return Decision("historical", "status:historic-comparison")
    if lx.DEFINITION.search(clause_text):
        return Decision("hypothetical", "status:definition")
    if denial:
        return Decision("asserted", "status:denial-is-a-claim")
    before = clause_text[: max(0, trigger.start_char - clause_start)]
    if lx.ACCESS_DENIED.match(clause_text, max(0, trigger.start_char - clause_start)):
        return Decision("asserted", "status:access-denied")  # "no aid has reached Madaya": aid was kept out
    if _negated_by_tree(trigger) or _NEG_WINDOW.search(before) or trigger.text.lower().startswith("no "):
        return Decision("negated", "status:negation")
    if lx.CALLED_OFF.match(clause_text, max(0, trigger.end_char - clause_start)):
        return Decision("hypothetical", "status:called-off")
    modal = _modal_on_path(trigger) or lx.HYPOTHETICAL.search(before)
    if modal:
        if has_present_figure:
            return Decision("asserted", "status:modal-estimate")
        announced = lx.ANNOUNCEMENT.search(before)
        if announced and announced.start() < _modal_pos(before):
            return Decision("asserted", "status:announcement")
        return Decision("hypothetical", "status:modal")
    return Decision("asserted", "status:default")


def _modal_on_path(trigger: Span) -> bool:
    for tok in _path_to_verb(trigger.root):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in tok.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return True
    return False


def _modal_pos(text: str) -> int:
    m = lx.HYPOTHETICAL.search(text)
    return m.start() if m else len(text)


def is_old(end: date | None, published: date | None, preceding: str) -> bool:
    """A date more than about a year before publication, not a "since ..." anchor."""
    if end is None or published is None or lx.SINCE_START.search(preceding):
        return False
    return (published - end).days > 370


def certainty(sent: Span, clause_text: str) -> tuple[Decision, str | None]:
    """Certainty of a sentence's statements, and the claimant when there is one."""
    text = sent.text
    if lx.UNVERIFIED.search(text):
        return Decision("unverified", "certainty:unverified"), None
    if lx.DENIED.search(clause_text):
        return Decision("denied", "certainty:denial"), _claimant_of(sent)
    who = _claimant_of(sent)
    if who and not lx.UNNAMED_CLAIMANTS.match(_DET_START.sub("", who)):
        return Decision("claimed", "certainty:named-claimant"), who
    if who or lx.ALLEGED.search(text):
        return Decision("alleged", "certainty:unnamed-source"), None
    return Decision("reported", "certainty:default"), None


def _claimant_of(sent: Span) -> str | None:
    m = lx.ACCORDING_TO.search(sent.text) or lx.AT_LAST_COUNT.search(sent.text)
    if m:
        return _tidy(m.group("who"))
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in lx.REPORTING_VERBS:
            subj = _reporter(tok)
            if subj is not None and subj.pos_ != "PRON":
                return _tidy(_subject_text(subj))
    who = opening_voice(sent.text)  # "The Observatory put the death toll at 230"
    return _tidy(who) if who else None


def _reporter(verb: Token) -> Token | None:
    """Who a reporting verb says reports: its subject, or in the passive its "by" agent, never the thing
    reported ("the death of 6 people was documented" names no claimant)."""
    for child in verb.children:
        if child.dep_ == "nsubj":  # "no casualties (were) reported" is what was reported, not who
            return None if any(c.dep_ == "det" and c.lower_ in ("no", "any") for c in child.children) else child
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _subject_text(tok: Token) -> str:
    """The subject's words without its clauses and asides ("the Observatory, which relies on ...")."""
    words = [t for t in tok.subtree
             if t.i == tok.i or ((t.dep_ != "punct" or t.text == "-") and not _in_aside(t, tok))]
    if len(words) >= 12:
        return tok.text
    return " ".join("".join(t.text_with_ws for t in words).split())  # "Britain-based" keeps its hyphen


def _in_aside(t: Token, head: Token) -> bool:
    while t.i != head.i:
        if t.dep_ in ("relcl", "acl", "advcl"):
            return True
        t = t.head
    return False


def _tidy(who: str) -> str | None:
    who = _DET_START.sub("", who.strip(" ,.'\"‘’“”")).strip()
    return who[:80] or None


# Events that go on over days, whose count since a date is still theirs: "130,000 have fled since Wednesday".
ONGOING = frozenset({"displacement", "evacuation", "siege", "aid_access"})


def scope(clause_text: str, has_figures: bool, etype: str | None = None) -> Decision:
    """A tally over a period or an area is ``aggregate``; one event at one time and place is ``incident``.

    A count since a date ("air strikes have killed 45 since Tuesday") is a tally, unless the event (``etype``)
    is one that goes on over days (``ONGOING``). So is a clause that opens with a daily toll ("206 were killed
    yesterday, including 48 regime forces"); the events the sentence goes on to report keep their own scope."""
    if lx.DAILY_TOLL.match(clause_text):
        return Decision("aggregate", "scope:daily-toll")
    rescue = lx.RECOVERED_BODIES.search(clause_text) is not None  # "so far" is then one attack's toll
    if any(not (rescue and m.group().lower() in lx.RUNNING_COUNT) for m in lx.AGGREGATE.finditer(clause_text)):
        return Decision("aggregate", "scope:tally-cue")
    if has_figures and lx.PERIOD.search(clause_text):
        return Decision("aggregate", "scope:count-over-period")
    if has_figures and lx.TALLIED_OVER.search(clause_text):
        return Decision("aggregate", "scope:tallied-over-month-or-year")
    since = lx.SINCE_DATE.search(clause_text) if has_figures and etype not in ONGOING else None
    if since and not lx.COMPARED_SINCE.search(clause_text, 0, since.start()):
        return Decision("aggregate", "scope:count-since-date")
    return Decision("incident", "scope:default")


def doc_text(doc: Doc) -> str:
    """The text of a harmwatch Doc: its ``Document``'s, as ``Doc.text`` rebuilds the string on every access."""
    document = doc._.hw_document if doc.has_extension("hw_document") else None
    return document.text if document is not None else doc.text


def section_ranges(doc: Doc) -> list[tuple[int, int, str]]:
    """Label each line: title (first short line), caption, comment (after a comments header), body."""
    text, out, pos, in_comments, first = doc_text(doc), [], 0, False, True
    for line in text.splitlines(keepends=True):
        start, end, stripped = pos, pos + len(line), line.strip()
        pos = end
        if not stripped:
            continue
        if lx.COMMENT_HEADER.match(stripped) and len(stripped) < 120:
            in_comments = True
        label = "comment" if in_comments else "body"
        if first and not in_comments and len(stripped) < 200 and stripped[-1] not in ".!?\"”":
            label = "title"
        elif not in_comments and lx.CAPTION.search(stripped):
            label = "caption"
        first = False
        out.append((start, end, label))
    return out


def section_at(ranges: Sequence[tuple[int, int, str]], offset: int) -> str:
    for start, end, label in ranges:
        if start <= offset < end:
            return label
    return "body"
