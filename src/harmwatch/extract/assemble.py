"""Assemble mentions from the spans the components wrote.

One mention per (clause, event type, status).  Every field records the rule that
set it in ``Mention.rule`` so a reviewer can see why the mention exists.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from spacy.tokens import Doc, Span

from ..geo.event import (
    DESTINATION,
    dateline_end,
    event_place,
    named_area,
    place_role,
    quarter_key,
    quarter_named,
    quarter_place,
)
from ..model import ASSUMED_WHEN, Document, Figure, Mention, Place, Toponym, When
from ..model import Span as TextSpan
from . import lexicon as lx
from . import rules
from .dates import DateMention, date_line, find_dates
from .figures import find_figures
from .parties import VIOLENT, perpetrators
from .restate import before_voice, restated, restated_alone

MAX_EVIDENCE = 600
MIN_CLAUSE = 20
# Which event types a figure kind fits, and the type it implies when no trigger word is present.
KIND_TYPES: dict[str, tuple[str, ...]] = {
    "evacuated": ("evacuation", "agreement"), "remaining": ("evacuation", "siege", "agreement"),
    "besieged": ("siege",), "displaced": ("displacement",), "protesters": ("peaceful_protest",),
    "detained": ("arrest",), "abducted": ("abduction",), "missing": ("abduction",),
}
IMPLIED_TYPE = {"evacuated": "evacuation", "remaining": "evacuation", "besieged": "siege",
                "displaced": "displacement", "protesters": "peaceful_protest", "detained": "arrest",
                "abducted": "abduction", "killed": "attack_on_civilians", "injured": "attack_on_civilians"}


@dataclass(frozen=True)
class Candidate:
    type: str
    trigger: Span
    rule: str


@dataclass(frozen=True)
class _Marks:
    """A SpanGroup read once per document, sorted by start: iterating ``doc.spans[key]`` builds new
    ``Span`` objects every time, and the rules ask for a sentence's or clause's spans many times."""

    spans: tuple[Span, ...]
    starts: tuple[int, ...]

    @classmethod
    def of(cls, doc: Doc, key: str) -> _Marks:
        found = sorted(doc.spans[key], key=lambda s: (s.start_char, -s.end_char)) if key in doc.spans else []
        return cls(tuple(found), tuple(s.start_char for s in found))

    def starting_in(self, start: int, end: int) -> tuple[Span, ...]:
        """The spans that start in [start, end), in text order."""
        return self.spans[bisect_left(self.starts, start):bisect_left(self.starts, end)]


@dataclass(frozen=True)
class _Sentence:
    """What the rules read of one sentence, computed once: its text, trigger and actor spans."""

    span: Span
    text: str
    triggers: tuple[Span, ...]
    actors: tuple[Span, ...]

    @property
    def inters(self) -> list[int]:
        return [a._.hw_actor.inter for a in self.actors]


def assemble(doc: Doc) -> Iterator[Mention]:
    document: Document | None = doc._.hw_document
    if document is None:
        return
    # A report without a publication date is read from the date it carries at its top.
    dated = date_line(document.text) if document.published is None else None
    if dated is not None:
        document = replace(document, published=dated)
    sections = rules.section_ranges(doc)
    focus = _focus_place(doc)
    triggers, actors = _Marks.of(doc, "hw_triggers"), _Marks.of(doc, "hw_actors")
    quiet: tuple[tuple[int, int], ...] = doc._.hw_quiet
    seen: set[str] = set()
    index = 0
    previous: list[Mention] = []  # the mentions of the sentence just before
    for span in doc.sents:
        if quiet and _within(quiet, span.start_char, span.end_char):
            previous = []
            continue  # sentence triage found neither a trigger nor a figure here, and did not parse it
        text = document.text[span.start_char:span.end_char]  # == span.text, which is rebuilt on each access
        if _is_boilerplate(document, span) or text.strip() in seen:
            continue  # repeated captions and pull-quotes count once
        seen.add(text.strip())
        sent = _Sentence(span, text, triggers.starting_in(span.start_char, span.end_char),
                         actors.starting_in(span.start_char, span.end_char))
        # "The government put the toll at five." after the sentence with the event: a second claim of it.
        found = (restated_alone(text, span.start_char, previous, index) if previous and not sent.triggers else [])
        found = found or list(_sentence_mentions(doc, sent, document, sections, focus, index))
        if dated is not None:  # say where the anchor of its relative dates came from
            found = [replace(m, rule=f"{m.rule}|published:date-line") for m in found]
        yield from found
        index += len(found)
        previous = found


def _within(ranges: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``ranges`` (sorted, not overlapping)."""
    i = bisect_right(ranges, start, key=lambda r: r[0]) - 1
    return i >= 0 and ranges[i][0] <= start and end <= ranges[i][1]


