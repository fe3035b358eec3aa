"""One number parser for all of harmwatch.

``parse_number`` reads one number expression ("3,000", "1.5 million", "twenty-one",
"a dozen"); ``find_quantities`` finds the counts in a text together with their
qualifier ("at least 40", "up to 50,000", "between 10 and 20", "dozens"), and skips
numbers that are not counts: years, dates, times, durations, ages, percentages,
money, ordinals, list markers, phone numbers and identifiers ("Resolution 2254").
Pure regular expressions, compiled once; no spaCy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- tokens ----------------------------------------------------------------------------------------------

_NUM = (r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?"
        r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[,.]\d)"
        r"|\d+(?:\.\d+)?")
_WORD = r"[^\W\d_]\w*(?:['’][^\W\d_]+)*"
_PART = rf"(?:{_NUM})(?:['’]?[^\W\d_]+)?|{_WORD}"
_TOKEN_RE = re.compile(rf"(?:{_PART})(?:[-‐‑–](?:{_PART}))*|\S")
_NUM_TOKEN_RE = re.compile(rf"(?P<num>{_NUM})(?P<suf>['’]?[^\W\d_]+)?")
_DASH_RE = re.compile(r"[-‐‑–]")


@dataclass(frozen=True)
class Token:
    """A word, number, hyphenated compound or punctuation mark, with its offsets."""

    text: str
    start: int
    end: int
    low: str  # the text lowercased, for word-list lookups


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens: hyphenated compounds ("7-year-old", "10-20") stay whole."""
    return [Token(m.group(), m.start(), m.end(), m.group().lower()) for m in _TOKEN_RE.finditer(text)]


# --- vocabulary ------------------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split(), start=1)}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SMALL = {**_UNITS, **_TENS}
_MULT = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "dozen": 12}
_SUFFIX_SCALE = {"m": 10**6, "mn": 10**6, "mln": 10**6, "bn": 10**9, "k": 1000}
_VAGUE = {"tens of thousands": 10_000, "hundreds of thousands": 100_000, "tens of millions": 10**7,
          "hundreds of millions": 10**8, "millions": 10**6, "thousands": 1000, "hundreds": 100,
          "dozens": 12, "scores": 20, "tens": 10}
VAGUE_WORDS = frozenset({"dozens", "scores", "tens", "hundreds", "thousands", "millions"})

_D = "|".join(_TENS)
_T = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
_U = "one|two|three|four|five|six|seven|eight|nine"
_SM = rf"(?:(?:{_D})(?:[-‐‑–\s](?:{_U}))?|{_T}|{_U})\b"
_HS = rf"(?:(?:{_SM}|an?)\s+hundred(?:\s+(?:and\s+)?{_SM})?|{_SM})"
_BIG = rf"(?:{_HS}|an?)\s+(?:thousand|million|billion)\b(?:\s+(?:and\s+)?{_HS})?"
_WORD_NUM_RE = re.compile(
    rf"(?:half\s+an?\s+(?:million|billion|thousand|hundred|dozen)\b"
    rf"|{_SM}\s+and\s+a\s+half\s+(?:million|billion|thousand|dozen)\b"
    rf"|(?:{_HS}|an?)\s+dozen\b|{_BIG}|{_HS})(?![-‐‑–]?\w)", re.IGNORECASE)
_VAGUE_RE = re.compile(
    r"(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions)|millions|thousands|hundreds|dozens"
    r"|(?:scores|tens)(?=\s+of\b))\b"
    r"|(?:a\s+few|several|many|a\s+couple\s+of)\s+(?P<fz>hundred|thousand|million|dozen)s?\b",
    re.IGNORECASE)

