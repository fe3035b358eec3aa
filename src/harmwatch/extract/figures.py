"""Figures: the counts in a clause, each attached to what happened (kind) and to whom (group).

``find_figures`` takes one sentence or clause. For each quantity from ``numbers.find_quantities``
(plus denials such as "no civilians were killed", which count as zero) it reads the noun phrase
after the number for the group ("civilians", "family members", "hospitals/clinics", "'massacres'")
and the predicate around it for the kind ("were killed", "killing", "took to the streets").
Quantities joined by "and" or "including" share their predicate ("About 2,000 residents and at
least 25 injured people ... were taken out"), and a number without a noun borrows the previous
one's ("4 attacks in X and 2 in Y"). A number with no recognisable kind is not a figure.
Word lists only; no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from harmwatch.model import Figure, Span

from .numbers import ONE_NOUNS, VAGUE_WORDS, Quantity, Token, find_quantities, tokenize

# --- lexicon ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Noun:
    cls: str          # person | facility | incident
    group: str
    kind: str = ""    # nouns that name the kind themselves: "casualties", "refugees"
    weak: bool = False  # a predicate overrides it: "police arrested 25 protesters" (detained)


def _nouns(cls: str, group: str, words: str, kind: str = "", weak: bool = False) -> dict[str, _Noun]:
    return {w.replace("_", " "): _Noun(cls, group, kind, weak) for w in words.split()}


_NOUNS: dict[str, _Noun] = {
    **_nouns("person", "people", "people persons person individuals residents inhabitants locals villagers "
             "others victims syrians iraqis yemenis afghans palestinians kurds shoppers passengers passenger farmers "
             "workers migrants worshippers mourners bystanders pedestrians members staff staffers employees "
             "crew_members"),
    **_nouns("person", "civilians", "civilians civilian man men woman journalists journalist reporters "
             "students teachers teacher volunteers father mother brother sister husband wife aid_workers "
             "rescue_workers patients fathers mothers brothers sisters husbands wives driver drivers imam "
             "grandfather grandmother uncle aunt cousin cousins shepherd shepherds baker bakers photographer "
             "photographers"),
    **_nouns("person", "women", "women"),
    **_nouns("person", "children", "children child kids boys boy girls girl babies baby infants infant "
             "toddlers toddler minors teenagers pupils schoolchildren schoolgirls schoolboys son daughter sons "
             "daughters grandchildren"),
    **_nouns("person", "fighters", "fighters fighter rebels rebel militants militant soldiers soldier troops "
             "combatants insurgents jihadists gunmen militiamen policemen policeman servicemen guards "
             "police_officers security_forces officers"),
    **_nouns("person", "medical_staff", "doctors doctor nurses nurse medics medic paramedics surgeons "
             "health_workers medical_workers medical_staff medical_personnel health_personnel"),
    **_nouns("person", "families", "families relatives family_members"),
    **_nouns("person", "people", "refugees idps", "displaced", weak=True),
    **_nouns("person", "people", "protesters protestors demonstrators marchers", "protesters", weak=True),
    **_nouns("person", "people", "prisoners detainees", "detained", weak=True),
    **_nouns("person", "people", "hostages captives", "abducted", weak=True),
    **_nouns("person", "people", "casualties", "killed_or_injured"),
    **_nouns("person", "people", "deaths fatalities bodies lives", "killed"),
    **_nouns("person", "people", "injuries", "injured"),
    **_nouns("person", "people", "evacuees", "evacuated", weak=True),
    **_nouns("facility", "hospitals", "hospitals hospital clinics clinic medical_facilities "
             "health_facilities health_centres health_centers medical_centres medical_centers "
             "medical_points"),
    **_nouns("facility", "schools", "schools school kindergartens universities education_facilities"),
    **_nouns("facility", "bakeries", "bakeries bakery"),
    **_nouns("facility", "markets", "markets market"),
    **_nouns("facility", "mosques", "mosques mosque"),
    **_nouns("facility", "churches", "churches church"),
    **_nouns("facility", "ambulances", "ambulances ambulance"),
    **_nouns("facility", "facilities", "facilities"),
    **_nouns("incident", "attacks", "attacks"),
    **_nouns("incident", "strikes", "strikes"),
    **_nouns("incident", "airstrikes", "airstrikes air_strikes"),
    **_nouns("incident", "raids", "raids air_raids"),
    **_nouns("incident", "massacres", "massacres"),
    **_nouns("incident", "bombings", "bombings suicide_bombings"),
    **_nouns("incident", "explosions", "explosions"),
    **_nouns("incident", "barrel bombs", "barrel_bombs"),
    **_nouns("incident", "car bombs", "car_bombs"),
    **_nouns("incident", "bombardments", "bombardments"),
    **_nouns("incident", "ambushes", "ambushes"),
    **_nouns("incident", "assaults", "assaults"),
}
# Words that are a kind and can stand as the head ("12 dead") or modify a noun ("wounded people").
_KIND_ADJ = {"dead": "killed", "killed": "killed", "wounded": "injured", "injured": "injured",
             "displaced": "displaced", "besieged": "besieged", "trapped": "remaining",
             "stranded": "remaining", "missing": "missing", "detained": "detained",
             "abducted": "abducted", "kidnapped": "abducted",
             "evacuated": "evacuated"}


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    kind: str
    transitive: bool = False   # "killed 12 people": an object after it makes the subject the agent
    backward: bool = False     # may precede its quantity ("killing 12", "attacks on 3 hospitals")
    passive_only: bool = False


def _phrases(kind: str, spec: str) -> list[_Phrase]:
    """``spec``: phrases separated by ``|``; a trailing ``/t``, ``/b``, ``/tb`` or ``/p`` sets flags."""
    out = []
    for item in spec.split("|"):
        words, _, flags = item.strip().partition("/")
        out.append(_Phrase(tuple(words.split()), kind, "t" in flags, "b" in flags, "p" in flags))
    return out


_PERSON_PHRASES = [
    *_phrases("killed", "killed/tb|killing/b|kills/tb|died|die|dies|dead|shot dead/tb|shot and killed/tb|"
              "lost their lives|lost their life|lost his life|lost her life|executed/tb|executing/b|"
              "massacred/tb|massacring/b|murdered/tb|murdering/b|slain|slaughtered/tb|perished|"
              "death toll/b|toll/b|burned to death|beaten to death|claimed the lives of/b|bodies of/b|"
              "number of dead/b|number of deaths/b|death of/b|deaths of/b|killings of/b|murder of/b|murders of/b|"
              "execution of/b|executions of/b|massacre of/b|slaughter of/b|assassination of/b|hanged/tb|hanging/b|"
              "hangings of/b|executes/b|murders/b|massacres/b|slaughters/b|assassinates/b|shoots dead/b|kill/b|"
              "execute/b|murder/b|massacre/b|slaughter/b|assassinate/b|shoot dead/b"),
    *_phrases("killed_or_injured", "killed or wounded/tb|killed or injured/tb|dead or wounded|"
              "killed and wounded/tb|killed and injured/tb|dead and wounded|shot/tb|casualty toll/b|casualties/b|"
              "number of casualties/b"),
    *_phrases("injured", "wounded/tb|wounding/b|injured/tb|injuring/b|hurt/t|maimed/tb|sustained injuries|"
              "suffered injuries|number of wounded/b|number of injured/b|wounds/b|injures/b|wound/b|injure/b"),
    *_phrases("missing", "missing|unaccounted for|went missing|remain missing|remained missing|"
              "still missing"),
    *_phrases("detained", "arrested/tb|arresting/b|detained/tb|detaining/b|held/p|imprisoned/tb|jailed/tb|"
              "taken into custody|rounded up/tb|captured/tb|taken prisoner|arrest of/b|arrests of/b|detention of/b|"
              "imprisonment of/b|capture of/b|arrests/b|detains/b|arrest/b|detain/b"),
    *_phrases("abducted", "abducted/tb|abducting/b|kidnapped/tb|kidnapping/b|disappeared/t|"
              "forcibly disappeared/t|taken hostage|abduction of/b|abductions of/b|kidnappings of/b|"
              "disappearance of/b|enforced disappearance of/b|abducts/b|kidnaps/b|abduct/b|kidnap/b"),
    *_phrases("displaced", "fled|flee|displaced/tb|displacing/b|forced from their homes|forced to flee|"
              "driven from their homes|left their homes|uprooted/tb|made homeless|displacement of/b|crossed into|"
              "crossed the border|crossing into|crossing the border"),
    *_phrases("evacuated", "evacuated/tb|evacuating/b|evacuation of/b|bussed out/t|bused out/t|"
              "left on buses|taken out/t|carried/b|ferried/b|transported/b|bussed/b|bused/b"),
    *_phrases("besieged", "besieged/tb|besieging/b|under siege|trapped under siege|laid siege to/tb|"
              "lay siege to/tb|laying siege to/b|encircled/tb|remain besieged|living under siege|"
              "live under siege"),
    *_phrases("remaining", "remain|remained|remaining|remains|still trapped|trapped|waiting to leave|"
              "waiting to be evacuated|still inside|stayed behind|left behind|stranded|still waiting|"
              "might have to be evacuated|may have to be evacuated|could have to be evacuated|"
              "would have to be evacuated|have to be evacuated|need to be evacuated|needs to be evacuated|"
              "yet to be evacuated|still to be evacuated"),
    *_phrases("protesters", "took to the streets|take to the streets|taking to the streets|protested|protest|"
              "protesting|demonstrated|demonstrating|rallied|marched|gathered to protest|"
              "protest by/b|demonstration by/b|demonstration of/b|rally of/b|march by/b"),
]
_FACILITY_PHRASES = _phrases(
    "facilities", "hit/tb|hitting/b|targeted/tb|targeting/b|struck/tb|striking/b|bombed/tb|bombing/b|"
    "shelled/tb|shelling/b|destroyed/tb|destroying/b|damaged/tb|damaging/b|attacked/tb|attacking/b|razed/t|"
    "burned/t|burnt/t|looted/t|stormed/t|put out of service/t|out of service|knocked out/t|out of action|"
    "came under attack|come under attack|came under fire|attacks on/b|attack on/b|strikes on/b|"
    "airstrikes on/b|air strikes on/b|raids on/b|bombing of/b|shelling of/b|destruction of/b")


def _index(phrases: list[_Phrase]) -> dict[str, list[_Phrase]]:
    out: dict[str, list[_Phrase]] = {}
    for p in sorted(phrases, key=lambda p: -len(p.words)):
        out.setdefault(p.words[0], []).append(p)
    return out


_LEXICON = {"person": _index(_PERSON_PHRASES), "facility": _index(_FACILITY_PHRASES)}
_QUOTES = frozenset("'\"‘’“”")
_FUNCTION = frozenset("""
the a an and or but of in on at to from by with for as than that which who whom whose was were is are be been
being has have had will would could should may might must can did do does not no this these those its their
his her our your my it they he she we you said says say according including while after before during since
across around near inside outside into over under among between through throughout within without against
per via like upon more also still all reportedly now then there here so yet ago today yesterday
""".split())
_AUX = frozenset({"was", "were", "been", "being", "be", "is", "are", "get", "got", "gets"})
_OBJECT_START = frozenset("""
the a an his her their its our my your this these those some many several dozens hundreds thousands scores
millions tens all two three four five
""".split())
_FORWARD_STOP = frozenset("""
; . ! ? : but while whereas although though because however how whether if why what
""".split())
_IMMEDIATE_GAP = frozenset("""
the a an another further additional its their all of to at rose risen climbed reached stood stands has
have had
now some
""".split())
_COORD = frozenset({",", "and", "or", "plus", "&"})
_POSSESSIVES = frozenset({"his", "her", "their", "its"})  # "a woman and her three children"
_INCLUDE_TAILS = (("including",), ("among", "them"), ("among", "whom"), ("of", "whom"), ("of", "them"),
                  ("mostly",), ("mainly",), ("most", "of", "them"), ("among", "those"))
_INHERIT_GAP = frozenset({"and", ",", "while", "whereas", "but", "plus", "another"})
_DENIAL_KINDS = frozenset({"killed", "injured", "killed_or_injured"})
_DENIAL_RE = re.compile(
    r"\bno[\s-]one\b|\bnobody\b|\bnone\b"
    r"|\b(?:no|zero|not\s+a\s+single|not\s+one)\b(?=\s+(?:other\s+|more\s+|further\s+)?"
    r"(?:civilians?|people|persons?|children|child|women|men|soldiers|fighters|casualties|deaths|fatalities"
    r"|injuries|dead|lives)\b)",
    re.IGNORECASE)
_DENIAL_VERB_RE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|rejected|dismissed)\b[^.;]{0,40}?\b(?P<q>any(?:one|body)?)\b", re.IGNORECASE)

# --- noun phrases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NP:
    end: int                 # token index after the noun phrase (after the number when there is none)
    status: str              # noun | head ("12 dead") | elided ("2 in France") | unknown ("3 routes")
    cls: str = ""
    group: str = ""
    kind: str = ""           # from a head word or kind noun ("12 dead", "40 casualties")
    mod_kind: str = ""       # from a modifier or weak noun ("300,000 besieged civilians", "200 refugees")
    wounded: bool = False    # "wounded people", "injured people"


@dataclass(frozen=True)
class _Item:
    q: Quantity
    s: int                   # token index of the quantity
    e: int                   # token index after it
    np: _NP
    denial: bool = False


def _noun_at(toks: list[Token], k: int, stop: int) -> tuple[_Noun | None, int]:
    if k >= stop:
        return None, 0
    if k + 1 < stop:
        pair = _NOUNS.get(f"{toks[k].low} {toks[k + 1].low}")
        if pair is not None:
            return pair, 2
    one = _NOUNS.get(toks[k].low)
    return (one, 1) if one is not None else (None, 0)


def _phrase_at(toks: list[Token], k: int, limit: int,
               lex: dict[str, list[_Phrase]]) -> tuple[_Phrase, int] | None:
    for p in lex.get(toks[k].low, ()):
        n = len(p.words)
        if k + n <= limit and all(toks[k + i].low == w for i, w in enumerate(p.words)):
            return p, k + n
    return None


def _is_kind_word(toks: list[Token], k: int, stop: int) -> bool:
    return any(_phrase_at(toks, k, stop, lex) for lex in _LEXICON.values())


def _content(tok: Token) -> bool:
    return tok.text[0].isalpha() or "-" in tok.text


def _noun_ahead(toks: list[Token], k: int, stop: int) -> bool:
    for j in range(k, min(k + 3, stop)):
        if _noun_at(toks, j, stop)[0] is not None:
            return True
        if toks[j].low in _FUNCTION or not _content(toks[j]) or _is_kind_word(toks, j, stop):
            return False
    return False


def _noun_phrase(toks: list[Token], e: int, stop: int, vague: bool) -> _NP:
    """The noun phrase after a quantity ending at token ``e``; ``stop`` is the next quantity."""
    k = e + 1 if vague and e < stop and toks[e].low == "of" else e
    nouns: list[_Noun] = []
    mods, end, mod_kind, wounded = 0, e, "", False
    while k < stop:
        tok = toks[k]
        noun, width = _noun_at(toks, k, stop)
        if noun is not None:
            nouns.append(noun)
            k, end = k + width, k + width
        elif tok.text in _QUOTES:
            k += 1
        elif nouns:
            if tok.low not in ("and", "or", "/", "&") or _noun_at(toks, k + 1, stop)[0] is None:
                break
            k += 1
        elif tok.low in _KIND_ADJ and _noun_ahead(toks, k + 1, stop):
            mod_kind, wounded = mod_kind or _KIND_ADJ[tok.low], wounded or _KIND_ADJ[tok.low] == "injured"
            k += 1
        elif tok.low in _KIND_ADJ and mods == 0 and not mod_kind:
            return _NP(k + 1, "head", "person", "", _KIND_ADJ[tok.low])
        elif tok.low in _FUNCTION or not _content(tok) or _is_kind_word(toks, k, stop) or mods == 3:
            break
        else:
            mods, k = mods + 1, k + 1
    if not nouns:
        return _NP(e, "unknown" if mods or mod_kind else "elided")
    first = nouns[0]
    groups = {n.group for n in nouns if n.cls == first.cls}
    group = first.group if len(groups) == 1 or first.cls != "person" else "people"
    kind = next((n.kind for n in nouns if n.kind and not n.weak), "")
    weak = next((n.kind for n in nouns if n.kind and n.weak), "")
    return _NP(end, "noun", first.cls, group, kind, mod_kind or weak, wounded)


# --- predicates ------------------------------------------------------------------------------------------


def _accept_forward(toks: list[Token], k: int, after: int, p: _Phrase, starts: set[int]) -> bool:
    passive = any(t.low in _AUX for t in toks[max(0, k - 2):k])
    if p.passive_only:
        return passive
    if not p.transitive or passive or after >= len(toks):
        return True
    nxt = toks[after]
    return not (after in starts or nxt.low in _OBJECT_START or nxt.low in _NOUNS)


def _forward(toks: list[Token], k: int, limit: int, cls: str, starts: set[int]) -> str:
    """The kind of the predicate after a noun phrase; "" when an active verb makes it the agent."""
    lex = _LEXICON[cls]
    for j in range(k, min(limit, k + 15)):
        if toks[j].low in _FORWARD_STOP:
            return ""
        hit = _phrase_at(toks, j, limit, lex)
        if hit is not None:
            return hit[0].kind if _accept_forward(toks, j, hit[1], hit[0], starts) else ""
    return ""


def _backward(toks: list[Token], s: int, boundary: int, cls: str) -> tuple[str, str]:
    """(kind of a phrase right before token ``s``, kind of the nearest phrase before it)."""
    lex = _LEXICON[cls]
    for k in range(s - 1, max(boundary, s - 12) - 1, -1):
        hit = _phrase_at(toks, k, s, lex)
        if hit is not None and hit[0].backward:
            immediate = all(t.low in _IMMEDIATE_GAP for t in toks[hit[1]:s])
            return (hit[0].kind if immediate else ""), hit[0].kind
    return "", ""


_RISE = frozenset({"rose", "risen", "climbed", "reached", "jumped", "increased", "stood", "stands", "passed",
                   "topped", "surpassed"})


def _toll_before(toks: list[Token], s: int) -> str:
    """ "The death toll from Thursday's bombing at a market rose to 32": a toll's verb reaches past other numbers."""
    k = s - 1 if s and toks[s - 1].low in ("to", "at") else s
    if k < 1 or toks[k - 1].low not in _RISE:
        return ""
    for j in range(k - 2, max(-1, k - 22), -1):
        if toks[j].low in _FORWARD_STOP:
            return ""
        if toks[j].low == "toll":
            return "killed_or_injured" if j and toks[j - 1].low == "casualty" else "killed"
    return ""