def _text(doc: Doc) -> str:
    """The document's text; ``Doc.text`` rebuilds the string on every access, the Document keeps it."""
    document: Document | None = doc._.hw_document
    return document.text if document is not None else doc.text


def _is_boilerplate(document: Document, sent: Span) -> bool:
    return any(b.start <= sent.start_char and sent.end_char <= b.end for b in document.boilerplate)


@dataclass(frozen=True)
class _Clause:
    start: int  # the clause itself: status and scope are read here
    end: int
    ev_start: int  # the clause plus trigger-less neighbours that lend it figures and targets
    ev_end: int
    figures: tuple[Figure, ...]
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class _Context:
    doc: Doc
    sent: _Sentence
    document: Document
    section: str
    focus: Place | None
    certainty: rules.Decision
    claimant: str | None
    dates: tuple[DateMention, ...]


def _sentence_mentions(doc: Doc, sent: _Sentence, document: Document, sections: list[tuple[int, int, str]],
                       focus: Place | None, index: int) -> Iterator[Mention]:
    clauses = _sentence_clauses(doc, sent)
    if not clauses:
        return  # most sentences: no trigger, no figure; certainty and dates are read only where needed
    start = sent.span.start_char
    cert, claimant = rules.certainty(sent.span, sent.text)
    ctx = _Context(doc, sent, document, rules.section_at(sections, start), focus, cert, claimant,
                   tuple(find_dates(sent.text, document.published, start)))
    found: list[Mention] = []
    for clause in clauses:
        clause_text = _text(doc)[clause.start:clause.end]
        dates = [d for d in ctx.dates if clause.ev_start <= d.start < clause.ev_end]
        # A clause without a date of its own is read in the time its sentence sets ("In 1994, ...").
        groups = _by_type_and_status(clause.candidates, clause_text, clause.start, dates or list(ctx.dates),
                                     clause.figures, doc, document)
        types = [t for t, _ in groups]
        for (etype, status), (trigger, rule_names) in groups.items():
            found.append(_mention(ctx, clause, etype, status, trigger, rule_names, types, dates, index + len(found)))
    # "..., while Moscow put the figure at 50,000": another voice's figure for the same event (extract.restate).
    kept, added = restated(sent.text, start, found, index + len(found))
    yield from kept
    yield from added


def _sentence_clauses(doc: Doc, sent: _Sentence) -> list[_Clause]:
    """Clauses with triggers; a clause without one lends its figures to the nearest clause that has one."""
    # Figures are read over the whole sentence so a verb in one clause can serve a number in another.
    figures = find_figures(sent.text, sent.span.start_char)
    if not figures and not sent.triggers:
        return []
    bounds = _clauses(sent.span)
    figures = [f for f in figures if not _hypothetical_figure(doc, sent.span, f)]
    own = [[f for f in figures if f.span is None or a <= f.span.start < b] for a, b in bounds]
    cands = [_candidates(doc, sent, a, b, ()) for a, b in bounds]
    if not any(cands):  # no trigger word anywhere: a figure's kind may still imply the event
        cands = [_candidates(doc, sent, a, b, own[i]) for i, (a, b) in enumerate(bounds)]
    with_cands = [i for i, c in enumerate(cands) if c]
    lent: dict[int, list[int]] = {i: [i] for i in with_cands}
    for i in range(len(bounds)):
        if not cands[i] and with_cands:
            nearest = min(with_cands, key=lambda j: (abs(j - i), j < i))
            lent[nearest].append(i)
    out = []
    for i, members in lent.items():
        ev_start = min(bounds[j][0] for j in members)
        ev_end = max(bounds[j][1] for j in members)
        if ev_end - ev_start > MAX_EVIDENCE:
            members, ev_start, ev_end = [i], bounds[i][0], bounds[i][1]
        figs = sorted((f for j in members for f in own[j]), key=lambda f: f.span.start if f.span else 0)
        clause = _Clause(bounds[i][0], bounds[i][1], ev_start, ev_end, tuple(figs), tuple(cands[i]))
        out.extend(_split_counts(doc, clause))
    return out


