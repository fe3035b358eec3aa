"""One date resolver for all of harmwatch.

``find_dates`` finds date expressions ("on Thursday", "4 days ago", "earlier this month",
"24 July", "December 13, 2016", "in the 1990s", "over the last 10 days") and resolves each to
a ``When`` range against the publication date. Without a publication date, relative
expressions stay unresolved (precision ``unknown``); absolute ones still resolve. The system
clock is never used. Pure regular expressions, compiled once; no spaCy.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from harmwatch.model import When

from .numbers import COUNT_NOUNS, MONTHS, parse_number


@dataclass(frozen=True)
class DateMention:
    """A date expression in a text: offsets (plus the caller's offset) and its resolved range."""

    start: int
    end: int
    text: str
    when: When


# --- calendar helpers ------------------------------------------------------------------------------------

WEEKDAYS = {d: i for i, d in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                        "Sunday"))}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _latest_day(month: int, day: int, pub: date) -> date | None:
    """The latest ``day month`` on or before ``pub`` (Feb 29 looks back to a leap year)."""
    for year in range(pub.year, pub.year - 9, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= pub:
            return d
    return None


def _latest_weekday(weekday: int, pub: date, strict: bool = False) -> date:
    back = (pub.weekday() - weekday) % 7
    return pub - timedelta(days=back or (7 if strict else 0))


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _shift(pub: date, n: int, unit: str) -> date:
    if unit == "day":
        return pub - timedelta(days=n)
    if unit == "week":
        return pub - timedelta(weeks=n)
    if unit == "month":
        return _add_months(pub, -n)
    return _add_months(pub, -12 * n)


_PRECISION = {"day": "day", "week": "week", "month": "month", "year": "year"}
_FUZZY = {"a few": 3, "few": 3, "several": 4, "a couple of": 2, "couple of": 2}
_COARSER = {"day": "week", "week": "month", "month": "month", "year": "year"}

# --- patterns --------------------------------------------------------------------------------------------

_MON = (r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?")
_WD = r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_WD_PRE = rf"(?:{_WD}|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?),?\s+"
_DAY = r"(?<![\d,.])(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?<![\d,.])(?:1[89]\d\d|20\d\d)\b"
_NUMW = (r"\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
         r"|forty|fifty|sixty|a\s+few|few|several|a\s+couple\s+of|couple\s+of")
_UNIT = r"(?P<unit>day|week|month|year)s?\b"
# "after 15 November" runs to publication; "the day after", "shortly after 15 November" do not.
_NOT_A_PERIOD = "".join(rf"(?<!\b{w}\s)" for w in ("day", "days", "weeks", "hours", "minutes", "morning", "night",
                                                      "evening", "shortly", "soon", "just", "immediately", "right"))
_SINCE = rf"(?P<since>(?i:since|{_NOT_A_PERIOD}after)\s+)?"

_I = re.IGNORECASE
_RULES_SRC: tuple[tuple[str, str, int], ...] = (
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b", 0),
    # "19/09/2016", "19.09.2016": day first, as monitors write it, unless only month first makes a date
    ("numeric", r"(?<![\d/.])(?P<a>[0-3]?\d)(?P<sep>[/.])(?P<b>[0-3]?\d)(?P=sep)(?P<y>(?:19|20)\d\d)(?![\d/]|\.\d)", 0),
    ("month_day_year", rf"{_SINCE}(?:{_WD_PRE})?(?P<mon>{_MON})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})", 0),
    ("day_month_year", rf"{_SINCE}(?:{_WD_PRE})?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON}),?\s+"
                       rf"(?P<y>{_YEAR})", 0),
    ("day_range_month", rf"(?P<d>{_DAY})\s*[-–]\s*(?P<d2>{_DAY})\s+(?P<mon>{_MON})"
                        rf"(?:,?\s+(?P<y>{_YEAR}))?", 0),
    # "between 15 and 20 November", "from 3 to 9 December 2016"
    ("day_range_words", rf"(?i:between|from)\s+(?P<d>{_DAY})\s+(?i:and|to|until|till|through)\s+(?P<d2>{_DAY})"
                        rf"\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_YEAR}))?", 0),
    ("month_day_range", rf"(?P<mon>{_MON})\s+(?P<d>{_DAY})\s*[-–]\s*(?P<d2>{_DAY})"
                        rf"(?:,?\s+(?P<y>{_YEAR}))?", 0),
    ("day_month", rf"{_SINCE}(?:(?i:on)\s+)?(?:{_WD_PRE})?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?"
                  rf"\s+(?P<mon>{_MON})", 0),
    ("month_day", rf"{_SINCE}(?:(?i:on)\s+)?(?:{_WD_PRE})?(?P<mon>{_MON})\s+(?P<d>{_DAY})"
                  rf"(?!\s*[-–:,]?\s*\d)", 0),
    ("month_year", rf"{_SINCE}(?:(?i:in|during|by|until|from|of|early|late|mid)[\s-]+)?(?P<mon>{_MON}),?\s+"
                   rf"(?:of\s+)?(?P<y>{_YEAR})", 0),
    ("month", rf"(?P<prep>(?i:in|during|since|until|till|by|from|throughout|through|early|late|mid|last|this"
              rf"|before|after|(?:the\s+)?(?:end|beginning|start|middle)\s+of))[\s-]+(?P<mon>{_MON})"
              rf"(?!\s*\d)(?:\s+(?P<rel>last|this)\s+year)?(?:\s+alone)?", 0),
    ("year_range", rf"(?i:between|from)\s+(?P<y>{_YEAR})\s+(?i:and|to|until)\s+(?P<y2>{_YEAR})"
                   rf"|(?P<y3>{_YEAR})\s*[-–]\s*(?P<y4>{_YEAR})", 0),
    ("year", rf"(?P<prep>(?i:in|during|since|until|till|by|throughout|early|late|mid|before|after|of"
             rf"|(?:the\s+)?(?:end|beginning|start|middle|summer|spring|autumn|fall|winter)\s+of))"
             rf"[\s-]+(?P<y>{_YEAR})(?![-–/]\d)(?!\s+(?:{'|'.join(sorted(COUNT_NOUNS))})\b)", 0),
    # "the 2013 sarin attack": a year that names an event
    ("year_attr", rf"(?i:the)\s+(?P<y>{_YEAR})\s+(?=(?:[a-z-]+\s+){{0,2}}(?:attacks?|massacres?|offensive|siege"
                  rf"|bombings?|war|uprising|revolution|assault|battle|strikes?|raids?|ceasefire|truce|agreement"
                  rf"|deal|protests?|elections?|earthquake|floods?|coup)\b)", 0),
    ("decade", r"(?:(?P<part>early|mid|late)[\s-]+)?(?:(?:in\s+)?the\s+)?(?:(?P<dec>(?:1[89]|20)\d0)['’]?s"
               r"|['’](?P<d2>\d0)s)\b", _I),
    ("weekday", rf"(?P<rel>(?i:last|this|next|on|since|early|late)\s+)?(?P<wd>{_WD})"
                rf"(?:\s+(?i:night|morning|afternoon|evening))?", 0),
    ("relative_day", r"\b(?P<w>the\s+day\s+before\s+yesterday|yesterday|today|tonight|tomorrow|last\s+night"
                     r"|overnight|earlier\s+today|this\s+(?:morning|afternoon|evening))\b", _I),
    ("ago", rf"\b(?P<n>{_NUMW})\s+{_UNIT}\s+ago\b|\b(?P<bare>days|weeks|months|years)\s+ago\b", _I),
    ("rolling", rf"\b(?:over|in|during|for|within|throughout)\s+the\s+(?:last|past|previous)\s+"
                rf"(?:(?P<n>{_NUMW})\s+)?(?P<unit>hour|day|week|month|year)s?\b", _I),
    ("recent", r"\bin\s+recent\s+(?P<unit>day|week|month)s\b", _I),
    ("this_period", r"\b(?:(?:since|from)\s+the\s+(?:start|beginning)\s+of\s+(?:the|this)\s+"
                    r"(?P<since_unit>week|month|year)"
                    r"|(?:earlier\s+|so\s+far\s+|later\s+)?this\s+(?P<unit>week|month|year))\b", _I),
    ("last_period", r"\b(?:last|the\s+previous)\s+(?P<unit>week|month|year)\b", _I),
    ("weekend", r"\b(?:(?:over|at|during)\s+the|last|this|past)\s+weekend\b", _I),
    ("day_of_month", rf"\bon\s+the\s+(?P<d>{_DAY})(?!\s+(?:of\s+)?{_MON})", _I),
)
_RULES = tuple((name, re.compile(src, flags)) for name, src, flags in _RULES_SRC)
# A part some rules cannot match without (same pattern, same flags): one search for it spares their scans
# of the many sentences that name no month, year or weekday (issue 9).
_MONTH_RULES = ("month_day_year", "day_month_year", "day_range_month", "day_range_words", "month_day_range",
                "day_month", "month_day", "month_year", "month")
_MONTH_PART, _YEAR_PART, _WEEKDAY_PART = ((src, re.compile(src)) for src in (_MON, _YEAR, _WD))
_NEEDS: dict[str, tuple[str, re.Pattern[str]]] = {
    **dict.fromkeys(_MONTH_RULES, _MONTH_PART), "year_range": _YEAR_PART, "year": _YEAR_PART, "year_attr": _YEAR_PART,
    "weekday": _WEEKDAY_PART,
}

# --- resolvers -------------------------------------------------------------------------------------------

_Range = tuple[date | None, date | None, str]
_UNKNOWN: _Range = (None, None, "unknown")
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11)}