def _link(toks: list[Token], prev: _Item, cur: _Item) -> str:
    gap = tuple(t.low for t in toks[prev.np.end:cur.s])
    if gap and all(g in _COORD or g in _POSSESSIVES for g in gap) and gap[0] in _COORD:
        return "coord"
    if any(gap[-len(tail):] == tail for tail in _INCLUDE_TAILS):
        return "include"
    return ""


def _inherit(toks: list[Token], items: list[_Item], i: int) -> _NP:
    """Give a number without a noun the previous number's noun ("4 attacks in X and 2 in Y")."""
    it = items[i]
    np = it.np
    if np.status in ("noun", "unknown"):
        return np
    prev = items[i - 1].np if i else None
    gap = {t.low for t in toks[prev.end:it.s]} if prev is not None else set()
    joined = prev is not None and not it.denial and bool(gap & _INHERIT_GAP)
    if joined and prev is not None and prev.cls != "person" and _backward(toks, it.s, prev.end, "person")[0]:
        joined = False  # "hit a market, killing 9": those killed are people, not markets
    if np.status == "head":
        group = prev.group if joined and prev is not None and prev.cls == "person" else "people"
        return replace(np, group=group)
    if joined and prev is not None:
        return replace(np, cls=prev.cls, group=prev.group)
    return replace(np, cls="person", group="people")