def _hypothetical_figure(doc: Doc, sent: Span, fig: Figure) -> bool:
    """ "could see up to 300,000 killed": a modal before the number; a present estimate still counts."""
    if fig.span is None or fig.kind == "remaining":
        return False
    return bool(lx.MODAL_BEFORE.search(_text(doc)[max(sent.start_char, fig.span.start - 45):fig.span.start]))


_AND = re.compile(r"\s(?:and|while|with)\s", re.IGNORECASE)
_ELIDED = "elided:"  # the rule of a count that repeats the event of the count before it


def _split_counts(doc: Doc, clause: _Clause) -> list[_Clause]:
    """ "4 attacks in X and 2 in Y" is two events: the second count repeats the first one's event type.

    Not in a tally: "recorded 36 attacks in November, 17 on hospitals and 8 on schools" breaks one count down.
    """
    counts = [f for f in clause.figures if f.kind == "incidents" and f.span is not None]
    if len(counts) < 2 or not clause.candidates:
        return [clause]
    if rules.scope(_text(doc)[clause.ev_start:clause.ev_end], True).value == "aggregate":
        return [clause]
    out, start = [], clause.ev_start
    for prev, nxt in zip(counts, counts[1:], strict=False):
        assert prev.span is not None and nxt.span is not None
        gap = _text(doc)[prev.span.end:nxt.span.start]
        joins = list(_AND.finditer(gap))
        if not joins:
            continue
        m = joins[-1]  # the last "and" before the next count
        cut = prev.span.end + m.start()
        out.append((start, cut))
        start = prev.span.end + m.end()
    if not out:
        return [clause]
    out.append((start, clause.ev_end))
    pieces = []
    for n, (a, b) in enumerate(out):
        figs = tuple(f for f in clause.figures if f.span is not None and a <= f.span.start < b)
        cands = clause.candidates if n == 0 else tuple(
            Candidate(c.type, _figure_span(doc, figs[0]) or c.trigger, f"{_ELIDED}{c.rule}")
            for c in clause.candidates[:1])
        pieces.append(_Clause(a, b, a, b, figs, cands))
    return pieces


def _figure_span(doc: Doc, fig: Figure) -> Span | None:
    if fig.span is None:
        return None
    return doc.char_span(fig.span.start, fig.span.end, alignment_mode="expand")


def _mention(ctx: _Context, clause: _Clause, etype: str, status: rules.Decision, trigger: Span,
             rule_names: list[str], types: list[str], dates: list[DateMention], index: int) -> Mention:
    doc, sent, document = ctx.doc, ctx.sent.span, ctx.document
    clause_text = _text(doc)[clause.start:clause.end]
    cert = rules.certainty(sent, clause_text)[0] if lx.DENIED.search(clause_text) else ctx.certainty
    scope = rules.scope(before_voice(_text(doc)[clause.ev_start:clause.ev_end]), bool(clause.figures), etype)
    elided = any(r.startswith(f"trigger:{_ELIDED}") for r in rule_names)  # "... and 2 in France": placed by its count
    where = (_count_place(doc, trigger) if elided else None) or _where(
        doc, clause.ev_start, clause.ev_end, ctx.sent, ctx.focus, trigger.start_char,
        parties=etype in _BETWEEN_PARTIES, tally=scope.value == "aggregate")
    when = _when(dates or list(ctx.dates), document.published, scope.value, _text(doc),
                 (clause.ev_start, clause.ev_end))
    provenance = [f"where:{where.reason[:60]}" if where else "where:none", f"when:{when.rule}" if when else "when:none"]
    return Mention(
        doc_sha256=document.sha256, doc_id=document.id, index=index, type=etype,
        evidence=_evidence(doc, sent, clause.ev_start, clause.ev_end, trigger), status=status.value,
        scope=scope.value, section=ctx.section, where=where, when=when,
        figures=_figures_for(etype, clause.figures, types),
        perpetrators=perpetrators(_text(doc), ctx.sent.span.start_char, ctx.sent.text, ctx.sent.actors,
                                  ctx.claimant, etype),
        targets=_targets(_text(doc)[clause.ev_start:clause.ev_end], ctx.sent.text, etype),
        claimed_by=ctx.claimant, certainty=cert.value,
        trigger=TextSpan(trigger.start_char, trigger.end_char, trigger.text),
        rule="|".join([*rule_names, status.rule, cert.rule, scope.rule, *provenance]),
        source=document.source, published=document.published,
    )