# Qualifier words before a number, longest first.
_PREFIXES: tuple[tuple[tuple[str, ...], str], ...] = tuple(sorted((
    (("at", "least"), "at_least"), (("more", "than"), "at_least"), (("over",), "at_least"),
    (("upwards", "of"), "at_least"), (("no", "fewer", "than"), "at_least"),
    (("no", "less", "than"), "at_least"), (("not", "less", "than"), "at_least"),
    (("in", "excess", "of"), "at_least"), (("well", "over"), "at_least"),
    (("just", "over"), "at_least"), (("a", "minimum", "of"), "at_least"), (("above",), "at_least"),
    (("up", "to"), "at_most"), (("as", "many", "as"), "at_most"), (("at", "most"), "at_most"),
    (("no", "more", "than"), "at_most"), (("not", "more", "than"), "at_most"), (("fewer", "than"), "at_most"),
    (("less", "than"), "at_most"), (("a", "maximum", "of"), "at_most"), (("just", "under"), "at_most"),
    (("some",), "approx"), (("about",), "approx"), (("around",), "approx"), (("nearly",), "approx"),
    (("almost",), "approx"), (("roughly",), "approx"), (("approximately",), "approx"),
    (("approx",), "approx"), (("an", "estimated"), "approx"), (("estimated",), "approx"), (("~",), "approx"),
    (("close", "to"), "approx"),
    (("circa",), "approx"), (("between",), "range_and"), (("from",), "range_to"),
), key=lambda p: -len(p[0])))
_PREFIX_INDEX: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _words, _qual in _PREFIXES:
    _PREFIX_INDEX.setdefault(_words[0], []).append((_words, _qual))

# Words after a number that make it a duration, measure, rate, share or sum rather than a count.
_UNIT_AFTER = frozenset("""
second seconds minute minutes min mins hour hours hr hrs h day days night nights week weeks fortnight
fortnights month months year years yr yrs decade decades century centuries times am pm gmt utc
percent per pc percentage % km kms kilometre kilometres kilometer kilometers mile miles metre metres meter
meters m cm mm ft feet foot inch inches kg kilo kilos kilogram kilograms kilogrammes g gram grams ton tons
tonne tonnes litre litres liter liters gallon gallons hectare hectares acre acres sq square degree degrees
°c °f calibre caliber mph kph km/h barrels mw megawatts dollar dollars euro euros pound pounds lira liras
lire ruble rubles rouble roubles yuan dinar dinars riyal riyals rial rials rupee rupees cent cents franc
francs usd eur gbp syp pence o'clock o’clock
""".split())
_CURRENCY_BEFORE = frozenset({"$", "£", "€", "¥", "₹", "usd", "eur", "gbp", "syp", "us$", "rs", "iqd", "try"})
_ID_BEFORE = frozenset("""
resolution resolutions article articles section chapter paragraph para page pages p pp no nos number
numbers room flight route highway motorway brigade division battalion regiment corps squadron item clause
phase level platform gate apartment floor version table figure fig vol volume act law decree channel code
postcode zip tel phone fax ext episode session
aged age ages # №
""".split())
MONTHS = {name: i for i, names in enumerate((
    "January Jan", "February Feb", "March Mar", "April Apr", "May", "June Jun", "July Jul",
    "August Aug", "September Sep Sept", "October Oct", "November Nov", "December Dec"), start=1)
    for name in names.split()}

# Singular nouns after "a"/"one" that make it a count of one ("a man was shot", "a hospital was hit").
ONE_NOUNS = frozenset("""
man woman child boy girl baby infant toddler teenager teen youth civilian person resident villager farmer
teacher shepherd student pupil journalist reporter photographer doctor nurse medic paramedic surgeon volunteer
worker fighter rebel militant soldier policeman officer guard protester demonstrator refugee father mother
son daughter brother sister husband wife driver passenger imam baker grandfather grandmother uncle aunt cousin
hospital clinic school bakery market mosque church
""".split())
# Plural nouns that make a year-like number (1900-2099) a count after all ("2000 people").
COUNT_NOUNS = frozenset("""
people persons civilians men women children kids boys girls babies residents families fighters rebels
militants soldiers troops refugees protesters demonstrators prisoners detainees hostages casualties dead
deaths victims bodies hospitals schools attacks strikes airstrikes massacres homes houses others killed
wounded injured displaced
""".split())
_NOT_ONE_BEFORE = frozenset({"no", "any", "every", "each", "the", "this", "which", "someone", "anyone",
                             "everyone", "no-one"})