def _int(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _month(s: str) -> int:
    return MONTHS[s.rstrip(".")]


def _count(s: str) -> tuple[int, bool] | None:
    """(N, fuzzy) for "4", "four", "a", "a few", "several"."""
    key = re.sub(r"\s+", " ", s.lower())
    if key in _FUZZY:
        return _FUZZY[key], True
    if key in ("a", "an"):
        return 1, False
    n = parse_number(key)
    return (n, False) if n is not None else None


def _r_full(g: dict[str, str], pub: date | None) -> _Range | None:
    month = int(g["m"]) if g.get("m") else _month(g["mon"])
    try:
        d = date(_int(g["y"]), month, _int(g["d"]))
    except ValueError:
        return None
    return d, d, "day"


def _r_numeric(g: dict[str, str], pub: date | None) -> _Range | None:
    a, b = int(g["a"]), int(g["b"])
    day, month = (b, a) if b > 12 >= a else (a, b)
    try:
        d = date(int(g["y"]), month, day)
    except ValueError:
        return None
    return d, d, "day"


def _r_day_month(g: dict[str, str], pub: date | None) -> _Range | None:
    month, day = _month(g["mon"]), _int(g["d"])
    if day > calendar.monthrange(2016, month)[1]:
        return None  # no such day in any year (2016 is a leap year)
    if pub is None:
        return _UNKNOWN
    d = _latest_day(month, day, pub)
    return (d, d, "day") if d else _UNKNOWN


def _r_day_range(g: dict[str, str], pub: date | None) -> _Range | None:
    month, d1, d2 = _month(g["mon"]), _int(g["d"]), _int(g["d2"])
    if not d1 < d2:
        return None
    if g.get("y"):
        year = _int(g["y"])
    elif pub is None:
        return _UNKNOWN
    else:
        last = _latest_day(month, d2, pub)
        if last is None:
            return _UNKNOWN
        year = last.year
    try:
        return date(year, month, d1), date(year, month, d2), "day"
    except ValueError:
        return None


def _r_month_year(g: dict[str, str], pub: date | None) -> _Range | None:
    year, month = _int(g["y"]), _month(g["mon"])
    return date(year, month, 1), _month_end(year, month), "month"


def _r_month(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    month, prep, rel = _month(g["mon"]), g["prep"].lower(), g.get("rel")
    year = pub.year if month <= pub.month else pub.year - 1
    if prep == "last" and month == pub.month:
        year -= 1
    if rel:
        year = pub.year - 1 if rel == "last" else pub.year
    start, end = date(year, month, 1), _month_end(year, month)
    return start, (pub if start <= pub < end and not rel else end), "month"


def _r_year(g: dict[str, str], pub: date | None) -> _Range | None:
    year, prep = _int(g["y"]), (g.get("prep") or "").lower()  # "the 2013 attack" has none
    season = next((s for s in (*_SEASONS, "winter") if s in prep), "")
    if season == "winter":
        return date(year, 12, 1), _month_end(year + 1, 2), "month"
    if season:
        first, last = _SEASONS[season]
        return date(year, first, 1), _month_end(year, last), "month"
    return date(year, 1, 1), date(year, 12, 31), "year"


def _r_year_range(g: dict[str, str], pub: date | None) -> _Range | None:
    y1, y2 = _int(g.get("y") or g["y3"]), _int(g.get("y2") or g["y4"])
    return (date(y1, 1, 1), date(y2, 12, 31), "year") if y1 < y2 else None


def _r_decade(g: dict[str, str], pub: date | None) -> _Range | None:
    if g.get("dec"):
        first = _int(g["dec"])
    else:
        short = _int(g["d2"])
        first = 1900 + short if short >= 30 else 2000 + short
    lo, hi = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get((g.get("part") or "").lower(), (0, 9))
    return date(first + lo, 1, 1), date(first + hi, 12, 31), "year"


def _r_weekday(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    wd, rel = WEEKDAYS[g["wd"]], (g.get("rel") or "").strip().lower()
    if rel == "next":
        d = pub + timedelta(days=(wd - pub.weekday()) % 7 or 7)
    else:
        d = _latest_weekday(wd, pub, strict=rel == "last")
    return d, d, "day"


def _r_relative_day(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    w = re.sub(r"\s+", " ", g["w"].lower())
    if w in ("last night", "overnight"):
        return pub - timedelta(days=1), pub, "day"
    back = {"yesterday": 1, "the day before yesterday": 2, "tomorrow": -1}.get(w, 0)
    d = pub - timedelta(days=back)
    return d, d, "day"


def _r_ago(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    if g.get("bare"):
        n, fuzzy, unit = 3, True, g["bare"].lower()[:-1]
    else:
        parsed = _count(g["n"])
        if parsed is None:
            return None
        (n, fuzzy), unit = parsed, g["unit"].lower()
    if fuzzy:
        return _shift(pub, 2 * n, unit), _shift(pub, 2, unit), _COARSER[unit]
    d = _shift(pub, n, unit)
    if unit == "day":
        return d, d, "day"
    if unit == "week":
        return (*_week_of(d), "week")
    if unit == "month":
        return d.replace(day=1), _month_end(d.year, d.month), "month"
    return date(d.year, 1, 1), date(d.year, 12, 31), "year"


def _r_rolling(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    parsed = _count(g["n"]) if g.get("n") else (1, False)
    if parsed is None:
        return None
    n, unit = parsed[0], g["unit"].lower()
    if unit == "hour":
        return pub - timedelta(days=-(-n // 24)), pub, "day"
    return _shift(pub, n, unit), pub, _PRECISION[unit]


def _r_recent(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    unit = g["unit"].lower()
    return _shift(pub, {"day": 7, "week": 4, "month": 3}[unit], unit), pub, _COARSER[unit]


def _r_this_period(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    unit = (g.get("unit") or g["since_unit"]).lower()  # "this month", "since the start of the month"
    start = {"week": _week_of(pub)[0], "month": pub.replace(day=1), "year": date(pub.year, 1, 1)}[unit]
    return start, pub, unit


def _r_last_period(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    unit = g["unit"].lower()
    if unit == "week":
        return (*_week_of(pub - timedelta(days=7)), "week")
    if unit == "month":
        prev = _add_months(pub.replace(day=1), -1)
        return prev, _month_end(prev.year, prev.month), "month"
    return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31), "year"


def _r_weekend(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    if pub.weekday() == 6:
        return pub - timedelta(days=1), pub, "day"
    saturday = _latest_weekday(5, pub)
    return saturday, min(saturday + timedelta(days=1), pub), "day"


def _r_day_of_month(g: dict[str, str], pub: date | None) -> _Range | None:
    if pub is None:
        return _UNKNOWN
    day = _int(g["d"])
    for back in range(0, 13):
        first = _add_months(pub.replace(day=1), -back)
        if day <= calendar.monthrange(first.year, first.month)[1] and first.replace(day=day) <= pub:
            d = first.replace(day=day)
            return d, d, "day"
    return _UNKNOWN


_RESOLVERS: dict[str, Callable[[dict[str, str], date | None], _Range | None]] = {
    "iso": _r_full, "numeric": _r_numeric, "month_day_year": _r_full, "day_month_year": _r_full,
    "day_range_month": _r_day_range, "day_range_words": _r_day_range,
    "month_day_range": _r_day_range, "day_month": _r_day_month, "month_day": _r_day_month,
    "month_year": _r_month_year, "month": _r_month, "year_range": _r_year_range, "year": _r_year,
    "year_attr": _r_year,
    "decade": _r_decade, "weekday": _r_weekday, "relative_day": _r_relative_day, "ago": _r_ago,
    "rolling": _r_rolling, "recent": _r_recent, "this_period": _r_this_period,
    "last_period": _r_last_period, "weekend": _r_weekend, "day_of_month": _r_day_of_month,
}


def _since(g: dict[str, str]) -> str | None:
    """"since" or "after" when the date opens a period that runs to publication ("after 15 November")."""
    if g.get("since"):
        return g["since"].strip().lower()
    words = " ".join(filter(None, (g.get("prep"), g.get("rel")))).lower()
    return "since" if words.strip() == "since" else None  # "after November": the month after, not handled


def _resolve(name: str, m: re.Match[str], pub: date | None) -> When | None:
    g = {k: v for k, v in m.groupdict().items() if v is not None}
    res = _RESOLVERS[name](g, pub)
    if res is None:
        return None
    start, end, precision = res
    since = _since(g)
    if since:
        if start is not None:
            if since == "after" and precision == "day":
                start += timedelta(days=1)
            end = pub if pub is None else max(pub, start)
        return When(start, end, precision, m.group(), f"{since}_{name}")
    return When(start, end, precision, m.group(), name)


def _rules_for(text: str) -> list[tuple[str, re.Pattern[str]]]:
    """The rules that can match in ``text``: those whose needed part it holds, and those that need none."""
    present: dict[str, bool] = {}
    out = []
    for name, rx in _RULES:
        need = _NEEDS.get(name)
        if need is not None and need[0] not in present:
            present[need[0]] = need[1].search(text) is not None
        if need is None or present[need[0]]:
            out.append((name, rx))
    return out


def find_dates(text: str, published: date | None, offset: int = 0) -> list[DateMention]:
    """Every date expression in ``text``, in text order, resolved against ``published``.

    Overlapping matches keep the longest ("Tuesday, December 13, 2016" over "Tuesday"). Relative
    expressions give precision ``unknown`` when ``published`` is None; ``When.rule`` names the pattern.
    """
    pub = published.date() if isinstance(published, datetime) else published
    found = [(m.start(), m.end(), name, m) for name, rx in _rules_for(text) for m in rx.finditer(text)]
    found.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    for start, end, name, m in found:
        if any(start < b and a < end for a, b in taken):
            continue
        when = _resolve(name, m, pub)
        if when is None:
            continue
        taken.append((start, end))
        out.append(DateMention(start, end, m.group(), when))
    joined = _join_spans(text, sorted(out, key=lambda d: d.start))
    return [DateMention(d.start + offset, d.end + offset, d.text, d.when) for d in joined]


_SPAN_OPEN = re.compile(r"\b(?:from|between)\s+$", re.IGNORECASE)
_SPAN_JOIN = re.compile(r"\s*(?:to|until|till|through|and|[-–])\s*", re.IGNORECASE)


def _join_spans(text: str, dates: list[DateMention]) -> list[DateMention]:
    """"from 15 November to 2 December": one range from the first day to the last, not two days."""
    out: list[DateMention] = []
    for d in dates:
        prev = out[-1] if out else None
        opened = _SPAN_OPEN.search(text, max(0, prev.start - 12), prev.start) if prev is not None else None
        if (prev is not None and opened is not None and _SPAN_JOIN.fullmatch(text, prev.end, d.start)
                and prev.when.precision == d.when.precision == "day" and prev.when.start and d.when.end
                and prev.when.start <= d.when.end and not prev.when.rule.startswith(("since_", "after_"))):
            begin = opened.start()
            when = When(prev.when.start, d.when.end, "day", text[begin:d.end], "span")
            out[-1] = DateMention(begin, d.end, text[begin:d.end], when)
            continue
        out.append(d)
    return out


_FULL_DATE_RULES = frozenset({"iso", "numeric", "day_month_year", "month_day_year"})
_DATE_LABEL = re.compile(r"^\W*(?:published|posted|updated|date|dated|issued)\b", re.IGNORECASE)
_DATE_LINE_WORDS = 6  # "Daily report, 13 December 2016": a few words besides the date


def date_line(text: str, lines: int = 5) -> date | None:
    """The date a report carries in its first lines ("Daily report, 13 December 2016", "Published: 2016-12-14"),
    for a document that came without a publication date; None when no short line near the top gives one."""
    seen = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > lines:
            break
        if len(line) > 80:
            continue
        for d in find_dates(line, None):
            rest = line[:d.start] + line[d.end:]
            if (d.when.rule in _FULL_DATE_RULES and d.when.start is not None
                    and (_DATE_LABEL.match(line) or len(re.findall(r"[A-Za-z]+", rest)) <= _DATE_LINE_WORDS)):
                return d.when.start
    return None