def _clauses(sent: Span) -> list[tuple[int, int]]:
    bounds = rules.clause_bounds(sent)
    return [(a, b) for a, b in bounds if b - a >= 3]


def _candidates(doc: Doc, sent: _Sentence, start: int, end: int, figures: Sequence[Figure]) -> list[Candidate]:
    found = [t for t in sent.triggers if start <= t.start_char and t.end_char <= end]
    strong = [t for t in found if t._.hw_strength == lx.STRONG]
    # A weak word ("bombardment", "killed") still counts next to a strong non-violent one ("ceasefire").
    covered = {t.label_ for t in strong} | (VIOLENT if any(t.label_ in VIOLENT for t in strong) else set())
    chosen = strong + [t for t in found if t._.hw_strength == lx.WEAK and t.label_ not in covered]
    chosen = [t for t in chosen if not _subsumed(t, strong, doc) and not _back_reference(t, doc)]
    clause_text = _text(doc)[start:end]
    inters = sent.inters if chosen else []
    out = [Candidate(rules.retype(t.label_, t._.hw_strength, clause_text, sent.text, inters).value, t, t._.hw_rule)
           for t in chosen]
    if not out:
        for fig in figures:
            implied = IMPLIED_TYPE.get(fig.kind)
            if implied and fig.span is not None:
                span = doc.char_span(fig.span.start, fig.span.end, alignment_mode="expand")
                if span is not None:
                    out.append(Candidate(implied, span, f"figure-implies:{fig.kind}"))
                    break
    return out


# A more specific word in the clause speaks for these: shots at a march are the excessive force, the
# bombardment under which a town fell is its capture, a protest "against the bombing" is no bombing.
_SUBSUMES: dict[str, frozenset[str]] = {
    "excessive_force_against_protesters": frozenset({"attack_on_civilians", "peaceful_protest"}),
    "protest_with_intervention": frozenset({"peaceful_protest", "arrest"}),  # "arrested 40 demonstrators at a rally"
}
_BOMBING = frozenset({"shelling", "air_strike"})
_WEAK_UNDER: dict[str, frozenset[str]] = {
    "territory_taken": _BOMBING, "territory_regained": _BOMBING, "territory_transfer": _BOMBING,
    "evacuation": frozenset({"attack_on_civilians"}),  # "the wounded were taken out"
}
_PROTESTS = frozenset({"peaceful_protest", "protest_with_intervention"})
_PROTEST_OBJECT = re.compile(r"\b(?:against|over|denouncing|condemning|protesting)\s+(?:[\w'’-]+\s+){0,3}$",
                             re.IGNORECASE)


# What people fled is the cause of their flight, told as background: "thousands fled the fighting".
_FLED = re.compile(r"\b(?:fled|flee|flees|fleeing|escaped?|escapes|escaping)\s+(?:from\s+)?(?:the\s+)?"
                   r"(?:[\w'’-]+\s+){0,2}$", re.IGNORECASE)


def _subsumed(trigger: Span, strong: Sequence[Span], doc: Doc) -> bool:
    labels = {s.label_ for s in strong if s is not trigger}
    if any(trigger.label_ in _SUBSUMES.get(label, ()) for label in labels):
        return True
    if ("displacement" in labels and trigger.label_ in VIOLENT
            and _FLED.search(_text(doc)[max(0, trigger.start_char - 40):trigger.start_char])):
        return True
    if trigger._.hw_strength != lx.WEAK or trigger.label_ not in VIOLENT:
        return False
    if any(trigger.label_ in _WEAK_UNDER.get(label, ()) for label in labels):
        return True
    before = _text(doc)[max(0, trigger.start_char - 40):trigger.start_char]
    return bool(labels & _PROTESTS) and bool(_PROTEST_OBJECT.search(before))


