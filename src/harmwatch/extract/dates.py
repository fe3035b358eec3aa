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

from .numbers import MONTHS, parse_number


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
_COARSER = {"day": "week", "week": "month", "month": "year", "year": "year"}

# --- patterns --------------------------------------------------------------------------------------------

_MON = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
        r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?")
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_WD_PRE = rf"(?:{_WD}|(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?),?\s+"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?:1[89]\d\d|20\d\d)\b"
_NUMW = (r"\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
         r"|forty|fifty|sixty|a\s+few|few|several|a\s+couple\s+of|couple\s+of")
_UNIT = r"(?P<unit>day|week|month|year)s?\b"
_SINCE = r"(?P<since>(?i:since)\s+)?"

_I = re.IGNORECASE
_RULES_SRC: tuple[tuple[str, str, int], ...] = (
    ("iso", r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b", 0),
    ("month_day_year", rf"{_SINCE}(?:{_WD_PRE})?(?P<mon>{_MON})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})", 0),
    ("day_month_year", rf"{_SINCE}(?:{_WD_PRE})?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON}),?\s+"
                       rf"(?P<y>{_YEAR})", 0),
    ("day_range_month", rf"(?P<d>{_DAY})\s*[-–]\s*(?P<d2>{_DAY})\s+(?P<mon>{_MON})(?:,?\s+(?P<y>{_YEAR}))?", 0),
    ("month_day_range", rf"(?P<mon>{_MON})\s+(?P<d>{_DAY})\s*[-–]\s*(?P<d2>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?", 0),
    ("day_month", rf"{_SINCE}(?:(?i:on)\s+)?(?:{_WD_PRE})?(?:the\s+)?(?P<d>{_DAY})(?:\s+of)?\s+(?P<mon>{_MON})", 0),
    ("month_day", rf"{_SINCE}(?:(?i:on)\s+)?(?:{_WD_PRE})?(?P<mon>{_MON})\s+(?P<d>{_DAY})(?!\s*[-–:,]?\s*\d)", 0),
    ("month_year", rf"{_SINCE}(?:(?i:in|during|by|until|from|of|early|late|mid)[\s-]+)?(?P<mon>{_MON}),?\s+"
                   rf"(?:of\s+)?(?P<y>{_YEAR})", 0),
    ("month", rf"(?P<prep>(?i:in|during|since|until|till|by|from|throughout|through|early|late|mid|last|this"
              rf"|before|after|(?:the\s+)?(?:end|beginning|start|middle)\s+of))[\s-]+(?P<mon>{_MON})"
              rf"(?!\s*\d)(?:\s+(?P<rel>last|this)\s+year)?(?:\s+alone)?", 0),
    ("year_range", rf"(?i:between|from)\s+(?P<y>{_YEAR})\s+(?i:and|to|until)\s+(?P<y2>{_YEAR})"
                   rf"|(?P<y3>{_YEAR})\s*[-–]\s*(?P<y4>{_YEAR})", 0),
    ("year", rf"(?P<prep>(?i:in|during|since|until|till|by|throughout|early|late|mid|before|after|of"
             rf"|(?:the\s+)?(?:end|beginning|start|middle|summer|spring|autumn|fall|winter)\s+of))"
             rf"[\s-]+(?P<y>{_YEAR})(?![-–/]\d)", 0),
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
    ("this_period", r"\b(?:earlier\s+|so\s+far\s+|later\s+)?this\s+(?P<unit>week|month|year)\b", _I),
    ("last_period", r"\b(?:last|the\s+previous)\s+(?P<unit>week|month|year)\b", _I),
    ("weekend", r"\b(?:(?:over|at|during)\s+the|last|this|past)\s+weekend\b", _I),
    ("day_of_month", rf"\bon\s+the\s+(?P<d>{_DAY})(?!\s+(?:of\s+)?{_MON})", _I),
)
_RULES = tuple((name, re.compile(src, flags)) for name, src, flags in _RULES_SRC)