_NOT_ONE_AFTER = frozenset({"of", "another", "side", "way", "hand", "thing", "time", "point", "another's"})
_ONE_VERBS = frozenset({"was", "has", "had", "died", "is", "remains", "remained", "person", "other"})
_NOUN_HEADS_AFTER = frozenset("""
spokesman spokeswoman spokesperson official officials director source sources chief head manager administrator
employee staff bed beds building ward guard board soldier
""".split())
_STOP_WORDS = frozenset("""
the a an and or but of in on at to from by with for as than that which who whom whose was were is are be been
being has have had will would could should may might must can did do does not no this these those its their
his her our your my it they he she we you said says say according including while after before during since
""".split())
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,5}(?:[ \u00a0.-]\d{2,5}){1,5}(?!\w)")
_TIME_AFTER_RE = re.compile(r"\s*(?:[ap]\.\s?m\b\.?|[ap]m\b|gmt\b|utc\b|o['’]clock|hrs\b|h\b|local\s+time)",
                            re.IGNORECASE)


# --- parsing ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Core:
    value: float
    end: int            # token index just after the number
    raw: float          # the value before a scale word ("20" in "20 thousand")
    scale: int = 1
    vague: bool = False
    plain4: bool = False  # exactly four digits, no separators: may be a year
    word: str = ""        # the lowercased words, for word numbers


def _words_value(phrase: str) -> float:
    """Value of a phrase that ``_WORD_NUM_RE`` accepted."""
    words = [w for w in re.split(r"[\s\-‐‑–]+", phrase.lower()) if w]
    total = cur = 0.0
    i = 0
    while i < len(words):
        w = words[i]
        if w in _SMALL:
            cur += _SMALL[w]
        elif w in ("a", "an") and i + 1 < len(words) and words[i + 1] == "half":
            pass
        elif w in ("a", "an"):
            cur = cur if cur else 1.0
        elif w == "half":
            cur = cur + 0.5 if cur else 0.5
            i += 1 if i + 1 < len(words) and words[i + 1] in ("a", "an") else 0
        elif w in ("hundred", "dozen"):
            cur = (cur or 1) * _MULT[w]
        elif w in _MULT:
            total += (cur or 1) * _MULT[w]
            cur = 0.0
        i += 1
    return total + cur


def _token_index(toks: list[Token], end_offset: int, start: int) -> int | None:
    """Index just after the token ending at ``end_offset`` (None if no token ends there)."""
    for k in range(start, len(toks)):
        if toks[k].end == end_offset:
            return k + 1
        if toks[k].end > end_offset:
            return None
    return None


_MAX_VALUE = 1e12


def _digit_core(toks: list[Token], j: int) -> _Core | None:
    m = _NUM_TOKEN_RE.fullmatch(toks[j].text)
    if not m:
        return None
    num, suf = m["num"], (m["suf"] or "").lower()
    if num.startswith("0") and len(num) > 1 and not num.startswith("0."):
        return None  # "0600" hours, "007" codes
    raw = float(re.sub(r"[,\s\u00a0\u202f]", "", num))
    scale, end = 1, j + 1
    if suf:
        if suf not in _SUFFIX_SCALE:
            return None  # "7th", "1990s", "40km", "10am"
        scale = _SUFFIX_SCALE[suf]
    elif end < len(toks) and toks[end].low in _MULT:
        scale, end = _MULT[toks[end].low], end + 1
    value = raw * scale
    # Beyond any real count (and beyond what a database integer holds): a code or digit noise, not a figure.
    if not value < _MAX_VALUE or value != int(value):
        return None
    return _Core(value, end, raw, scale, plain4=bool(re.fullmatch(r"\d{4}", num)) and scale == 1)


def _core_at(text: str, toks: list[Token], j: int) -> _Core | None:
    """The number starting at token ``j``, if any (ranges are handled by the caller)."""
    tok = toks[j]
    if tok.text[0].isdigit():
        return _digit_core(toks, j)
    m = _VAGUE_RE.match(text, tok.start)
    if m:
        end = _token_index(toks, m.end(), j)
        if end is not None:
            fz = m["fz"]
            value = _MULT[fz.lower()] if fz else _VAGUE[re.sub(r"\s+", " ", m.group().lower())]
            return _Core(float(value), end, float(value), vague=True)
    m = _WORD_NUM_RE.match(text, tok.start)
    if m:
        end = _token_index(toks, m.end(), j)
        if end is not None:
            words = _words_value(m.group())
            if words == int(words):
                return _Core(words, end, words, word=m.group().lower())
    return None