def _and_elsewhere(toks: list[Token], items: list[_Item], i: int) -> bool:
    """ "hit 4 schools in Douma and 2 in Harasta": a bare number after "in <place> and" repeats the count before."""
    gap = [t.low for t in toks[items[i - 1].np.end:items[i].s]]
    return (items[i].np.status == "elided" and items[i - 1].np.status == "noun" and 2 < len(gap) <= 6
            and gap[0] in ("in", "at", "on", "near") and gap[-1] == "and")


def _kind(toks: list[Token], items: list[_Item], links: list[str], kinds: list[str], i: int) -> str:
    it, n = items[i], len(items)
    np = it.np
    if np.cls == "incident":
        return "incidents"
    if np.cls not in _LEXICON:
        return ""
    if np.kind:
        return np.kind
    starts = {x.s for x in items}
    immediate, nearest = _backward(toks, it.s, items[i - 1].np.end if i else 0, np.cls)
    if immediate:
        return immediate
    if np.cls == "person" and (toll := _toll_before(toks, it.s)):
        return toll
    own = _forward(toks, np.end, items[i + 1].s if i + 1 < n else len(toks), np.cls, starts)
    if own:
        return own
    if (links[i] or _and_elsewhere(toks, items, i)) and kinds[i - 1] and items[i - 1].np.cls == np.cls:
        return kinds[i - 1]
    last = i
    while last + 1 < n and links[last + 1]:
        last += 1
    if last != i:
        limit = items[last + 1].s if last + 1 < n else len(toks)
        shared = _forward(toks, items[last].np.end, limit, np.cls, starts)
        if shared:
            return shared
    if _relative_object(toks, it.s):
        return np.mod_kind
    return np.mod_kind or nearest