# "a day after the market attack": the attack is an earlier event, reported as such elsewhere.
_BACK_REFERENCE = re.compile(r"\b(?:a|an|one|two|three|four|five|several|few|\d+) (?:days?|hours?|weeks?|months?)"
                             r" (?:after|before) (?:the|a|an|last \w+'s|\w+'s)(?: [\w'’-]+){0,3} $", re.IGNORECASE)


# An agreement named as the background of other news: "after the collapse of the US-Russian ceasefire",
# "despite the truce". Its making is not what the clause reports ("evacuated under a deal" may be).
_AGREEMENT_AS_BACKGROUND = re.compile(
    r"\b(?:(?:collapse|breakdown|end|violations?|breach(?:es)?|failure|expiry)\s+of|despite)"
    r"\s+(?:the|a|an|last \w+'s|\w+'s)(?: [\w'’-]+){0,3} $", re.IGNORECASE)


# An agreement that ends: "the ceasefire collapsed", "the week-long truce was over". No agreement is made.
_AGREEMENT_ENDED = re.compile(r"(?:[ \t]+[\w'’-]+){0,2}?[ \t]+(?:collapsed|broke down|has broken down|fell apart"
                              r"|crumbled|expired|ended|was over|is over|had ended)\b", re.IGNORECASE)


def _back_reference(trigger: Span, doc: Doc) -> bool:
    text = _text(doc)
    before = text[max(0, trigger.start_char - 70):trigger.start_char]
    return bool(_BACK_REFERENCE.search(before)
                or (trigger.label_ == "agreement" and (_AGREEMENT_AS_BACKGROUND.search(before)
                                                       or _AGREEMENT_ENDED.match(text, trigger.end_char))))


def _by_type_and_status(cands: Sequence[Candidate], clause_text: str, c_start: int,
                        dates: Sequence[DateMention], figures: Sequence[Figure], doc: Doc, document: Document
                        ) -> dict[tuple[str, rules.Decision], tuple[Span, list[str]]]:
    old = any(rules.is_old(d.when.end, document.published, _text(doc)[max(0, d.start - 80):d.start])
              for d in dates)
    present = any(f.kind == "remaining" for f in figures)
    denial = any(f.low == 0 and f.high == 0 for f in figures)
    groups: dict[tuple[str, rules.Decision], tuple[Span, list[str]]] = {}
    for cand in cands:
        st = rules.status(cand.trigger, clause_text, c_start, old, present, denial)
        key = (cand.type, st)
        if key not in groups:
            groups[key] = (cand.trigger, [f"trigger:{cand.rule}"])
    # Within one clause the same type needs one status: asserted wins over the rest.
    best: dict[str, tuple[rules.Decision, tuple[Span, list[str]]]] = {}
    for (etype, st), val in groups.items():
        if etype not in best or (st.value == "asserted" and best[etype][0].value != "asserted"):
            best[etype] = (st, val)
    return {(etype, st): val for etype, (st, val) in best.items()}