def parse_number(text: str) -> int | None:
    """The value of one number expression, or None when ``text`` is not exactly a number.

    "12", "3,000", "3 000", "1.5 million", "2.3m", "four", "twenty-one", "a dozen", "two hundred",
    "a hundred", "half a million"; vague words give their conventional value ("dozens" 12,
    "thousands" 1000). Qualifiers, ranges and anything else give None.
    """
    stripped = text.strip()
    toks = tokenize(stripped)
    if not toks:
        return None
    core = _core_at(stripped, toks, 0)
    if core is None or core.end != len(toks):
        return None
    return int(core.value)


# --- finding quantities ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Quantity:
    """A count found in a text: offsets (plus the caller's offset), value and qualifier."""

    start: int
    end: int
    text: str
    value: int
    low: int | None
    high: int | None
    qualifier: str


@dataclass(frozen=True)
class _Cand:
    first: int          # token index of the qualifier (or the number)
    num: int            # token index of the number itself
    end: int            # token index after the quantity
    low: float
    high: float
    qualifier: str
    core: _Core


def _prefix_at(toks: list[Token], i: int) -> tuple[str, int]:
    for words, qual in _PREFIX_INDEX.get(toks[i].low, ()):
        n = len(words)
        if i + n <= len(toks) and all(toks[i + k].low == w for k, w in enumerate(words)):
            return qual, i + n
    return "", i


def _compound_range(toks: list[Token], j: int) -> _Cand | None:
    """"10-20", "10,000–15,000", "40-odd", "40-plus"."""
    parts = _DASH_RE.split(toks[j].text)
    if len(parts) != 2 or not parts[0][:1].isdigit():
        return None
    a = _NUM_TOKEN_RE.fullmatch(parts[0])
    if not a or a["suf"]:
        return None
    va = float(a["num"].replace(",", ""))
    if parts[1].lower() in ("odd", "plus"):
        core = _Core(va, j + 1, va)
        return _Cand(j, j, j + 1, va, va, "approx" if parts[1].lower() == "odd" else "at_least", core)
    b = _NUM_TOKEN_RE.fullmatch(parts[1])
    if not b or b["suf"]:
        return None
    vb, end, scale = float(b["num"].replace(",", "")), j + 1, 1
    if end < len(toks) and toks[end].low in _MULT:
        scale, end = _MULT[toks[end].low], end + 1
    if not va < vb or 1900 <= va <= 2099 and 1900 <= vb <= 2099:
        return None  # "2015-16", "1990-2000": periods, not counts
    core = _Core(vb * scale, end, vb, scale)
    return _Cand(j, j, end, va * scale, vb * scale, "range", core)


def _range_tail(text: str, toks: list[Token], core: _Core, between: bool) -> tuple[float, float, int] | None:
    """A second number after ``core`` that makes a range ("10 to 20", "between 10 and 20")."""
    k = core.end
    if k + 1 >= len(toks):
        return None
    sep = toks[k].low
    if sep not in (("and",) if between else ("-", "–", "—", "to", "or")):
        return None
    second = _core_at(text, toks, k + 1)
    if second is None or second.vague:
        return None
    low = core.value
    if core.scale == 1 and second.scale > 1 and core.raw < second.raw:
        low = core.raw * second.scale  # "between 10 and 20 thousand"
    if not low < second.value:
        return None
    return low, second.value, second.end


def _suffix(toks: list[Token], end: int, qualifier: str) -> tuple[str, int]:
    if end < len(toks) and toks[end].text == "+" and toks[end].start == toks[end - 1].end:
        return "at_least", end + 1
    pair = tuple(t.low for t in toks[end:end + 2])
    if pair in (("or", "more"), ("or", "over"), ("or", "above")):
        return "at_least", end + 2
    if pair == ("or", "so"):
        return "approx", end + 2
    return qualifier, end


def _candidate(text: str, toks: list[Token], i: int) -> _Cand | None:
    qual, j = _prefix_at(toks, i)
    if j >= len(toks):
        return None
    if _DASH_RE.search(toks[j].text):
        cand = _compound_range(toks, j)
        return _Cand(i, j, cand.end, cand.low, cand.high, cand.qualifier, cand.core) if cand else None
    core = _core_at(text, toks, j)
    if core is None:
        return None
    tail = _range_tail(text, toks, core, between=qual == "range_and")
    if tail is not None:
        low, high, end = tail
        return _Cand(i, j, end, low, high, "range", core)
    if qual.startswith("range"):  # a lone "between"/"from" is not a qualifier
        qual, i = "", j
    if core.vague and qual in ("", "approx"):
        qual = "vague"
    qual, end = _suffix(toks, core.end, qual or "exact")
    return _Cand(i, j, end, core.value, core.value, qual, core)