_SPEECH = frozenset({"said", "says", "told", "tells", "added", "stated", "reported", "explained", "recalled"})
_CLAUSE_END = frozenset({",", ";", ":", ".", "!", "?", "(", ")", "—", "–"})


def _speaker(toks: list[Token], it: _Item) -> bool:
    """ "including two nurses, a doctor at the hospital said": the counted person is who speaks, not a victim."""
    if it.denial:
        return False  # "no casualties reported"
    for k in range(it.np.end, min(it.np.end + 6, len(toks))):
        if toks[k].low in _CLAUSE_END:
            return False
        if toks[k].low in _SPEECH:
            # "12 people were reported killed", "12 people reported killed": said of them, not by them
            passive = toks[k - 1].low in _AUX or (k + 1 < len(toks) and _is_kind_word(toks, k + 1, len(toks)))
            return not passive
    return False


def _relative_object(toks: list[Token], s: int) -> bool:
    """ "the bakery, which fed thousands": the number is a relative clause's object, not the dead."""
    return any(t.low in ("which", "who", "that") for t in toks[max(0, s - 3):s])


# --- figures ---------------------------------------------------------------------------------------------


def _denials(text: str) -> list[Quantity]:
    spans = [m.span() for m in _DENIAL_RE.finditer(text)]
    spans += [m.span("q") for m in _DENIAL_VERB_RE.finditer(text)]
    return [Quantity(a, b, text[a:b], 0, 0, 0, "exact") for a, b in sorted(set(spans))]