def _evidence(doc: Doc, sent: Span, c_start: int, c_end: int, trigger: Span) -> TextSpan:
    start, end = (c_start, c_end) if c_end - c_start >= MIN_CLAUSE else (sent.start_char, sent.end_char)
    text = _text(doc)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_EVIDENCE:  # window around the trigger
        start = max(start, trigger.start_char - MAX_EVIDENCE // 2)
        end = min(end, start + MAX_EVIDENCE)
    return TextSpan(start, end, text[start:end])


def _figures_for(etype: str, figures: Sequence[Figure], types: Sequence[str]) -> tuple[Figure, ...]:
    if len(set(types)) <= 1:
        return tuple(figures)
    out = []
    for fig in figures:
        preferred = KIND_TYPES.get(fig.kind, tuple(sorted(VIOLENT)))
        fits = [t for t in preferred if t in types]
        owner = fits[0] if fits else types[0]
        if owner == etype:
            out.append(fig)
    return tuple(out)


def _place_spans(doc: Doc) -> Sequence[Span]:
    """The place names ``harmwatch_places`` found (none when it did not run)."""
    return doc.spans["hw_places"] if "hw_places" in doc.spans else []


def _places_in(doc: Doc, start: int, end: int, *, locations_only: bool = False) -> list[Place]:
    """Resolved places named in [start, end); with ``locations_only``, not demonyms or actor names.

    Each place is as coarse as the text names it: "the countryside of Idlib" is no town (geo.event).
    """
    spans = _place_spans(doc)
    actors = doc.spans["hw_actors"]
    text = _text(doc)
    out = []
    for s in spans:
        place = s._.place
        if not (start <= s.start_char < end) or place is None or place.lat is None:
            continue
        if locations_only and (s.label_ == "NORP" or _overlaps_any(s, actors)):
            continue
        out.append(named_area(text, s.start_char, s.end_char, place))
    return out


_COUNT_IN = re.compile(r"\s*(?:more\s+|others?\s+)?(?:in|at|near)\s+(?:the\s+)?", re.IGNORECASE)


def _count_place(doc: Doc, count: Span) -> Place | None:
    """The place named right after a count that repeats another's event: "4 attacks in Germany and 2 in France"."""
    text = _text(doc)
    for s in _place_spans(doc):
        if (s.start_char >= count.end_char and s._.place is not None and s._.place.lat is not None
                and _COUNT_IN.fullmatch(text, count.end_char, s.start_char)):
            return named_area(text, s.start_char, s.end_char, s._.place)
    return None


def _overlaps_any(span: Span, others: Sequence[Span]) -> bool:
    return any(o.start_char < span.end_char and span.start_char < o.end_char for o in others)


_PRECISION_RANK = {"exact": 0, "neighbourhood": 1, "city": 2, "district": 3, "region": 4, "country": 5,
                   "continent": 6}


# Events between parties: "the US and Russia agreed a truce" names who agreed, not where.
_BETWEEN_PARTIES = frozenset({"agreement", "diplomatic"})
_IN_BEFORE = re.compile(r"\b(?:in|across|throughout|for|inside)\s+(?:the\s+)?$", re.IGNORECASE)


def _where(doc: Doc, start: int, end: int, sent: _Sentence, focus: Place | None, near: int | None = None,
           parties: bool = False, tally: bool = False) -> Place | None:
    """``_named_where``, or a quarter of that town the clause names and the gazetteer lacks ("rebel shelling of
    the district of al-Hamdaniyeh" in an Aleppo report): the town's point under the quarter's name.

    A clause that names several such quarters ("the al-Kalasa and al-Sukkari neighbourhoods") stays at the town.
    """
    place = _named_where(doc, start, end, sent, focus, near, parties, tally)
    if place is None or place.precision != "city" or place.geonameid is None:
        return place
    text = _text(doc)
    named = [s.text for s in _place_spans(doc) if start <= s.start_char < end and _a_quarter_of(text, s, place)]
    if len({quarter_key(name) for name in named}) != 1:
        return place
    return quarter_place(named[0], place)


def _a_quarter_of(text: str, span: Span, town: Place) -> bool:
    """Whether ``span`` names a quarter of ``town`` the gazetteer lacks: unresolved, or placed at the town's very
    point for want of a match ("al-Kalasa neighbourhood of Aleppo"), and not where people went."""
    place: Place | None = span._.place
    return ((place is None or place.placed_at(town)) and place_role(text, span.start_char) != DESTINATION
            and (span._.quarter or quarter_named(text, span.start_char, span.end_char)))


def _named_where(doc: Doc, start: int, end: int, sent: _Sentence, focus: Place | None, near: int | None = None,
                 parties: bool = False, tally: bool = False) -> Place | None:
    """The clause's most precise place where the event happened, else the sentence's, else the
    document's focus city (geo.event_place: not where people went, unless the event is an arrival;
    "the countryside of Idlib" is no town).

    Of equally precise places, the one nearest the mention's trigger (``near``) wins: "protested in
    Gaziantep, calling for an end to the bombardment of Aleppo" has a protest and a bombardment. For an
    event between ``parties`` (an agreement), a country is its place only after "in" or "for".
    A country-level place gives way to the focus city when that city lies in the country:
    "Syria" in an Aleppo report most often means the fighting in Aleppo. Not for a ``tally``: "1,130
    civilians killed in Syria in November" counts the whole country.
    """
    spans = _place_spans(doc)
    # The sentence's actors and triggers, read once per sentence (assemble), not from the doc per mention.
    actors = sent.actors
    triggers = [t.start_char for t in sent.triggers if start <= t.start_char < end]
    filed = dateline_end(_text(doc), sent.span.start_char)  # where the report was filed: not a place of its events
    best = None
    for lo, hi in ((max(start, filed), end), (filed, sent.span.end_char)):
        named = [Toponym(s.start_char, s.end_char, s.text, s._.place) for s in spans
                 if lo <= s.start_char < hi and s.label_ != "NORP" and not _overlaps_any(s, actors)
                 and not (parties and _a_party(_text(doc), s))]
        best = event_place(_text(doc), named, triggers, near)
        if best is not None:
            break
    if best is None:
        return focus
    if (focus is not None and not tally and _PRECISION_RANK.get(best.precision, 9) >= _PRECISION_RANK["country"]
            and best.country == focus.country):
        return focus
    return best


def _a_party(text: str, span: Span) -> bool:
    """A country named as one side of an agreement ("the US and Russia agreed"), not as its place."""
    place: Place | None = span._.place
    return (place is not None and place.precision == "country"
            and not _IN_BEFORE.search(text, max(0, span.start_char - 12), span.start_char))


def _focus_place(doc: Doc) -> Place | None:
    """The city the document names most often: where its statements happen by default."""
    counts: dict[str, tuple[int, Place]] = {}
    for place in _places_in(doc, 0, len(_text(doc)), locations_only=True):
        if place.precision in ("city", "neighbourhood", "exact"):
            key = place.geonameid or place.name
            counts[key] = (counts.get(key, (0, place))[0] + 1, place)
    if not counts:
        return None
    n, place = max(counts.values(), key=lambda v: v[0])
    return Place(place.name, place.lat, place.lon, place.precision, place.geonameid, place.country,
                 place.admin1, place.feature, place.population, place.score, f"document focus ({n} mentions)")


_SAID_ON = re.compile(r"\b(?:said|says|denied|denies|told \w+|announced|reported|added|stated|confirmed)\s*$",
                      re.IGNORECASE)


def _when(dates: Sequence[DateMention], published: date | None, scope: str, text: str = "",
          clause: tuple[int, int] = (0, 0)) -> When | None:
    """The first resolved date of the event (not "said on Friday"); else the week before publication.

    A tally with no date of its own counts over the month or year the text names last before its ``clause``
    when that says "during the month"; else it spans the year before publication.
    """
    resolved = [d for d in dates if d.when.start is not None or d.when.end is not None]
    if scope == "incident":
        resolved = [d for d in resolved if not _an_anchor(d, text)]
    of_event = [d for d in resolved if not _SAID_ON.search(text[max(0, d.start - 25):d.start])]
    for d in of_event or resolved:
        return d.when
    if published is None:
        return None
    if scope == "aggregate":
        return _the_period(text, clause, published) or When(published - timedelta(days=365), published, "year", "",
                                                        f"{ASSUMED_WHEN}year")
    return When(published - timedelta(days=6), published, "week", "", f"{ASSUMED_WHEN}week")


_THE_PERIOD = re.compile(r"\b(?:during|in|over|throughout|for) (?:the|that) (?:same )?(month|year)\b", re.IGNORECASE)


def _the_period(text: str, clause: tuple[int, int], published: date) -> When | None:
    """The month (or year) a tally's "during the month" refers back to: the last one the text names before."""
    here = _THE_PERIOD.search(text, *clause)
    if here is None:
        return None
    named = [d.when for d in find_dates(text[:clause[0]], published, 0) if d.when.precision == here.group(1).lower()]
    return replace(named[-1], rule="when:the-period-named-before") if named else None


def _an_anchor(d: DateMention, text: str) -> bool:
    """A date a comparison looks back to, not the event's: "the biggest victory since the revolution began
    in 2011", "for the first time since 2012"."""
    before = text[max(0, d.start - 60):d.start]
    return bool(lx.SINCE_START.search(before)
                or (d.text.lower().startswith("since") and lx.COMPARED_SINCE.search(before)))


def _targets(clause_text: str, sent_text: str, etype: str) -> tuple[str, ...]:
    """Targets named in the clause, else in the sentence (violent types, sieges and aid only)."""
    if etype not in VIOLENT and etype not in ("siege", "aid_access"):
        return ()
    for text in (clause_text, sent_text):
        found = tuple(t for t, rx in lx.TARGET_WORDS if rx.search(text))
        if found:
            return found
    return ()