# --- what is not a count ---------------------------------------------------------------------------------

def _phone_like(s: str) -> bool:
    groups = re.findall(r"\d+", s)
    digits = sum(len(g) for g in groups)
    if s.startswith(("+", "(")):
        return digits >= 7
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+", s):
        return False  # "3 000 000" is a number with thin spaces
    if len(groups) >= 3:
        return digits >= 7
    a, b = groups[0], groups[1]
    return (len(a), len(b)) == (3, 4) or (a.startswith("0") and digits >= 7)


def _is_month(tok: Token | None) -> bool:
    return tok is not None and tok.text.rstrip(".") in MONTHS


def _count_noun_follows(toks: list[Token], k: int) -> bool:
    for t in toks[k:k + 3]:
        if t.low in COUNT_NOUNS:
            return True
        if t.low in _STOP_WORDS or not t.text[0].isalpha():
            return False
    return False


def _glued(text: str, toks: list[Token], c: _Cand) -> bool:
    """Numbers stuck to "/", ":", "." or "%" are dates, times, scores, versions or shares."""
    num, last = toks[c.num], toks[c.core.end - 1]
    if num.start > 0 and text[num.start - 1] in "/:.#№-":
        return True
    after = text[last.end:last.end + 2]
    return after[:1] in ("%", "°") or (after[:1] in ("/", ":") and after[1:2].isdigit())


def _before_says_not_count(toks: list[Token], c: _Cand) -> bool:
    """Currency, identifier and age words, and month names before the number."""
    k = c.num - 1
    prev = toks[k] if k >= 0 else None
    if prev is None:
        return False
    if prev.text == "." and k >= 1:
        k, prev = k - 1, toks[k - 1]
    prev2 = toks[k - 1].low if k >= 1 else ""
    if prev.low in _CURRENCY_BEFORE or prev.text.endswith("$") or prev.low in _ID_BEFORE:
        return True
    if (prev2, prev.low) == ("age", "of"):
        return True
    if prev.low in ("under", "below") and prev2 in ("children", "kids", "boys", "girls", "minors", "those"):
        return True
    return _is_month(prev) and prev.text[0].isupper() and not _count_noun_follows(toks, c.end)


def _after_says_not_count(text: str, toks: list[Token], c: _Cand) -> bool:
    """Units, currencies, months and clock words after the number."""
    nxt = toks[c.end] if c.end < len(toks) else None
    if nxt is None:
        return False
    if nxt.low in _UNIT_AFTER or (_is_month(nxt) and nxt.text[0].isupper()):
        return True
    if nxt.low == "of" and c.end + 1 < len(toks) and toks[c.end + 1].low in _UNIT_AFTER:
        return True  # "millions of dollars", "dozens of kilometres"
    return bool(_TIME_AFTER_RE.match(text, toks[c.end - 1].end))


def _is_list_marker(text: str, toks: list[Token], c: _Cand) -> bool:
    num = toks[c.num]
    nxt = toks[c.end] if c.end < len(toks) else None
    prev = toks[c.num - 1] if c.num > 0 else None
    if prev is not None and nxt is not None and (prev.text, nxt.text) in (("(", ")"), ("[", "]")):
        return True
    line_start = text.rfind("\n", 0, num.start) + 1
    return (c.first == c.num and not text[line_start:num.start].strip()
            and nxt is not None and nxt.text in (".", ")") and nxt.start == toks[c.end - 1].end)


def _is_year(toks: list[Token], c: _Cand) -> bool:
    if not c.core.plain4:
        return False
    if c.qualifier == "range":
        return 1900 <= c.low <= 2099 and 1900 <= c.high <= 2099
    return 1900 <= c.core.value <= 2099 and not _count_noun_follows(toks, c.end)


def _one_is_count(toks: list[Token], c: _Cand) -> bool:
    """"one" counts only before a person or facility noun, or with a qualifier ("at least one")."""
    prev = toks[c.num - 1].low if c.num > 0 else ""
    nxt = toks[c.end].low if c.end < len(toks) else ""
    if prev in _NOT_ONE_BEFORE or nxt in _NOT_ONE_AFTER:
        return False
    if c.first != c.num or c.qualifier == "range" or nxt in _ONE_VERBS:
        return True
    return _noun_within(toks, c.end, ONE_NOUNS)