_ONE_DETS = (_POSSESSIVES - {"its"}) | {"the"}  # "the driver", "his wife"


def _coordinated_ones(toks: list[Token], found: list[Quantity]) -> list[Quantity]:
    """"the driver and four passengers", "a man, his wife and their two daughters": a singular person
    noun after "the" or a possessive counts one when "and" or a comma joins it to a count."""
    if not found:  # runs on every sentence: nothing to join without a count
        return []
    starts = {q.start for q in found}
    counted = {k for k, t in enumerate(toks) if t.start in starts}
    out: list[Quantity] = []
    for k in range(len(toks) - 3, -1, -1):  # right to left: each one joins the count after it
        if toks[k].low not in _ONE_DETS or toks[k + 1].low not in ONE_NOUNS:
            continue
        noun = _noun_at(toks, k + 1, len(toks))[0]
        if noun is None or noun.cls != "person":
            continue
        j = k + 2
        while j < len(toks) and toks[j].low in (",", "and"):
            j += 1
        if j < len(toks) and toks[j].low in _POSSESSIVES:
            j += 1
        if j > k + 2 and j in counted:
            counted.add(k)
            out.append(Quantity(toks[k].start, toks[k].end, toks[k].text, 1, 1, 1, "exact"))
    return out


def _items(text: str, toks: list[Token]) -> list[_Item]:
    found = find_quantities(text)
    found += _coordinated_ones(toks, found)  # put in text order with the denials below
    denials = [d for d in _denials(text) if not any(q.start < d.end and d.start < q.end for q in found)]
    quants = sorted([(q, False) for q in found] + [(d, True) for d in denials], key=lambda x: x[0].start)
    first = {t.start: k for k, t in enumerate(toks)}
    after = {t.end: k + 1 for k, t in enumerate(toks)}
    spans = [(first[q.start], after[q.end], q, d) for q, d in quants if q.start in first and q.end in after]
    items: list[_Item] = []
    for idx, (s, e, q, denial) in enumerate(spans):
        stop = spans[idx + 1][0] if idx + 1 < len(spans) else len(toks)
        vague = q.text.lower().rsplit(None, 1)[-1] in VAGUE_WORDS
        items.append(_Item(q, s, e, _noun_phrase(toks, e, stop, vague), denial))
    for i in range(len(items)):
        items[i] = replace(items[i], np=_inherit(toks, items, i))
    return items