def _noun_within(toks: list[Token], k: int, nouns: frozenset[str]) -> bool:
    for t in toks[k:k + 3]:
        if t.low in nouns:
            return True
        if t.low in _STOP_WORDS or not (t.text[0].isalpha() or _DASH_RE.search(t.text)):
            return False
    return False


def _excluded(text: str, toks: list[Token], c: _Cand, phones: list[tuple[int, int]]) -> bool:
    start = toks[c.num].start
    if any(a <= start < b for a, b in phones):
        return True
    if c.core.word == "one" and not _one_is_count(toks, c):
        return True
    return (_glued(text, toks, c) or _before_says_not_count(toks, c) or _after_says_not_count(text, toks, c)
            or _is_list_marker(text, toks, c) or _is_year(toks, c))


def _article_at(toks: list[Token], i: int) -> int | None:
    """"a man", "a maternity hospital", "a 7-year-old boy": the token index of the noun, if any."""
    if toks[i].low not in ("a", "an"):
        return None
    for k in range(i + 1, min(i + 4, len(toks))):
        t = toks[k]
        if t.low in ONE_NOUNS:
            after = toks[k + 1].low if k + 1 < len(toks) else ""
            return None if after in _NOUN_HEADS_AFTER else k
        if t.low in _STOP_WORDS or not (t.text[0].isalpha() or _DASH_RE.search(t.text)):
            return None
    return None


_PARTITIVE_DETS = frozenset({"the", "these", "those", "its", "their", "his", "her", "our"})
_WHOLE_IS_COUNT = frozenset({"killed", "dead", "wounded", "injured", "victims", "casualties", "fatalities"})


def _partitive(text: str, toks: list[Token], c: _Cand) -> _Cand | None:
    """"one of the three doctors": the part counts, over the whole's noun. Not "two of the 10 killed",
    where the whole is the count and the part a subset of it."""
    k = c.end
    if c.qualifier == "range" or k + 2 >= len(toks) or toks[k].low != "of" or toks[k + 1].low not in _PARTITIVE_DETS:
        return None
    whole = _candidate(text, toks, k + 2)
    if whole is None or whole.qualifier == "range":
        return None
    if any(t.low in _WHOLE_IS_COUNT for t in toks[whole.end:whole.end + 3]):
        return None
    return _Cand(c.first, c.num, whole.end, c.low, c.high, c.qualifier, c.core)


def _quantity(text: str, toks: list[Token], c: _Cand, offset: int) -> Quantity:
    start, end = toks[c.first].start, toks[c.end - 1].end
    low, high = int(c.low), int(c.high)
    if c.qualifier == "range":
        return Quantity(start + offset, end + offset, text[start:end], (low + high) // 2, low, high, "range")
    bounds = {"at_least": (low, None), "at_most": (None, high)}.get(c.qualifier, (low, high))
    return Quantity(start + offset, end + offset, text[start:end], low, bounds[0], bounds[1], c.qualifier)


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every count in ``text``, in text order; offsets are shifted by ``offset``.

    Qualifiers follow ``taxonomy.md``: exact, approx ("some", "about"), at_least ("more than", "40+"),
    at_most ("up to", "as many as"), range ("between 10 and 20", "10-20") and vague ("dozens" 12,
    "thousands" 1000). "a"/"an"/"one" before a person or facility noun count as one.
    """
    toks = tokenize(text)
    phones = [m.span() for m in _PHONE_RE.finditer(text) if _phone_like(m.group())]
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        c = _candidate(text, toks, i)
        part = _partitive(text, toks, c) if c is not None else None
        if part is not None:
            out.append(_quantity(text, toks, part, offset))
            i = part.end
            continue
        if c is not None:
            if not _excluded(text, toks, c, phones):
                out.append(_quantity(text, toks, c, offset))
                i = c.end
            else:
                i = max(i + 1, c.num + 1) if c.first != c.num else c.end
            continue
        if _article_at(toks, i) is not None:
            one = _Core(1.0, i + 1, 1.0)
            out.append(_quantity(text, toks, _Cand(i, i, i + 1, 1.0, 1.0, "exact", one), offset))
        i += 1
    return out