def _figure(text: str, toks: list[Token], it: _Item, kind: str, offset: int) -> Figure:
    np, q = it.np, it.q
    group = np.group
    if np.cls == "person" and np.wounded and kind not in ("injured", "killed_or_injured"):
        group = "wounded"
    end = toks[np.end - 1].end if np.end > it.e else q.end
    span = Span(q.start + offset, end + offset, text[q.start:end])
    return Figure(kind, group, q.low, q.high, q.qualifier, span)


def find_figures(text: str, offset: int = 0) -> list[Figure]:
    """The figures in one sentence or clause, in text order; spans are shifted by ``offset``.

    Each figure is a quantity with its noun (``span``), the ``kind`` of what happened (taxonomy.md:
    killed, injured, ..., incidents, facilities) and the ``group`` counted (people, civilians, children,
    ..., or the counted noun for incidents and facilities). Denials give low = high = 0.
    """
    toks = tokenize(text)
    items = _items(text, toks)
    links = [""] + [_link(toks, items[i - 1], items[i]) for i in range(1, len(items))]
    kinds: list[str] = []
    out: list[Figure] = []
    for i, it in enumerate(items):
        kind = _kind(toks, items, links, kinds, i)
        kinds.append(kind)
        if not kind or (it.denial and kind not in _DENIAL_KINDS) or (it.np.cls == "person" and _speaker(toks, it)):
            continue
        out.append(_figure(text, toks, it, kind, offset))
    return out
